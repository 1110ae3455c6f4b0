import type { SqlEngine } from './engine/types';
import type { HttpAuthCounts } from './server/http-authority';

export type { HttpAuthCounts } from './server/http-authority';

/** Options of {@link startCluster}. Every field is optional. */
export interface SimClusterOptions {
  /** Number of coordinators. Default 3. */
  coordinators?: number;
  /**
   * Catalog propagation delay: DDL run on one coordinator becomes visible to the
   * others only after this long, unless SYNC_DDL is set, in ms. Default 0.
   */
  catalogLagMs?: number;
  /** How long a DDL with SYNC_DDL takes before it returns (then it is visible everywhere), in ms. Default: the engine's (20). */
  syncDdlDelayMs?: number;
  /**
   * Run each coordinator as a child process, so tests can SIGKILL / SIGSTOP a real
   * process; the SQL engine stays in this process. Default `false`.
   */
  processes?: boolean;
  /** Coordinator `i` listens on `basePort + i`. Default: any free port for each. */
  basePort?: number;
  /**
   * Coordinator `i` serves the legacy Beeswax protocol on `beeswaxBasePort + i`
   * (Impala's port 21000). Default: any free port for each, kept across restarts.
   */
  beeswaxBasePort?: number;
  /**
   * Coordinator `i` serves HS2 over HTTP on `httpBasePort + i` (Impala's port 28000).
   * Default: any free port for each, kept across restarts.
   */
  httpBasePort?: number;
  /** Address to listen on. Default `'127.0.0.1'`. */
  host?: string;
  /**
   * Users and passwords. When set, coordinators require SASL PLAIN (Impala with
   * LDAP) and close the socket without a reply on a wrong password, as Impala does.
   * Default: none (NOSASL).
   */
  users?: Record<string, string>;
  /**
   * Bearer tokens accepted on the HTTP ports (token → user name), as Impala with JWT
   * auth; a token must contain a `.` (Impala only treats such values as JWTs). The
   * simulator does not verify JWT signatures: a listed token is valid. Default: none.
   */
  tokens?: Record<string, string>;
  /**
   * `Max-Age` of the `impala.auth` cookie the HTTP ports issue after a successful
   * Basic/Bearer check, in seconds (Impala's `--max_cookie_lifetime_s`); 0 = no cookies.
   * The cookie is `Secure` with `tls` (HTTPS) and not on plain HTTP, so tests over
   * plain HTTP still get it back. Default 86400.
   */
  httpCookieMaxAgeS?: number;
  /** How long a session survives without any connection (Impala's `--disconnected_session_timeout`), in ms. Default 900000. */
  disconnectedSessionTimeoutMs?: number;
  /** How long FetchResults waits for rows before answering STILL_EXECUTING (FETCH_ROWS_TIMEOUT_MS), in ms. Default 10000. */
  fetchRowsTimeoutMs?: number;
  /**
   * Impala's `--idle_session_timeout`: a session with no RPC for this long expires
   * (its queries are cancelled with `Session expired due to inactivity`, every RPC
   * but CloseSession gets `Client session expired due to more than <n>s of
   * inactivity ...`), unless the session sets IDLE_SESSION_TIMEOUT, in ms. `0` = never.
   * Default 0 (Impala's default).
   */
  idleSessionTimeoutMs?: number;
  /**
   * Impala's `--idle_query_timeout`: a query whose rows are ready and that no RPC
   * touched for this long expires with `Query <id> expired due to client
   * inactivity (timeout is <d>)`. QUERY_TIMEOUT_S overrides it (capped by it when
   * both are set), in ms. `0` = never. Default 0 (Impala's default).
   */
  idleQueryTimeoutMs?: number;
  /** Impala version reported by GetInfo(DBMS_VER) and PingImpalaHS2Service. Default `'4.5.0'`. */
  version?: string;
  /**
   * Wrap query errors as Impala 4.5+ does (`Query <id> failed:\n<detail>\n`);
   * `false` sends the bare detail like Impala ≤ 4.4. Default `true`.
   */
  errorWrapper?: boolean;
  /**
   * SQL engine to use instead of a new in-memory DuckDB one. It is not closed by
   * `stop()`. Default: `createDuckDbEngine({ catalogLagMs, syncDdlDelayMs })`.
   */
  engine?: SqlEngine;
  /** Bound on starting one coordinator (listen; with `processes`, fork and handshake), in ms. Default 20000. */
  startTimeoutMs?: number;
  /**
   * TLS on every coordinator's ports, like impalad with `--ssl_server_certificate`: the
   * ports then accept only TLS (SASL, if any, runs inside it; the HTTP port serves
   * HTTPS). Default: plain TCP.
   */
  tls?: SimTlsOptions;
  /**
   * Kerberos (SASL GSSAPI), like impalad with `--principal` and `--keytab_file`:
   * coordinators accept GSSAPI with a real MIT acceptor over the keytab, including the
   * RFC 4752 security-layer exchange (QOP auth), and close the socket without a reply
   * when the ticket is not for a principal they accept. With `users` too, both PLAIN
   * and GSSAPI are accepted. Needs a C compiler and libkrb5-dev once: the acceptor is a
   * small addon compiled on first use. The HTTP ports accept SPNEGO
   * (`Authorization: Negotiate`) with the same keytab and principal, as impalad: the
   * server's final token with the `200` (mutual authentication) and the `impala.auth`
   * cookie (`a=KERBEROS`); `401` + `WWW-Authenticate: Negotiate` to a request without
   * credentials, `401` without a challenge to a refused ticket. Default: no Kerberos.
   */
  kerberos?: SimKerberosOptions;
}

