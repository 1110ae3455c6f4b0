import { performance } from 'node:perf_hooks';
import createDebug from 'debug';
import { ErrorCode, hasCode, ProtocolError, ServerError, serverError } from '../../errors';
import * as I from '../../thrift/gen-nodejs/ImpalaService_types';
import * as T from '../../thrift/gen-nodejs/TCLIService_types';
import { abortError, nextPollDelay, raceSignal, sleep, withTimeout } from './call-guard';
import { toExecSummary, type ExecSummary } from './exec-summary';
import type { FetchResultsReply, RowBatch } from './fetch-results-reply';
import * as rpc from './hs2-rpc';
import { int64ToBigInt, toInt64 } from './int64';
import { guidToQueryId } from './query-id';
import { RawRowSet } from './raw-row-set';
import { columnsFromSchema, type ColumnInfo } from './result-metadata';

const debug = createDebug('impala-ha:hs2');

/** What an {@link Operation} needs from the session that owns it. */
export interface OperationHost {
  /** The session's current connection (it may be replaced by a reconnect). */
  readonly connection: rpc.RpcChannel;
  /** `host:port` of the coordinator, put on every error. */
  readonly coordinator: string;
  readonly sessionHandle: T.TSessionHandle;
  /** Bound in ms on each cleanup RPC (cancel, close) sent after an abort or failure. */
  readonly cleanupTimeoutMs: number;
  /** Upper bound of the status-poll backoff, in ms. */
  readonly pollMaxDelayMs: number;
  /**
   * Sends CancelOperation without waiting behind calls queued on `connection` (a
   * FetchResults can block on the server for up to FETCH_ROWS_TIMEOUT_MS). When absent,
   * CancelOperation goes over `connection`.
   */
  cancelOutOfBand?(handle: T.TOperationHandle, queryId: string): Promise<void>;
  /** Keeps background cleanup visible to the session so its close() can wait for it. */
  track(work: Promise<unknown>): void;
}

/** Lifecycle of an operation as the client sees it. */
export type OperationState = 'running' | 'finished' | 'failed' | 'closed';

/** What closing an operation reports. */
export interface CloseResult {
  /** Rows inserted/updated/deleted (summed over partitions), for DML. */
  rowsModified?: bigint;
}

/** A result being read: its columns, and its batches in order (see {@link Operation.openResult}). */
export interface OpenedResult {
  /** Result columns (GetResultSetMetadata); empty for statements without rows. */
  columns: ColumnInfo[];
  /** The row sets in order, as {@link Operation.fetchBatches} yields them. Iterate once. */
  batches: AsyncGenerator<RowBatch, void, undefined>;
}

/** A FetchResults on its way, and when it was sent. */
interface SentFetch {
  reply: Promise<FetchResultsReply>;
  sentAt: number;
}

/** Options of {@link Operation.execute}. */
export interface ExecuteOptions {
  /** Query options for this statement only (ExecuteStatement's `confOverlay`). */
  queryOptions?: Readonly<Record<string, string>> | undefined;
  /** Aborts waiting for ExecuteStatement; the operation is then cancelled and closed in the background. */
  signal?: AbortSignal | undefined;
  /**
   * Write ExecuteStatement without waiting for the replies of calls ahead of it on the
   * connection (`CallOptions.pipeline`). It then counts as sent even if the connection
   * dies before those replies: only for statements that are safe to run again.
   * Default false.
   */
  pipeline?: boolean | undefined;
}

/**
 * One statement on one HS2 session, pinned to the coordinator that owns the session.
 * Every error it raises carries {@link queryId} and {@link coordinator}.
 */
export class Operation {
  /** The operation handle (its guid is the query id). */
  readonly handle: T.TOperationHandle;
  /** Impala query id, `<hex16>:<hex16>`. */
  readonly queryId: string;
  /** `host:port` of the coordinator running it. */
  readonly coordinator: string;
  /** Whether the statement produces rows (false for DML and `USE`). */
  readonly hasResultSet: boolean;
  readonly #host: OperationHost;
  #state: OperationState = 'running';
  #columns: ColumnInfo[] | undefined;
  #rowsFetched = 0;
  #endOfRows = false;
  #cancelSent = false;
  #closing: Promise<CloseResult> | undefined;

