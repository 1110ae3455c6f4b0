/**
 * The contract between the simulator's Thrift front end (coordinators, sessions,
 * operations, faults) and its SQL engine (DuckDB plus the Impala-only statements).
 * Everything that crosses it is plain data (structured-clone safe: bigint, Buffer,
 * Map are fine) so the engine can live in the parent process while coordinators run
 * as child processes and talk to it over IPC.
 *
 * @internal
 */

/** Impala SQL type names as reported in result metadata (protocol reference §2.10). */
export type ImpalaTypeName =
  | 'BOOLEAN'
  | 'TINYINT'
  | 'SMALLINT'
  | 'INT'
  | 'BIGINT'
  | 'FLOAT'
  | 'DOUBLE'
  | 'STRING'
  | 'TIMESTAMP'
  | 'BINARY'
  | 'DECIMAL'
  | 'NULL'
  | 'DATE'
  | 'VARCHAR'
  | 'CHAR';

/** One result column as Impala describes it. */
export interface SimColumn {
  name: string;
  type: ImpalaTypeName;
  /** DECIMAL precision. */
  precision?: number;
  /** DECIMAL scale. */
  scale?: number;
  /** VARCHAR/CHAR maximum length. */
  length?: number;
}

/**
 * One column of one fetched batch, already in the HS2 wire encoding Impala uses:
 * `kind` names the TColumn union member, `values` has one entry per row (a
 * placeholder such as 0, false, '' or an empty Buffer where the row is NULL) and
 * `nulls` is the LSB-first bitmap of ceil(rows/8) bytes.
 */
export type EncodedColumn =
  | { kind: 'boolVal'; values: boolean[]; nulls: Buffer }
  | { kind: 'byteVal'; values: number[]; nulls: Buffer }
  | { kind: 'i16Val'; values: number[]; nulls: Buffer }
  | { kind: 'i32Val'; values: number[]; nulls: Buffer }
  | { kind: 'i64Val'; values: bigint[]; nulls: Buffer }
  | { kind: 'doubleVal'; values: number[]; nulls: Buffer }
  /** STRING/VARCHAR/CHAR/TIMESTAMP/DATE/DECIMAL/NULL: raw bytes (Impala strings are bytes). */
  | { kind: 'stringVal'; values: Buffer[]; nulls: Buffer }
  | { kind: 'binaryVal'; values: Buffer[]; nulls: Buffer };

/** A fetched batch. */
export interface EncodedBatch {
  columns: EncodedColumn[];
  rowCount: number;
  /** True when no rows remain after this batch. */
  done: boolean;
}

/** Session state the front end owns and passes with each statement. */
export interface SessionState {
  /** Current database, lower case. */
  database: string;
  /** Session query options, keys upper case (`SYNC_DDL` → `'true'`). */
  options: Record<string, string>;
  /** Effective user. */
  user: string;
}

/** Everything the engine needs to know about where and how a statement runs. */
export interface StatementContext {
  /** Index of the coordinator the statement was submitted to (0-based). */
  coordinator: number;
  session: SessionState;
  /** Per-statement query options from ExecuteStatement's confOverlay, keys upper case. */
  overlay: Record<string, string>;
}

/** What kind of statement the text is; decides hasResultSet and DML counts. */
export type StatementKind = 'query' | 'dml' | 'ddl' | 'set' | 'use' | 'show' | 'describe' | 'explain' | 'other';

/** The outcome of analysing a statement (what Impala knows when ExecuteStatement returns). */
export interface PlannedStatement {
  /** Engine-side id to refer to this statement in execute/fetch/close. */
  id: string;
  kind: StatementKind;
  hasResultSet: boolean;
  /** Result columns; empty when `hasResultSet` is false. */
  columns: SimColumn[];
  /** Extra time before rows/completion exist (from `sleep(ms)`), in ms. */
  delayMs: number;
  /** Session changes to apply when the statement finishes (SET k=v, USE db). */
  sessionChanges?: { database?: string; options?: Record<string, string> };
}

/** The outcome of running a statement. */
export interface ExecutedStatement {
  /** DML: rows inserted/updated/deleted. */
  rowsModified?: bigint;
}

/**
 * An Impala-style SQL failure: `message` is the exact detail text Impala would send
 * (e.g. `AnalysisException: Could not resolve table reference: 'default.t'`),
 * without the `Query <id> failed:` wrapper, which the front end adds.
 */
export interface SimSqlFailure {
  message: string;
  sqlState: string;
}

/** The SQL engine shared by every coordinator of one simulated cluster. */
export interface SqlEngine {
  /**
   * Analyses a statement as the given coordinator would: rejects unknown tables
   * (including tables whose creation has not yet reached this coordinator, see catalog
   * lag), computes result columns. Rejects with a {@link SimSqlError}.
   */
  plan(sql: string, ctx: StatementContext): Promise<PlannedStatement>;
  /** Runs a planned statement to completion (rows ready). Rejects with a {@link SimSqlError}. */
  execute(id: string): Promise<ExecutedStatement>;
  /** Next batch of at most `maxRows` rows of an executed statement. */
  fetch(id: string, maxRows: number): Promise<EncodedBatch>;
  /** Cancels a running statement (its execute rejects with `Cancelled`). */
  cancel(id: string): Promise<void>;
  /** Releases a statement's resources. Safe to call twice. */
  release(id: string): Promise<void>;
  /** Query option defaults as Impala lists them (`SET ALL`, OpenSession's configuration), keys upper case. */
  defaultQueryOptions(): Record<string, string>;
  /** Forgets statements of a coordinator that was killed or restarted. */
  forgetCoordinator(coordinator: number): Promise<void>;
  /**
   * Runs engine-native SQL outside Impala (tables "loaded by another tool"): what it
   * creates or drops is visible on every coordinator at once. Optional: engines
   * without it cannot seed.
   */
  seed?(sql: string): Promise<void>;
  close(): Promise<void>;
}

/** Error carrying Impala's exact detail text; see {@link SimSqlFailure}. */
export class SimSqlError extends Error implements SimSqlFailure {
  readonly sqlState: string;
  constructor(message: string, sqlState = 'HY000') {
    super(message);
    this.name = 'SimSqlError';
    this.sqlState = sqlState;
  }
}
