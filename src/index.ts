/**
 * impala-ha: an Apache Impala client for Node.js that balances, health-checks and
 * fails over between coordinators itself.
 *
 * @packageDocumentation
 */
export { createClient, ImpalaClient, ResultStream, type ClientStats, type CallOptions, type ExecuteResult, type QueryResult } from './client';
export { Session, type SessionOptions } from './session/session';
export type * from './events/client-events';
export type { TraceAttributes, TraceContext } from './events/tracing';
export * from './errors';
export {
  Secret,
  resolveOptions,
  parseConnectionString,
  formatConnectionString,
  redactConnectionString,
  DEFAULTS,
  DEFAULT_PORTS,
  renderOptionsTable,
  type ClientOptions,
  type ResolvedOptions,
  type ParsedConnectionString,
  type FormatOptions,
  type Protocol,
  type AuthMechanism,
  type BalancePolicy,
  type DdlMode,
  type RowMode,
  type BigintMode,
  type DateValueMode,
  type StringMode,
  type Duration,
  type OptionName,
  type ParsedOptions,
  type ConnectionStringForm,
} from './connection-string';
export {
  CoordinatorSession,
  connect,
  RowStream,
  type CoordinatorSessionOptions,
  type QueryCallOptions,
  type SessionQueryResult,
  type SessionExecuteResult,
  type PingResult,
  type ColumnInfo,
  type ColumnType,
  type ValueOptions,
  type Row,
  type RowArray,
  type RowObject,
  type ExecSummary,
  type PlanNodeSummary,
  type ExecStats,
  type ExecState,
  objectKeys,
} from './protocol/hs2';
export { bindParams, asBinary, BinaryParam, toSqlLiteral, quoteString } from './protocol/sql';
export type { BalancerName, CoordinatorView } from './balancer';
export type { CoordinatorStats } from './pool/coordinator-pool';
export type { HealthState } from './health/coordinator-health';
export { Connection, CONNECTION_DEFAULTS, type ConnectionOptions, type AuthOptions, type TlsOptions, type CallOptions as RpcCallOptions } from './connection';
