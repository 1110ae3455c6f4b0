import { inspect } from 'node:util';

/** One cookie a server set. Values are credentials or routing tokens: never logged. @internal */
export interface StoredCookie {
  readonly name: string;
  readonly value: string;
  /** `Date.now()` ms after which it is dropped; undefined = for the life of the channel. */
  readonly expiresAt: number | undefined;
  /** Only sent over TLS. */
  readonly secure: boolean;
}

/**
 * Auth cookies are the ones whose name ends in `.auth` (Impala's `impala.auth`, Hive's
 * `hive.server2.auth`), the rule impala-shell and impyla use; any other cookie is a
 * proxy's or load balancer's (affinity, routing).
 */
export function isAuthCookie(name: string): boolean {
  return name.endsWith('.auth');
}

/**
 * Reads one `Set-Cookie` header value. Path and Domain are ignored (a channel talks to
 * one host and one path); `Max-Age` wins over `Expires`. Returns `null` for a cookie the
 * server deletes (`Max-Age=0` or an `Expires` in the past) and undefined for a header
 * that is not a cookie.
 *
 * @internal
 */
export function parseSetCookie(header: string, nowMs: number): StoredCookie | null | undefined {
  const parts = header.split(';');
  const pair = parts[0]!;
  const eq = pair.indexOf('=');
  if (eq <= 0) return undefined;
  const name = pair.slice(0, eq).trim();
  const value = pair.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
  if (name === '' || /[\s,;=]/.test(name)) return undefined;
  let maxAge: number | undefined;
  let expires: number | undefined;
  let secure = false;
  for (const attr of parts.slice(1)) {
    const i = attr.indexOf('=');
    const key = (i < 0 ? attr : attr.slice(0, i)).trim().toLowerCase();
    const v = i < 0 ? '' : attr.slice(i + 1).trim();
    if (key === 'secure') secure = true;
    else if (key === 'max-age' && /^-?\d+$/.test(v)) maxAge = Number(v);
    else if (key === 'expires') {
      const t = Date.parse(v);
      if (Number.isFinite(t)) expires = t;
    }
  }
  let expiresAt: number | undefined;
  if (maxAge !== undefined) expiresAt = maxAge <= 0 ? nowMs - 1 : nowMs + maxAge * 1000;
  else if (expires !== undefined) expiresAt = expires;
  if (expiresAt !== undefined && expiresAt <= nowMs) return null;
  return { name, value, expiresAt, secure };
}

/**
 * Auth cookies shared by every channel of one client, per coordinator: each
 * impalad signs its cookie with its own key, so a cookie is only ever offered to the
 * coordinator (address) that set it, and a new pooled connection to that coordinator
 * skips the LDAP / token check. Behind an HTTP load balancer the scope also includes
 * the balancer's affinity cookies, so an auth cookie follows the backend that set it.
 *
 * Holds credentials: `util.inspect` shows only how many scopes it holds.
 */
export class AuthCookieStore {
  readonly #byScope = new Map<string, StoredCookie[]>();

  /** The auth cookies stored for `scope`, without the expired ones. @internal */
  get(scope: string, nowMs: number): readonly StoredCookie[] {
    const list = this.#byScope.get(scope);
    if (!list) return [];
    const live = list.filter((c) => c.expiresAt === undefined || c.expiresAt > nowMs);
    if (live.length !== list.length) this.#set(scope, live);
    return live;
  }

  /** Stores or replaces `cookie` under `scope` (`null` deletes the named one). @internal */
  put(scope: string, name: string, cookie: StoredCookie | null): void {
    const others = (this.#byScope.get(scope) ?? []).filter((c) => c.name !== name);
    this.#set(scope, cookie === null ? others : [...others, cookie]);
  }

  /**
   * Drops the named cookie from `scope` if it still has `value` (another channel may
   * have stored a fresh one meanwhile). @internal
   */
  drop(scope: string, name: string, value: string): void {
    const list = this.#byScope.get(scope);
    if (list?.some((c) => c.name === name && c.value === value)) this.#set(scope, list.filter((c) => c.name !== name));
  }

  #set(scope: string, list: StoredCookie[]): void {
    if (list.length === 0) this.#byScope.delete(scope);
    else this.#byScope.set(scope, list);
  }

