import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import createDebug from 'debug';
import type { SpnegoStep } from './gssapi-mechanism';

const debug = createDebug('impala-ha:sim');

/** Accepts one SPNEGO token (the coordinator's Kerberos acceptor). @internal */
export interface NegotiateAcceptor {
  acceptHttp(token: Buffer): SpnegoStep;
}

/** Who may use a simulated coordinator's HTTP port. @internal */
export interface HttpAuthSettings {
  /** User → password, checked for `Authorization: Basic` (Impala with LDAP). Undefined = no Basic. */
  users: ReadonlyMap<string, string> | undefined;
  /** Bearer token → user (Impala with JWT). Undefined = no Bearer. */
  tokens: ReadonlyMap<string, string> | undefined;
  /** `Max-Age` of the auth cookie, in s (`--max_cookie_lifetime_s`); 0 = no cookies. */
  cookieMaxAgeS: number;
  /**
   * Mark the cookie `Secure` (impalad's `--cookie_require_secure`); the simulator does
   * so on an HTTPS port only, so plain-HTTP tests still get their cookie back. Default false.
   */
  secureCookies?: boolean;
  /**
   * Impala with Kerberos (`--principal`): `Authorization: Negotiate <token>` (SPNEGO) is
   * checked with this acceptor and a 401 offers `Negotiate`. Default: no Kerberos.
   */
  negotiate?: NegotiateAcceptor | undefined;
}

/** What the HTTP front end counted, per coordinator incarnation. */
export interface HttpAuthCounts {
  /** HTTP requests received. */
  requests: number;
  /** Requests authenticated by a valid `impala.auth` cookie. */
  cookieAccepted: number;
  /** `impala.auth` cookies refused: not signed by this incarnation (another coordinator's, or from before a restart) or expired. */
  cookieRejected: number;
  /** Requests authenticated by Basic, Bearer or Negotiate credentials (a cookie was then issued). */
  credentialsAccepted: number;
  /** Of those, requests authenticated by a Kerberos ticket (SPNEGO): each one is a ticket the coordinator validated. */
  negotiateAccepted: number;
  /** Requests answered 401. */
  unauthorized: number;
}

/** The outcome of checking one request. @internal */
export type AuthOutcome =
  | { ok: true; user: string | undefined; setCookie: string | undefined; headers?: string[] }
  | { ok: false; challenges: string[] };

const COOKIE = 'impala.auth';
/** Impala inspects only the first five cookies of a request. */
const MAX_COOKIES = 5;

/**
 * HTTP authentication as impalad does it, per request, in this order: the
 * `impala.auth` cookie, `Authorization: Bearer` (only a value containing `.`, as a
 * JWT), `Authorization: Basic` or `Negotiate` (SPNEGO, with a Kerberos acceptor). A successful non-cookie check returns
 * `Set-Cookie: impala.auth=<sig>&u=<user>&t=<ms>&r=<rand>&a=<mech>;HttpOnly;Max-Age=<s>[;Secure]`,
 * signed (HMAC-SHA256) with a secret of this incarnation: a restart, or another
 * coordinator, refuses it. Secrets never leave this object.
 *
 * @internal
 */
export class HttpAuthority {
  readonly counts: HttpAuthCounts = { requests: 0, cookieAccepted: 0, cookieRejected: 0, credentialsAccepted: 0, negotiateAccepted: 0, unauthorized: 0 };
  readonly #settings: HttpAuthSettings;
  readonly #secret = randomBytes(32);

  constructor(settings: HttpAuthSettings) {
    this.#settings = settings;
  }

  /** True when requests need credentials. */
  get required(): boolean {
    return this.#settings.users !== undefined || this.#settings.tokens !== undefined || this.#settings.negotiate !== undefined;
  }