/** TLS settings of the simulated coordinators. */
export interface SimTlsOptions {
  /** Server certificate chain (PEM text). */
  cert: string | Buffer;
  /** Private key (PEM text). */
  key: string | Buffer;
  /** Passphrase of an encrypted `key`. */
  passphrase?: string;
  /** CA certificates (PEM) trusted for client certificates; needed with `requireClientCert`. */
  ca?: string | Buffer;
  /** Require a client certificate signed by `ca` (mutual TLS); a client without one fails the handshake. Default `false`. */
  requireClientCert?: boolean;
}

/** Kerberos settings of the simulated coordinators. */
export interface SimKerberosOptions {
  /** Path of a keytab holding the service principal(s), e.g. from `kadmin ktadd`. */
  keytab: string;
  /**
   * The one principal clients must target, like impalad's `--principal`
   * (`impala/lb.example@REALM` behind a load balancer). Default: any principal in the keytab.
   */
  principal?: string;
}

/** Graceful shutdown timing (Impala's `--shutdown_grace_period_s` / `--shutdown_deadline_s`). */
export interface ShutdownOptions {
  /** Minimum time before the coordinator exits even when idle, in ms. Default 0 (Impala: 120000). */
  graceMs?: number;
  /** Time after which it exits even with queries still registered, in ms. Default 30000 (Impala: 3600000). */
  deadlineMs?: number;
}

/** Admission control limits of a coordinator's pool (`default-pool`). */
export interface AdmissionOptions {
  /** Queries running at once; more are queued. */
  maxRunning: number;
  /** Queries allowed to wait; beyond that `Rejected query from pool default-pool: queue full, ...`. Default 0. */
  maxQueued?: number;
  /** Time a query may wait before `Admission for query exceeded timeout <ms>ms ...`, in ms. Default 60000. */
  queueTimeoutMs?: number;
}

/** A per-RPC delay: every method (`number` or without `method`) or one Thrift method by name. */
export type RpcDelayOptions = number | { method?: string; ms: number };

/** An HTTP status a proxy in front of a coordinator would answer (see {@link SimCoordinator.injectHttpStatus}). */
export interface HttpStatusFaultOptions {
  /** 429, 502 or 503. */
  status: 429 | 502 | 503;
  /** How many requests get it. Default 1; 0 clears. */
  count?: number;
  /** Sent as `Retry-After: <s>`. Default: no header. */
  retryAfterS?: number;
}

/** One statement a coordinator started executing (after admission). */
export interface ExecutedStatementRecord {
  /** Statement text as sent. */
  sql: string;
  /** Printed HS2 session id. */
  sessionId: string;
  /** Printed Impala query id. */
  queryId: string;
  /** The session's user: the authenticated one, the OpenSession user name without auth, or the `doAs` user over HTTP. */
  user: string;
  /** When execution started, `Date.now()` milliseconds. */
  at: number;
}

/** What {@link SimCluster.stats} reports per coordinator. */
export interface CoordinatorStats {
  index: number;
  /** `host:port`. */
  address: string;
  /** Listening and serving (false after kill, or after a graceful shutdown ended). */
  up: boolean;
  /** Open HS2 sessions (including disconnected ones that have not expired). */
  openSessions: number;
  /** Registered operations (not yet closed). */
  openOperations: number;
  /** Open client TCP connections (binary and HTTP ports). */
  connections: number;
  /**
   * What the HTTP port counted in this incarnation: requests, cookies accepted and
   * refused, credential checks, 401s. (Process coordinators: as of their last report;
   * `refreshStats()` asks.)
   */
  http: HttpAuthCounts;
  /** Every statement executed on this coordinator since the cluster started, across restarts, oldest first. */
  executed: ExecutedStatementRecord[];
}

/**
 * One simulated coordinator and its faults. With `processes: false` a fault is in
 * effect when the method returns; with `processes: true` it is in effect when the
 * returned promise resolves (the child process acknowledged it). Faults belong to the
 * running incarnation: a restart starts clean, and setting one on a coordinator that
 * is down does nothing.
 */
