import { inspect } from 'node:util';
import createDebug from 'debug';
import { ConnectError, ErrorCode, ImpalaError } from '../errors';
import type { HttpAuthContext, HttpAuthenticator } from './http-auth';
import { principalHint, resolveKerberosTarget, type KerberosTarget, type KerberosTargetOptions } from './kerberos-principal';
import { initializeGssClient, type GssClient } from './load-kerberos';

const debug = createDebug('impala-ha:connection');

/**
 * How many `401 + WWW-Authenticate: Negotiate <token>` continuations one request
 * follows. Kerberos under SPNEGO needs none (the first token carries the AP-REQ and
 * the server's answer comes with the 200); a few leave room for servers that
 * negotiate the mechanism first.
 */
export const NEGOTIATE_MAX_CONTINUATIONS = 3;

/** Starts a SPNEGO initiator for `impala@host`. Tests replace it; the default loads the `kerberos` package. */
export type GssInitiatorFactory = (serviceAtHost: string) => Promise<GssClient>;

/** One request's SPNEGO context, from its first token to the server's final one. */
interface Exchange {
  readonly client: GssClient;
  readonly target: KerberosTarget;
  /** Continuation tokens answered so far. */
  steps: number;
  /** The round the last header was made for, and that header (a resend of the same round reuses it). */
  round: number;
  header: string;
}

/**
 * `Authorization: Negotiate <token>`: Kerberos over HS2-HTTP (SPNEGO, RFC 4559), as
 * impala-shell and impyla do it against an impalad started with `--principal`.
 *
 * - The target is the same host-based service as over the binary port, `impala@<host>`
 *   (not `HTTP@<host>`): service, fixed `krbHost` or each coordinator's own name, and
 *   canonicalization exactly as for SASL GSSAPI.
 * - A request without an auth cookie gets a fresh SPNEGO context and its first token
 *   (the AP-REQ from the ticket cache); a `401` with `Negotiate <token>` is answered
 *   with the context's next token, up to {@link NEGOTIATE_MAX_CONTINUATIONS} times.
 * - The server's final token (with the `200`) is checked when present: it proves the
 *   coordinator holds the principal's key (mutual authentication).
 * - While an `impala.auth` cookie is held, Negotiate is not sent at all (a ticket
 *   validation per request would cost the server a replay-cache write); a `401` to a
 *   cookie-only request (expired cookie, restarted coordinator) authenticates once
 *   with a ticket.
 * - A refused ticket fails at once with AUTH_FAILED naming the principal tried.
 *
 * Tokens never appear in errors, debug output or `util.inspect`.
 */
export class NegotiateAuthenticator implements HttpAuthenticator {
  readonly scheme = 'Negotiate';
  /** One resend after an expired cookie, plus the continuations. */
  readonly maxRounds = 1 + NEGOTIATE_MAX_CONTINUATIONS;
  readonly #target: KerberosTargetOptions;
  readonly #initiate: GssInitiatorFactory;
  readonly #exchanges = new WeakMap<object, Exchange>();

  /**
   * @param target Service, host and canonicalization of the server principal (as `auth` GSSAPI).
   * @param initiate Starts the initiator. Default: the `kerberos` package with the SPNEGO mechanism.
   */
  constructor(target: KerberosTargetOptions = {}, initiate: GssInitiatorFactory = (service) => initializeGssClient(service, 'spnego')) {
    this.#target = { ...target };
    this.#initiate = initiate;
  }

