/**
 * impala-ha: an Apache Impala client for Node.js that balances, health-checks and
 * fails over between coordinators itself.
 *
 * Everything exported here is the public contract; the rest of `src/` is internal and
 * may change in any release. The simulator lives in `impala-ha/testing`.
 *
 * @packageDocumentation
 */

// The client and what its calls take and return.
export { createClient, ImpalaClient, ResultStream, type ClientStats, type CallOptions, type ExecuteResult, type QueryResult } from './client';
export { Session, type SessionOptions } from './session/session';
export type { CoordinatorStats } from './pool/coordinator-pool';
export type { HealthState } from './health/coordinator-health';

// Result values and columns.
export type { ValueOptions } from './protocol/hs2/value-options';
export type { ColumnInfo, ColumnType } from './protocol/hs2/result-metadata';
export type { Row, RowArray, RowObject } from './protocol/hs2/row-decoder';
export { asBinary, BinaryParam } from './protocol/sql/sql-literal';

// Events (also on node:diagnostics_channel as `impala-ha:<event>`).
export type {
  ClientEvents,
  ClientEventName,
  EventBase,
  CoordinatorUpEvent,
  CoordinatorDownEvent,
  CoordinatorDrainingEvent,
  ConnectionCreatedEvent,
  ConnectionClosedEvent,
  ConnectionCloseReason,
  ConnectionValidatedEvent,
  RetriedEvent,
  FailedOverEvent,
  SessionReopenedEvent,
  PoolClearedEvent,
} from './events/client-events';
// Tracing channels impala-ha:query, impala-ha:connect, impala-ha:pool:acquire (docs/observability.md).
export type { TraceAttributes, TraceContext } from './events/tracing';

// Errors: match on `code`.
export {
  ErrorCode,
  type ErrorCodeValue,
  ImpalaError,
  hasCode,
  type ErrorFamily,
  type ImpalaErrorDetails,
  ConfigError,
  type ConfigCode,
  ArgumentError,
  ConnectError,
  ConnectionLostError,
  ConnectionClosedError,
  HttpStatusError,
  RpcTimeoutError,
  ProtocolError,
  type ConnectCode,
  type ProtocolCode,
  ServerError,
  AbortedError,
  QueryTimeoutError,
  OutcomeUnknownError,
  SessionLostError,
  NoCoordinatorError,
  AcquireTimeoutError,
  ClosedError,
} from './errors';

// Configuration: connection strings, options, defaults, secrets.
export { Secret } from './connection-string/secret';
export type { BearerTokenProvider, BearerTokenRequest } from './connection/http-auth';
export { resolveOptions } from './connection-string/resolve';
export { parseConnectionString } from './connection-string/parse';
export { formatConnectionString, type FormatOptions } from './connection-string/format';
export { redactConnectionString } from './connection-string/redact';
export { DEFAULTS, DEFAULT_PORTS } from './connection-string/defaults';
export type { ParsedConnectionString, ConnectionStringForm } from './connection-string/parsed-connection-string';
export type {
  ClientOptions,
  ResolvedOptions,
  ParsedOptions,
  OptionName,
  Protocol,
  AuthMechanism,
  BalancePolicy,
  DdlMode,
  RowMode,
  BigintMode,
  DateValueMode,
  StringMode,
  Duration,
  KerberosCanonicalization,
} from './connection-string/options';
