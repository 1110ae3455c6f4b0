export {
  CoordinatorSession,
  connect,
  type CoordinatorSessionOptions,
  type PingResult,
  type QueryCallOptions,
  type SessionExecuteResult,
  type SessionQueryResult,
} from './coordinator-session';
export { SESSION_DEFAULTS } from './session-options';
export { Operation, type CloseResult, type OperationHost, type OperationState, type ExecuteOptions } from './operation';
export { RowStream } from './row-stream';
export { RowDecoder, objectKeys, type Row, type RowArray, type RowObject } from './row-decoder';
export { FetchResultsReply, type RowBatch } from './fetch-results-reply';
export { RawRowSet } from './raw-row-set';
export { VALUE_DEFAULTS, resolveValueOptions, type ResolvedValueOptions, type ValueOptions } from './value-options';
export { columnsFromSchema, typeName, type ColumnInfo, type ColumnType } from './result-metadata';
export { guidToQueryId, queryIdToGuid } from './query-id';
export { toExecSummary, type ExecState, type ExecStats, type ExecSummary, type PlanNodeSummary } from './exec-summary';
export * as hs2Rpc from './hs2-rpc';
