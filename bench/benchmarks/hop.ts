import { createClient, type ImpalaClient } from '../../src';
import { type BenchContext, type BenchResult, type Benchmark, byMode } from '../lib/context';
import { startHaproxy, type RunningHaproxy } from '../lib/haproxy';
import { HiveWorkerConnections } from '../lib/hive-connection';
import { figures, runLoad } from '../lib/load';
import { hostPort } from '../lib/host-port';
import { RemoteCluster } from '../lib/remote-cluster';
import { type Series, summarizeSeries, throughputTable } from '../lib/series';
import type { Table } from '../lib/table';
import { pointQuery, SMALL_TABLE_SEED } from '../lib/workload';

/** Bound on each call of either client, in ms. */
const CALL_TIMEOUT_MS = 10_000;

interface Contender {
  key: 'ours' | 'hive-proxy' | 'ours-proxy' | 'hive-direct';
  label: string;
  op: (w: number, i: number) => Promise<unknown>;
}

/** Concurrent callers: one (latency, nothing saturated) and eight (throughput). */
const LEVELS = [1, 8] as const;

/** c. The cost of the extra hop: impala-ha balancing itself vs hive-driver behind HAProxy. */
export const hopBenchmark: Benchmark = {
  id: 'hop',
  title: 'c. Hop: impala-ha direct to 3 coordinators vs hive-driver through HAProxy leastconn',
  async run(ctx: BenchContext): Promise<BenchResult> {
    const runs = byMode(ctx.mode, { smoke: 1, quick: 3, full: 7 });
    const runMs = byMode(ctx.mode, { smoke: 300, quick: 2_000, full: 3_000 });
    const warmMs = byMode(ctx.mode, { smoke: 200, quick: 1_000, full: 2_000 });
    const cluster = await RemoteCluster.start({ coordinators: 3, processes: ctx.simProcesses });
    const clients: ImpalaClient[] = [];
    const hives: HiveWorkerConnections[] = [];
    let proxy: RunningHaproxy | undefined;
    const contenders: Contender[] = [];
    const levels: Array<{ workers: number; series: Array<{ key: Contender['key']; series: Series }> }> = [];
    try {
      await cluster.seed(SMALL_TABLE_SEED);
      const direct = createClient({ coordinators: cluster.addresses, rpcTimeoutMs: CALL_TIMEOUT_MS });
      clients.push(direct);
      contenders.push({ key: 'ours', label: 'impala-ha → 3 coordinators (leastconn in the client)', op: (w, i) => direct.query(pointQuery(w * 7919 + i)) });
      if (ctx.haproxy.path) {
        proxy = await startHaproxy(ctx.haproxy.path, { backends: cluster.addresses, profile: 'impala-docs' });
        const viaProxy = new HiveWorkerConnections([hostPort(proxy.address)], { timeoutMs: CALL_TIMEOUT_MS });
        hives.push(viaProxy);
        contenders.push({ key: 'hive-proxy', label: 'hive-driver → HAProxy leastconn → 3 coordinators', op: (w, i) => viaProxy.query(w, pointQuery(w * 7919 + i)) });
        const pooledViaProxy = createClient({ coordinators: [proxy.address], rpcTimeoutMs: CALL_TIMEOUT_MS });
        clients.push(pooledViaProxy);
        contenders.push({ key: 'ours-proxy', label: 'impala-ha → HAProxy → 3 coordinators', op: (w, i) => pooledViaProxy.query(pointQuery(w * 7919 + i)) });
      }
      const hiveDirect = new HiveWorkerConnections(cluster.coordinators, { timeoutMs: CALL_TIMEOUT_MS });
      hives.push(hiveDirect);
      contenders.push({ key: 'hive-direct', label: 'hive-driver → 3 coordinators (connections spread round robin)', op: (w, i) => hiveDirect.query(w, pointQuery(w * 7919 + i)) });
      for (const workers of LEVELS) {
        const series = new Map(contenders.map((c) => [c, { label: c.label, runs: [] } as Series]));
        for (const c of contenders) await runLoad({ workers, durationMs: warmMs, op: c.op });
        for (let r = 0; r < runs; r++) {
          // Rotate the order each run so drift is shared.
          for (let k = 0; k < contenders.length; k++) {
            const c = contenders[(k + r) % contenders.length]!;
            const { value, simCpuMicros } = await cluster.withCpu(() => runLoad({ workers, durationMs: runMs, op: c.op }));
            series.get(c)!.runs.push(figures(value, simCpuMicros));
          }
        }
        levels.push({ workers, series: contenders.map((c) => ({ key: c.key, series: series.get(c)! })) });
        ctx.log(`hop: ${workers} caller(s) done`);
      }
    } finally {
      await Promise.all(clients.map((c) => c.close()));
      await Promise.all(hives.map((h) => h.close()));
      await proxy?.stop();
      await cluster.stop();
    }
    const tables: Table[] = levels.map((level) => {
      const find = (key: Contender['key']): Series | undefined => level.series.find((x) => x.key === key)?.series;
      const ours = find('ours')!;
      const hiveProxy = find('hive-proxy');
      const oursProxy = find('ours-proxy');
      const hiveDirect = find('hive-direct')!;
      const ratios = [];
      if (hiveProxy) ratios.push({ label: 'impala-ha direct / hive-driver via HAProxy', a: ours, b: hiveProxy });
      if (oursProxy) ratios.push({ label: 'impala-ha via HAProxy / impala-ha direct (the hop)', a: oursProxy, b: ours });
      if (hiveProxy) ratios.push({ label: 'hive-driver via HAProxy / hive-driver direct (the hop)', a: hiveProxy, b: hiveDirect });
      const title = `${level.workers} concurrent caller${level.workers === 1 ? '' : 's'}, 3 coordinators`;
      return throughputTable(title, level.series.map((x) => x.series), ratios);
    });
    return {
      id: 'hop',
      title: this.title,
      description:
        `${LEVELS.join(' and ')} callers in a loop, each running a point query (\`${pointQuery(42)}\`, literal, the same text for both clients). ` +
        `impala-ha: one createClient with its defaults. hive-driver: one connection + session per caller (it has no pool), through ` +
        `${ctx.haproxy.version ?? 'HAProxy'} in TCP mode (Impala's documented configuration: balance leastconn, check). ` +
        `The extra rows isolate the hop (each client with and without the proxy). ${runs} rotated runs of ${runMs / 1000} s after a warm-up. Simulator: ${cluster.mode}. Ratios are first over second: above 1 means more queries/s, more time or more CPU.`,
      tables,
      raw: {
        runs,
        runMs,
        simulator: cluster.mode,
        haproxyConfig: proxy?.config ?? null,
        levels: levels.map((l) => ({ workers: l.workers, series: l.series.map((x) => ({ key: x.key, ...summarizeSeries(x.series), samples: x.series.runs })) })),
      },
      skipped: ctx.haproxy.path ? undefined : `HAProxy rows: ${ctx.haproxy.reason}`,
    };
  },
};
