import createDebug from 'debug';
import { ArgumentError, ClosedError, SessionLostError } from '../errors';
import type { CallOptions, ExecuteResult, QueryResult } from '../protocol/call-options';
import type { EventSink } from '../events/event-sink';
import { baseAttributes, operationName, queryChannel, setServer, traced } from '../events/tracing';
import type { Cluster } from '../pool/cluster';
import type { AfterFailure, Lease } from '../pool/lease';
import type { QueryCallOptions } from '../protocol/hs2/coordinator-session';
import type { ProtocolSession } from '../protocol/protocol-session';
import { runAttempts, type AttemptDeps, type AttemptSettings } from '../retry/attempt-loop';
import type { RetryTarget } from '../retry/retry-policy';
import { describeStatement, statementKind, type StatementKind } from '../retry/statement-kind';
import { openLease, reopenLeaseOn } from './open-lease';
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
   * When the session's coordinator dies or shuts down: `false` (default: the client's
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
  /** Attempt-loop settings and dependencies (shared budget, clock). */
  attempts: { settings: AttemptSettings; deps: AttemptDeps };
  /** Per-call options with client defaults and DDL handling applied. */
  callOptions(options: CallOptions, kind: StatementKind): QueryCallOptions;
  /** The database sessions start in. */
  defaultDatabase: string;
  /** Client default of {@link SessionOptions.reopenOnFailover}. */
  reopenOnFailover: boolean;
  /** Default per-call timeout, in ms (0 = none). */
  queryTimeoutMs: number;
  /** Fires when the client's close ran out of time: running statements end with its reason. */
  closeSignal?: AbortSignal;
}

/**
 * A session pinned to one coordinator's HS2 session: statements run one after
 * another there, SET and USE persist, and DDL is seen at once by the statements that
 * follow (no catalog propagation delay in between). Get one from
 * {@link ImpalaClient.session} or {@link ImpalaClient.withSession}; `close()` ends it.
 *
 * A socket cut while the coordinator lives (a proxy's idle timeout) is repaired
 * transparently on the same HS2 session (Beeswax, whose session ends with its
 * socket: on a new session there, with USE and SET replayed). A dead or
 * shutting-down coordinator ends the session (`IMPALA_ERR_SESSION_LOST`) unless
 * `reopenOnFailover` is on.
 */
export class Session {
  readonly #ctx: SessionContext;
  readonly #opts: SessionOptions;
  readonly #state: SessionState;
  #lease: Lease;
  /** The HS2 session's state differs from a fresh pooled one: close rather than pool it. */
  #dirty: boolean;
  #lost: SessionLostError | undefined;
  #closed: Promise<void> | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  /** What the last failed statement left of the connection. */
  #verdict: AfterFailure | undefined;

  private constructor(ctx: SessionContext, opts: SessionOptions, state: SessionState, lease: Lease, dirty: boolean) {
    this.#ctx = ctx;
    this.#opts = opts;
    this.#state = state;
    this.#lease = lease;
    this.#dirty = dirty;
  }

  /** @internal Opens a session: leases a pooled HS2 session and applies the initial state. */
  static async open(ctx: SessionContext, opts: SessionOptions): Promise<Session> {
    if (opts.queryOptions !== undefined && (typeof opts.queryOptions !== 'object' || opts.queryOptions === null)) {
      throw new ArgumentError('session queryOptions must be an object of option names to string values');
    }
    const state = new SessionState(opts.database ?? ctx.defaultDatabase, opts.queryOptions ?? {});
    const { lease, dirty } = await openLease(ctx, opts.affinity, state, undefined, false);
    return new Session(ctx, opts, state, lease, dirty);
  }

  /** `host:port` of the coordinator the session is on now. */
  get coordinator(): string {
    return this.#lease.coordinator;
  }

