import { MAX_TIMER_MS } from './coerce';
import type { OptionSpec } from './option-spec';
import type { OptionName, ResolvedOptions } from './options';

/** Default port of each protocol: Impala's `--hs2_port`, `--hs2_http_port`, `--beeswax_port`. */
export const DEFAULT_PORTS = Object.freeze({ hs2: 21050, 'hs2-http': 28000, beeswax: 21000 } as const);

/** Every option's default value, in one frozen table (the README prints it). */
export const DEFAULTS: Readonly<{ [K in OptionName]: ResolvedOptions[K] }> = Object.freeze({
  coordinators: Object.freeze(['localhost:21050']),
  protocol: 'hs2',
  httpPath: 'cliservice',
  database: 'default',
  auth: 'nosasl',
  user: undefined,
  password: undefined,
  token: undefined,
  doAs: undefined,
  kerberosServiceName: 'impala',
  kerberosHostFqdn: undefined,
  kerberosRealm: undefined,
  kerberosCanonicalizeHostName: 'none',
  tls: false,
  tlsCa: undefined,
  tlsServername: undefined,
  tlsRejectUnauthorized: true,
  tlsVerifyServerName: true,
  tlsCert: undefined,
  tlsKey: undefined,
  tlsKeyPassphrase: undefined,
  httpHeaders: Object.freeze({}),
  connectTimeoutMs: 10_000,
  rpcTimeoutMs: 60_000,
  queryTimeoutMs: 0,
  closeTimeoutMs: 2_000,
  fetchSize: 10_240,
  queryOptions: Object.freeze({}),
  balance: 'leastconn',
  maxConnectionsPerCoordinator: 10,
  minIdlePerCoordinator: 0,
  acquireTimeoutMs: 10_000,
  idleTimeoutMs: 600_000,
  validateAfterIdleMs: 500,
  maxLifetimeMs: 1_800_000,
  keepAliveIntervalMs: 0,
  tcpKeepAlive: true,
  tcpKeepAliveDelayMs: 30_000,
  healthCheckIntervalMs: 1_000,
  healthCheckMaxIntervalMs: 10_000,
  rise: 1,
  fall: 3,
  slowStartMs: 5_000,
  retries: 2,
  retryBaseDelayMs: 25,
  retryMaxDelayMs: 1_000,
  retryBudgetRatio: 0.2,
  retryBudgetMinPerSecond: 10,
  ddl: 'default',
  reopenOnFailover: false,
  rowMode: 'object',
  bigint: 'bigint',
  timestamp: 'string',
  date: 'string',
  strings: 'string',
  applicationName: undefined,
});

const ms = (min: number, zero?: string) => ({ type: 'duration', min, max: MAX_TIMER_MS, ...(zero ? { zero } : {}) }) as const;
const int = (min: number, max: number) => ({ type: 'integer', min, max }) as const;
const bool = { type: 'boolean' } as const;
const oneOf = (values: readonly string[], aliases?: Record<string, string>) => ({ type: 'enum', values, ...(aliases ? { aliases } : {}) }) as const;

