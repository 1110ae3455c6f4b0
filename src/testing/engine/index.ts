/**
 * The simulator's SQL engine: DuckDB under Impala's dialect, statements, result
 * encoding and catalog propagation. The Thrift front end talks to it only through
 * {@link SqlEngine}.
 *
 * @internal
 */
export { createDuckDbEngine } from './duckdb-engine';
export type { DuckDbSqlEngine, EngineStats } from './duckdb-engine';
export type { DuckDbEngineOptions } from './engine-options';
export type { PlanCacheStats } from './plan-cache';
export { SimSqlError } from './types';
export type {
  EncodedBatch,
  EncodedColumn,
  ExecutedStatement,
  ImpalaTypeName,
  PlannedStatement,
  SessionState,
  SimColumn,
  SimSqlFailure,
  SqlEngine,
  StatementContext,
  StatementKind,
} from './types';
