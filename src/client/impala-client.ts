import { EventEmitter, setMaxListeners } from 'node:events';
import createDebug from 'debug';
import { ArgumentError, ClosedError, ConfigError, ErrorCode } from '../errors';
import { publish, type ClientEventName, type ClientEvents } from '../events';
import type { EventSink } from '../events/event-sink';
import { baseAttributes, operationName, queryChannel, setServer, traced, type TraceContext } from '../events/tracing';
import type { ResolvedOptions } from '../connection-string/options';
import { AuthCookieStore } from '../connection/cookie-jar';
import { Cluster } from '../pool/cluster';
import { CoordinatorPool, type CoordinatorPoolOptions, type CoordinatorStats } from '../pool/coordinator-pool';
import { defaultPoolDeps, type PoolDeps } from '../pool/pool-deps';
import type { CoordinatorSessionOptions } from '../protocol/hs2/coordinator-session';
import type { AttemptDeps, AttemptSettings } from '../retry/attempt-loop';
import { settlesWithin, type Clock } from '../retry/clock';
import { RetryBudget } from '../retry/retry-budget';
import { describeStatement, statementKind, type StatementKind } from '../retry/statement-kind';
import type { CallOptions, ExecuteResult, QueryResult } from '../protocol/call-options';
import { RequestExecutor, type RequestSpec } from './request-executor';
import { ResultStream } from './result-stream';
import { transportSecurity } from './transport-security';
import { Session, type SessionContext, type SessionOptions } from '../session/session';
import type { QueryCallOptions } from '../protocol/hs2/coordinator-session';

const debug = createDebug('impala-ha:client');

/**
 * What the client uses from the outside world; every field defaults to the real one.
 * For tests: fake session and channel factories, fake clock, seeded random.
 *
 * @internal
 */
export type ClientDeps = Partial<Omit<PoolDeps, 'emit'>>;

/** What {@link ImpalaClient.stats} returns. */
export interface ClientStats {
  /** Per coordinator, in configuration order. */
  coordinators: CoordinatorStats[];
  /** Requests and retries in the retry budget's current window. */
  retryBudget: { requests: number; retries: number };
  /** Calls running now. */
  inFlight: number;
  closed: boolean;
}

/**
 * A client for a set of Impala coordinators: a pool per coordinator, local
 * balancing, passive and active health checks, idle validation, reconnects and safe
 * retries. Create it with {@link createClient}.
 *
 * Events (see {@link ClientEvents}) are also published on `node:diagnostics_channel`
 * as `impala-ha:<event>`.
 */
export class ImpalaClient extends EventEmitter<ClientEvents> {
  /** The resolved configuration (password redacted when printed). */
  readonly options: ResolvedOptions;
  readonly #cluster: Cluster;
  readonly #executor: RequestExecutor;
  readonly #budget: RetryBudget;
  readonly #inFlight = new Set<Promise<unknown>>();
  readonly #sessions = new Set<Session>();
  readonly #sessionContext: SessionContext;
  readonly #clock: Clock;
  /** Aborted when close() runs out of time: every call still running ends. */
  readonly #closeController = closeController();
  /** See {@link ImpalaClient.#callOptions}. */
  #plainCallOptions: QueryCallOptions | undefined;
  #closing: Promise<void> | undefined;

  /**
   * @internal Use {@link createClient}. `deps` replaces the outside world (session and
   * channel factories, clock, random) for tests.
   */
  constructor(options: ResolvedOptions, deps: ClientDeps = {}) {
    super();
    this.options = options;
    if (options.protocol !== 'hs2' && options.protocol !== 'hs2-http' && options.protocol !== 'beeswax') {
      throw new ConfigError(ErrorCode.CONFIG_UNSUPPORTED, `protocol '${String(options.protocol)}' is not supported; use 'hs2' (binary HS2, port 21050), 'hs2-http' (HS2 over HTTP, port 28000) or 'beeswax' (port 21000)`, 'protocol');
    }
    if (options.protocol === 'beeswax' && options.doAs !== undefined) {
      throw new ConfigError(ErrorCode.CONFIG_UNSUPPORTED, "doAs (impersonation) is not supported over Beeswax; use protocol 'hs2' (impala.doas.user) or 'hs2-http' (?doAs=)", 'doAs');
    }
    const emit: EventSink = (name, payload) => {
      // Each retry is counted on the coordinator whose failure caused it.
      if (name === 'retried') this.#cluster.pool(payload.coordinator)?.noteRetry();
      publish(name, payload);
      this.emit(name as ClientEventName, payload as never);
    };
    const poolDeps = defaultPoolDeps(emit, deps);
    const session = sessionOptions(options);
    const pools = options.coordinators.map((address, index) => new CoordinatorPool(poolOptions(options, session, address, index), poolDeps));
    this.#cluster = new Cluster(pools, options.balance, poolDeps.random);
    this.#budget = new RetryBudget({ ratio: options.retryBudgetRatio, minPerSecond: options.retryBudgetMinPerSecond }, () => poolDeps.clock.now());
    const settings: AttemptSettings = { retries: options.retries, baseDelayMs: options.retryBaseDelayMs, maxDelayMs: options.retryMaxDelayMs };
    const attemptDeps: AttemptDeps = { budget: this.#budget, clock: poolDeps.clock, random: poolDeps.random, emit };
    this.#clock = poolDeps.clock;
    this.#executor = new RequestExecutor(this.#cluster, settings, attemptDeps, this.#closeController.signal);
    this.#sessionContext = {
      cluster: this.#cluster,
      emit,
      attempts: { settings, deps: attemptDeps },
      callOptions: (o, kind) => this.#callDefaults(o, kind),
      defaultDatabase: options.database,
      reopenOnFailover: options.reopenOnFailover,
      queryTimeoutMs: options.queryTimeoutMs,
      closeSignal: this.#closeController.signal,
    };
    debug('client for %s (balance %s)', options.coordinators.join(','), options.balance);
  }

