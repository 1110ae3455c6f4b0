import type { BearerTokenProvider } from '../connection/http-auth';
import type { Secret } from './secret';

/** Wire protocol: HS2 over binary TCP, HS2 over HTTP, or the legacy Beeswax protocol. */
export type Protocol = 'hs2' | 'hs2-http' | 'beeswax';

/**
 * Transport authentication.
 * - `nosasl`: plain buffered transport (Impala without LDAP or Kerberos).
 * - `plain`: SASL PLAIN with a user name and an empty password.
 * - `ldap`: SASL PLAIN with user and password (HTTP Basic over hs2-http).
 * - `gssapi`: Kerberos (SASL GSSAPI) with the ticket from the credential cache; needs
 *   the optional `kerberos` package. Binary transport only for now.
 * - `jwt`: `Authorization: Bearer <token>` (HS2 over HTTP only; Impala with JWT or OAuth).
 */
export type AuthMechanism = 'nosasl' | 'plain' | 'ldap' | 'gssapi' | 'jwt';

/** How a coordinator's host becomes the host in its Kerberos principal (as the MongoDB driver's `CANONICALIZE_HOST_NAME`). */
export type KerberosCanonicalization = 'none' | 'forward' | 'forwardAndReverse';

/** Coordinator selection policy. */
export type BalancePolicy = 'leastconn' | 'p2c' | 'roundrobin' | 'random' | 'affinity';

/** `sync` sets SYNC_DDL on DDL statements so every coordinator sees the change before it returns. */
export type DdlMode = 'default' | 'sync';

/** Row shape: objects keyed by column name, or arrays in column order. */
export type RowMode = 'object' | 'array';

/** How BIGINT values are returned. */
export type BigintMode = 'bigint' | 'number' | 'string';

/** How TIMESTAMP or DATE values are returned: Impala's text, or a JavaScript `Date`. */
export type DateValueMode = 'string' | 'date';

/** How STRING / VARCHAR / CHAR values are returned. */
export type StringMode = 'string' | 'buffer';

/**
 * A duration: a number of milliseconds, or a string with a unit: `'500ms'`, `'30s'`,
 * `'2m'`, `'1h'` (a bare number string means milliseconds). Fractions are allowed when
 * the result is a whole number of milliseconds (`'1.5s'`).
 */
export type Duration = number | string;

/**
 * What `createClient` accepts as an options object. Every field is optional; see
 * {@link ResolvedOptions} for what each becomes and `docs/configuration.md` for the table.
 * Precedence: these fields > `url` > the `IMPALA_URL` environment variable > defaults.
 */
