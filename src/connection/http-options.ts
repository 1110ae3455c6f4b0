import { ArgumentError } from '../errors';
import type { AuthCookieStore } from './cookie-jar';
import { BasicAuthenticator, BearerAuthenticator, type HttpAuthenticator } from './http-auth';
import { NegotiateAuthenticator } from './http-negotiate';
import type { AuthOptions } from './types';

/** Settings of the HS2-over-HTTP transport (`ConnectionOptions.http`). Every field is optional. */
export interface HttpTransportOptions {
  /** Request path; Impala accepts any. A leading `/` is optional. Default `'cliservice'`. */
  path?: string;
  /** Run as this user (`?doAs=<user>`; the authenticated user must be allowed to delegate). Default none. */
  doAs?: string;
  /**
   * Extra headers sent with every request (e.g. for a gateway). Framing headers
   * (`Content-Length`, `Transfer-Encoding`, `Connection`, `Expect`...), `Authorization`
   * and `Cookie` are refused: authentication goes through `auth` / `authenticator`,
   * cookies are managed by the channel. Default none.
   */
  headers?: Readonly<Record<string, string>>;
  /** Supplies `Authorization` instead of the one `auth` implies. Default: from `auth` (Basic, Bearer or Negotiate). */
  authenticator?: HttpAuthenticator;
  /**
   * Auth cookies shared per coordinator between channels (a client passes one store to
   * all its channels). Default: a store of this channel's own.
   */
  cookieStore?: AuthCookieStore;
  /** Send `X-Request-Id`, `X-Impala-Session-Id` and `X-Impala-Query-Id` (Impala logs them). Default `true`. */
  tracingHeaders?: boolean;
  /** Resends of an idempotent call answered 429, 502 or 503, within the call's time bound. Default 2. */
  maxStatusRetries?: number;
  /** Longest `Retry-After` honoured, in ms; a longer one fails the call at once (the error carries it). Default 30000. */
  maxRetryAfterMs?: number;
  /** `User-Agent` header. Default `'impala-ha'`. */
  userAgent?: string;
}

/** Defaults of {@link HttpTransportOptions}. */
export const HTTP_DEFAULTS = Object.freeze({
  path: 'cliservice',
  tracingHeaders: true,
  maxStatusRetries: 2,
  maxRetryAfterMs: 30_000,
  userAgent: 'impala-ha',
  /** Largest response header block accepted, in bytes. */
  maxHeaderBytes: 64 * 1024,
});