  async authorization(ctx: HttpAuthContext): Promise<string | undefined> {
    const exchange = this.#exchanges.get(ctx.request);
    if (ctx.round === 0) {
      // The cookie proves who we are; a 401 to it brings us back here with round 1.
      if (ctx.hasAuthCookie) {
        this.#exchanges.delete(ctx.request);
        return undefined;
      }
      return this.#start(ctx);
    }
    // Only the cookie went out and it was refused: authenticate once with a ticket.
    if (exchange === undefined) return this.#start(ctx);
    // The same round again (a proxy's 503 before the server saw it): same token.
    if (exchange.round === ctx.round) return exchange.header;
    const token = negotiateToken(ctx.challenges);
    if (token === undefined) {
      this.#exchanges.delete(ctx.request);
      throw failed(exchange.target, ctx.address, 'the server refused the Kerberos ticket (HTTP 401 without a Negotiate token): it does not hold this principal\'s key, or does not use Kerberos');
    }
    if (exchange.client.contextComplete || exchange.steps >= NEGOTIATE_MAX_CONTINUATIONS) {
      this.#exchanges.delete(ctx.request);
      const why = exchange.client.contextComplete ? 'the server asked for more after our side had completed' : `no agreement after ${NEGOTIATE_MAX_CONTINUATIONS} continuation rounds`;
      throw failed(exchange.target, ctx.address, why);
    }
    const next = await gss(exchange.target, ctx.address, "answer the server's SPNEGO token", () => exchange.client.step(token));
    if (next === null || next === '') throw failed(exchange.target, ctx.address, 'the server asked for another round but the Kerberos library had nothing to send');
    exchange.steps++;
    exchange.round = ctx.round;
    exchange.header = `Negotiate ${next}`;
    debug('%s: SPNEGO continuation %d to %s', ctx.address, exchange.steps, exchange.target.principal);
    return exchange.header;
  }

  async accepted(ctx: HttpAuthContext, challenges: readonly string[]): Promise<void> {
    const exchange = this.#exchanges.get(ctx.request);
    if (exchange === undefined) return;
    this.#exchanges.delete(ctx.request);
    const token = negotiateToken(challenges);
    if (token === undefined) {
      // Impala always proves itself; a proxy that drops the header leaves us unverified, as other clients accept.
      if (!exchange.client.contextComplete) debug('%s: accepted without a final SPNEGO token; %s not verified', ctx.address, exchange.target.principal);
      return;
    }
    if (exchange.client.contextComplete) throw failed(exchange.target, ctx.address, 'the server sent a token after the context was complete');
    await gss(exchange.target, ctx.address, "verify the server's final SPNEGO token (mutual authentication)", () => exchange.client.step(token));
    if (!exchange.client.contextComplete) throw failed(exchange.target, ctx.address, "the server's final SPNEGO token did not complete mutual authentication");
    debug('%s: authenticated with Kerberos (SPNEGO) to %s', ctx.address, exchange.target.principal);
  }

  async #start(ctx: HttpAuthContext): Promise<string> {
    const target = await resolveKerberosTarget(this.#target, ctx.host);
    const client = await gss(target, ctx.address, 'start a Kerberos (SPNEGO) context', () => this.#initiate(target.serviceAtHost));
    const first = await gss(target, ctx.address, 'get a service ticket', () => client.step(''));
    if (first === null || first === '') throw failed(target, ctx.address, 'the Kerberos library produced no initial token');
    const header = `Negotiate ${first}`;
    this.#exchanges.set(ctx.request, { client, target, steps: 0, round: ctx.round, header });
    debug('%s: %s with a Kerberos ticket for %s', ctx.address, ctx.round === 0 ? 'authenticating' : 're-authenticating (the auth cookie was refused)', target.principal);
    return header;
  }

  [inspect.custom](): string {
    const t = this.#target;
    return `NegotiateAuthenticator { service: '${t.serviceName ?? 'impala'}', host: '${t.host ?? '_HOST'}' }`;
  }

  toJSON(): { scheme: string } {
    return { scheme: this.scheme };
  }
}

/**
 * The token of the first `Negotiate <token>` challenge (also `Negotiate: <token>`, as
 * beeline writes it); undefined when there is none or it is bare `Negotiate`.
 *
 * @internal
 */
export function negotiateToken(challenges: readonly string[]): string | undefined {
  for (const c of challenges) {
    const m = /^\s*Negotiate:?\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(c);
    if (m) return m[1];
  }
  return undefined;
}

async function gss<T>(target: KerberosTarget, coordinator: string, doing: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof ImpalaError) throw err;
    throw failed(target, coordinator, `could not ${doing}: ${(err as Error).message}`, err);
  }
}

function failed(target: KerberosTarget, coordinator: string, why: string, cause?: unknown): ConnectError {
  return new ConnectError(ErrorCode.AUTH_FAILED, `Kerberos (SPNEGO) authentication to ${coordinator} as service principal ${target.principal} failed: ${why}. ${principalHint(target)}`, {
    coordinator,
    cause,
  });
}
