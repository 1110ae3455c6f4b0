import createDebug from 'debug';
import { ArgumentError, ClosedError, ErrorCode, ImpalaError, OutcomeUnknownError, SessionLostError } from '../errors';
import type { CallOptions, ExecuteResult, QueryResult } from '../client/call-options';
import type { Cluster } from '../pool/cluster';
import type { CoordinatorPool, EventSink } from '../pool/coordinator-pool';
import type { PooledUnit } from '../pool/pooled-unit';
import type { QueryCallOptions } from '../protocol/hs2/coordinator-session';
import type { ProtocolSession } from '../protocol/protocol-session';
import { healthSignal, neverSent } from '../retry/retry-policy';
import { statementKind, type StatementKind } from '../retry/statement-kind';
import { SessionState } from './session-state';

const debug = createDebug('impala-ha:session');

/** Options of {@link ImpalaClient.session} and {@link ImpalaClient.withSession}. */
export interface SessionOptions {
  /** Pins the session to the coordinator this key maps to (rendezvous hashing). */
  affinity?: string;
  /** Initial database. Default: the client's `database`. */
  database?: string;
  /** Session query options, set at the start and kept across a reopen. */
  queryOptions?: Readonly<Record<string, string>>;
  /**
   * When the session's coordinator dies: `false` (default: the client's
   * `reopenOnFailover`) fails calls with IMPALA_ERR_SESSION_LOST; `true` reopens the
   * session on another coordinator, replays its database and SET options, emits
   * `sessionReopened`, and retries an interrupted read-only statement (never DML).
   */
  reopenOnFailover?: boolean;
}

/** What a session needs from its client. @internal */
export interface SessionContext {
  cluster: Cluster;
  emit: EventSink;
  /** Per-call options with client defaults and DDL handling applied. */
  callOptions(options: CallOptions, kind: StatementKind): QueryCallOptions;
  /** The database sessions start in. */
  defaultDatabase: string;
  /** Client default of {@link SessionOptions.reopenOnFailover}. */
  reopenOnFailover: boolean;
  /** Extra coordinators to try when opening fails. */
  retries: number;
}

/** Failures after which the session's own connection is gone but its coordinator may live. */
const TRANSPORT: ReadonlySet<string> = new Set([ErrorCode.CONNECTION_LOST, ErrorCode.CONNECTION_CLOSED, ErrorCode.RPC_TIMEOUT, ErrorCode.PROTOCOL]);

/**
 * A session pinned to one coordinator's HS2 session: statements run one after
 * another there, SET and USE persist, and DDL is seen at once by the statements that
 * follow (no catalog propagation delay in between). Get one from
 * {@link ImpalaClient.session} or {@link ImpalaClient.withSession}; `close()` ends it.
 *
 * A socket cut while the coordinator lives (a proxy's idle timeout) is repaired
 * transparently on the same HS2 session (Beeswax, whose session ends with its
 * socket: on a new session there, with USE and SET replayed). A dead coordinator ends the session
 * (`IMPALA_ERR_SESSION_LOST`) unless `reopenOnFailover` is on.
 */
export class Session {
  readonly #ctx: SessionContext;
  readonly #opts: SessionOptions;
  readonly #state: SessionState;
  #pool: CoordinatorPool;
  #unit: PooledUnit;
  /** The HS2 session's state differs from a fresh pooled one: destroy rather than return it. */
  #dirty: boolean;
  #lost: SessionLostError | undefined;
  #closed: Promise<void> | undefined;
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(ctx: SessionContext, opts: SessionOptions, state: SessionState, pool: CoordinatorPool, unit: PooledUnit, dirty: boolean) {
    this.#ctx = ctx;
    this.#opts = opts;
    this.#state = state;
    this.#pool = pool;
    this.#unit = unit;
    this.#dirty = dirty;
  }

  /** @internal Opens a session: leases a pooled HS2 session and applies the initial state. */
  static async open(ctx: SessionContext, opts: SessionOptions): Promise<Session> {
    if (opts.queryOptions !== undefined && (typeof opts.queryOptions !== 'object' || opts.queryOptions === null)) {
      throw new ArgumentError('session queryOptions must be an object of option names to string values');
    }
    const state = new SessionState(opts.database ?? ctx.defaultDatabase, opts.queryOptions ?? {});
    const { pool, unit, dirty } = await lease(ctx, opts.affinity, state, new Set());
    return new Session(ctx, opts, state, pool, unit, dirty);
  }

