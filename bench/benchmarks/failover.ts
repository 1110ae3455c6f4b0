import { performance } from 'node:perf_hooks';
import { type BenchContext, type BenchResult, type Benchmark, byMode } from '../lib/context';
import { type ContenderSpec, openContender } from '../lib/contenders';
import { duration, num, spread } from '../lib/format';
import { runLoad } from '../lib/load';
import { analyzeRecovery, type RecoveryFigures } from '../lib/recovery';
import { RemoteCluster } from '../lib/remote-cluster';
import { summarize } from '../lib/stats';
import type { Table } from '../lib/table';
import { pointQuery, sleep, SMALL_TABLE_SEED } from '../lib/workload';

const WORKERS = 8;
/** Caller-side bound, the same for both clients: impala-ha's rpcTimeoutMs, hive-driver's per-step timeout. */
const CALL_TIMEOUT_MS = 2_000;
/** The coordinator that fails (of 0, 1, 2). */
const VICTIM = 1;

interface Fault {
  name: 'kill' | 'hang' | 'shutdown';
  label: string;
  inject(c: RemoteCluster): Promise<void>;
  restore(c: RemoteCluster): Promise<void>;
}

const FAULTS: readonly Fault[] = [
  { name: 'kill', label: 'kill -9 one of 3', inject: (c) => c.op(VICTIM, 'kill'), restore: (c) => c.op(VICTIM, 'restart') },
  { name: 'hang', label: 'hang one of 3 (accepts, never answers)', inject: (c) => c.op(VICTIM, 'hang'), restore: (c) => c.op(VICTIM, 'resume') },
  {
    name: 'shutdown',
    label: 'graceful shutdown of one of 3',
    inject: (c) => c.op(VICTIM, 'shutdown', 60_000),
    restore: (c) => c.op(VICTIM, 'restart'),
  },
];

const CONTENDERS: readonly ContenderSpec[] = [
  { key: 'impala-ha', label: 'impala-ha → 3 coordinators', client: 'impala-ha' },
  { key: 'hive-docs', label: 'hive-driver → HAProxy, Impala docs config (check inter 2s fall 3 rise 2)', client: 'hive-driver', proxy: 'impala-docs' },
  { key: 'hive-tuned', label: 'hive-driver → HAProxy, tuned', client: 'hive-driver', proxy: 'tuned' },
  { key: 'impala-ha-docs', label: 'impala-ha → HAProxy, Impala docs config', client: 'impala-ha', proxy: 'impala-docs' },
  { key: 'impala-ha-tuned', label: 'impala-ha → HAProxy, tuned', client: 'impala-ha', proxy: 'tuned' },
];

interface RunRecord {
  fault: Fault['name'];
  contender: string;
  repeat: number;
  faultAtMs: number;
  restoreAtMs: number;
  figures: RecoveryFigures;
  errorsByCode: Record<string, number>;
  errorSamples: Record<string, string>;
}

function recoveryCell(values: number[], windowMs: number): string {
  const finite = values.filter(Number.isFinite);
  const never = `not within ${duration(windowMs)}`;
  if (finite.length === 0) return never;
  const cell = spread(summarize(finite), ' ms');
  return finite.length === values.length ? cell : `${cell}; ${values.length - finite.length} of ${values.length} runs ${never}`;
}