export interface ClientOptions {
  /** A connection string in any accepted form; fields given next to it override its values. */
  url?: string;
  /** Coordinator addresses `host[:port]` (IPv6 as `[::1]:21050`), as an array or a comma list. @default ['localhost:21050'] (port per protocol) */
  coordinators?: string | readonly string[];
  /** Wire protocol; decides the default port (21050 / 28000 / 21000). @default 'hs2' */
  protocol?: Protocol;
  /** HTTP path for `hs2-http`. @default 'cliservice' */
  httpPath?: string;
  /** Initial database (sent as `use:database` at OpenSession). @default 'default' */
  database?: string;
  /** Transport authentication. @default 'nosasl'; 'ldap' when a password is given; 'plain' when only a user is */
  auth?: AuthMechanism;
  /** User name. @default undefined */
  user?: string;
  /** Password; stored as a {@link Secret}. @default undefined */
  password?: string | Secret;
  /**
   * Bearer token (a JWT) for `auth: 'jwt'`; stored as a {@link Secret}. In an options
   * object it may also be a function `({ address, refresh }) => token` that is asked for a
   * fresh token after a 401. @default undefined
   */
  token?: string | Secret | BearerTokenProvider;
  /** Run statements as this user (impersonation). @default undefined */
  doAs?: string;
  /** Kerberos service name (first part of the server principal). @default 'impala' */
  kerberosServiceName?: string;
  /** Kerberos host: one fixed name for every coordinator (a load balancer's), or `_HOST` = each coordinator's own host. @default undefined (each coordinator's host) */
  kerberosHostFqdn?: string;
  /** Kerberos realm of the server principal, for messages (the library maps the realm from krb5.conf). @default undefined */
  kerberosRealm?: string;
  /** How a coordinator's own host is canonicalized for its principal. @default 'none' */
  kerberosCanonicalizeHostName?: KerberosCanonicalization;
  /** Use TLS. @default false (true for `impalas://`) */
  tls?: boolean;
  /** Trusted CA certificates: a PEM file path or PEM text. @default undefined (Node's bundled roots) */
  tlsCa?: string;
  /** Name sent as SNI and verified in the certificate. @default undefined (the coordinator host) */
  tlsServername?: string;
  /** Verify the server certificate (off: a process warning, once). @default true */
  tlsRejectUnauthorized?: boolean;
  /** Check that the certificate names the coordinator (or `tlsServername`); off keeps the chain check (and warns once). @default true */
  tlsVerifyServerName?: boolean;
  /** Client certificate chain for coordinators that require one (mutual TLS): a PEM file path or PEM text. @default undefined */
  tlsCert?: string;
  /** Private key of `tlsCert`: a PEM file path or PEM text; stored as a {@link Secret}. @default undefined */
  tlsKey?: string | Secret;
  /** Passphrase of an encrypted `tlsKey`; stored as a {@link Secret}. @default undefined */
  tlsKeyPassphrase?: string | Secret;
  /** Extra HTTP headers sent with every request over `hs2-http` (not in URLs; values never printed). @default {} */
  httpHeaders?: Readonly<Record<string, string>>;
  /** Bound on TCP connect + TLS + SASL + OpenSession, in ms. @default 10000 */
  connectTimeoutMs?: Duration;
  /** Bound on one RPC, in ms. @default 60000 */
  rpcTimeoutMs?: Duration;
  /** Default per-call timeout, in ms; 0 = none. @default 0 */
  queryTimeoutMs?: Duration;
  /** Bound on `close()`, in ms: calls still running are given this long, then cancelled and their connections cut. @default 2000 */
  closeTimeoutMs?: Duration;
  /** Rows per FetchResults call. @default 10240 */
  fetchSize?: number | string;
  /** Session query options sent at OpenSession (keys are upper-cased). @default {} */
  queryOptions?: Readonly<Record<string, string | number | boolean>>;
  /** Coordinator selection policy. @default 'leastconn' */
  balance?: BalancePolicy;
  /** Most connections per coordinator (count). @default 10 */
  maxConnectionsPerCoordinator?: number | string;
  /** Connections kept open per coordinator (count). @default 0 */
  minIdlePerCoordinator?: number | string;
  /** Wait for a free connection, in ms. @default 10000 */
  acquireTimeoutMs?: Duration;
  /** Close connections idle this long (above the minimum), in ms; 0 = never. @default 600000 */
  idleTimeoutMs?: Duration;
  /** Ping a connection idle longer than this before lending it, in ms; 0 = always. @default 500 */
  validateAfterIdleMs?: Duration;
  /** Recycle connections after this long (minus up to 2.5% jitter), in ms; 0 = never. @default 1800000 */
  maxLifetimeMs?: Duration;
  /** Ping idle connections this often, in ms; 0 = off. @default 0 */
  keepAliveIntervalMs?: Duration;
  /** TCP keepalive. @default true */
  tcpKeepAlive?: boolean;
  /** Idle time before the first TCP keepalive probe, in ms. @default 30000 */
  tcpKeepAliveDelayMs?: Duration;
  /** Base interval of active probes of a down coordinator that does not answer, in ms (doubles up to the max; a refused connect is re-probed every 250 ms). @default 1000 */
  healthCheckIntervalMs?: Duration;
  /** Cap of the probe backoff, in ms. @default 10000 */
  healthCheckMaxIntervalMs?: Duration;
  /** Successful probes before a down coordinator is up (count, HAProxy `rise`); a probe is a full connect + OpenSession. @default 1 */
  rise?: number | string;
  /** Consecutive timeouts before a coordinator is down (count, HAProxy `fall`). @default 3 */
  fall?: number | string;
  /** Ramp of a recovered coordinator's share, in ms; 0 = off (HAProxy `slowstart`). @default 5000 */
  slowStartMs?: Duration;
  /** Extra attempts for a request that is safe to retry (count). @default 2 */
  retries?: number | string;
  /** Full-jitter backoff base, in ms. @default 25 */
  retryBaseDelayMs?: Duration;
  /** Backoff cap, in ms. @default 1000 */
  retryMaxDelayMs?: Duration;
  /** Retries allowed as a share of requests (0..1). @default 0.2 */
  retryBudgetRatio?: number | string;
  /** Retries always allowed per second. @default 10 */
  retryBudgetMinPerSecond?: number | string;
  /** DDL consistency mode. @default 'default' */
  ddl?: DdlMode;
  /** Pinned sessions reopen on another coordinator when theirs dies. @default false */
  reopenOnFailover?: boolean;
  /** Row shape. @default 'object' */
  rowMode?: RowMode;
  /** BIGINT values. @default 'bigint' */
  bigint?: BigintMode;
  /** TIMESTAMP values. @default 'string' */
  timestamp?: DateValueMode;
  /** DATE values. @default 'string' */
  date?: DateValueMode;
  /** STRING / VARCHAR / CHAR values. @default 'string' */
  strings?: StringMode;
  /** Sent as the CLIENT_IDENTIFIER query option. @default undefined */
  applicationName?: string;
}