/** {@link HttpTransportOptions} checked and with defaults applied. @internal */
export interface ResolvedHttpOptions {
  /** Request target: `/path[?doAs=user]`. */
  readonly target: string;
  /** Extra headers, validated, as `Name: value` lines. */
  readonly extraHeaders: string;
  readonly hasHostHeader: boolean;
  readonly hasUserAgent: boolean;
  readonly authenticator: HttpAuthenticator | undefined;
  readonly tracingHeaders: boolean;
  readonly maxStatusRetries: number;
  readonly maxRetryAfterMs: number;
  readonly userAgent: string;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const FORBIDDEN = new Set(['content-length', 'transfer-encoding', 'connection', 'expect', 'upgrade', 'te', 'trailer', 'keep-alive', 'proxy-connection']);

/**
 * Why a custom header cannot be sent, or undefined when it can. The value is never
 * part of the reason (it may be a credential).
 */
export function httpHeaderProblem(name: string, value: unknown): string | undefined {
  const lower = name.toLowerCase();
  if (!TOKEN.test(name)) return `${JSON.stringify(name)} is not a valid header name`;
  if (FORBIDDEN.has(lower)) return `'${name}' is set by the channel itself and cannot be overridden`;
  if (lower === 'authorization') return "'Authorization' comes from auth (Basic with PLAIN/ldap, Bearer with JWT, Negotiate with GSSAPI) or http.authenticator";
  if (lower === 'cookie') return "'Cookie' is managed by the channel (auth and load-balancer cookies)";
  if (typeof value !== 'string' || /[\r\n\u0000]/.test(value)) return `the value of '${name}' must be a string without line breaks`;
  return undefined;
}

/**
 * Checks the HTTP settings and applies defaults.
 *
 * @throws {@link ArgumentError} naming the field and what is accepted.
 */
export function resolveHttpOptions(http: HttpTransportOptions | undefined, auth: AuthOptions | undefined): ResolvedHttpOptions {
  const o = http ?? {};
  if (typeof o !== 'object' || o === null) throw new ArgumentError('http must be an object of HS2-over-HTTP settings');
  const rawPath = o.path ?? HTTP_DEFAULTS.path;
  if (typeof rawPath !== 'string' || /[\s?#\u0000-\u001f\u007f]/.test(rawPath)) {
    throw new ArgumentError(`http.path must be a URL path without spaces, '?' or '#' (e.g. 'cliservice'), got ${JSON.stringify(rawPath)}`);
  }
  let target = rawPath.startsWith('/') ? rawPath : `/${rawPath}`;
  if (o.doAs !== undefined) {
    if (typeof o.doAs !== 'string' || o.doAs === '') throw new ArgumentError('http.doAs must be a non-empty user name');
    target += `?doAs=${encodeURIComponent(o.doAs)}`;
  }
  const lines: string[] = [];
  const names = new Set<string>();
  for (const [name, value] of Object.entries(o.headers ?? {})) {
    const lower = name.toLowerCase();
    const problem = httpHeaderProblem(name, value);
    if (problem !== undefined) throw new ArgumentError(`http.headers: ${problem}`);
    if (names.has(lower)) throw new ArgumentError(`http.headers: '${name}' is given twice`);
    names.add(lower);
    lines.push(`${name}: ${value}\r\n`);
  }
  const retries = o.maxStatusRetries ?? HTTP_DEFAULTS.maxStatusRetries;
  if (!Number.isInteger(retries) || retries < 0 || retries > 10) throw new ArgumentError(`http.maxStatusRetries must be an integer from 0 to 10, got ${String(retries)}`);
  const maxRetryAfterMs = o.maxRetryAfterMs ?? HTTP_DEFAULTS.maxRetryAfterMs;
  if (typeof maxRetryAfterMs !== 'number' || !(maxRetryAfterMs >= 0) || !Number.isFinite(maxRetryAfterMs)) {
    throw new ArgumentError(`http.maxRetryAfterMs must be a number of milliseconds >= 0, got ${String(maxRetryAfterMs)}`);
  }
  const userAgent = o.userAgent ?? HTTP_DEFAULTS.userAgent;
  if (typeof userAgent !== 'string' || /[\r\n\u0000]/.test(userAgent)) throw new ArgumentError('http.userAgent must be a string without line breaks');
  const authenticator = o.authenticator ?? authenticatorFor(auth);
  if (authenticator !== undefined && (typeof authenticator !== 'object' || typeof authenticator.authorization !== 'function')) {
    throw new ArgumentError('http.authenticator must be an object with an authorization(ctx) method');
  }
  return {
    target,
    extraHeaders: lines.join(''),
    hasHostHeader: names.has('host'),
    hasUserAgent: names.has('user-agent'),
    authenticator,
    tracingHeaders: o.tracingHeaders ?? HTTP_DEFAULTS.tracingHeaders,
    maxStatusRetries: retries,
    maxRetryAfterMs,
    userAgent,
  };
}

/** The authenticator `auth` implies over HTTP: Basic for PLAIN, Bearer for JWT, Negotiate (SPNEGO) for GSSAPI, none for NOSASL. */
export function authenticatorFor(auth: AuthOptions | undefined): HttpAuthenticator | undefined {
  if (auth === undefined || auth.mechanism === 'NOSASL') return undefined;
  if (auth.mechanism === 'PLAIN') {
    if (typeof auth.username !== 'string' || auth.username.includes(':')) throw new ArgumentError("auth.username must be a string without ':' for HTTP Basic authentication");
    return new BasicAuthenticator(auth.username, auth.password ?? '');
  }
  if (auth.mechanism === 'JWT') {
    const t = auth.token;
    if (!(typeof t === 'function' || (typeof t === 'string' && t !== '' && !/[\r\n]/.test(t)))) {
      throw new ArgumentError('auth.token must be a non-empty string without line breaks, or a function returning one');
    }
    return new BearerAuthenticator(t);
  }
  if (auth.mechanism === 'GSSAPI') {
    const { serviceName, host, realm, canonicalizeHostName } = auth;
    return new NegotiateAuthenticator({ serviceName, host, realm, canonicalizeHostName });
  }
  throw new ArgumentError(`auth.mechanism must be 'NOSASL', 'PLAIN', 'GSSAPI' or 'JWT' over HTTP, got ${JSON.stringify((auth as { mechanism: unknown }).mechanism)}`);
}

/**
 * RPCs that are harmless to send twice (impala-shell and impyla retry the same set):
 * they read state or cancel. ExecuteStatement may start a statement twice,
 * FetchResults would skip rows, CloseImpalaOperation of DML loses its counts.
 */
export const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set([
  'OpenSession',
  'GetOperationStatus',
  'GetResultSetMetadata',
  'GetLog',
  'PingImpalaHS2Service',
  'CancelOperation',
  'GetInfo',
  'GetRuntimeProfile',
  'GetExecSummary',
  'GetCatalogs',
  'GetSchemas',
  'GetTables',
  'GetTableTypes',
  'GetColumns',
  'GetFunctions',
  'GetTypeInfo',
  'GetPrimaryKeys',
  'GetCrossReference',
]);

/**
 * A `Retry-After` value in ms from now: delay-seconds or an HTTP date. Undefined when
 * absent or unreadable.
 *
 * @internal
 */
export function parseRetryAfter(values: readonly string[] | undefined, nowMs = Date.now()): number | undefined {
  const v = values?.[0]?.trim();
  if (!v) return undefined;
  if (/^\d{1,9}$/.test(v)) return Number(v) * 1000;
  const t = Date.parse(v);
  return Number.isFinite(t) ? Math.max(0, t - nowMs) : undefined;
}