/** d. Errors and recovery under constant load when one coordinator fails. */
export const failoverBenchmark: Benchmark = {
  id: 'failover',
  title: 'd. Failover under load: kill, hang, graceful shutdown of one of 3 coordinators',
  async run(ctx: BenchContext): Promise<BenchResult> {
    const repeats = byMode(ctx.mode, { smoke: 1, quick: 1, full: 3 });
    const warmMs = byMode(ctx.mode, { smoke: 300, quick: 1_000, full: 1_000 });
    const preMs = byMode(ctx.mode, { smoke: 1_000, quick: 2_500, full: 3_000 });
    // Long enough for HAProxy's default detection (fall 3 × inter 2 s) to show.
    const faultMs = byMode(ctx.mode, { smoke: 1_200, quick: 8_000, full: 8_000 });
    const postMs = byMode(ctx.mode, { smoke: 400, quick: 1_500, full: 2_000 });
    const contenders = CONTENDERS.filter((c) => (ctx.haproxy.path || !c.proxy) && (ctx.mode !== 'smoke' || c.key === 'impala-ha' || c.key === 'hive-docs'));
    const cluster = await RemoteCluster.start({ coordinators: 3, processes: ctx.simProcesses });
    const records: RunRecord[] = [];
    const configs: Record<string, string> = {};
    try {
      await cluster.seed(SMALL_TABLE_SEED);
      for (let repeat = 0; repeat < repeats; repeat++) {
        for (const fault of FAULTS) {
          for (const spec of contenders) {
            const c = await openContender(spec, { coordinators: cluster.addresses, haproxyBin: ctx.haproxy.path, callTimeoutMs: CALL_TIMEOUT_MS });
            if (c.haproxyConfig && spec.proxy) configs[spec.proxy] = c.haproxyConfig;
            try {
              const op = (w: number, i: number): Promise<unknown> => c.op(w, pointQuery(w * 7919 + i));
              await runLoad({ workers: WORKERS, durationMs: warmMs, op });
              const t0 = performance.now();
              const load = runLoad({ workers: WORKERS, durationMs: preMs + faultMs + postMs, graceMs: 10_000, op });
              await sleep(preMs);
              const faultAtMs = performance.now() - t0;
              await fault.inject(cluster);
              await sleep(preMs + faultMs - (performance.now() - t0));
              const restoreAtMs = performance.now() - t0;
              await fault.restore(cluster);
              const result = await load;
              const figures = analyzeRecovery(result, { faultAtMs, restoreAtMs, baselineFromMs: 0 });
              records.push({ fault: fault.name, contender: spec.key, repeat, faultAtMs, restoreAtMs, figures, errorsByCode: result.errors, errorSamples: result.errorSamples });
              ctx.log(
                `failover: ${fault.name} / ${spec.key}: ${figures.errors} errors, last hurt at ${duration(figures.lastDisruptionMs)}, ` +
                  `90% back at ${Number.isFinite(figures.recoveryMs) ? duration(figures.recoveryMs) : 'never'}, dip ${num(figures.dip * 100)}%`,
              );
            } finally {
              await c.close();
            }
          }
        }
      }
    } finally {
      await cluster.stop();
    }
    const tables: Table[] = FAULTS.map((fault) => ({
      title: fault.label,
      columns: ['client', 'errors seen by callers', 'last failed or stalled call ended after', 'back to ≥ 90% throughput after', 'lowest 1 s throughput', 'slowest call', 'queries served during the fault'],
      rows: contenders.map((spec) => {
        const runs = records.filter((r) => r.fault === fault.name && r.contender === spec.key).map((r) => r.figures);
        return [
          spec.label,
          spread(summarize(runs.map((f) => f.errors))),
          spread(summarize(runs.map((f) => f.lastDisruptionMs)), ' ms'),
          recoveryCell(runs.map((f) => f.recoveryMs), faultMs),
          spread(summarize(runs.map((f) => f.dip * 100)), ' %'),
          spread(summarize(runs.map((f) => f.slowestMs)), ' ms'),
          spread(summarize(runs.map((f) => f.servedDuringFault))),
        ];
      }),
      notes: errorNotes(records.filter((r) => r.fault === fault.name), contenders),
    }));
    return {
      id: 'failover',
      title: this.title,
      description:
        `${WORKERS} callers run point queries in a loop. After ${preMs / 1000} s, coordinator ${VICTIM} is killed (SIGKILL-like: sockets reset, port closed), ` +
        `hung (accepts connections, answers nothing) or shut down gracefully (\`Server is being shut down\`, then exits); it is restored ` +
        `${faultMs / 1000} s later and the load continues ${postMs / 1000} s. Every call is bounded by ${CALL_TIMEOUT_MS} ms (impala-ha \`rpcTimeoutMs\`, ` +
        `hive-driver per step; a hive-driver connection that failed is reopened by the caller). "Last failed or stalled call": from the fault ` +
        `to the end of the last call that failed or took ≥ 1 s before the restore (0: no caller noticed). "Back to ≥ 90%": from the fault until the 1 s ` +
        `rolling throughput (250 ms buckets) is back at 90% of its pre-fault median and stays there for 2 s; it needs a steady machine, see the load average above. ` +
        `impala-ha runs with its defaults otherwise ` +
        `(fall 3, rise 1, a coordinator that refuses connections re-probed every 250 ms, one that accepts but does not answer probed from 1 s with backoff, a call that overruns triggers a liveness check, slow start 5 s, read-only statements retried on another coordinator). Tuned HAProxy: a Thrift-level check every 250 ms ` +
        `(a call any Thrift server answers at once, so a hung server fails it; timeout check 500 ms), fall 2 rise 1, \`observe layer4 error-limit 1 ` +
        `on-error mark-down\`, \`on-marked-down shutdown-sessions\`, \`option redispatch 1\`, timeout connect 500 ms. ` +
        `${repeats} run${repeats === 1 ? '' : 's'} per cell; a fresh client (and HAProxy) per run. Simulator: ${cluster.mode}.`,
      tables,
      raw: { repeats, warmMs, preMs, faultMs, postMs, workers: WORKERS, callTimeoutMs: CALL_TIMEOUT_MS, simulator: cluster.mode, haproxyConfigs: configs, runs: records },
      skipped: ctx.haproxy.path ? undefined : `HAProxy rows: ${ctx.haproxy.reason}`,
    };
  },
};

/** One line per contender with errors: which codes callers saw. */
function errorNotes(records: readonly RunRecord[], contenders: readonly ContenderSpec[]): string[] {
  const notes: string[] = [];
  for (const spec of contenders) {
    const counts: Record<string, number> = {};
    for (const r of records.filter((x) => x.contender === spec.key)) for (const [code, n] of Object.entries(r.errorsByCode)) counts[code] = (counts[code] ?? 0) + n;
    const list = Object.entries(counts).sort((a, b) => b[1] - a[1]);
    if (list.length > 0) notes.push(`${spec.label}: ${list.map(([code, n]) => `${code} ×${n}`).join(', ')}`);
  }
  return notes;
}
