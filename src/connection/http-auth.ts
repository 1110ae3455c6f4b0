import { inspect } from 'node:util';

/** What an {@link HttpAuthenticator} is told about the request it authorizes. */
export interface HttpAuthContext {
  /** Host the channel connects to (a SPNEGO target is built from it). */
  readonly host: string;
  /** Port the channel connects to. */
  readonly port: number;
  /** `host:port` (or the configured label). */
  readonly address: string;
  /** The channel uses TLS. */
  readonly tls: boolean;
  /** The Thrift method of the request. */
  readonly method: string;
  /** An auth cookie from this coordinator goes with the request (SPNEGO can skip its costly token then). */
  readonly hasAuthCookie: boolean;
  /** 0 for the first try of a request; n after the server answered it 401 n times. */
  readonly round: number;
  /** The previous try carried an auth cookie (only meaningful when `round` > 0). */
  readonly cookieWasSent: boolean;
  /** `WWW-Authenticate` values of the 401 that led to this round; empty in round 0. */
  readonly challenges: readonly string[];
  /**
   * The same object in every round of one request and a new one for each request: an
   * authenticator keeps per-request state on it (in a `WeakMap`), e.g. the SPNEGO
   * context between a 401 and the resend, or until {@link HttpAuthenticator.accepted}.
   */
  readonly request: object;
}

/**
 * Supplies the `Authorization` header of HS2-over-HTTP requests. The channel asks
 * before every request (round 0) and again after each 401 (round 1, 2...), up to
 * `maxRounds` times per request; the auth cookie the server sets is handled by the
 * channel. Implementations must keep their secrets out of `util.inspect`, errors and
 * logs. Basic (LDAP), Bearer (JWT) and Negotiate (Kerberos SPNEGO) ship with
 * impala-ha; others plug in through `http.authenticator`.
 */
export interface HttpAuthenticator {
  /** Scheme name for messages and debug output: `'Basic'`, `'Bearer'`, `'Negotiate'`. */
  readonly scheme: string;
  /** How many times one request may be resent after a 401. Default 1. */
  readonly maxRounds?: number;
  /**
   * The header value for this try (e.g. `'Basic dXNlcjpwYXNz'`), `undefined` to send no
   * `Authorization` header, or `null` after a 401 to give up (the call then fails with
   * IMPALA_ERR_AUTH_FAILED). A rejection fails the call the same way, with it as cause;
   * an `ImpalaError` rejection (e.g. an AUTH_FAILED naming the principal tried) is
   * passed on as it is.
   */
  authorization(ctx: HttpAuthContext): string | undefined | null | Promise<string | undefined | null>;
  /**
   * Told the `WWW-Authenticate` values of a successful response (SPNEGO mutual
   * authentication). A rejection fails the call with IMPALA_ERR_PROTOCOL (the server
   * answered, so the call may have run) and closes the channel.
   */
  accepted?(ctx: HttpAuthContext, challenges: readonly string[]): void | Promise<void>;
}

/** What a {@link BearerTokenProvider} is told. */
export interface BearerTokenRequest {
  /** The coordinator the token is for (`host:port` or label). */
  readonly address: string;
  /** The server rejected the last token (401): return a fresh one. */
  readonly refresh: boolean;
}

/**
 * Returns the bearer token (a JWT) to send; called before requests and again with
 * `refresh: true` after a 401. Cache the token yourself: it is called for every
 * request that carries no auth cookie.
 */
export type BearerTokenProvider = (request: BearerTokenRequest) => string | Promise<string>;

/**
 * `Authorization: Basic` (Impala with LDAP over HTTP). Sent with every request, next to
 * the auth cookie, as impala-shell does, so an expired cookie costs no extra round
 * trip; after a 401 it is resent once only when a cookie had been sent (otherwise the
 * password itself was refused).
 */
export class BasicAuthenticator implements HttpAuthenticator {
  readonly scheme = 'Basic';
  readonly maxRounds = 1;
  readonly #header: string;

  /** @param username user name (must not contain ':'). */
  constructor(username: string, password: string) {
    this.#header = `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
  }

  authorization(ctx: HttpAuthContext): string | null {
    return ctx.round === 0 || ctx.cookieWasSent ? this.#header : null;
  }

  [inspect.custom](): string {
    return 'BasicAuthenticator { credentials: *** }';
  }

  toJSON(): { scheme: string } {
    return { scheme: this.scheme };
  }
}

/**
 * `Authorization: Bearer <token>` (Impala with JWT or OAuth; HTTP only). With a
 * provider, a 401 asks it for a fresh token (`refresh: true`) and resends once; with
 * a fixed token, a 401 is final unless an expired cookie caused it.
 */
export class BearerAuthenticator implements HttpAuthenticator {
  readonly scheme = 'Bearer';
  readonly maxRounds = 1;
  readonly #token: string | BearerTokenProvider;

  constructor(token: string | BearerTokenProvider) {
    this.#token = token;
  }

  async authorization(ctx: HttpAuthContext): Promise<string | null> {
    const token = this.#token;
    if (typeof token === 'string') return ctx.round === 0 || ctx.cookieWasSent ? `Bearer ${token}` : null;
    const fresh = await token({ address: ctx.address, refresh: ctx.round > 0 });
    if (typeof fresh !== 'string' || fresh === '' || /[\r\n]/.test(fresh)) {
      throw new TypeError('the bearer token provider must return a non-empty string without line breaks');
    }
    return `Bearer ${fresh}`;
  }

  [inspect.custom](): string {
    return `BearerAuthenticator { token: ${typeof this.#token === 'string' ? '***' : '[provider]'} }`;
  }

  toJSON(): { scheme: string } {
    return { scheme: this.scheme };
  }
}
