import { performance } from 'node:perf_hooks';
import { type BenchContext, type BenchResult, type Benchmark, byMode } from '../lib/context';
import { type ContenderSpec, openContender } from '../lib/contenders';
import { errorCode } from '../lib/load';
import { num } from '../lib/format';
import { RemoteCluster } from '../lib/remote-cluster';
import { percentile } from '../lib/stats';
import { pointQuery, sleep, SMALL_TABLE_SEED } from '../lib/workload';

/** Callers (and so connections) that go idle together. */
const WORKERS = 4;
/** The idle cut-off, HAProxy `timeout client`/`timeout server` or the simulator's dropIdle, in ms. */
const IDLE_TIMEOUT_MS = 1_000;
/** How long the callers stay idle: past the cut-off. */
const IDLE_FOR_MS = 1_600;
const CALL_TIMEOUT_MS = 5_000;

interface Spec extends ContenderSpec {
  /** Cut idle connections at the coordinators instead of at a proxy. */
  serverCut?: boolean;
}

const CONTENDERS: readonly Spec[] = [
  { key: 'impala-ha-proxy', label: 'impala-ha → HAProxy (timeout client/server 1s)', client: 'impala-ha', proxy: 'impala-docs' },
  { key: 'hive-proxy', label: 'hive-driver → HAProxy (timeout client/server 1s)', client: 'hive-driver', proxy: 'impala-docs' },
  { key: 'impala-ha-direct', label: 'impala-ha → 3 coordinators that close connections idle > 1 s', client: 'impala-ha', serverCut: true },
  { key: 'hive-direct', label: 'hive-driver → 3 coordinators that close connections idle > 1 s', client: 'hive-driver', serverCut: true },
];

interface Outcome {
  key: string;
  label: string;
  attempts: number;
  errors: number;
  errorsByCode: Record<string, number>;
  latenciesMs: number[];
}

/** e. The first query after an idle cut. */
export const idleCutBenchmark: Benchmark = {
  id: 'idle',
  title: 'e. Idle cut: the first query after the proxy idle timeout',
  async run(ctx: BenchContext): Promise<BenchResult> {
    const rounds = byMode(ctx.mode, { smoke: 1, quick: 5, full: 12 });
    const contenders = CONTENDERS.filter((c) => ctx.haproxy.path || !c.proxy);
    const cluster = await RemoteCluster.start({ coordinators: 3, processes: ctx.simProcesses });
    const outcomes: Outcome[] = [];
    try {
      await cluster.seed(SMALL_TABLE_SEED);
      for (const spec of contenders) {
        for (const c of cluster.coordinators) await cluster.op(c.index, 'dropIdle', spec.serverCut ? IDLE_TIMEOUT_MS : 0);
        const c = await openContender(spec, {
          coordinators: cluster.addresses,
          haproxyBin: ctx.haproxy.path,
          callTimeoutMs: CALL_TIMEOUT_MS,
          proxyIdleTimeout: `${IDLE_TIMEOUT_MS}ms`,
        });
        const outcome: Outcome = { key: spec.key, label: spec.label, attempts: 0, errors: 0, errorsByCode: {}, latenciesMs: [] };
        try {
          for (let round = 0; round < rounds; round++) {
            // Every caller uses its connection (hive-driver: a failed one is reopened here;
            // impala-ha: the pool has WORKERS live connections), then all go idle.
            await Promise.all(
              Array.from({ length: WORKERS }, (_, w) =>
                c
                  .op(w, pointQuery(w))
                  .catch(() => c.op(w, pointQuery(w)))
                  .catch(() => undefined),
              ),
            );
            await sleep(IDLE_FOR_MS);
            await Promise.all(
              Array.from({ length: WORKERS }, async (_, w) => {
                const t = performance.now();
                outcome.attempts++;
                try {
                  await c.op(w, pointQuery(round * WORKERS + w));
                  outcome.latenciesMs.push(performance.now() - t);
                } catch (err) {
                  outcome.errors++;
                  const code = errorCode(err);
                  outcome.errorsByCode[code] = (outcome.errorsByCode[code] ?? 0) + 1;
                }
              }),
            );
          }
        } finally {
          await c.close();
        }
        outcomes.push(outcome);
        ctx.log(`idle: ${spec.key}: ${outcome.errors} of ${outcome.attempts} first queries failed`);
      }
    } finally {
      await cluster.stop();
    }
    return {
      id: 'idle',
      title: this.title,
      description:
        `${WORKERS} callers each hold a connection (impala-ha: its pool; hive-driver: one connection + session each), go idle for ` +
        `${IDLE_FOR_MS / 1000} s, past a ${IDLE_TIMEOUT_MS / 1000} s idle cut-off, then all run one query at once; ${rounds} rounds. ` +
        `The cut is made by HAProxy (\`timeout client\`/\`timeout server\`, the usual cause) or, without a proxy, by the coordinators ` +
        `themselves (the simulator's dropIdle, like a NAT or firewall). impala-ha runs with its defaults (an idle connection is pinged before use ` +
        `and, when its socket was cut, reattached to the same HS2 session). A hive-driver call on a cut connection fails at once here; hive-driver ` +
        `itself would queue it forever on the closed socket. Before each round every caller runs one query (a failed hive-driver connection is ` +
        `reopened then), so each first query goes over a connection that was used and then sat idle. Simulator: ${cluster.mode}.`,
      tables: [
        {
          columns: ['client', 'first queries', 'errors', 'error rate', 'p50 latency ms', 'slowest ms'],
          rows: outcomes.map((o) => [
            o.label,
            num(o.attempts),
            num(o.errors),
            `${num((o.errors / Math.max(1, o.attempts)) * 100)} %`,
            num(percentile(o.latenciesMs, 50)),
            num(o.latenciesMs.length ? Math.max(...o.latenciesMs) : Number.NaN),
          ]),
          notes: outcomes.filter((o) => o.errors > 0).map((o) => `${o.label}: ${Object.entries(o.errorsByCode).map(([code, n]) => `${code} ×${n}`).join(', ')}`),
        },
      ],
      raw: { rounds, workers: WORKERS, idleTimeoutMs: IDLE_TIMEOUT_MS, idleForMs: IDLE_FOR_MS, simulator: cluster.mode, outcomes },
      skipped: ctx.haproxy.path ? undefined : `HAProxy rows: ${ctx.haproxy.reason}`,
    };
  },
};