/** Per-option metadata, in documentation order. Keys are exactly the option names. */
export const OPTION_SPECS: Readonly<{ [K in OptionName]: OptionSpec }> = Object.freeze({
  coordinators: { group: 'connection', type: { type: 'hosts' }, unit: '', inUrl: false, aliases: [], defaultNote: "`['localhost:21050']` (port per protocol)", description: 'Coordinator addresses `host[:port]`, IPv6 in brackets (`[::1]:21050`); a missing port is the protocol default.' },
  protocol: { group: 'connection', type: oneOf(['hs2', 'hs2-http', 'beeswax'], { binary: 'hs2', sasl: 'hs2', http: 'hs2-http', https: 'hs2-http' }), unit: '', inUrl: true, aliases: ['transportMode', 'transport'], description: 'Wire protocol: HS2 over binary TCP, HS2 over HTTP (`http` also accepted), or Beeswax; default port 21050 (hs2), 28000 (hs2-http), 21000 (beeswax).' },
  httpPath: { group: 'connection', type: { type: 'text', check: 'httpPath' }, unit: '', inUrl: true, aliases: ['http_path'], description: 'HTTP path for hs2-http (Impala accepts any path).' },
  database: { group: 'connection', type: { type: 'text', check: 'database' }, unit: '', inUrl: true, aliases: ['db'], description: 'Initial database, sent as `use:database` at OpenSession.' },
  auth: { group: 'authentication', type: oneOf(['nosasl', 'plain', 'ldap', 'gssapi', 'jwt'], { kerberos: 'gssapi', bearer: 'jwt' }), unit: '', inUrl: true, aliases: ['authMechanism', 'auth_mechanism'], defaultNote: "`'nosasl'`; `'ldap'` with a password; `'jwt'` with a token; `'plain'` with only a user", description: "Transport authentication: `ldap` = user and password (SASL PLAIN; HTTP Basic over hs2-http), `plain` = user only, `jwt` = bearer token (hs2-http only), `gssapi` = Kerberos (ticket from the credential cache: SASL GSSAPI on the binary ports, SPNEGO `Authorization: Negotiate` over hs2-http; needs the optional `kerberos` package)." },
  user: { group: 'authentication', type: { type: 'text', check: 'user' }, unit: '', inUrl: true, aliases: ['username'], description: 'User name (SASL user, or the OpenSession user with nosasl).' },
  password: { group: 'authentication', type: { type: 'secret' }, unit: '', inUrl: true, aliases: [], description: 'Password, kept in a `Secret` that prints as `***`; in URLs put it in `user:password@` (percent-encoded).' },
  token: { group: 'authentication', type: { type: 'token' }, unit: '', inUrl: true, aliases: ['jwt'], description: "Bearer token (JWT) for `auth: 'jwt'`, kept in a `Secret`; in an options object also a function `({ address, refresh }) => token` asked again with `refresh: true` after a 401." },
  doAs: { group: 'authentication', type: { type: 'text', check: 'user' }, unit: '', inUrl: true, aliases: ['impala.doas.user'], description: 'Run statements as this user (impersonation; the authenticated user must be allowed to delegate): `?doAs=` over hs2-http, `impala.doas.user` at OpenSession over hs2.' },
  kerberosServiceName: { group: 'authentication', type: { type: 'text', check: 'serviceName' }, unit: '', inUrl: true, aliases: ['krbServiceName', 'kerberos_service_name'], description: "Kerberos service: the first part of the server principal." },
  kerberosHostFqdn: { group: 'authentication', type: { type: 'text', check: 'kerberosHost' }, unit: '', inUrl: true, aliases: ['krbHost', 'krbHostFqdn', 'kerberos_host_fqdn', 'krb_host'], defaultNote: "each coordinator's host", description: "Host part of the server principal for every coordinator (a load balancer's name, like impala-shell `-b`), used as written; `_HOST` means each coordinator's own host." },
  kerberosRealm: { group: 'authentication', type: { type: 'text', check: 'realm' }, unit: '', inUrl: true, aliases: ['krbRealm'], description: "Realm of the server principal, shown in messages; the Kerberos library maps the server's realm itself (krb5.conf `[domain_realm]`, `default_realm`)." },
  kerberosCanonicalizeHostName: { group: 'authentication', type: oneOf(['none', 'forward', 'forwardAndReverse'], { forwardandreverse: 'forwardAndReverse', true: 'forwardAndReverse', false: 'none' }), unit: '', inUrl: true, aliases: ['canonicalizeHostName', 'krbCanonicalizeHostName'], description: "How each coordinator's own host becomes its principal's host: as written, its DNS CNAME, or address-then-name (`/etc/hosts` counts), as the MongoDB driver's `CANONICALIZE_HOST_NAME`." },
  tls: { group: 'tls', type: bool, unit: '', inUrl: true, aliases: ['ssl'], defaultNote: '`false` (`true` for `impalas://`)', description: 'Use TLS.' },
  tlsCa: { group: 'tls', type: { type: 'text', check: 'pem' }, unit: '', inUrl: true, aliases: ['ca_cert', 'caCert'], defaultNote: "Node's bundled CAs", description: 'Trusted CA certificates: the path of a PEM file (read at createClient; a missing file is a ConfigError), or the PEM text itself.' },
  tlsServername: { group: 'tls', type: { type: 'text', check: 'hostName' }, unit: '', inUrl: true, aliases: ['servername'], defaultNote: "each coordinator's own host", description: 'One name sent as SNI and verified in every coordinator\'s certificate (e.g. a load balancer name with TLS passthrough).' },
  tlsRejectUnauthorized: { group: 'tls', type: bool, unit: '', inUrl: true, aliases: ['rejectUnauthorized', 'tlsVerify', 'verify_cert'], description: 'Verify the server certificate; `false` is for tests: warning, and a process warning `IMPALA_HA_TLS_UNVERIFIED` once per process.' },
  tlsVerifyServerName: { group: 'tls', type: bool, unit: '', inUrl: true, aliases: [], description: 'Check that the certificate names the coordinator (or `tlsServername`); `false` keeps the chain check, warns like `tlsRejectUnauthorized: false`.' },
  tlsCert: { group: 'tls', type: { type: 'text', check: 'pem' }, unit: '', inUrl: true, aliases: ['sslCert', 'client_cert'], description: 'Client certificate (chain) for coordinators that require one (mutual TLS): a PEM file path (read at createClient) or the PEM text.' },
  tlsKey: { group: 'tls', type: { type: 'secret' }, unit: '', inUrl: true, aliases: ['sslKey', 'client_key'], description: 'Private key of `tlsCert`: a PEM file path (read at createClient) or the PEM text; kept in a `Secret` that prints as `***`.' },
  tlsKeyPassphrase: { group: 'tls', type: { type: 'secret' }, unit: '', inUrl: true, aliases: [], description: 'Passphrase of an encrypted `tlsKey`, kept in a `Secret` that prints as `***`.' },
  httpHeaders: { group: 'connection', type: { type: 'headers' }, unit: '', inUrl: false, aliases: [], defaultNote: '`{}`', description: 'Extra HTTP headers sent with every hs2-http request (e.g. for a gateway); values are treated as credentials (never printed; written by `formatConnectionString` only with `includePassword`). `jdbc:hive2`: `http.header.<Name>`.' },
  connectTimeoutMs: { group: 'timeouts', type: ms(1), unit: 'ms', inUrl: true, aliases: ['connectTimeout'], description: 'Bound on getting a usable session: TCP connect + TLS handshake + SASL negotiation + OpenSession. A coordinator that accepts but does not answer is given up on sooner, by its liveness check.' },
  rpcTimeoutMs: { group: 'timeouts', type: ms(1), unit: 'ms', inUrl: true, aliases: ['rpcTimeout'], description: "Bound on RPCs that may legitimately take long (ExecuteStatement plans the statement). RPCs that must answer fast get bounds from the coordinator's observed latency (1 s floor); any call that overruns triggers a liveness check of its coordinator on another connection: no answer within about a second and its calls fail over at once." },
  queryTimeoutMs: { group: 'timeouts', type: ms(0, 'none'), unit: 'ms', inUrl: true, aliases: ['queryTimeout'], description: 'Default per-call timeout of query/execute/stream; 0 = none.' },
  closeTimeoutMs: { group: 'timeouts', type: ms(0, 'cut at once'), unit: 'ms', inUrl: true, aliases: ['closeTimeout'], description: '`close()` gives calls still running this long, then cancels them and cuts every connection, whatever the servers do.' },
  fetchSize: { group: 'results', type: int(1, 2_147_483_647), unit: 'rows', inUrl: true, aliases: ['fetch_size'], description: 'Rows asked for per FetchResults call.' },
  queryOptions: { group: 'connection', type: { type: 'queryOptions' }, unit: '', inUrl: true, aliases: [], defaultNote: '`{}`', description: 'Session query options sent at OpenSession (keys upper-cased); in URLs `queryOptions.MEM_LIMIT=2g`.' },
  balance: { group: 'pool', type: oneOf(['leastconn', 'p2c', 'roundrobin', 'random', 'affinity']), unit: '', inUrl: true, aliases: [], description: 'Coordinator selection: fewest in-flight, power of two choices, round robin, random, or rendezvous hash of an affinity key.' },
  maxConnectionsPerCoordinator: { group: 'pool', type: int(1, 10_000), unit: 'count', inUrl: true, aliases: ['maxConnections'], description: 'Most pooled connections (each with its session) per coordinator.' },
  minIdlePerCoordinator: { group: 'pool', type: int(0, 10_000), unit: 'count', inUrl: true, aliases: ['minIdle'], description: 'Connections kept open per coordinator.' },
  acquireTimeoutMs: { group: 'pool', type: ms(1), unit: 'ms', inUrl: true, aliases: ['acquireTimeout'], description: 'Wait for a free connection before failing with ACQUIRE_TIMEOUT.' },
  idleTimeoutMs: { group: 'pool', type: ms(0, 'never'), unit: 'ms', inUrl: true, aliases: ['idleTimeout'], description: 'Close connections idle this long, above `minIdlePerCoordinator`; 0 = never.' },
  validateAfterIdleMs: { group: 'pool', type: ms(0, 'always'), unit: 'ms', inUrl: true, aliases: ['validateAfterIdle'], description: 'Ping (PingImpalaHS2Service) a connection idle longer than this before lending it; 0 = always.' },
  maxLifetimeMs: { group: 'pool', type: ms(0, 'never'), unit: 'ms', inUrl: true, aliases: ['maxLifetime'], description: 'Recycle connections after this long, minus up to 2.5% jitter; 0 = never.' },
  keepAliveIntervalMs: { group: 'pool', type: ms(0, 'off'), unit: 'ms', inUrl: true, aliases: ['keepAliveInterval'], description: "Ping idle connections this often; set it below a proxy's `timeout client`; 0 = off." },
  tcpKeepAlive: { group: 'pool', type: bool, unit: '', inUrl: true, aliases: [], description: 'Enable TCP keepalive on every socket.' },
  tcpKeepAliveDelayMs: { group: 'pool', type: ms(0, 'OS default'), unit: 'ms', inUrl: true, aliases: ['tcpKeepAliveDelay'], description: 'Idle time before the first TCP keepalive probe.' },
  healthCheckIntervalMs: { group: 'health', type: ms(1), unit: 'ms', inUrl: true, aliases: ['healthCheckInterval'], description: 'Base interval of active probes of a down coordinator that accepts but does not answer (doubles with jitter up to the max); one that refuses connections is re-probed every 250 ms (±25%); HAProxy `inter`.' },
  healthCheckMaxIntervalMs: { group: 'health', type: ms(1), unit: 'ms', inUrl: true, aliases: ['healthCheckMaxInterval'], description: 'Cap of the probe backoff.' },
  rise: { group: 'health', type: int(1, 1_000), unit: 'count', inUrl: true, aliases: [], description: 'Consecutive successful probes before a down coordinator is up; each probe is a full connect + OpenSession, whose session joins the pool; HAProxy `rise`.' },
  fall: { group: 'health', type: int(1, 1_000), unit: 'count', inUrl: true, aliases: [], description: 'Consecutive timeouts before a coordinator is down (a refused connect or reset marks it down at once); HAProxy `fall`.' },
  slowStartMs: { group: 'health', type: ms(0, 'off'), unit: 'ms', inUrl: true, aliases: ['slowStart'], description: "Ramp of a recovered coordinator's share of concurrent work, from a quarter to all of it (it takes requests at once); HAProxy `slowstart`; 0 = off." },
  retries: { group: 'retry', type: int(0, 100), unit: 'count', inUrl: true, aliases: [], description: 'Extra attempts for a request that is safe to retry, on another coordinator when possible.' },
  retryBaseDelayMs: { group: 'retry', type: ms(0), unit: 'ms', inUrl: true, aliases: ['retryBaseDelay'], description: 'Full-jitter backoff base.' },
  retryMaxDelayMs: { group: 'retry', type: ms(0), unit: 'ms', inUrl: true, aliases: ['retryMaxDelay'], description: 'Backoff cap.' },
  retryBudgetRatio: { group: 'retry', type: { type: 'decimal', min: 0, max: 1 }, unit: 'ratio', inUrl: true, aliases: [], description: 'Retries allowed as a share of requests (Finagle and Envoy use 20%).' },
  retryBudgetMinPerSecond: { group: 'retry', type: { type: 'decimal', min: 0, max: 1_000_000 }, unit: 'per second', inUrl: true, aliases: [], description: 'Retries always allowed per second, whatever the ratio.' },
  ddl: { group: 'results', type: oneOf(['default', 'sync']), unit: '', inUrl: true, aliases: [], description: "`sync` sets SYNC_DDL on DDL statements so every coordinator sees the change before the call returns." },
  reopenOnFailover: { group: 'results', type: bool, unit: '', inUrl: true, aliases: [], description: "Pinned sessions reopen on another coordinator when theirs dies (session state is replayed)." },
  rowMode: { group: 'results', type: oneOf(['object', 'array']), unit: '', inUrl: true, aliases: [], description: 'Rows as objects keyed by column name, or arrays.' },
  bigint: { group: 'results', type: oneOf(['bigint', 'number', 'string']), unit: '', inUrl: true, aliases: [], description: 'BIGINT values as bigint, number (may lose precision) or string.' },
  timestamp: { group: 'results', type: oneOf(['string', 'date']), unit: '', inUrl: true, aliases: [], description: "TIMESTAMP values as Impala's text or a `Date`." },
  date: { group: 'results', type: oneOf(['string', 'date']), unit: '', inUrl: true, aliases: [], description: "DATE values as Impala's text or a `Date`." },
  strings: { group: 'results', type: oneOf(['string', 'buffer']), unit: '', inUrl: true, aliases: [], description: 'STRING / VARCHAR / CHAR values as strings or Buffers.' },
  applicationName: { group: 'connection', type: { type: 'text', check: 'label' }, unit: '', inUrl: true, aliases: ['clientIdentifier'], description: 'Sent as the CLIENT_IDENTIFIER query option (shows in the query profile).' },
});

