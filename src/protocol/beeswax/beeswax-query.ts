import createDebug from 'debug';
import type { Channel } from '../../connection';
import { ErrorCode, hasCode, ProtocolError, serverError } from '../../errors';
import * as B from '../../thrift/gen-nodejs/beeswax_types';
import { abortError, nextPollDelay, raceSignal, sleep, withTimeout } from '../hs2/call-guard';
import { toExecSummary, type ExecSummary } from '../hs2/exec-summary';
import { annotate, type RpcContext } from '../hs2/hs2-rpc';
import { int64ToBigInt } from '../hs2/int64';
import type { CloseResult, OperationState } from '../hs2/operation';
import type { ColumnInfo } from '../hs2/result-metadata';
import { columnsFromResultsMetadata } from './beeswax-columns';
import * as rpc from './beeswax-rpc';
import type { TextRowBatch } from './fetch-reply';

const debug = createDebug('impala-ha:beeswax');

/** What a {@link BeeswaxQuery} needs from the session that owns it. */
export interface BeeswaxQueryHost {
  /** The session's connection (a Beeswax session lives and dies with it). */
  readonly connection: Channel;
  /** `host:port` of the coordinator, put on every error. */
  readonly coordinator: string;
  /** Bound in ms on each cleanup RPC (Cancel, close) sent after an abort or failure. */
  readonly cleanupTimeoutMs: number;
  /** Upper bound of the get_state poll backoff, in ms. */
  readonly pollMaxDelayMs: number;
  /** Sends Cancel on another connection, so it is not queued behind a blocking fetch. */
  cancelOutOfBand(queryId: string): Promise<void>;
  /** Keeps background cleanup visible to the session so its close() can wait for it. */
  track(work: Promise<unknown>): void;
}

/** What {@link BeeswaxQuery.submit} sends. */
export interface SubmitOptions {
  /** `Query.configuration`: this statement's query options as `key=value` strings. */
  configuration: string[];
  /** `Query.hadoop_user`: the user when the transport authenticated nobody. */
  hadoopUser: string;
  /** Aborts waiting for `query`; the query is then cancelled and closed in the background. */
  signal?: AbortSignal | undefined;
}

/**
 * One statement on a Beeswax connection, with the lifecycle of an HS2 `Operation`:
 * `query` submits it (Impala plans inside the call; analysis errors are thrown
 * there), `get_state` is polled until FINISHED, `fetch` reads its rows, `close` or
 * `CloseInsert` (DML counts) unregisters it. Every error carries the query id and
 * coordinator.
 */
export class BeeswaxQuery {
  /** Impala query id, `<hex16>:<hex16>` (Beeswax's QueryHandle.id). */
  readonly queryId: string;
  readonly coordinator: string;
  readonly #host: BeeswaxQueryHost;
  #state: OperationState = 'running';
  #columns: ColumnInfo[] | undefined;
  #rowsFetched = 0;
  #endOfRows = false;
  #cancelSent = false;
  #closing: Promise<CloseResult> | undefined;

  /** @internal Use {@link BeeswaxQuery.submit}. */
  constructor(host: BeeswaxQueryHost, queryId: string) {
    this.#host = host;
    this.queryId = queryId;
    this.coordinator = host.coordinator;
  }

  /**
   * Sends `query`. When `signal` fires first, rejects at once with the abort error;
   * if the server then still answers, the query is cancelled and closed in the
   * background.
   */
  static async submit(host: BeeswaxQueryHost, statement: string, options: SubmitOptions): Promise<BeeswaxQuery> {
    if (options.signal?.aborted) throw abortError(options.signal.reason, { coordinator: host.coordinator });
    const q = new B.Query({ query: statement, configuration: options.configuration, hadoop_user: options.hadoopUser });
    const pending = rpc.query(host.connection, q, { coordinator: host.coordinator }).then((handle) => {
      if (!handle.id) throw new ProtocolError(`${host.coordinator} answered query without a query handle`, { coordinator: host.coordinator });
      return new BeeswaxQuery(host, handle.id);
    });
    try {
      return await raceSignal(pending, options.signal);
    } catch (err) {
      if (options.signal?.aborted && err === options.signal.reason) {
        host.track(pending.then((q) => q.abandon(), () => undefined));
        throw abortError(err, { coordinator: host.coordinator });
      }
      throw err;
    }
  }

