import * as I from '../../thrift/gen-nodejs/ImpalaService_types';
import { queryFailedText } from './impala-messages';
import { int64 } from './row-set';
import type { OperationPhase, SimOperation } from './sim-operation';

/** Exec state of the summary for each phase (a cancelled query reads CANCELLED). */
function execState(op: SimOperation): I.TExecState {
  const byPhase: Record<OperationPhase, I.TExecState> = {
    INITIALIZED: I.TExecState.REGISTERED,
    PENDING: op.ticket.state === 'queued' ? I.TExecState.QUEUED : I.TExecState.PLANNING,
    RUNNING: I.TExecState.RUNNING,
    FINISHED: I.TExecState.FINISHED,
    ERROR: op.error?.detail === 'Cancelled' ? I.TExecState.CANCELLED : I.TExecState.FAILED,
  };
  return byPhase[op.phase];
}

/**
 * A plausible TExecSummary: state, queueing, progress and, for failures, the error.
 * Impala fills plan-node rows for queries run on the backend; the simulator has no
 * plan, so `nodes` is empty (as Impala's is for DDL).
 */
export function execSummary(op: SimOperation): I.TExecSummary {
  const done = op.phase === 'FINISHED' ? 1 : 0;
  return new I.TExecSummary({
    state: execState(op),
    status:
      op.error === undefined
        ? undefined
        : new I.TImpalaStatus({ status_code: I.TErrorCode.GENERAL, error_msgs: [op.error.detail] }),
    nodes: [],
    progress: new I.TExecProgress({
      total_scan_ranges: int64(1n),
      num_completed_scan_ranges: int64(BigInt(done)),
      total_fragment_instances: int64(1n),
      num_completed_fragment_instances: int64(BigInt(done)),
    }),
    is_queued: op.ticket.state === 'queued',
    queued_reason: op.ticket.queuedReason,
  });
}

/** A runtime profile in Impala's STRING layout, with the fields people grep for. */
export function runtimeProfile(op: SimOperation, coordinator: string, version: string): string {
  const s = op.spec.session;
  const lines = [
    `Query (id=${op.queryId}):`,
    '  Summary:',
    `    Session ID: ${s.id}`,
    `    Session Type: ${s.type}`,
    `    Start Time: ${new Date(op.startedAt).toISOString()}`,
    `    End Time: ${op.endedAt === undefined ? '' : new Date(op.endedAt).toISOString()}`,
    `    Query Type: ${queryType(op)}`,
    `    Query State: ${op.phase === 'ERROR' ? 'EXCEPTION' : op.phase}`,
    `    Query Status: ${op.error === undefined ? 'OK' : op.error.detail}`,
    `    Impala Version: ${version}`,
    `    User: ${s.state.user}`,
    `    Connected User: ${s.state.user}`,
    `    Default Db: ${s.state.database}`,
    `    Sql Statement: ${op.spec.sql}`,
    `    Coordinator: ${coordinator}`,
    `    Admission result: ${op.ticket.queuedReason === undefined ? 'Admitted immediately' : 'Admitted (queued)'}`,
    '    NumBackends: 1',
    '  Execution Profile:',
    `    Rows returned: ${op.rowsFetched}`,
  ];
  return `${lines.join('\n')}\n`;
}

/**
 * GetLog text (protocol reference §2.12): a progress line for queries and DML, the
 * failure (`Query <id> failed:` first with Impala 4.5+'s `wrap`), and the
 * admission queueing lines when the query waited.
 */
export function operationLog(op: SimOperation, wrap: boolean): string {
  let log = '';
  if (op.spec.kind === 'query' || op.spec.kind === 'dml') {
    log += op.phase === 'FINISHED' ? `Query ${op.queryId} 100% Complete (1 out of 1)\n` : `Query ${op.queryId}: 0% Complete (0 out of 1)\n`;
  }
  if (op.phase === 'ERROR' && op.error !== undefined) log += queryFailedText(op.queryId, op.error.detail, wrap);
  if (op.ticket.queuedReason !== undefined) log += `Admission result : Queued\nLatest admission queue reason : ${op.ticket.queuedReason}\n`;
  return log;
}

function queryType(op: SimOperation): string {
  switch (op.spec.kind) {
    case 'query':
    case 'show':
    case 'describe':
    case 'explain':
      return 'QUERY';
    case 'dml':
      return 'DML';
    case 'ddl':
      return 'DDL';
    case 'set':
    case 'use':
      return 'SET';
    default:
      return 'QUERY';
  }
}