  /** @internal Use {@link Operation.execute}. */
  constructor(host: OperationHost, handle: T.TOperationHandle) {
    this.#host = host;
    this.handle = handle;
    this.queryId = guidToQueryId(handle.operationId.guid);
    this.coordinator = host.coordinator;
    this.hasResultSet = handle.hasResultSet !== false;
  }

  /**
   * Sends ExecuteStatement. Impala plans the statement inside this RPC and returns
   * before rows exist; analysis errors are thrown here.
   *
   * When `signal` fires first, rejects at once with the abort error; if the server
   * then still answers, the operation is cancelled and closed in the background.
   */
  static async execute(host: OperationHost, statement: string, options: ExecuteOptions = {}): Promise<Operation> {
    // Already aborted: send nothing.
    if (options.signal?.aborted) throw abortError(options.signal.reason, { coordinator: host.coordinator });
    const req = new T.TExecuteStatementReq({
      sessionHandle: host.sessionHandle,
      statement,
      runAsync: true,
      ...(options.queryOptions && Object.keys(options.queryOptions).length > 0 ? { confOverlay: { ...options.queryOptions } } : {}),
    });
    const pending = rpc.executeStatement(host.connection, req, { coordinator: host.coordinator, pipeline: options.pipeline === true }).then((resp) => {
      if (!resp.operationHandle) throw new ProtocolError(`${host.coordinator} answered ExecuteStatement without an operation handle`, { coordinator: host.coordinator });
      return new Operation(host, resp.operationHandle);
    });
    try {
      return await raceSignal(pending, options.signal);
    } catch (err) {
      if (options.signal?.aborted && err === options.signal.reason) {
        host.track(pending.then((op) => op.#abandon(), () => undefined));
        throw abortError(err, { coordinator: host.coordinator });
      }
      throw err;
    }
  }

  /** Where the operation is in its lifecycle. */
  get state(): OperationState {
    return this.#state;
  }

  /** Rows fetched so far. */
  get rowsFetched(): number {
    return this.#rowsFetched;
  }

  /**
   * Polls GetOperationStatus until the operation is FINISHED (for a query: rows are
   * available), with a backoff of 1 ms doubling up to `pollMaxDelayMs`, less the time
   * the server held the poll (see `statusLongPollMs`). For statements
   * without a result set (DML, USE) and for `execute()`; a query's rows are read with
   * {@link openResult}, which needs no poll.
   *
   * @throws the {@link ServerError} from the operation's error message on ERROR_STATE;
   * on abort or timeout, sends CancelOperation first, then throws
   * {@link AbortedError} / {@link QueryTimeoutError}.
   */
  async waitUntilFinished(signal?: AbortSignal): Promise<void> {
    let delay = 0;
    for (;;) {
      const sentAt = performance.now();
      const resp = await this.#guard(rpc.getOperationStatus(this.#host.connection, new T.TGetOperationStatusReq({ operationHandle: this.handle }), this.#ctx()), signal);
      const state = resp.operationState;
      switch (state) {
        case T.TOperationState.FINISHED_STATE:
          if (this.#state === 'running') this.#state = 'finished';
          return;
        case T.TOperationState.ERROR_STATE:
          throw this.#fail(serverError(resp.errorMessage || 'the query failed without an error message', this.#details(resp.sqlState)));
        case T.TOperationState.CANCELED_STATE:
          throw this.#fail(new ServerError(ErrorCode.CANCELLED, 'the query was cancelled', 'Cancelled', false, this.#details(resp.sqlState)));
        case T.TOperationState.CLOSED_STATE:
          throw this.#fail(new ServerError(ErrorCode.INVALID_HANDLE, 'the query was closed on the server', '', false, this.#details()));
        case T.TOperationState.INITIALIZED_STATE:
        case T.TOperationState.PENDING_STATE:
        case T.TOperationState.RUNNING_STATE: {
          delay = nextPollDelay(delay, this.#host.pollMaxDelayMs);
          // Time the server held the poll (LONG_POLLING_TIME_MS, Impala 4.5+) counts towards the backoff.
          const rest = delay - (performance.now() - sentAt);
          if (rest >= 1) await this.#guard(sleep(rest, signal), signal);
          break;
        }
        default:
          throw this.#fail(new ProtocolError(`${this.coordinator} reported operation state ${String(state)} for ${this.queryId}`, this.#details()));
      }
    }
  }

  /** Result columns (GetResultSetMetadata), fetched once; empty for statements without rows. */
  async metadata(signal?: AbortSignal): Promise<ColumnInfo[]> {
    if (this.#columns) return this.#columns;
    if (!this.hasResultSet) return (this.#columns = []);
    return this.#guard(this.#readMetadata(), signal);
  }

  /**
   * Starts reading the result of a statement with a result set, in one round trip:
   * GetResultSetMetadata and the first FetchResults leave together on the connection
   * (pipelined), without polling GetOperationStatus first. Impala holds a FetchResults
   * until rows exist (or FETCH_ROWS_TIMEOUT_MS elapses: STILL_EXECUTING, fetched again),
   * and answers one for a failed query with the query's error, which is raised exactly
   * as an ERROR_STATE would be (same {@link ServerError} code from the message text).
   *
   * Resolves with the columns once their reply is in, and the batches, the first of
   * which is the pipelined fetch. A statement without a result set gets no columns and
   * no batches, and nothing is sent.
   *
   * @throws what {@link metadata} throws; the pipelined fetch's errors come from the batches.
   */
  async openResult(fetchSize: number, signal?: AbortSignal): Promise<OpenedResult> {
    if (!this.hasResultSet) return { columns: await this.metadata(signal), batches: noBatches() };
    const req = this.#fetchRequest(fetchSize);
    const columns = this.#columns ? Promise.resolve(this.#columns) : this.#readMetadata();
    const first = this.#sendFetch(req, true);
    // Read by the batches; dropped (never unhandled) when the metadata fails first.
    first.reply.catch(() => undefined);
    return { columns: await this.#guard(columns, signal), batches: this.#batches(req, first, signal) };
  }

  /**
   * Yields the result's row sets in order (FetchResults FETCH_NEXT, up to `fetchSize`
   * rows each). A STILL_EXECUTING reply or a 0-row batch with `hasMoreRows` is not the
   * end: fetching continues at once when the server held the fetch (Impala waits up to
   * FETCH_ROWS_TIMEOUT_MS), otherwise after the poll backoff, so a server that answers
   * at once is not hammered. Ends when the server says there are no more rows (an
   * absent `hasMoreRows` counts as the end). Empty batches are not yielded. Batches are
   * read straight from the reply bytes (see `FetchResultsReply`); decode them with
   * a `RowDecoder`.
   */
  fetchBatches(fetchSize: number, signal?: AbortSignal): AsyncGenerator<RowBatch, void, undefined> {
    return this.#batches(this.#fetchRequest(fetchSize), undefined, signal);
  }

  async *#batches(req: T.TFetchResultsReq, pipelined: SentFetch | undefined, signal: AbortSignal | undefined): AsyncGenerator<RowBatch, void, undefined> {
    let delay = 0;
    let next = pipelined;
    for (;;) {
      const fetch = next ?? this.#sendFetch(req, false);
      next = undefined;
      const resp = await this.#guard(fetch.reply, signal);
      const stillExecuting = resp.status.statusCode === T.TStatusCode.STILL_EXECUTING_STATUS;
      if (!stillExecuting && this.#state === 'running') this.#state = 'finished';
      const rowSet = stillExecuting ? undefined : resp.results;
      const rows = rowSet ? batchRowCount(rowSet) : 0;
      if (rows > 0) {
        delay = 0;
        this.#rowsFetched += rows;
        yield rowSet!;
      }
      if (!stillExecuting && resp.hasMoreRows !== true) {
        this.#endOfRows = true;
        return;
      }
      if (rows === 0) {
        delay = nextPollDelay(delay, this.#host.pollMaxDelayMs);
        // Time the server held the fetch counts towards the backoff.
        const rest = delay - (performance.now() - fetch.sentAt);
        if (rest >= 1) await this.#guard(sleep(rest, signal), signal);
      }
    }
  }

  #fetchRequest(fetchSize: number): T.TFetchResultsReq {
    return new T.TFetchResultsReq({ operationHandle: this.handle, orientation: T.TFetchOrientation.FETCH_NEXT, maxRows: toInt64(fetchSize) });
  }

  #sendFetch(req: T.TFetchResultsReq, pipeline: boolean): SentFetch {
    const sentAt = performance.now();
    return { reply: rpc.fetchResults(this.#host.connection, req, { ...this.#ctx(), pipeline }), sentAt };
  }

  async #readMetadata(): Promise<ColumnInfo[]> {
    const resp = await rpc.getResultSetMetadata(this.#host.connection, new T.TGetResultSetMetadataReq({ operationHandle: this.handle }), this.#ctx());
    try {
      this.#columns = columnsFromSchema(resp.schema);
    } catch (err) {
      throw rpc.annotate(err, this.coordinator, this.queryId);
    }
    return this.#columns;
  }

  /**
   * Closes the operation on the server (CloseImpalaOperation; CloseOperation on servers
   * without the Impala extension) and returns the DML row count. For a statement with
   * a result set, `Invalid or unknown query handle` means it is already gone (Impala
   * drops a query after a fetch error) and counts as closed. Concurrent calls share
   * one close; a failed close can be tried again.
   */
  close(options: { timeoutMs?: number } = {}): Promise<CloseResult> {
    this.#closing ??= this.#close(options.timeoutMs).then(
      (r) => {
        this.#state = 'closed';
        return r;
      },
      (err: unknown) => {
        this.#closing = undefined;
        throw err;
      },
    );
    return this.#closing;
  }

  /**
   * Sends CancelOperation (out of band when the session offers it, so it is not
   * queued behind a blocking fetch). An unknown handle counts as done.
   */
  async cancel(): Promise<void> {
    this.#cancelSent = true;
    try {
      if (this.#host.cancelOutOfBand) await this.#host.cancelOutOfBand(this.handle, this.queryId);
      else await rpc.cancelOperation(this.#host.connection, new T.TCancelOperationReq({ operationHandle: this.handle }), this.#ctx());
    } catch (err) {
      if (hasCode(err, ErrorCode.INVALID_HANDLE)) return;
      throw rpc.annotate(err, this.coordinator, this.queryId);
    }
  }

  /** GetLog: progress, warnings, admission and error lines Impala keeps for the query. */
  async log(): Promise<string> {
    return (await rpc.getLog(this.#host.connection, new T.TGetLogReq({ operationHandle: this.handle }), this.#ctx())).log ?? '';
  }

  /** GetRuntimeProfile as text. Works after close while Impala keeps the query in its log. */
  async profile(): Promise<string> {
    const req = new I.TGetRuntimeProfileReq({ operationHandle: this.handle, sessionHandle: this.#host.sessionHandle, format: I.TRuntimeProfileFormat.STRING });
    return (await rpc.getRuntimeProfile(this.#host.connection, req, this.#ctx())).profile ?? '';
  }

  /** GetExecSummary: per-plan-node progress and counters. */
  async summary(): Promise<ExecSummary> {
    const req = new I.TGetExecSummaryReq({ operationHandle: this.handle, sessionHandle: this.#host.sessionHandle });
    return toExecSummary((await rpc.getExecSummary(this.#host.connection, req, this.#ctx())).summary);
  }

  /**
   * Cancels (unless all rows were read, the query failed or a cancel was already sent)
   * then closes, each bounded by `cleanupTimeoutMs`; never throws. For the abort and
   * early-exit paths.
   */
  async abandon(): Promise<void> {
    await this.#abandon();
  }

  async #abandon(): Promise<void> {
    if (!this.#endOfRows && !this.#cancelSent && this.#state !== 'failed' && this.#state !== 'closed') {
      await withTimeout(this.cancel(), this.#host.cleanupTimeoutMs, () => new Error('cancel timed out')).catch((err: unknown) =>
        debug('cancel of %s on %s failed: %s', this.queryId, this.coordinator, (err as Error).message),
      );
    }
    await this.close({ timeoutMs: this.#host.cleanupTimeoutMs }).catch((err: unknown) =>
      debug('close of %s on %s failed: %s', this.queryId, this.coordinator, (err as Error).message),
    );
  }

  async #close(timeoutMs: number | undefined): Promise<CloseResult> {
    // Closing a query twice is harmless (the second gets "invalid handle", taken as closed);
    // a DML close carries the row counts and is sent once.
    const ctx = { ...this.#ctx(), timeoutMs, idempotent: this.hasResultSet };
    let resp: I.TCloseImpalaOperationResp;
    try {
      resp = await rpc.closeImpalaOperation(this.#host.connection, new I.TCloseImpalaOperationReq({ operationHandle: this.handle }), ctx);
    } catch (err) {
      if (hasCode(err, ErrorCode.THRIFT_APPLICATION)) {
        // A plain HiveServer2 without Impala's extensions.
        try {
          await rpc.closeOperation(this.#host.connection, new T.TCloseOperationReq({ operationHandle: this.handle }), ctx);
        } catch (inner) {
          if (this.hasResultSet && hasCode(inner, ErrorCode.INVALID_HANDLE)) return {};
          throw inner;
        }
        return {};
      }
      if (this.hasResultSet && hasCode(err, ErrorCode.INVALID_HANDLE)) return {};
      throw err;
    }
    const counts = resp.dml_result?.rows_modified;
    if (!counts) return {};
    let rowsModified = 0n;
    for (const v of Object.values(counts)) rowsModified += int64ToBigInt(v);
    return { rowsModified };
  }

  /** Awaits an RPC or sleep; on abort cancels the operation, then throws the typed abort error. */
  async #guard<R>(work: Promise<R>, signal: AbortSignal | undefined): Promise<R> {
    try {
      return await raceSignal(work, signal);
    } catch (err) {
      if (signal?.aborted && err === signal.reason) {
        await withTimeout(this.cancel(), this.#host.cleanupTimeoutMs, () => new Error('cancel timed out')).catch((e: unknown) =>
          debug('cancel of %s after abort failed: %s', this.queryId, (e as Error).message),
        );
        throw this.#fail(abortError(err, this.#details()));
      }
      throw this.#fail(rpc.annotate(err, this.coordinator, this.queryId));
    }
  }

  #fail<E>(err: E): E {
    if (this.#state === 'running' || this.#state === 'finished') this.#state = 'failed';
    return err;
  }

  #ctx(): rpc.RpcContext {
    return { coordinator: this.coordinator, queryId: this.queryId };
  }

  #details(sqlState?: string | null): { coordinator: string; queryId: string; sqlState?: string } {
    return sqlState ? { coordinator: this.coordinator, queryId: this.queryId, sqlState } : { coordinator: this.coordinator, queryId: this.queryId };
  }
}

async function* noBatches(): AsyncGenerator<RowBatch, void, undefined> {
  // A statement without a result set has no batches.
}

/** Rows in a columnar (or, for old servers, row-based) batch. */
export function batchRowCount(rowSet: RowBatch): number {
  if (rowSet instanceof RawRowSet) return rowSet.rowCount;
  const first = rowSet.columns?.[0];
  if (!first) return rowSet.rows?.length ?? 0;
  const member = first.boolVal ?? first.byteVal ?? first.i16Val ?? first.i32Val ?? first.i64Val ?? first.doubleVal ?? first.stringVal ?? first.binaryVal;
  return member?.values?.length ?? 0;
}