  get state(): OperationState {
    return this.#state;
  }

  get rowsFetched(): number {
    return this.#rowsFetched;
  }

  /** Whether the statement produces rows (known once {@link metadata} answered). */
  get hasResultSet(): boolean | undefined {
    return this.#columns === undefined ? undefined : this.#columns.length > 0;
  }

  /**
   * Polls `get_state` until FINISHED, with the HS2 poll backoff (1 ms doubling up to
   * `pollMaxDelayMs`). On EXCEPTION the failure text is read with `fetch`, which
   * Impala answers with the query's error (and unregisters it), as FetchResults does.
   */
  async waitUntilFinished(signal?: AbortSignal): Promise<void> {
    let delay = 0;
    for (;;) {
      const state = await this.#guard(rpc.getState(this.#host.connection, this.queryId, this.#ctx()), signal);
      switch (state) {
        case B.QueryState.FINISHED:
          if (this.#state === 'running') this.#state = 'finished';
          return;
        case B.QueryState.EXCEPTION:
          throw this.#fail(await this.#failure(signal));
        case B.QueryState.CREATED:
        case B.QueryState.INITIALIZED:
        case B.QueryState.COMPILED:
        case B.QueryState.RUNNING:
          delay = nextPollDelay(delay, this.#host.pollMaxDelayMs);
          await this.#guard(sleep(delay, signal), signal);
          break;
        default:
          throw this.#fail(new ProtocolError(`${this.coordinator} reported query state ${String(state)} for ${this.queryId}`, this.#details()));
      }
    }
  }

  /** Result columns (`get_results_metadata`), fetched once; empty for statements without rows. */
  async metadata(signal?: AbortSignal): Promise<ColumnInfo[]> {
    if (this.#columns) return this.#columns;
    const md = await this.#guard(rpc.getResultsMetadata(this.#host.connection, this.queryId, this.#ctx()), signal);
    this.#columns = columnsFromResultsMetadata(md);
    return this.#columns;
  }

  /**
   * Yields the result's row batches (`fetch`, up to `fetchSize` rows each). A reply
   * with `ready: false` (rows not ready within FETCH_ROWS_TIMEOUT_MS) or 0 rows with
   * `has_more` is not the end: fetching continues, with the poll backoff while no rows
   * come. Empty batches are not yielded.
   */
  async *fetchBatches(fetchSize: number, signal?: AbortSignal): AsyncGenerator<TextRowBatch, void, undefined> {
    let delay = 0;
    for (;;) {
      const res = await this.#guard(rpc.fetch(this.#host.connection, this.queryId, fetchSize, this.#ctx()), signal);
      const rows = res.ready ? res.rows.rowCount : 0;
      if (rows > 0) {
        delay = 0;
        this.#rowsFetched += rows;
        yield res.rows;
      }
      if (res.ready && !res.hasMore) {
        this.#endOfRows = true;
        return;
      }
      if (rows === 0) {
        delay = nextPollDelay(delay, this.#host.pollMaxDelayMs);
        await this.#guard(sleep(delay, signal), signal);
      }
    }
  }

  /**
   * Unregisters the query: `CloseInsert` when `counts` is asked for (the DML row
   * count, summed over partitions; absent when Impala reports none, as for queries),
   * else `close`. After the query failed, or for a statement with rows, an invalid
   * handle means Impala already dropped it and counts as closed. Concurrent calls
   * share one close; a failed close can be tried again.
   */
  close(options: { counts?: boolean; timeoutMs?: number } = {}): Promise<CloseResult> {
    this.#closing ??= this.#close(options.counts === true, options.timeoutMs).then(
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

  /** Sends Cancel out of band. An unknown handle counts as done. */
  async cancel(): Promise<void> {
    this.#cancelSent = true;
    try {
      await this.#host.cancelOutOfBand(this.queryId);
    } catch (err) {
      if (hasCode(err, ErrorCode.INVALID_HANDLE)) return;
      throw annotate(err, this.coordinator, this.queryId);
    }
  }

  /** `get_log`: the error and warnings Impala keeps for the query. */
  log(): Promise<string> {
    return rpc.getLog(this.#host.connection, this.queryId, this.#ctx());
  }

  /** `GetRuntimeProfile` as text. */
  profile(): Promise<string> {
    return rpc.getRuntimeProfile(this.#host.connection, this.queryId, this.#ctx());
  }

  /** `GetExecSummary`. */
  async summary(): Promise<ExecSummary> {
    return toExecSummary(await rpc.getExecSummary(this.#host.connection, this.queryId, this.#ctx()));
  }

  /**
   * Cancels (unless done) then closes, each bounded by `cleanupTimeoutMs`; never
   * throws. Nothing is sent once the connection is gone: Impala ended its session and
   * unregistered the query with it.
   */
  async abandon(): Promise<void> {
    if (this.#host.connection.closed) {
      this.#state = 'closed';
      return;
    }
    if (!this.#endOfRows && !this.#cancelSent && this.#state !== 'failed' && this.#state !== 'closed') {
      await withTimeout(this.cancel(), this.#host.cleanupTimeoutMs, () => new Error('cancel timed out')).catch((err: unknown) =>
        debug('cancel of %s on %s failed: %s', this.queryId, this.coordinator, (err as Error).message),
      );
    }
    await this.close({ timeoutMs: this.#host.cleanupTimeoutMs }).catch((err: unknown) =>
      debug('close of %s on %s failed: %s', this.queryId, this.coordinator, (err as Error).message),
    );
  }

  async #close(counts: boolean, timeoutMs: number | undefined): Promise<CloseResult> {
    const ctx = { ...this.#ctx(), timeoutMs };
    try {
      if (!counts) {
        await rpc.close(this.#host.connection, this.queryId, ctx);
        return {};
      }
      const dml = await rpc.closeInsert(this.#host.connection, this.queryId, ctx);
      const parts = Object.values(dml.rows_modified ?? {});
      if (parts.length === 0) return {};
      let rowsModified = 0n;
      for (const v of parts) rowsModified += int64ToBigInt(v);
      return { rowsModified };
    } catch (err) {
      const gone = this.#state === 'failed' || (!counts && this.hasResultSet !== false);
      if (gone && hasCode(err, ErrorCode.INVALID_HANDLE)) return {};
      throw err;
    }
  }

  /** The error of a query in EXCEPTION: `fetch` answers with it; `get_log` if fetch does not. */
  async #failure(signal: AbortSignal | undefined): Promise<Error> {
    try {
      await this.#guard(rpc.fetch(this.#host.connection, this.queryId, 1, this.#ctx()), signal);
    } catch (err) {
      return err as Error;
    }
    const log = await this.#guard(this.log(), signal).catch(() => '');
    return serverError(log.trim() || 'the query failed without an error message', this.#details());
  }

  /** Awaits an RPC or sleep; on abort cancels the query, then throws the typed abort error. */
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
      throw this.#fail(annotate(err, this.coordinator, this.queryId));
    }
  }

  #fail<E>(err: E): E {
    if (this.#state === 'running' || this.#state === 'finished') this.#state = 'failed';
    return err;
  }

  #ctx(): RpcContext {
    return { coordinator: this.coordinator, queryId: this.queryId };
  }

  #details(): { coordinator: string; queryId: string } {
    return { coordinator: this.coordinator, queryId: this.queryId };
  }
}
