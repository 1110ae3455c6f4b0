import { performance } from 'node:perf_hooks';
import { inspect } from 'node:util';
import createDebug from 'debug';
import { openChannel, type Channel } from '../../connection';
import { ArgumentError, ClosedError } from '../../errors';
import * as I from '../../thrift/gen-nodejs/ImpalaService_types';
import * as T from '../../thrift/gen-nodejs/TCLIService_types';
import { bindParams } from '../sql/bind-params';
import { isReadOnlyStatement } from '../sql/leading-keyword';
import type { ProtocolSession } from '../protocol-session';
import { CallGuard, withTimeout } from './call-guard';
import * as rpc from './hs2-rpc';
import { openHs2Session } from './open-hs2-session';
import { Operation, type OperationHost } from './operation';
import { guidToQueryId, queryIdToGuid } from './query-id';
import { RowDecoder, type RowObject } from './row-decoder';
import type { ColumnInfo } from './result-metadata';
import { RowStream, type RowStreamProgress } from './row-stream';
import { checkFetchSize, checkQueryOptions, SESSION_DEFAULTS, type CoordinatorSessionOptions, type QueryCallOptions } from './session-options';
import type { PingResult, SessionExecuteResult, SessionQueryResult } from './session-results';
import { resolveValueOptions, type ResolvedValueOptions } from './value-options';

export type { CoordinatorSessionOptions, QueryCallOptions } from './session-options';
export type { PingResult, SessionExecuteResult, SessionQueryResult } from './session-results';

const debug = createDebug('impala-ha:hs2');

interface Prepared {
  statement: string;
  options: QueryCallOptions;
  queryOptions: Record<string, string> | undefined;
  fetchSize: number;
  values: ResolvedValueOptions;
}

/**
 * One connection and one HS2 session on one coordinator: what the pool pools, and a
 * complete client for a single coordinator.
 *
 * Statements run as operations pinned to this session's coordinator and are always
 * closed on the server at the end (success, error, abort, early exit). Cancelling
 * (explicitly, by AbortSignal or by `timeoutMs`) goes over a short-lived second
 * connection so it is not queued behind a FetchResults that the server may hold for
 * up to FETCH_ROWS_TIMEOUT_MS.
 */
export class CoordinatorSession implements ProtocolSession {
  /** Always `'hs2'`. */
  readonly protocol = 'hs2' as const;
  /** HS2 sessions outlive their connection on the server: always `true`. */
  readonly reattachable = true;
  /** Negotiated HS2 protocol version (TProtocolVersion; 5 = V6). */
  readonly serverProtocolVersion: number;
  /** Session id as Impala prints it, `<hex16>:<hex16>`. */
  readonly sessionId: string;
  /**
   * The coordinator's own identity from OpenSession (`http_addr`, `host:webport`).
   * Behind a load balancer this tells which coordinator the session lives on.
   */
  readonly httpAddr: string | undefined;
  /** The session's query options as the server reported them at OpenSession. */
  readonly serverConfiguration: Readonly<Record<string, string>>;
  #connection: Channel;
  readonly #options: CoordinatorSessionOptions;
  readonly #handle: T.TSessionHandle;
  readonly #fetchSize: number;
  readonly #cleanupTimeoutMs: number;
  readonly #active = new Set<Operation>();
  readonly #background = new Set<Promise<unknown>>();
  /** Background closes of fully read queries still waiting for their reply on the current connection. */
  #closesInFlight = 0;
  readonly #host: OperationHost;
  #closing: Promise<void> | undefined;

  private constructor(connection: Channel, options: CoordinatorSessionOptions, resp: T.TOpenSessionResp) {
    this.#connection = connection;
    this.#options = options;
    this.#handle = resp.sessionHandle!;
    this.serverProtocolVersion = resp.serverProtocolVersion!;
    this.sessionId = guidToQueryId(this.#handle.sessionId.guid);
    this.serverConfiguration = Object.freeze({ ...resp.configuration });
    this.httpAddr = resp.configuration?.http_addr || undefined;
    this.#fetchSize = options.fetchSize ?? SESSION_DEFAULTS.fetchSize;
    this.#cleanupTimeoutMs = options.cleanupTimeoutMs ?? SESSION_DEFAULTS.cleanupTimeoutMs;
    const self = this;
    this.#host = {
      get connection() {
        return self.#connection;
      },
      get coordinator() {
        return self.coordinator;
      },
      sessionHandle: this.#handle,
      cleanupTimeoutMs: this.#cleanupTimeoutMs,
      pollMaxDelayMs: options.pollMaxDelayMs ?? SESSION_DEFAULTS.pollMaxDelayMs,
      cancelOutOfBand: (handle, queryId) => this.#cancelOutOfBand(handle, queryId),
      track: (work) => this.#track(work),
    };
  }