  /**
   * Opens a {@link Session} pinned to one coordinator's HS2 session — for DDL
   * followed by statements that depend on it, SET/USE that must persist, or any
   * sequence that must see its own changes at once. Close it when done (or use
   * {@link withSession}).
   */
  async session(options: SessionOptions = {}): Promise<Session> {
    if (this.#closing) throw new ClosedError('the client is closed');
    const s = await this.#track(Session.open(this.#sessionContext, options));
    this.#sessions.add(s);
    const close = s.close.bind(s);
    s.close = () => {
      this.#sessions.delete(s);
      return close();
    };
    return s;
  }

  /** Runs `fn` with a {@link Session} and closes it afterwards, whatever happens. */
  async withSession<T>(fn: (session: Session) => Promise<T>, options: SessionOptions = {}): Promise<T> {
    const s = await this.session(options);
    try {
      return await this.#track(fn(s));
    } finally {
      await s.close();
    }
  }

  /**
   * Runs a statement and returns all its rows. Read-only statements are retried on
   * another coordinator when a failure happens before the result is complete.
   */
  async query<Row = Record<string, unknown>>(sql: string, options: CallOptions = {}): Promise<QueryResult<Row>> {
    const spec = this.#spec(sql, options);
    return this.#track(
      traced(
        queryChannel,
        () => this.#traceContext(sql, spec.kind),
        async (): Promise<QueryResult<Row>> => {
          const { value, attempts } = await this.#executor.run(spec, (session, attempt) => {
            attempt.progress.statementSent = true;
            return session.query<Row>(sql, this.#callOptions(options, spec.kind, attempt.signal));
          });
          return { rows: value.rows, columns: value.columns, queryId: value.queryId, coordinator: value.coordinator, attempts };
        },
        settleTrace,
      ),
    );
  }

  /**
   * Runs DML or DDL (or any statement whose rows you do not need) and returns the
   * modified-row count for DML. Not retried once sent unless `idempotent: true`;
   * a failure that leaves the outcome unknown is an OutcomeUnknownError.
   */
  async execute(sql: string, options: CallOptions = {}): Promise<ExecuteResult> {
    const spec = this.#spec(sql, options);
    return this.#track(
      traced(
        queryChannel,
        () => this.#traceContext(sql, spec.kind),
        async (): Promise<ExecuteResult> => {
          const { value, attempts } = await this.#executor.run(spec, (session, attempt) => {
            attempt.progress.statementSent = true;
            return session.execute(sql, this.#callOptions(options, spec.kind, attempt.signal));
          });
          return { ...value, attempts };
        },
        settleTrace,
      ),
    );
  }

  /**
   * Streams rows with at most one fetched batch in memory. Breaking out of the loop
   * cancels and closes the query on the server. Retried like {@link query} only
   * until the first row has been delivered.
   */
  stream<Row = Record<string, unknown>>(sql: string, options: CallOptions = {}): ResultStream<Row> {
    const spec = this.#spec(sql, options);
    return new ResultStream<Row>(
      this.#executor,
      spec,
      (session, signal) => session.stream(sql, this.#callOptions(options, spec.kind, signal)),
      (p) => this.#track(p),
      (run) =>
        traced(queryChannel, () => this.#traceContext(sql, spec.kind), run, (ctx, r) => {
          setServer(ctx, r.coordinator ?? '');
          ctx['impala.attempts'] = r.attempts;
        }),
    );
  }

  /** Numbers per coordinator and for the whole client. */
  stats(): ClientStats {
    return { coordinators: this.#cluster.stats(), retryBudget: this.#budget.snapshot(), inFlight: this.#inFlight.size, closed: this.#closing !== undefined };
  }

  /**
   * Closes the client within `closeTimeoutMs` (default 2 s), whatever the servers do:
   * new calls are refused at once; calls in flight are given most of the bound to
   * finish, then cancelled (they reject with IMPALA_ERR_CLOSED); sessions are closed
   * on the servers; at the bound every connection still open is cut and every timer
   * stopped. Safe to call more than once.
   */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    const clock = this.#clock;
    const bound = this.options.closeTimeoutMs;
    const started = clock.now();
    // Most of the bound for calls to finish; the rest to close their sessions politely.
    const drainMs = bound - Math.min(500, bound / 4);
    if (!(await settlesWithin(clock, Promise.allSettled([...this.#inFlight]), drainMs))) {
      debug('calls still running after %d ms: cancelling them', drainMs);
      this.#closeController.abort(new ClosedError(`the client was closed and this call did not finish within closeTimeoutMs (${bound} ms)`));
    }
    const polite = Promise.allSettled([...this.#sessions].map((s) => s.close())).then(() => this.#cluster.close());
    if (!(await settlesWithin(clock, polite, started + bound - clock.now()))) {
      debug('close ran out of time (%d ms): cutting every connection', bound);
      this.#cluster.cut(new ClosedError(`the client was closed: connections cut after closeTimeoutMs (${bound} ms)`));
    }
    debug('client closed');
  }

  #traceContext(sql: string, kind: StatementKind): TraceContext {
    const ctx = baseAttributes();
    ctx['db.namespace'] = this.options.database;
    ctx['db.query.text'] = sql;
    ctx['db.operation.name'] = operationName(sql);
    ctx['impala.statement_kind'] = kind;
    return ctx;
  }

  #spec(sql: string, options: CallOptions): RequestSpec {
    if (this.#closing) throw new ClosedError('the client is closed');
    if (typeof sql !== 'string' || sql.trim() === '') throw new ArgumentError(`sql must be a non-empty string, got ${typeof sql === 'string' ? 'an empty string' : typeof sql}`);
    const kind: StatementKind = statementKind(sql);
    if (kind === 'session') {
      throw new ArgumentError(
        `'${sql.trim().split(/\s+/)[0]}' changes a session, and pooled calls run on whichever pooled session is free; ` +
          'pass query options per call ({ queryOptions: { MEM_LIMIT: "2g" } }), set them for the client (queryOptions), or use client.session()',
      );
    }
    return {
      kind,
      idempotent: options.idempotent === true,
      affinity: options.affinity,
      label: describeStatement(sql),
      signal: options.signal,
      timeoutMs: options.timeoutMs ?? this.options.queryTimeoutMs,
    };
  }

  /**
   * What a pooled call hands its session. A call with no options of its own running on
   * the client's close signal (no caller signal, no time bound: the usual call) gets one
   * frozen object made once: a fresh merged object per call cost several microseconds of
   * a pooled `select 1` (the merge, then value options resolved again and megamorphic
   * reads of its changing shapes).
   */
  #callOptions(options: CallOptions, kind: StatementKind, signal: AbortSignal): QueryCallOptions {
    if (signal === this.#closeController.signal && hasNoKeys(options) && !(kind === 'ddl' && this.options.ddl === 'sync')) {
      this.#plainCallOptions ??= Object.freeze({ ...this.#callDefaults({}, kind), signal });
      return this.#plainCallOptions;
    }
    const call = this.#callDefaults(options, kind);
    call.signal = signal;
    return call;
  }

  /** Client defaults under the call's own options; SYNC_DDL added to DDL when `ddl: 'sync'`. */
  #callDefaults(options: CallOptions, kind: StatementKind): QueryCallOptions {
    const o = this.options;
    const own = options.queryOptions;
    const queryOptions = o.ddl === 'sync' && kind === 'ddl' ? { SYNC_DDL: 'true', ...own } : own !== undefined ? { ...own } : undefined;
    // One literal shape for every call (not a spread of the caller's object): the
    // session reads these fields on every statement, and objects of ever-changing
    // shapes made those reads megamorphic.
    return {
      rowMode: options.rowMode ?? o.rowMode,
      bigint: options.bigint ?? o.bigint,
      timestamp: options.timestamp ?? o.timestamp,
      date: options.date ?? o.date,
      strings: options.strings ?? o.strings,
      fetchSize: options.fetchSize ?? o.fetchSize,
      params: options.params,
      timeoutMs: options.timeoutMs,
      queryOptions,
      signal: options.signal,
    };
  }

  #track<T>(p: Promise<T>): Promise<T> {
    this.#inFlight.add(p);
    const done = (): void => {
      this.#inFlight.delete(p);
    };
    p.then(done, done);
    return p;
  }
}

/** True for `{}` (the default of every call's options). */
function hasNoKeys(o: object): boolean {
  for (const _ in o) return false;
  return true;
}

/** Turns the client options into what each pooled session is opened with. */
function sessionOptions(o: ResolvedOptions): Omit<CoordinatorSessionOptions, 'host' | 'port'> {
  const { auth, tls } = transportSecurity(o);
  const http = o.protocol === 'hs2-http';
  const queryOptions: Record<string, string> = { ...o.queryOptions };
  if (o.applicationName !== undefined) queryOptions.CLIENT_IDENTIFIER = o.applicationName;
  // Over HTTP impersonation is the ?doAs= parameter; Impala refuses both at once.
  if (o.doAs !== undefined && !http) queryOptions['impala.doas.user'] = o.doAs;
  return {
    auth,
    transport: http ? 'http' : 'binary',
    // One auth-cookie store per client: every pooled connection to a coordinator reuses its cookie.
    ...(http ? { http: { path: o.httpPath, headers: o.httpHeaders, cookieStore: new AuthCookieStore(), ...(o.doAs !== undefined ? { doAs: o.doAs } : {}) } } : {}),
    ...(tls ? { tls } : {}),
    connectTimeoutMs: o.connectTimeoutMs,
    rpcTimeoutMs: o.rpcTimeoutMs,
    keepAlive: o.tcpKeepAlive,
    keepAliveInitialDelayMs: o.tcpKeepAliveDelayMs,
    ...(o.user !== undefined && o.auth === 'nosasl' ? { username: o.user } : {}),
    database: o.database,
    sessionQueryOptions: queryOptions,
    fetchSize: o.fetchSize,
  };
}

/** Adds what a finished call tells to its trace context. */
function settleTrace(ctx: TraceContext, r: { coordinator: string; queryId: string; attempts: number; rows?: unknown[] }): void {
  setServer(ctx, r.coordinator);
  ctx['impala.query_id'] = r.queryId;
  ctx['impala.attempts'] = r.attempts;
  if (r.rows) ctx['db.response.returned_rows'] = r.rows.length;
}

/** Splits `host:port` / `[v6]:port`. */
function splitAddress(address: string): { host: string; port: number } {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(address) ?? /^([^:]+):(\d+)$/.exec(address);
  if (!m) throw new ConfigError(ErrorCode.CONFIG_INVALID_VALUE, `coordinator address '${address}' is not host:port`, 'coordinators');
  return { host: m[1]!, port: Number(m[2]) };
}

/** One coordinator's pool settings from the client options. */
function poolOptions(o: ResolvedOptions, session: Omit<CoordinatorSessionOptions, 'host' | 'port'>, address: string, index: number): CoordinatorPoolOptions {
  const { host, port } = splitAddress(address);
  return {
    address,
    index,
    session: { ...session, host, port, label: address, protocol: o.protocol === 'beeswax' ? 'beeswax' : 'hs2' },
    maxConnections: o.maxConnectionsPerCoordinator,
    minIdle: o.minIdlePerCoordinator,
    acquireTimeoutMs: o.acquireTimeoutMs,
    idleTimeoutMs: o.idleTimeoutMs,
    validateAfterIdleMs: o.validateAfterIdleMs,
    maxLifetimeMs: o.maxLifetimeMs,
    keepAliveIntervalMs: o.keepAliveIntervalMs,
    health: {
      fall: o.fall,
      rise: o.rise,
      slowStartMs: o.slowStartMs,
      intervalMs: o.healthCheckIntervalMs,
      maxIntervalMs: o.healthCheckMaxIntervalMs,
    },
    ...fetchRowsTimeout(o.queryOptions),
  };
}

/** FETCH_ROWS_TIMEOUT_MS from the client's session query options, when set to a number of ms. */
function fetchRowsTimeout(queryOptions: Readonly<Record<string, string>>): { fetchRowsTimeoutMs?: number } {
  const raw = queryOptions.FETCH_ROWS_TIMEOUT_MS;
  const ms = raw === undefined ? NaN : Number(raw);
  return Number.isFinite(ms) && ms >= 0 ? { fetchRowsTimeoutMs: ms } : {};
}

/**
 * The controller of the client's close signal. Every running request may wait on that
 * one signal (a caller signal or a time bound adds a listener per request; waiting
 * for a free session or a backoff one more), so Node's warning at 11 listeners would
 * fire under ordinary concurrency: the signal is meant to be shared, and listeners
 * are removed as calls end.
 */
function closeController(): AbortController {
  const c = new AbortController();
  setMaxListeners(0, c.signal);
  return c;
}