  [inspect.custom](): string {
    return `AuthCookieStore { scopes: ${this.#byScope.size} }`;
  }

  toJSON(): { scopes: number } {
    return { scopes: this.#byScope.size };
  }
}

/**
 * The cookies of one HTTP channel: a load balancer's affinity cookies (kept for the
 * channel's life so its HS2 session stays on one coordinator) and the coordinator's
 * auth cookie (shared with the client's other channels through an
 * {@link AuthCookieStore}). Secure cookies go only over TLS.
 *
 * @internal
 */
export class CookieJar {
  readonly #address: string;
  readonly #tls: boolean;
  readonly #store: AuthCookieStore;
  readonly #cookies = new Map<string, StoredCookie>();

  constructor(address: string, tls: boolean, store: AuthCookieStore) {
    this.#address = address;
    this.#tls = tls;
    this.#store = store;
  }

  /**
   * Where auth cookies of this channel are shared: the coordinator address plus the
   * affinity cookies that pin this channel to one backend behind a balancer.
   */
  #scope(): string {
    const affinity = [...this.#cookies.values()]
      .filter((c) => !isAuthCookie(c.name))
      .map((c) => `${c.name}=${c.value}`)
      .sort();
    return affinity.length === 0 ? this.#address : `${this.#address}|${affinity.join(';')}`;
  }

  /** Takes the `Set-Cookie` headers of a response. */
  receive(setCookies: readonly string[] | undefined, nowMs = Date.now()): void {
    if (!setCookies || setCookies.length === 0) return;
    const auth: Array<[string, StoredCookie | null]> = [];
    for (const header of setCookies) {
      const name = header.slice(0, Math.max(0, header.indexOf('='))).trim();
      const cookie = parseSetCookie(header, nowMs);
      if (cookie === undefined) continue;
      if (cookie === null) this.#cookies.delete(name);
      else this.#cookies.set(cookie.name, cookie);
      if (isAuthCookie(name)) auth.push([name, cookie]);
    }
    // After the affinity cookies of the same response, so the scope is the backend's.
    const scope = this.#scope();
    for (const [name, cookie] of auth) this.#store.put(scope, name, cookie);
  }

  /**
   * The `Cookie` header for the next request (undefined when there is none), and
   * whether it carries an auth cookie. A channel without its own auth cookie takes
   * the one another channel stored for the same scope.
   */
  header(nowMs = Date.now()): { value: string | undefined; hasAuth: boolean } {
    for (const [name, c] of this.#cookies) if (c.expiresAt !== undefined && c.expiresAt <= nowMs) this.#cookies.delete(name);
    if (![...this.#cookies.keys()].some(isAuthCookie)) {
      for (const c of this.#store.get(this.#scope(), nowMs)) this.#cookies.set(c.name, c);
    }
    const sendable = [...this.#cookies.values()].filter((c) => this.#tls || !c.secure);
    if (sendable.length === 0) return { value: undefined, hasAuth: false };
    return { value: sendable.map((c) => `${c.name}=${c.value}`).join('; '), hasAuth: sendable.some((c) => isAuthCookie(c.name)) };
  }

  /** Forgets the auth cookies (the server answered 401), here and in the shared store. */
  dropAuth(): void {
    const scope = this.#scope();
    for (const [name, c] of this.#cookies) {
      if (!isAuthCookie(name)) continue;
      this.#cookies.delete(name);
      this.#store.drop(scope, name, c.value);
    }
  }

  /** Cookie names held (never values), for debug output. */
  names(): string[] {
    return [...this.#cookies.keys()];
  }

  [inspect.custom](): string {
    return `CookieJar { names: [${this.names().join(', ')}] }`;
  }
}
