import type { ColumnInfo } from './result-metadata';
import type { RowObject } from './row-decoder';

/** Rows and facts of a finished query on one session. */
export interface SessionQueryResult<R = RowObject> {
  rows: R[];
  /** Result columns with Impala types, precision, scale and length. */
  columns: ColumnInfo[];
  /** Impala query id, `<hex16>:<hex16>`. */
  queryId: string;
  /** `host:port` of the coordinator that ran it. */
  coordinator: string;
  /** Always 1: a session does not retry. */
  attempts: 1;
  /** Rows fetched from the server. */
  rowsFetched: number;
}

/** Outcome of a statement run with {@link CoordinatorSession.execute}. */
export interface SessionExecuteResult {
  /** Rows inserted, updated or deleted (summed over partitions), for DML. */
  rowsModified?: bigint;
  queryId: string;
  coordinator: string;
}

/** What {@link CoordinatorSession.ping} reports. */
export interface PingResult {
  /** e.g. `impalad version 4.4.0 RELEASE (build ...)`. */
  version: string;
  /** The coordinator's web UI address (`http://host:25000`), `''` when not exposed. */
  webserverAddress: string;
  /** Round trip of the ping, in ms. */
  latencyMs: number;
}
