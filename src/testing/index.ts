/**
 * `impala-ha/testing`: a simulated Impala cluster for tests, demos and benchmarks.
 * Real HS2 Thrift on loopback ports, a real SQL engine (DuckDB) underneath, and
 * faults on demand (kill, restart, hang, graceful shutdown, idle cuts, refused
 * connects, per-RPC delays, replies cut mid-fetch, admission limits).
 *
 * @packageDocumentation
 */
import { assertEngineInstalled } from './load-engine';

// Fail at import, with what to install, rather than at the first startCluster().
assertEngineInstalled();

export { startCluster } from './cluster';
export { SIM_CLUSTER_DEFAULTS } from './cluster-options';
export type {
  AdmissionOptions,
  CoordinatorStats,
  ExecutedStatementRecord,
  HttpAuthCounts,
  HttpStatusFaultOptions,
  RpcDelayOptions,
  ShutdownOptions,
  SimCluster,
  SimClusterOptions,
  SimCoordinator,
  SimKerberosOptions,
  SimTlsOptions,
  SimProtocol,
} from './types';
export {
  SimSqlError,
  type SqlEngine,
  type PlannedStatement,
  type ExecutedStatement,
  type EncodedBatch,
  type EncodedColumn,
  type StatementContext,
  type StatementKind,
  type SessionState,
  type SimColumn,
  type ImpalaTypeName,
  type SimSqlFailure,
} from './engine/types';
