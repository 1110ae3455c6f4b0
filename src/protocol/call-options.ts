import type { ValueOptions } from './hs2/value-options';
import type { ColumnInfo } from './hs2/result-metadata';

// What a caller passes to and gets from `ImpalaClient` and pinned `Session` calls. It
// lives below both (client/ uses session/), not in client/, so session/ needs nothing
// from client/.

/** Options of one `query`, `stream` or `execute` call. */
export interface CallOptions extends ValueOptions {
  /** Values for the statement's `?` placeholders, bound client-side with escaping. */
  params?: readonly unknown[];
  /** Cancels the call (and the query on the server) when aborted. */
  signal?: AbortSignal;
  /** Bound on the whole call including retries, in ms. Default: the client's `queryTimeoutMs` (0 = none). */
  timeoutMs?: number;
  /** Query options for this statement only (ExecuteStatement's confOverlay), e.g. `{ MEM_LIMIT: '2g' }`. */
  queryOptions?: Readonly<Record<string, string>>;
  /**
   * Running the statement twice is harmless (e.g. `INSERT OVERWRITE` of a fixed result,
   * `CREATE TABLE IF NOT EXISTS`): allows retrying it after a failure that leaves its
   * outcome unknown. Read-only statements never need this. Default `false`.
   */
  idempotent?: boolean;
  /** Sends the call to the coordinator this key maps to (rendezvous hashing). */
  affinity?: string;
  /** Rows per FetchResults. Default: the client's `fetchSize`. */
  fetchSize?: number;
}

/** Rows and facts of a finished query. */
export interface QueryResult<Row = Record<string, unknown>> {
  /** All rows, as objects (default) or arrays (`rowMode: 'array'`). */
  rows: Row[];
  /** Result columns with Impala types, precision, scale and length. */
  columns: ColumnInfo[];
  /** Impala query id, `<hex16>:<hex16>`. */
  queryId: string;
  /** `host:port` of the coordinator that ran it. */
  coordinator: string;
  /** 1, or more when the call was retried. */
  attempts: number;
}

/** Outcome of a DML or DDL statement. */
export interface ExecuteResult {
  /** Rows inserted/updated/deleted, for DML. */
  rowsModified?: bigint;
  queryId: string;
  coordinator: string;
  attempts: number;
}
