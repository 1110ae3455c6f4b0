import type { Int64 } from 'thrift';
import type * as I from '../../thrift/gen-nodejs/ImpalaService_types';
import { int64ToBigInt } from './int64';

/** Counters of one plan node (or its estimate). Times in nanoseconds, memory in bytes. */
export interface ExecStats {
  latencyNs?: bigint;
  cpuTimeNs?: bigint;
  /** Rows produced. */
  cardinality?: bigint;
  memoryUsedBytes?: bigint;
  lastBatchReturned?: boolean;
}

/** One node of the query plan as GetExecSummary reports it. */
export interface PlanNodeSummary {
  nodeId: number;
  fragmentIndex: number;
  /** e.g. `00:SCAN HDFS`. */
  label: string;
  /** e.g. the table name. */
  labelDetail?: string;
  childCount: number;
  /** The planner's estimate. */
  estimated?: ExecStats;
  /** Actual counters, one entry per fragment instance. */
  instances: ExecStats[];
  isBroadcast?: boolean;
  hostCount?: number;
}

/** State names of Impala's TExecState. */
export type ExecState = 'REGISTERED' | 'PLANNING' | 'QUEUED' | 'RUNNING' | 'FINISHED' | 'CANCELLED' | 'FAILED' | 'UNKNOWN';

/** A query's execution summary (GetExecSummary), as plain data with exact counters. */
export interface ExecSummary {
  state: ExecState;
  /** Error status when the query failed. */
  status?: { code: number; messages: string[] };
  nodes: PlanNodeSummary[];
  errorLogs: string[];
  progress?: {
    totalScanRanges?: bigint;
    completedScanRanges?: bigint;
    totalFragmentInstances?: bigint;
    completedFragmentInstances?: bigint;
  };
  /** Whether admission control has queued the query, and why. */
  isQueued: boolean;
  queuedReason?: string;
}

const STATES: readonly ExecState[] = ['REGISTERED', 'PLANNING', 'QUEUED', 'RUNNING', 'FINISHED', 'CANCELLED', 'FAILED'];

/** Converts the Thrift summary; an absent summary (statements not run on executors) gives `REGISTERED` with no nodes. */
export function toExecSummary(s: I.TExecSummary | null | undefined): ExecSummary {
  if (!s) return { state: 'REGISTERED', nodes: [], errorLogs: [], isQueued: false };
  const out: ExecSummary = {
    state: STATES[s.state] ?? 'UNKNOWN',
    nodes: (s.nodes ?? []).map(toNode),
    errorLogs: s.error_logs ?? [],
    isQueued: s.is_queued === true,
  };
  if (s.status) out.status = { code: s.status.status_code, messages: s.status.error_msgs ?? [] };
  if (s.progress) {
    out.progress = compact({
      totalScanRanges: big(s.progress.total_scan_ranges),
      completedScanRanges: big(s.progress.num_completed_scan_ranges),
      totalFragmentInstances: big(s.progress.total_fragment_instances),
      completedFragmentInstances: big(s.progress.num_completed_fragment_instances),
    });
  }
  if (typeof s.queued_reason === 'string') out.queuedReason = s.queued_reason;
  return out;
}

function toNode(n: I.TPlanNodeExecSummary): PlanNodeSummary {
  const node: PlanNodeSummary = {
    nodeId: n.node_id,
    fragmentIndex: n.fragment_idx,
    label: n.label,
    childCount: n.num_children,
    instances: (n.exec_stats ?? []).map(toStats),
  };
  if (typeof n.label_detail === 'string') node.labelDetail = n.label_detail;
  if (n.estimated_stats) node.estimated = toStats(n.estimated_stats);
  if (typeof n.is_broadcast === 'boolean') node.isBroadcast = n.is_broadcast;
  if (typeof n.num_hosts === 'number') node.hostCount = n.num_hosts;
  return node;
}

function toStats(s: I.TExecStats): ExecStats {
  const stats: ExecStats = compact({
    latencyNs: big(s.latency_ns),
    cpuTimeNs: big(s.cpu_time_ns),
    cardinality: big(s.cardinality),
    memoryUsedBytes: big(s.memory_used),
  });
  if (typeof s.last_batch_returned === 'boolean') stats.lastBatchReturned = s.last_batch_returned;
  return stats;
}

function big(v: Int64 | null | undefined): bigint | undefined {
  return v ? int64ToBigInt(v) : undefined;
}

function compact<O extends object>(o: O): O {
  for (const k of Object.keys(o) as Array<keyof O>) if (o[k] === undefined) delete o[k];
  return o;
}
