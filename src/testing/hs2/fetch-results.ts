import * as T from '../../thrift/gen-nodejs/TCLIService_types';
import type { CoordinatorService } from './coordinator-service';
import { CANCELLED_TEXT, invalidHandleText, queryFailedText, RESTART_FETCH_TEXT } from './impala-messages';
import { emptyRowSet, toRowSet } from './row-set';
import type { EncodedBatch } from '../engine/types';
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
 * any failure other than a refused FETCH_FIRST unregisters the query. Callers run it
 * under the operation's fetch lock.
 *
 * @internal
 */
export async function fetchResults(svc: CoordinatorService, op: SimOperation, first: boolean, maxRows: number): Promise<FetchOutcome> {
  const columnar = op.spec.session.protocol >= T.TProtocolVersion.HIVE_CLI_SERVICE_PROTOCOL_V6;
  // Restarting needs a result cache, which the simulator does not keep; a first
  // fetch with FETCH_FIRST restarts nothing and is served.
  if (first && op.rowsFetched > 0) throw new StatusFailure(RESTART_FETCH_TEXT);
  if (!op.spec.hasResultSet) {
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
  if (op.eos) {
    return { resp: new T.TFetchResultsResp({ status: okStatus(), hasMoreRows: false, results: emptyRowSet(op.spec.columns, op.rowsFetched, columnar) }) };
  }
  const limit = maxRows <= 0 ? DEFAULT_FETCH_ROWS : Math.min(Math.floor(maxRows), MAX_FETCH_ROWS);
  let batch;
  try {
    batch = await op.spec.runner.fetch(limit);
  } catch (err) {
    await svc.unregister(op);
    const detail = err instanceof Error ? err.message : String(err);
    const sqlState = (err as { sqlState?: unknown } | undefined)?.sqlState;
    throw new StatusFailure(queryFailedText(op.queryId, detail, svc.settings.errorWrapper), typeof sqlState === 'string' ? sqlState : 'HY000');
  }
  const startRowOffset = op.rowsFetched;
  op.rowsFetched += batch.rowCount;
  if (batch.done) op.markEos();
  if (!columnar) return { resp: new T.TFetchResultsResp({ status: okStatus(), hasMoreRows: !batch.done, results: toRowSet(batch, startRowOffset, false) }) };
  return { batch, startRowOffset, hasMoreRows: !batch.done };
}

/** The session's FETCH_ROWS_TIMEOUT_MS, else the coordinator's default; 0 = until ready (bounded). */
export function fetchTimeoutMs(svc: CoordinatorService, op: SimOperation): number {
  const fallback = svc.settings.fetchRowsTimeoutMs;
  const raw = op.spec.session.state.options.FETCH_ROWS_TIMEOUT_MS;
  const n = raw === undefined ? fallback : Number(raw);
  if (!Number.isFinite(n) || n < 0) return fallback === 0 ? MAX_FETCH_WAIT_MS : fallback;
  return n === 0 ? MAX_FETCH_WAIT_MS : n;
}