/**
 * The validated, frozen configuration the client reads. Every field is set except the
 * ones typed `| undefined`. Durations are whole milliseconds, counts are integers.
 */
export interface ResolvedOptions {
  /** Coordinator addresses, always `host:port` (`[v6]:port`), deduplicated, in the order given. Frozen. Default `['localhost:21050']` (port per protocol). */
  readonly coordinators: readonly string[];
  /** Wire protocol. Default `'hs2'`. */
  readonly protocol: Protocol;
  /** HTTP path for `hs2-http`, without a leading slash. Default `'cliservice'`. */
  readonly httpPath: string;
  /** Initial database. Default `'default'`. */
  readonly database: string;
  /** Transport authentication. Default inferred: `ldap` with a password, `plain` with a user only, else `nosasl`. */
  readonly auth: AuthMechanism;
  /** User name. Default undefined. */
  readonly user: string | undefined;
  /** Password; prints as `***`. Default undefined. */
  readonly password: Secret | undefined;
  /** Bearer token for `jwt` (prints as `***`), or a function that supplies one. Default undefined. */
  readonly token: Secret | BearerTokenProvider | undefined;
  /** Impersonated user (`?doAs=` over HTTP, `impala.doas.user` over binary). Default undefined. */
  readonly doAs: string | undefined;
  /** Kerberos service name. Default `'impala'`. */
  readonly kerberosServiceName: string;
  /** Kerberos host; `'_HOST'` or undefined mean each coordinator's own host. Default undefined. */
  readonly kerberosHostFqdn: string | undefined;
  /** Kerberos realm (messages only). Default undefined. */
  readonly kerberosRealm: string | undefined;
  /** Canonicalization of each coordinator's host for its principal. Default `'none'`. */
  readonly kerberosCanonicalizeHostName: KerberosCanonicalization;
  /** TLS on. Default `false`. */
  readonly tls: boolean;
  /** PEM CA file path or PEM text. Default undefined (Node's bundled CAs). */
  readonly tlsCa: string | undefined;
  /** SNI / certificate name. Default undefined (the coordinator host). */
  readonly tlsServername: string | undefined;
  /** Verify the server certificate. Default `true`. */
  readonly tlsRejectUnauthorized: boolean;
  /** Check the certificate's name. Default `true`. */
  readonly tlsVerifyServerName: boolean;
  /** Client certificate: PEM file path or PEM text. Default undefined. */
  readonly tlsCert: string | undefined;
  /** Client key (PEM file path or PEM text); prints as `***`. Default undefined. */
  readonly tlsKey: Secret | undefined;
  /** Passphrase of the client key; prints as `***`. Default undefined. */
  readonly tlsKeyPassphrase: Secret | undefined;
  /** Extra HTTP headers (hs2-http). Frozen. Default `{}`. */
  readonly httpHeaders: Readonly<Record<string, string>>;
  /** TCP + TLS + SASL bound, ms. Default 10000. */
  readonly connectTimeoutMs: number;
  /** One RPC's bound, ms. Default 60000. */
  readonly rpcTimeoutMs: number;
  /** Default per-call timeout, ms; 0 = none. Default 0. */
  readonly queryTimeoutMs: number;
  /** Bound on `close()`, ms. Default 2000. */
  readonly closeTimeoutMs: number;
  /** Rows per FetchResults. Default 10240. */
  readonly fetchSize: number;
  /** Session query options (upper-case keys, string values). Frozen. Default `{}`. */
  readonly queryOptions: Readonly<Record<string, string>>;
  /** Coordinator selection. Default `'leastconn'`. */
  readonly balance: BalancePolicy;
  /** Pool max per coordinator. Default 10. */
  readonly maxConnectionsPerCoordinator: number;
  /** Connections kept open per coordinator. Default 0. */
  readonly minIdlePerCoordinator: number;
  /** Wait for a free connection, ms. Default 10000. */
  readonly acquireTimeoutMs: number;
  /** Idle connection reaping, ms; 0 = never. Default 600000. */
  readonly idleTimeoutMs: number;
  /** Validate connections idle longer than this, ms. Default 500. */
  readonly validateAfterIdleMs: number;
  /** Connection lifetime, ms (minus up to 2.5% jitter); 0 = never. Default 1800000. */
  readonly maxLifetimeMs: number;
  /** Idle ping interval, ms; 0 = off. Default 0. */
  readonly keepAliveIntervalMs: number;
  /** TCP keepalive on. Default `true`. */
  readonly tcpKeepAlive: boolean;
  /** First TCP keepalive probe after this idle time, ms. Default 30000. */
  readonly tcpKeepAliveDelayMs: number;
  /** Base interval of active probes of a coordinator that does not answer, ms. Default 1000. */
  readonly healthCheckIntervalMs: number;
  /** Cap of the probe backoff, ms. Default 10000. */
  readonly healthCheckMaxIntervalMs: number;
  /** Successful probes to mark a coordinator up. Default 1. */
  readonly rise: number;
  /** Consecutive timeouts to mark a coordinator down. Default 3. */
  readonly fall: number;
  /** Slow-start ramp, ms; 0 = off. Default 5000. */
  readonly slowStartMs: number;
  /** Extra attempts for safe requests. Default 2. */
  readonly retries: number;
  /** Backoff base, ms. Default 25. */
  readonly retryBaseDelayMs: number;
  /** Backoff cap, ms. Default 1000. */
  readonly retryMaxDelayMs: number;
  /** Retry budget as a share of requests, 0..1. Default 0.2. */
  readonly retryBudgetRatio: number;
  /** Retries always allowed per second. Default 10. */
  readonly retryBudgetMinPerSecond: number;
  /** DDL mode. Default `'default'`. */
  readonly ddl: DdlMode;
  /** Reopen pinned sessions elsewhere on failover. Default `false`. */
  readonly reopenOnFailover: boolean;
  /** Row shape. Default `'object'`. */
  readonly rowMode: RowMode;
  /** BIGINT values. Default `'bigint'`. */
  readonly bigint: BigintMode;
  /** TIMESTAMP values. Default `'string'`. */
  readonly timestamp: DateValueMode;
  /** DATE values. Default `'string'`. */
  readonly date: DateValueMode;
  /** STRING values. Default `'string'`. */
  readonly strings: StringMode;
  /** CLIENT_IDENTIFIER. Default undefined. */
  readonly applicationName: string | undefined;
  /** Everything that was accepted but ignored or is worth knowing (never contains a password). Frozen. Default `[]`. */
  readonly warnings: readonly string[];
}

/** Name of one configuration option. */
export type OptionName = Exclude<keyof ResolvedOptions, 'warnings'>;

/**
 * Options as one source (a URL, an options object) gave them: normalised values, only
 * the options that source set. Coordinators may still lack a port (it depends on the
 * final protocol) and auth may still be implicit.
 */
export type ParsedOptions = { readonly [K in OptionName]?: ResolvedOptions[K] };