export interface SimCoordinator {
  /** 0-based position in the cluster. */
  readonly index: number;
  readonly host: string;
  /** Port of binary HS2 (NOSASL, or SASL PLAIN with `users`). */
  readonly port: number;
  /** `host:port` of binary HS2. */
  readonly address: string;
  /** Port of the coordinator's Beeswax front end (one Impala session per connection). */
  readonly beeswaxPort: number;
  /** `host:beeswaxPort`. */
  readonly beeswaxAddress: string;
  /** Port of HS2 over HTTP (any path; Basic with `users`, Bearer with `tokens`, Negotiate (SPNEGO) with `kerberos`). */
  readonly httpPort: number;
  /** `host:httpPort`. */
  readonly httpAddress: string;
  /** Listening and serving. */
  readonly up: boolean;
  /** Process id of the coordinator's child process (`processes: true` only). */
  readonly pid: number | undefined;
  /** Like `kill -9`: every connection reset (clients see ECONNRESET), all sessions and queries lost, port closed. */
  kill(): Promise<void>;
  /** Starts a fresh incarnation on the same port (killing the current one first if it is up). Sessions are gone. */
  restart(): Promise<void>;
  /**
   * Keeps accepting TCP connections (the kernel completes the handshake) but reads
   * and answers nothing. A process coordinator gets a real SIGSTOP and is frozen
   * entirely; in-process only its I/O stops (queries already running keep running,
   * replies that become ready are held until {@link resume}).
   */
  hang(): Promise<void>;
  /** Ends {@link hang}: held replies go out, reading resumes (SIGCONT). */
  resume(): Promise<void>;
  /**
   * Graceful shutdown: from now on OpenSession, ExecuteStatement, GetInfo and the
   * metadata RPCs get `Server is being shut down: ...`; queries already registered keep
   * working. The coordinator exits (connections closed, port released) once the grace
   * period has passed and no query is registered, or at the deadline. Resolves when
   * shutdown has begun; {@link waitUntilDown} waits for the exit.
   */
  shutdown(options?: ShutdownOptions): Promise<void>;
  /** Resolves when the coordinator is down (immediately if it is), rejects after `timeoutMs` (default 30000). */
  waitUntilDown(timeoutMs?: number): Promise<void>;
  /**
   * Standing idle policy, like a proxy's `timeout client`: connections with no
   * traffic in either direction for `ms` are closed (FIN). `0` turns it off.
   */
  dropIdle(ms: number): Promise<void>;
  /** Delays handling of every request (or of one Thrift method) by `ms`; `0` clears it. The request is still handled after the delay even if the client gave up. */
  setRpcDelay(delay: RpcDelayOptions): Promise<void>;
  /** The next `n` TCP connections are accepted and immediately reset, like a proxy with no backend. `0` clears. */
  refuseConnections(n: number): Promise<void>;
  /**
   * The next `n` (default 1) FetchResults replies are cut mid-reply: the first half of
   * the reply's bytes is sent, then the connection is reset. The rows of that batch are
   * consumed on the server, as with a real broken connection.
   */
  dropDuringFetch(n?: number): Promise<void>;
  /** Admission limits for this coordinator; `null` removes them (admit everything). */
  setAdmission(options: AdmissionOptions | null): Promise<void>;
  /**
   * HTTP port only: the next `count` requests are answered with `status` (429, 502 or
   * 503, and `Retry-After` when given) instead of being served, as a proxy or load
   * balancer in front of the coordinator would.
   */
  injectHttpStatus(options: HttpStatusFaultOptions): Promise<void>;
}

/** A client protocol a simulated coordinator serves, each on its own port. */
export type SimProtocol = 'hs2' | 'hs2-http' | 'beeswax';

/** A running simulated Impala cluster. */
export interface SimCluster {
  /**
   * `impala://127.0.0.1:p1,127.0.0.1:p2,.../default` (binary HS2; {@link urlFor} for the
   * other front ends); `impalas://` with `tls`, and `?auth=gssapi` (with `krbHost` from
   * `kerberos.principal`) with `kerberos` alone.
   */
  readonly url: string;
  /**
   * The cluster's URL for one protocol, with that protocol's ports and the same TLS
   * and auth suffixes as {@link url}: `'hs2'` gives {@link url}; `'hs2-http'`
   * `impala+http://127.0.0.1:h1,127.0.0.1:h2,.../default` (`impala+https://` with
   * `tls`); `'beeswax'` `impala://127.0.0.1:b1,127.0.0.1:b2/default?protocol=beeswax`.
   *
   * @throws ArgumentError for a protocol this simulator does not serve.
   */
  urlFor(protocol: SimProtocol): string;
  readonly coordinators: readonly SimCoordinator[];
  /** The shared SQL engine (e.g. to prepare tables); a DuckDB one unless `engine` was given. */
  readonly engine: SqlEngine;
  /**
   * Per coordinator: up, counts and the execution log. For process coordinators the
   * counts are the last the child reported (it reports every change before replying);
   * {@link refreshStats} asks each child.
   */
  stats(): CoordinatorStats[];
  /**
   * Runs DuckDB SQL directly on the shared engine (several statements allowed;
   * unqualified names land in `default`) and makes what it creates visible on every
   * coordinator at once, like tables loaded outside Impala. Not logged in `executed`.
   * Needs the DuckDB engine (or an engine with a `seed` method).
   */
  seed(sql: string): Promise<void>;
  /** Like {@link stats}, after asking every child process for its current counts. */
  refreshStats(): Promise<CoordinatorStats[]>;
  /** Stops every coordinator and child process and closes the engine it created. Safe to call twice. */
  stop(): Promise<void>;
}