  check(headers: ReadonlyMap<string, readonly string[]>): AuthOutcome {
    this.counts.requests++;
    if (!this.required) return { ok: true, user: undefined, setCookie: undefined };
    const fromCookie = this.#cookieUser(headers.get('cookie') ?? []);
    if (fromCookie !== undefined) {
      this.counts.cookieAccepted++;
      return { ok: true, user: fromCookie, setCookie: undefined };
    }
    const authorization = headers.get('authorization')?.[0] ?? '';
    const space = authorization.indexOf(' ');
    const scheme = (space < 0 ? authorization : authorization.slice(0, space)).toLowerCase();
    const value = space < 0 ? '' : authorization.slice(space + 1).trim();
    // beeline writes `Negotiate: <token>`; impalad accepts it.
    if ((scheme === 'negotiate' || scheme === 'negotiate:') && this.#settings.negotiate !== undefined) return this.#negotiate(this.#settings.negotiate, value);
    let user: string | undefined;
    let mech = '';
    if (scheme === 'bearer' && value.includes('.') && this.#settings.tokens !== undefined) {
      user = lookup(this.#settings.tokens, value);
      mech = 'JWT';
    } else if (scheme === 'basic' && this.#settings.users !== undefined) {
      const decoded = Buffer.from(value, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon > 0) {
        const name = decoded.slice(0, colon);
        const password = this.#settings.users.get(name);
        if (password !== undefined && same(password, decoded.slice(colon + 1))) user = name;
      }
      mech = 'LDAP';
    }
    if (user === undefined) {
      this.counts.unauthorized++;
      const challenges: string[] = [];
      if (this.#settings.negotiate !== undefined) challenges.push('Negotiate');
      if (this.#settings.users !== undefined) challenges.push('Basic');
      if (this.#settings.tokens !== undefined) challenges.push('Bearer error="invalid_token"');
      return { ok: false, challenges };
    }
    this.counts.credentialsAccepted++;
    return { ok: true, user, setCookie: this.#issue(user, mech) };
  }

  /**
   * SPNEGO as impalad's NegotiateAuth: no token → 401 offering `Negotiate`; a step that
   * needs more → 401 with `Negotiate <token>`; a refused token → 401 with no challenge
   * at all (impalad adds none, and tries no other scheme); success → the cookie, and
   * the server's final token with the 200 (mutual authentication).
   */
  #negotiate(acceptor: NegotiateAcceptor, token: string): AuthOutcome {
    if (token === '') {
      this.counts.unauthorized++;
      return { ok: false, challenges: ['Negotiate'] };
    }
    let step: SpnegoStep;
    try {
      step = acceptor.acceptHttp(Buffer.from(token, 'base64'));
    } catch (err) {
      // GSSAPI's text names principals, never keys or tickets.
      debug('SPNEGO refused: %s', (err as Error).message);
      this.counts.unauthorized++;
      return { ok: false, challenges: [] };
    }
    const reply = step.token === null ? [] : [`Negotiate ${step.token.toString('base64')}`];
    if (!step.complete) {
      this.counts.unauthorized++;
      return { ok: false, challenges: reply };
    }
    this.counts.credentialsAccepted++;
    this.counts.negotiateAccepted++;
    return { ok: true, user: step.user, setCookie: this.#issue(step.user, 'KERBEROS'), headers: reply.map((r) => `WWW-Authenticate: ${r}`) };
  }

  #issue(user: string, mech: string): string | undefined {
    const maxAge = this.#settings.cookieMaxAgeS;
    if (maxAge <= 0) return undefined;
    const payload = `u=${encodeURIComponent(user)}&t=${Date.now()}&r=${randomBytes(8).readBigUInt64BE().toString()}&a=${mech}`;
    return `${COOKIE}=${this.#sign(payload)}&${payload};HttpOnly;Max-Age=${maxAge}${this.#settings.secureCookies === true ? ';Secure' : ''}`;
  }

  #sign(payload: string): string {
    return createHmac('sha256', this.#secret).update(payload).digest('base64url').padEnd(44, '=');
  }

  /** The user of a valid auth cookie among the first five cookies; counts the refused ones. */
  #cookieUser(headers: readonly string[]): string | undefined {
    if (this.#settings.cookieMaxAgeS <= 0) return undefined;
    const pairs = headers.flatMap((h) => h.split(';')).map((p) => p.trim()).filter((p) => p !== '').slice(0, MAX_COOKIES);
    let refused = false;
    for (const pair of pairs) {
      if (!pair.startsWith(`${COOKIE}=`)) continue;
      const value = pair.slice(COOKIE.length + 1);
      const amp = value.indexOf('&');
      const payload = amp < 0 ? '' : value.slice(amp + 1);
      const params = new URLSearchParams(payload);
      const t = Number(params.get('t'));
      const user = params.get('u');
      const fresh = Number.isFinite(t) && Date.now() - t < this.#settings.cookieMaxAgeS * 1000;
      if (amp > 0 && user !== null && fresh && same(this.#sign(payload), value.slice(0, amp))) return user;
      refused = true;
    }
    if (refused) this.counts.cookieRejected++;
    return undefined;
  }
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function lookup(tokens: ReadonlyMap<string, string>, token: string): string | undefined {
  for (const [t, user] of tokens) if (same(t, token)) return user;
  return undefined;
}