/** All option names, in documentation order. */
export const OPTION_NAMES: readonly OptionName[] = Object.freeze(Object.keys(OPTION_SPECS) as OptionName[]);

// Options whose URL spelling is not `name=value`.
const URL_SPELLING: Partial<Record<OptionName, string>> = {
  coordinators: 'the host list',
  password: '`user:password@`, `password`',
  httpHeaders: '`httpHeaders.<Name>`',
  queryOptions: '`queryOptions.<NAME>`',
};

function showDefault(name: OptionName): string {
  const spec = OPTION_SPECS[name];
  if (spec.defaultNote) return spec.defaultNote;
  const value: unknown = DEFAULTS[name];
  if (value === undefined) return '—';
  const zero = spec.type.type === 'duration' && value === 0 && spec.type.zero ? ` (${spec.type.zero})` : '';
  return typeof value === 'string' ? `\`'${value}'\`` : `\`${String(value)}\`${zero}`;
}

function showType(spec: OptionSpec): string {
  const t = spec.type;
  switch (t.type) {
    case 'duration':
      return `duration${t.min > 0 ? ` ≥ ${t.min}` : ''}`;
    case 'integer':
      return `integer ${t.min}..${t.max}`;
    case 'decimal':
      return `number ${t.min}..${t.max}`;
    case 'boolean':
      return 'boolean';
    case 'enum':
      return t.values.map((v) => `\`'${v}'\``).join(' \\| ');
    case 'secret':
      return 'string \\| Secret';
    case 'token':
      return 'string \\| Secret \\| function';
    case 'headers':
      return '`Record<string, string>`';
    case 'hosts':
      return '`string[]`';
    case 'queryOptions':
      return '`Record<string, string>`';
    case 'text':
      return 'string';
  }
}

/**
 * The options table as Markdown (one row per option: name, type, default, unit, other
 * URL spellings, meaning). `docs/configuration.md` and the README embed its output; a
 * test keeps them identical.
 */
export function renderOptionsTable(): string {
  const rows = OPTION_NAMES.map((name) => {
    const spec = OPTION_SPECS[name];
    const urlNames = URL_SPELLING[name] ?? [name, ...spec.aliases].map((a) => `\`${a}\``).join(', ');
    return `| \`${name}\` | ${showType(spec)} | ${showDefault(name)} | ${spec.unit || '—'} | ${urlNames} | ${spec.description} |`;
  });
  return ['| Option | Type | Default | Unit | URL parameter | Meaning |', '|---|---|---|---|---|---|', ...rows].join('\n');
}