  /** Impala's printed HS2 session id. */
  get sessionId(): string {
    return this.#lease.session.sessionId;
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
        return { rows: r.rows, columns: r.columns, queryId: r.queryId, coordinator: r.coordinator };
      }),
    );
  }

  /** Runs DML, DDL, SET or USE on this session; DML returns the modified-row count. */
  execute(sql: string, options: CallOptions = {}): Promise<ExecuteResult> {
    return this.#serial(() => this.#run(sql, options, (s, callOptions) => s.execute(sql, callOptions)));
  }

  /**
   * Ends the session: its HS2 session goes back to the pool, or is closed on the
   * server when SET/USE changed it. Waits for a running statement. Safe to call twice.
   */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      await this.#queue.catch(() => undefined);
      this.#lease.release({ discard: this.#dirty || this.#lost !== undefined });
    })();
    return this.#closed;
  }

  /** Statements of one session run one at a time, in call order. */
  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(fn, fn);
    this.#queue = next.catch(() => undefined);
    return next;
  }

  async #run<T extends { coordinator: string; queryId: string }>(
    sql: string,
    options: CallOptions,
    work: (s: ProtocolSession, o: QueryCallOptions) => Promise<T>,
  ): Promise<T & { attempts: number }> {
    if (this.#closed) throw new ClosedError('the session is closed');
    if (this.#lost) throw this.#lost;
    if (typeof sql !== 'string' || sql.trim() === '') throw new ArgumentError('sql must be a non-empty string');
    const kind = statementKind(sql);
    const callOptions = this.#ctx.callOptions(options, kind);
    return traced(
      queryChannel,
      () => {
        const ctx = baseAttributes(this.coordinator);
        ctx['db.namespace'] = this.#state.database;
        ctx['db.query.text'] = sql;
        ctx['db.operation.name'] = operationName(sql);
        ctx['impala.statement_kind'] = kind;
        return ctx;
      },
      () => this.#attempts(sql, kind, options, callOptions, work),
      (ctx, r) => {
        setServer(ctx, r.coordinator);
        ctx['impala.query_id'] = r.queryId;
        ctx['impala.attempts'] = r.attempts;
        if ('rows' in r && Array.isArray(r.rows)) ctx['db.response.returned_rows'] = r.rows.length;
      },
    );
  }

  async #attempts<T extends object>(
    sql: string,
    kind: StatementKind,
    options: CallOptions,
    callOptions: QueryCallOptions,
    work: (s: ProtocolSession, o: QueryCallOptions) => Promise<T>,
  ): Promise<T & { attempts: number }> {
    const { value, attempts } = await runAttempts(
      {
        spec: { kind, idempotent: options.idempotent === true, label: describeStatement(sql) },
        run: async (attempt) => {
          this.#verdict = undefined;
          if (this.#lost) throw this.#lost;
          // A channel cut while the session was idle (a proxy's idle timeout): carry on
          // over a new one before sending anything.
          if (this.#lease.session.connection.closed) await this.#repair('reconnect', undefined, 'same');
          attempt.startedOn(this.coordinator);
          attempt.progress.statementSent = true;
          const lease = this.#lease;
          lease.begin();
          try {
            const result = await work(lease.session, { ...callOptions, signal: attempt.signal });
            lease.end();
            if (kind === 'session' && this.#state.apply(sql)) this.#dirty = true;
            return result;
          } catch (err) {
            this.#verdict = lease.end({ error: err, aborted: attempt.signal.aborted });
            throw err;
          }
        },
        afterFailure: async (err, decision) => {
          const verdict = this.#verdict;
          if (verdict === undefined || verdict === 'reuse') return;
          await this.#repair(verdict, err, decision.target);
        },
      },
      this.#ctx.attempts.settings,
      this.#ctx.attempts.deps,
      { signal: options.signal, timeoutMs: options.timeoutMs ?? this.#ctx.queryTimeoutMs, closeSignal: this.#ctx.closeSignal },
    );
    return { ...value, attempts };
  }

  /**
   * Gets the session going again after its connection or server-side session failed:
   * on the same HS2 session over a new channel when that can work (`reconnect`,
   * coordinator still selectable) — for a protocol whose session ends with its
   * connection (Beeswax), on a new session there with USE and SET replayed; otherwise
   * the session cannot continue there, and is either reopened elsewhere with its state
   * replayed, or lost.
   *
   * @throws SessionLostError when the session cannot continue.
   */
  async #repair(verdict: 'reconnect' | 'discard', cause: unknown, target: RetryTarget): Promise<void> {
    const from = this.#lease;
    const pool = this.#ctx.cluster.pool(from.coordinator)!;
    const lone = this.#ctx.cluster.pools.length === 1;
    if (verdict === 'reconnect' && target === 'same' && (pool.selectable || lone)) {
      try {
        if (from.session.reattachable) {
          await pool.reattach(from.session);
        } else {
          // A session that ends with its connection (Beeswax): a new one on the same
          // coordinator, brought back to the tracked state.
          const oldId = this.sessionId;
          const { lease, dirty } = await reopenLeaseOn(this.#ctx, pool, this.#state);
          from.release({ discard: true });
          this.#lease = lease;
          this.#dirty = dirty;
          this.#ctx.emit('sessionReopened', { time: new Date(), coordinator: pool.address, from: pool.address, sessionId: this.sessionId });
          debug('session %s reconnected as %s on %s, state replayed', oldId, this.sessionId, pool.address);
        }
        return;
      } catch (err) {
        debug('session %s cannot continue on %s: %s', this.sessionId, from.coordinator, (err as Error).message);
        pool.noteFailure(err);
        cause = err;
      }
    }
    const oldId = this.sessionId;
    from.release({ discard: true });
    const why = cause instanceof Error ? cause.message : 'its connection failed';
    if (!(this.#opts.reopenOnFailover ?? this.#ctx.reopenOnFailover)) {
      this.#lost = new SessionLostError(
        `session ${oldId} on ${from.coordinator} is lost (${why}); its SET options and database are gone with it. ` +
          'Open a new session, or set reopenOnFailover to have impala-ha reopen it elsewhere and replay its state',
        { coordinator: from.coordinator, cause },
      );
      throw this.#lost;
    }
    try {
      const { lease } = await openLease(this.#ctx, this.#opts.affinity, this.#state, from.coordinator, true);
      this.#lease = lease;
      this.#dirty = true;
    } catch (err) {
      this.#lost = new SessionLostError(`session ${oldId} on ${from.coordinator} is lost (${why}) and could not be reopened: ${(err as Error).message}`, {
        coordinator: from.coordinator,
        cause: err,
      });
      throw this.#lost;
    }
    this.#ctx.emit('sessionReopened', { time: new Date(), coordinator: this.coordinator, from: from.coordinator, sessionId: this.sessionId });
    debug('session %s reopened as %s on %s', oldId, this.sessionId, this.coordinator);
  }

}