  /** `host:port` of the coordinator the session is on now. */
  get coordinator(): string {
    return this.#pool.address;
  }

  /** Impala's printed HS2 session id. */
  get sessionId(): string {
    return this.#unit.session!.sessionId;
  }

  /** Current database and SET options, as tracked on the client. */
  get state(): { database: string; options: Readonly<Record<string, string>> } {
    return { database: this.#state.database, options: this.#state.options };
  }

  /** Runs a statement on this session and returns all its rows. */
  query<Row = Record<string, unknown>>(sql: string, options: CallOptions = {}): Promise<QueryResult<Row>> {
    return this.#serial(() =>
      this.#run(sql, options, async (s, callOptions) => {
        const r = await s.query<Row>(sql, callOptions);
        return { rows: r.rows, columns: r.columns, queryId: r.queryId, coordinator: r.coordinator, attempts: 1 };
      }),
    );
  }

  /** Runs DML, DDL, SET or USE on this session; DML returns the modified-row count. */
  execute(sql: string, options: CallOptions = {}): Promise<ExecuteResult> {
    return this.#serial(() =>
      this.#run(sql, options, async (s, callOptions) => {
        const r = await s.execute(sql, callOptions);
        return { ...r, attempts: 1 };
      }),
    );
  }

  /**
   * Ends the session: its HS2 session goes back to the pool, or is closed on the
   * server when SET/USE changed it. Waits for a running statement. Safe to call twice.
   */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      await this.#queue.catch(() => undefined);
      await this.#pool.release(this.#unit, this.#dirty || this.#lost !== undefined);
    })();
    return this.#closed;
  }

  /** Statements of one session run one at a time, in call order. */
  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(fn, fn);
    this.#queue = next.catch(() => undefined);
    return next;
  }

  async #run<T extends { attempts: number }>(sql: string, options: CallOptions, work: (s: ProtocolSession, o: QueryCallOptions) => Promise<T>): Promise<T> {
    if (this.#closed) throw new ClosedError('the session is closed');
    if (this.#lost) throw this.#lost;
    if (typeof sql !== 'string' || sql.trim() === '') throw new ArgumentError('sql must be a non-empty string');
    const kind = statementKind(sql);
    const callOptions = this.#ctx.callOptions(options, kind);
    for (let attempt = 1; ; attempt++) {
      const pool = this.#pool;
      const session = this.#unit.session!;
      if (session.connection.closed) await this.#repair(undefined);
      pool.begin();
      const started = performance.now();
      try {
        const result = await work(this.#unit.session!, callOptions);
        pool.end(true, performance.now() - started);
        if (kind === 'session' && this.#state.apply(sql)) this.#dirty = true;
        return { ...result, attempts: attempt };
      } catch (err) {
        pool.end(false, 0);
        if (!(err instanceof ImpalaError) || !(TRANSPORT.has(err.code) || err.code === ErrorCode.INVALID_SESSION) || options.signal?.aborted) throw err;
        const safe = neverSent(err) || kind === 'read' || options.idempotent === true;
        try {
          await this.#repair(err); // throws SessionLostError when the session cannot continue
        } catch (lost) {
          if (safe || !(lost instanceof SessionLostError)) throw lost;
          throw new OutcomeUnknownError(`the ${kind} statement may have run on ${pool.address}: ${err.message}. It was not retried, and ${lost.message}`, {
            coordinator: pool.address,
            queryId: err.queryId,
            cause: lost,
          });
        }
        if (!safe || attempt > 2) {
          throw new OutcomeUnknownError(
            `the ${kind} statement may have run on ${pool.address}: ${err.message}. It was not retried; the session continues on ${this.#pool.address}`,
            { coordinator: pool.address, queryId: err.queryId, cause: err },
          );
        }
        debug('retrying a %s statement on session %s after: %s', kind, this.sessionId, err.message);
      }
    }
  }

  /**
   * Gets the session going again after its connection failed: first on the same
   * HS2 session over a new socket; if the coordinator is gone or forgot the session,
   * either reopen elsewhere with the state replayed, or declare the session lost.
   */
  async #repair(cause: ImpalaError | undefined): Promise<void> {
    const from = this.#pool;
    if (!cause || cause.code !== ErrorCode.INVALID_SESSION) {
      try {
        if (this.#unit.session!.reattachable) await from.reattachUnit(this.#unit);
        else await this.#reconnect(from);
        return;
      } catch (err) {
        debug('session %s cannot continue on %s: %s', this.sessionId, from.address, (err as Error).message);
        cause = err instanceof ImpalaError ? err : cause;
      }
    }
    if (cause && healthSignal(cause) !== 'none') from.noteFailure(cause);
    const oldId = this.sessionId;
    await from.release(this.#unit, true);
    if (!(this.#opts.reopenOnFailover ?? this.#ctx.reopenOnFailover)) {
      this.#lost = new SessionLostError(
        `session ${oldId} on ${from.address} is lost (${cause?.message ?? 'its connection failed'}); its SET options and database are gone with it. ` +
          'Open a new session, or set reopenOnFailover to have impala-ha reopen it elsewhere and replay its state',
        { coordinator: from.address, cause },
      );
      throw this.#lost;
    }
    try {
      const { pool, unit } = await lease(this.#ctx, this.#opts.affinity, this.#state, new Set([from.address]), true);
      this.#pool = pool;
      this.#unit = unit;
      this.#dirty = true;
    } catch (err) {
      this.#lost = new SessionLostError(`session ${oldId} on ${from.address} is lost and could not be reopened: ${(err as Error).message}`, { coordinator: from.address, cause: err });
      throw this.#lost;
    }
    this.#ctx.emit('sessionReopened', { time: new Date(), coordinator: this.#pool.address, from: from.address, sessionId: this.sessionId });
    debug('session %s reopened as %s on %s', oldId, this.sessionId, this.#pool.address);
  }

  /**
   * For a session that ends with its connection (Beeswax): a new connection to the
   * same coordinator is a new server session, brought back to the tracked state by
   * replaying USE and SET. Throws when the coordinator cannot be reached.
   */
  async #reconnect(pool: CoordinatorPool): Promise<void> {
    const oldId = this.sessionId;
    const unit = await pool.acquire();
    const replay = this.#state.replayStatements(this.#ctx.defaultDatabase);
    try {
      for (const sql of replay) await unit.session!.execute(sql);
    } catch (err) {
      await pool.release(unit, true);
      throw err;
    }
    await pool.release(this.#unit, true);
    this.#unit = unit;
    this.#dirty = replay.length > 0;
    this.#ctx.emit('sessionReopened', { time: new Date(), coordinator: pool.address, from: pool.address, sessionId: this.sessionId });
    debug('session %s reconnected as %s on %s, state replayed', oldId, this.sessionId, pool.address);
  }
}

/**
 * Leases a pooled HS2 session on a selected coordinator and brings it to `state`
 * (USE and SET statements). Connect failures move on to another coordinator.
 */
async function lease(
  ctx: SessionContext,
  affinity: string | undefined,
  state: SessionState,
  exclude: Set<string>,
  forceReplay = false,
): Promise<{ pool: CoordinatorPool; unit: PooledUnit; dirty: boolean }> {
  let lastError: unknown;
  for (let attempt = 0; attempt <= ctx.retries; attempt++) {
    const pool = ctx.cluster.select(affinity, exclude);
    exclude.add(pool.address);
    let unit: PooledUnit;
    try {
      unit = await pool.acquire();
    } catch (err) {
      lastError = err;
      if (err instanceof ImpalaError && (err.family === 'connect' || err.family === 'connection' || err.code === ErrorCode.RPC_TIMEOUT || err.code === ErrorCode.SERVER_SHUTTING_DOWN)) continue;
      throw err;
    }
    const replay = state.replayStatements(ctx.defaultDatabase);
    try {
      for (const sql of replay) await unit.session!.execute(sql);
    } catch (err) {
      await pool.release(unit, true);
      throw err;
    }
    return { pool, unit, dirty: replay.length > 0 || forceReplay };
  }
  throw lastError;
}