  /**
   * Connects and opens an HS2 session (protocol V6, columnar results).
   *
   * @throws {@link ConnectError} when the connection cannot be made, a
   * {@link ServerError} when OpenSession is refused, a {@link ProtocolError} when the
   * server only speaks a protocol below V6, an {@link ArgumentError} for bad options.
   */
  static async open(options: CoordinatorSessionOptions): Promise<CoordinatorSession> {
    const { connection, resp } = await openHs2Session(options);
    const session = new CoordinatorSession(connection, options, resp);
    debug('session %s opened on %s (%s)', session.sessionId, session.coordinator, session.httpAddr ?? 'no http_addr');
    return session;
  }

  /** `host:port` (or label) of the coordinator this session lives on. */
  get coordinator(): string {
    return this.#connection.address;
  }

  /** The connection in use (replaced by {@link reattach}). */
  get connection(): Channel {
    return this.#connection;
  }

  /** True while a statement runs or its cleanup is still in progress. */
  get busy(): boolean {
    return this.#active.size > 0 || this.#background.size > 0;
  }

  /** True once {@link close} was called. (A broken socket shows as `connection.closed`.) */
  get closed(): boolean {
    return this.#closing !== undefined;
  }

  /**
   * Runs a statement and returns all its rows.
   *
   * @throws {@link ServerError} for errors Impala reports, {@link AbortedError} /
   * {@link QueryTimeoutError} after cancelling on `signal` / `timeoutMs`,
   * {@link ArgumentError} for bad parameters or options, transport errors as they come.
   */
  async query<R = RowObject>(sql: string, options: QueryCallOptions = {}): Promise<SessionQueryResult<R>> {
    const p = this.#prepare(sql, options);
    return this.#withOperation(p, async (op, signal) => {
      const rows: R[] = [];
      let columns: ColumnInfo[] = [];
      if (op.hasResultSet) {
        const result = await op.openResult(p.fetchSize, signal);
        columns = result.columns;
        const decoder = new RowDecoder(columns, p.values);
        for await (const batch of result.batches) {
          const decoded = decoder.decode(batch) as R[];
          for (let i = 0; i < decoded.length; i++) rows.push(decoded[i]!);
        }
      } else {
        await op.waitUntilFinished(signal);
      }
      await this.#closeAfterRows(op);
      return { rows, columns, queryId: op.queryId, coordinator: op.coordinator, attempts: 1 as const, rowsFetched: op.rowsFetched };
    });
  }

  /**
   * Runs a statement whose rows are not needed (DML, DDL, SET...): waits until Impala
   * reports it FINISHED, then closes it, which for DML returns the modified-row count.
   * No rows are fetched; for a query, closing at FINISHED stops its execution.
   */
  async execute(sql: string, options: QueryCallOptions = {}): Promise<SessionExecuteResult> {
    const p = this.#prepare(sql, options);
    return this.#withOperation(p, async (op, signal) => {
      await op.waitUntilFinished(signal);
      const { rowsModified } = await op.close();
      return rowsModified === undefined ? { queryId: op.queryId, coordinator: op.coordinator } : { rowsModified, queryId: op.queryId, coordinator: op.coordinator };
    });
  }

  /**
   * Streams the rows of a statement (see {@link RowStream}): at most one batch of
   * `fetchSize` rows is held; breaking out of the loop cancels and closes the query on
   * the server. Arguments are checked now; the statement runs when iteration starts.
   */
  stream<R = RowObject>(sql: string, options: QueryCallOptions = {}): RowStream<R> {
    const p = this.#prepare(sql, options, false);
    return new RowStream<R>((progress) => this.#streamBatches<R>(p, progress));
  }

  /**
   * Cancels this session's running statements (or only `queryId`), over a second
   * connection so the cancel is not queued behind a blocking fetch. The cancelled
   * calls reject with a ServerError of code `IMPALA_ERR_CANCELLED`.
   *
   * @returns how many operations were cancelled.
   */
  async cancel(queryId?: string): Promise<number> {
    if (queryId !== undefined) queryIdToGuid(queryId); // validates the form
    const targets = [...this.#active].filter((op) => queryId === undefined || op.queryId === queryId.toLowerCase());
    await Promise.all(targets.map((op) => op.cancel()));
    return targets.length;
  }

  /** PingImpalaHS2Service: checks the connection and that the session is still known. */
  async ping(options: { timeoutMs?: number } = {}): Promise<PingResult> {
    this.#checkOpen();
    const started = performance.now();
    const resp = await rpc.pingImpalaHS2Service(this.#connection, new I.TPingImpalaHS2ServiceReq({ sessionHandle: this.#handle }), {
      coordinator: this.coordinator,
      timeoutMs: options.timeoutMs,
    });
    return { version: resp.version ?? '', webserverAddress: resp.webserver_address ?? '', latencyMs: performance.now() - started };
  }

  /**
   * Carries on with this HS2 session over a new connection to the same coordinator,
   * after the old one dropped (Impala keeps a disconnected session for
   * `disconnected_session_timeout`, 15 min by default). The old connection is closed.
   * Call {@link ping} to confirm the session is still there: if the new connection
   * reached another coordinator or the coordinator restarted, it fails with
   * `IMPALA_ERR_INVALID_SESSION`.
   */
  reattach(connection: Channel): void {
    this.#checkOpen();
    if (connection === null || typeof connection !== 'object' || typeof connection.call !== 'function') throw new ArgumentError('reattach() needs an open channel');
    if (connection === this.#connection) return;
    const old = this.#connection;
    this.#connection = connection;
    this.#closesInFlight = 0;
    if (!old.closed) old.close().catch(() => undefined);
    debug('session %s moved from connection #%d to #%d', this.sessionId, old.id, connection.id);
  }

  /**
   * Closes the session (CloseSession, which also closes its operations on the server)
   * and then the connection. Safe to call more than once; takes at most about
   * `cleanupTimeoutMs` twice plus a second, even when the server does not answer.
   */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  /**
   * Closes this HS2 session on the server over another connection (the session's own
   * socket is gone; Impala accepts CloseSession for a handle from any connection).
   * Rejects when the server did not confirm within `timeoutMs`.
   */
  async closeRemotely(connection: Channel, timeoutMs: number): Promise<void> {
    await rpc.closeSession(connection, new T.TCloseSessionReq({ sessionHandle: this.#handle }), { coordinator: this.coordinator, timeoutMs });
  }

  /** Short description without secrets. */
  [inspect.custom](): string {
    return `CoordinatorSession { coordinator: '${this.coordinator}', sessionId: '${this.sessionId}', httpAddr: ${this.httpAddr ? `'${this.httpAddr}'` : 'undefined'}, busy: ${this.busy}, closed: ${this.closed} }`;
  }

  async #close(): Promise<void> {
    const bound = this.#cleanupTimeoutMs;
    if (this.#background.size > 0) await withTimeout(Promise.allSettled([...this.#background]), bound, () => new Error('cleanup timed out')).catch(() => undefined);
    if (!this.#connection.closed) {
      await rpc
        .closeSession(this.#connection, new T.TCloseSessionReq({ sessionHandle: this.#handle }), { coordinator: this.coordinator, timeoutMs: bound })
        .catch((err: unknown) => debug('CloseSession of %s on %s failed: %s', this.sessionId, this.coordinator, (err as Error).message));
    }
    await this.#connection.close();
    debug('session %s on %s closed', this.sessionId, this.coordinator);
  }

  #prepare(sql: string, options: QueryCallOptions, checkOpen = true): Prepared {
    if (checkOpen) this.#checkOpen();
    if (typeof sql !== 'string' || sql.trim() === '') throw new ArgumentError('the statement must be a non-empty string');
    if (options === null || typeof options !== 'object') throw new ArgumentError('options must be an object');
    const statement = options.params !== undefined ? bindParams(sql, options.params) : sql;
    const fetchSize = checkFetchSize(options.fetchSize) ?? this.#fetchSize;
    const queryOptions = checkQueryOptions(options.queryOptions, 'queryOptions');
    const values = resolveValueOptions(options);
    // Checked now, started when the statement is sent.
    new CallGuard(options.signal, options.timeoutMs).dispose();
    return { statement, options, queryOptions, fetchSize, values };
  }

  async #withOperation<T>(p: Prepared, body: (op: Operation, signal: AbortSignal | undefined) => Promise<T>): Promise<T> {
    const guard = new CallGuard(p.options.signal, p.options.timeoutMs);
    const signal = guard.signal;
    let op: Operation | undefined;
    try {
      op = await Operation.execute(this.#host, p.statement, { queryOptions: p.queryOptions, signal, pipeline: this.#mayPipelineExecute(p.statement) });
      this.#active.add(op);
      return await body(op, signal);
    } catch (err) {
      if (op) await this.#cleanUp(op, signal);
      throw err;
    } finally {
      if (op) this.#active.delete(op);
      guard.dispose();
    }
  }

  async *#streamBatches<R>(p: Prepared, progress: RowStreamProgress): AsyncGenerator<R[], void, undefined> {
    // timeoutMs counts from the first next(), when the statement is sent.
    const guard = new CallGuard(p.options.signal, p.options.timeoutMs);
    const signal = guard.signal;
    let op: Operation | undefined;
    let finished = false;
    try {
      this.#checkOpen();
      op = await Operation.execute(this.#host, p.statement, { queryOptions: p.queryOptions, signal, pipeline: this.#mayPipelineExecute(p.statement) });
      this.#active.add(op);
      progress.setQueryId(op.queryId);
      if (op.hasResultSet) {
        const result = await op.openResult(p.fetchSize, signal);
        progress.setColumns(result.columns);
        const decoder = new RowDecoder(result.columns, p.values);
        for await (const batch of result.batches) {
          const rows = decoder.decode(batch) as R[];
          if (rows.length > 0) yield rows;
        }
      } else {
        await op.waitUntilFinished(signal);
        progress.setColumns([]);
      }
      finished = true;
      await this.#closeAfterRows(op);
    } finally {
      // Reached on errors and when the consumer leaves early (return() on the generator).
      if (op && !finished) await this.#cleanUp(op, signal);
      if (op) this.#active.delete(op);
      guard.dispose();
    }
  }

  /**
   * Closes an operation whose rows were all read. A statement with a result set is
   * closed in the background, off the caller's critical path: the rows are complete
   * and correct whatever the close does, so its failure is only logged (a broken
   * connection shows in `connection.closed`); the close goes on the same connection,
   * ahead of the session's next call, and counts in {@link busy} until it is answered,
   * so {@link close} waits for it. A statement without rows (DML) is awaited and its
   * failure rethrown: its outcome, the modified-row count, is in the close reply.
   */
  async #closeAfterRows(op: Operation): Promise<void> {
    if (!op.hasResultSet) {
      await op.close();
      return;
    }
    const connection = this.#connection;
    this.#closesInFlight++;
    this.#track(
      op.close().finally(() => {
        if (this.#connection === connection) this.#closesInFlight--;
      }),
    );
  }

  /**
   * Whether the next ExecuteStatement may be written behind the closes still on the
   * wire instead of after their replies (saves a round trip between statements): only
   * when nothing but this session's background closes is pending on the connection
   * (never behind a fetch Impala may hold), and only for a statement that certainly
   * only reads, since a pipelined request counts as sent if the connection then dies,
   * and a read is the only kind that may be run again after that.
   */
  #mayPipelineExecute(statement: string): boolean {
    return this.#active.size === 0 && this.#closesInFlight > 0 && this.#connection.pendingCalls <= this.#closesInFlight && isReadOnlyStatement(statement);
  }

  /**
   * Cancel (unless done) and close after a failure or early exit. After an abort the
   * caller must not wait for a possibly hung server, so it runs in the background.
   */
  async #cleanUp(op: Operation, signal: AbortSignal | undefined): Promise<void> {
    if (signal?.aborted) this.#track(op.abandon());
    else await op.abandon();
  }

  async #cancelOutOfBand(handle: T.TOperationHandle, queryId: string): Promise<void> {
    const bound = this.#cleanupTimeoutMs;
    const conn = await openChannel({
      ...this.#options,
      label: this.coordinator,
      connectTimeoutMs: Math.min(this.#options.connectTimeoutMs ?? bound, bound),
      rpcTimeoutMs: bound,
    });
    try {
      await rpc.cancelOperation(conn, new T.TCancelOperationReq({ operationHandle: handle }), { coordinator: this.coordinator, queryId });
      debug('cancelled %s on %s over connection #%d', queryId, this.coordinator, conn.id);
    } finally {
      await conn.close().catch(() => undefined);
    }
  }

  #track(work: Promise<unknown>): void {
    const p = work.catch((err: unknown) => debug('background close or cleanup on %s failed: %s', this.coordinator, (err as Error).message));
    this.#background.add(p);
    void p.finally(() => this.#background.delete(p));
  }

  #checkOpen(): void {
    if (this.#closing) throw new ClosedError(`the session ${this.sessionId} on ${this.coordinator} is closed`, { coordinator: this.coordinator });
  }
}

/** Opens a {@link CoordinatorSession}: the whole client for a single coordinator. */
export function connect(options: CoordinatorSessionOptions): Promise<CoordinatorSession> {
  return CoordinatorSession.open(options);
}
