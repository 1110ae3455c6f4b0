import * as T from '../../thrift/gen-nodejs/TCLIService_types';
import type { EncodedBatch } from '../engine/types';
import { concatBatches } from './batch-slices';
import type { CoordinatorService } from './coordinator-service';
import { cacheExceededText, CANCELLED_TEXT, invalidHandleText, queryFailedText, RESTART_FETCH_TEXT } from './impala-messages';
import { emptyRowSet, toRowSet } from './row-set';
import type { SimOperation } from './sim-operation';
import { okStatus, StatusFailure, stillExecutingStatus } from './status';

/** Largest batch one FetchResults returns; Impala with result spooling honours large maxRows. */
const MAX_FETCH_ROWS = 100_000;
/** Batch size when the client asks for 0 rows (Impala's BATCH_SIZE default). */
const DEFAULT_FETCH_ROWS = 1024;
/** FETCH_ROWS_TIMEOUT_MS=0 means "wait until rows are ready"; bounded anyway so nothing waits forever. */
const MAX_FETCH_WAIT_MS = 3_600_000;

/** A FetchResults answer: a complete response, or a columnar batch to encode (the hot path). */
export type FetchOutcome = { resp: T.TFetchResultsResp } | { batch: EncodedBatch; startRowOffset: number; hasMoreRows: boolean };

/** The outcome as a generated response struct (the general, slower path). */
export function toFetchResultsResp(outcome: FetchOutcome): T.TFetchResultsResp {
  if ('resp' in outcome) return outcome.resp;
  return new T.TFetchResultsResp({ status: okStatus(), hasMoreRows: outcome.hasMoreRows, results: toRowSet(outcome.batch, outcome.startRowOffset) });
}

/**
 * One FetchResults on a registered query, with Impala's semantics (protocol
 * reference §2.9): wait for rows up to FETCH_ROWS_TIMEOUT_MS and answer
 * STILL_EXECUTING with no results if they are not ready; batches may hold 0 rows;
 * FETCH_FIRST restarts from the first row only when the statement was run with a
 * result cache (`impala.resultset.cache.size`) that still holds every row fetched,
 * and is otherwise refused with a recoverable error (the query stays registered);
 * any other failure unregisters the query. Callers run it under the operation's
 * fetch lock.
 *
 * @internal
 */
export async function fetchResults(svc: CoordinatorService, op: SimOperation, first: boolean, maxRows: number): Promise<FetchOutcome> {
  const columnar = op.spec.session.protocol >= T.TProtocolVersion.HIVE_CLI_SERVICE_PROTOCOL_V6;
  if (!op.spec.hasResultSet) {
    if (first) restartFetch(op);
    return { resp: new T.TFetchResultsResp({ status: okStatus(), hasMoreRows: false, results: emptyRowSet([], 0, columnar) }) };
  }
  const settled = await op.waitSettled(fetchTimeoutMs(svc, op));
  if (op.closed) throw new StatusFailure(invalidHandleText(op.queryId));
  if (!settled) return { resp: new T.TFetchResultsResp({ status: stillExecutingStatus(), hasMoreRows: true }) };
  if (op.phase === 'ERROR') {
    const error = op.error ?? { detail: CANCELLED_TEXT, sqlState: 'HY000' };
    await svc.unregister(op);
    throw new StatusFailure(queryFailedText(op.queryId, error.detail, svc.settings.errorWrapper), error.sqlState);
  }
  if (first) restartFetch(op);
  if (op.eos && op.rowsFetched >= op.rowsProduced) {
    return { resp: new T.TFetchResultsResp({ status: okStatus(), hasMoreRows: false, results: emptyRowSet(op.spec.columns, op.rowsFetched, columnar) }) };
  }
  const limit = maxRows <= 0 ? DEFAULT_FETCH_ROWS : Math.min(Math.floor(maxRows), MAX_FETCH_ROWS);
  const parts: EncodedBatch[] = [];
  // After a restart the cached rows come first, then new ones in the same call.
  const cached = op.resultCache?.read(op.rowsFetched, limit);
  if (cached !== undefined) parts.push(cached);
  const wanted = limit - (cached?.rowCount ?? 0);
  if (wanted > 0 && !op.eos) parts.push(await produce(svc, op, wanted));
  if (parts.length === 0) {
    return { resp: new T.TFetchResultsResp({ status: okStatus(), hasMoreRows: false, results: emptyRowSet(op.spec.columns, op.rowsFetched, columnar) }) };
  }
  const batch = concatBatches(parts);
  const startRowOffset = op.rowsFetched;
  op.rowsFetched += batch.rowCount;
  const hasMoreRows = !(op.eos && op.rowsFetched >= op.rowsProduced);
  if (!columnar) return { resp: new T.TFetchResultsResp({ status: okStatus(), hasMoreRows, results: toRowSet(batch, startRowOffset, false) }) };
  return { batch, startRowOffset, hasMoreRows };
}

/** Rows the runner has not produced yet; a failure unregisters the query. */
async function produce(svc: CoordinatorService, op: SimOperation, maxRows: number): Promise<EncodedBatch> {
  let batch: EncodedBatch;
  try {
    batch = await op.spec.runner.fetch(maxRows);
  } catch (err) {
    await svc.unregister(op);
    const detail = err instanceof Error ? err.message : String(err);
    const sqlState = (err as { sqlState?: unknown } | undefined)?.sqlState;
    throw new StatusFailure(queryFailedText(op.queryId, detail, svc.settings.errorWrapper), typeof sqlState === 'string' ? sqlState : 'HY000');
  }
  op.rowsProduced += batch.rowCount;
  op.resultCache?.append(batch);
  if (batch.done) op.markEos();
  return batch;
}

/** FETCH_FIRST: back to row 0, or Impala's recoverable refusal (the query stays registered). */
function restartFetch(op: SimOperation): void {
  const cache = op.resultCache;
  if (cache === undefined) throw new StatusFailure(RESTART_FETCH_TEXT);
  if (cache.overflowed) throw new StatusFailure(cacheExceededText(cache.limit));
  op.rowsFetched = 0;
}

/** The session's FETCH_ROWS_TIMEOUT_MS, else the coordinator's default; 0 = until ready (bounded). */
export function fetchTimeoutMs(svc: CoordinatorService, op: SimOperation): number {
  const fallback = svc.settings.fetchRowsTimeoutMs;
  const raw = op.spec.session.state.options.FETCH_ROWS_TIMEOUT_MS;
  const n = raw === undefined ? fallback : Number(raw);
  if (!Number.isFinite(n) || n < 0) return fallback === 0 ? MAX_FETCH_WAIT_MS : fallback;
  return n === 0 ? MAX_FETCH_WAIT_MS : n;
}
