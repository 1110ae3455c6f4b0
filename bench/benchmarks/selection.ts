import { performance } from 'node:perf_hooks';
import { BALANCERS, type BalancerName, type CoordinatorView, type SelectionContext } from '../../src/balancer';
import { dropEvents } from '../../src/events/event-sink';
import { CoordinatorPool, type CoordinatorPoolOptions } from '../../src/pool/coordinator-pool';
import { Cluster } from '../../src/pool/cluster';
import { defaultPoolDeps } from '../../src/pool/pool-deps';
import { type BenchContext, type BenchResult, type Benchmark, byMode } from '../lib/context';
import { spread } from '../lib/format';
import { summarize, type Summary } from '../lib/stats';

const SIZES = [3, 30, 300, 3000] as const;
const POLICIES: readonly BalancerName[] = ['leastconn', 'p2c', 'roundrobin', 'random', 'affinity'];
/** Distinct affinity keys cycled through, so hashing is not of one cached string. */
const KEYS = Array.from({ length: 1024 }, (_, i) => `tenant-${i * 7919}`);

/** A deterministic generator (mulberry32), so every run sees the same coordinators. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function views(n: number): CoordinatorView[] {
  const rnd = seeded(n);
  return Array.from({ length: n }, (_, i) => ({
    address: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}:21050`,
    index: i,
    inFlight: Math.floor(rnd() * 20),
    latencyMs: 1 + rnd() * 50,
    // One in ten is ramping up after a recovery (slow start).
    weight: rnd() < 0.1 ? 0.5 : 1,
  }));
}

/** ns per call of `fn`, timing batches until `minMs` elapsed; `sink` defeats dead-code elimination. */
function nsPerOp(fn: (i: number) => number, minMs: number): { ns: number; sink: number } {
  let calls = 0;
  let sink = 0;
  const t0 = performance.now();
  let elapsed = 0;
  let batch = 256;
  do {
    for (let i = 0; i < batch; i++) sink += fn(calls + i);
    calls += batch;
    elapsed = performance.now() - t0;
    if (batch < 65_536) batch *= 2;
  } while (elapsed < minMs);
  return { ns: (elapsed * 1e6) / calls, sink };
}

function poolOptions(n: number): CoordinatorPoolOptions[] {
  return views(n).map((v) => ({
    address: v.address,
    index: v.index,
    // Never used: selection opens nothing.
    session: { host: v.address.slice(0, v.address.lastIndexOf(':')), port: 21050 },
    maxConnections: 10,
    minIdle: 0,
    acquireTimeoutMs: 1_000,
    idleTimeoutMs: 0,
    validateAfterIdleMs: 500,
    maxLifetimeMs: 0,
    keepAliveIntervalMs: 0,
    health: { fall: 3, rise: 2, slowStartMs: 0, intervalMs: 2_000, maxIntervalMs: 30_000 },
  }));
}

interface Row {
  policy: BalancerName;
  size: number;
  balancerNs: Summary;
  selectNs: Summary;
}

/** f. The cost of choosing a coordinator, pure CPU. */
export const selectionBenchmark: Benchmark = {
  id: 'selection',
  title: 'f. Selection cost: one pick among 3 to 3000 coordinators',
  async run(ctx: BenchContext): Promise<BenchResult> {
    const runs = byMode(ctx.mode, { smoke: 1, quick: 5, full: 9 });
    const minMs = byMode(ctx.mode, { smoke: 5, quick: 60, full: 200 });
    const rows: Row[] = [];
    let sink = 0;
    for (const size of SIZES) {
      const vs = views(size);
      for (const policy of POLICIES) {
        const cluster = new Cluster(
          poolOptions(size).map((o) => new CoordinatorPool(o, defaultPoolDeps(dropEvents))),
          policy,
          seeded(1),
        );
        try {
          const balancer = BALANCERS[policy];
          const rnd = seeded(42);
          const keyed = policy === 'affinity';
          const pick = (i: number): number => {
            const ctxt: SelectionContext = { random: rnd, sequence: i, key: keyed ? KEYS[i & 1023] : undefined };
            return balancer(vs, ctxt)?.index ?? -1;
          };
          // Cluster.select is what a request pays: filter the selectable pools, snapshot
          // them, pick. A key always means rendezvous hashing there.
          const select = (i: number): number => cluster.select(keyed ? KEYS[i & 1023] : undefined).index;
          // Warm-up: let the JIT settle on both paths before timing.
          sink += nsPerOp(pick, minMs / 2).sink + nsPerOp(select, minMs / 2).sink;
          const b: number[] = [];
          const s: number[] = [];
          for (let r = 0; r < runs; r++) {
            const x = nsPerOp(pick, minMs);
            const y = nsPerOp(select, minMs);
            b.push(x.ns);
            s.push(y.ns);
            sink += x.sink + y.sink;
          }
          rows.push({ policy, size, balancerNs: summarize(b), selectNs: summarize(s) });
        } finally {
          await cluster.close();
        }
      }
      ctx.log(`selection: ${size} coordinators done`);
    }
    const columns = ['policy', ...SIZES.map((n) => `${n} coordinators`)];
    const cell = (policy: BalancerName, size: number, pickSummary: (r: Row) => Summary): string =>
      spread(pickSummary(rows.find((r) => r.policy === policy && r.size === size)!));
    return {
      id: 'selection',
      title: this.title,
      description:
        `Pure CPU, no I/O. "Balancer" is the policy function alone on prebuilt coordinator snapshots; "Cluster.select" is what each request ` +
        `pays in the client (the cached list of selectable coordinators, their live views, the pick). ns per call; ${runs} runs of ≥ ${minMs} ms each after a warm-up. ` +
        `Snapshots have random in-flight counts (0–19), latencies (1–50 ms) and 10% at half weight (slow start); affinity cycles through 1024 keys.`,
      tables: [
        { title: 'Balancer function alone, ns per pick', columns, rows: POLICIES.map((p) => [p, ...SIZES.map((n) => cell(p, n, (r) => r.balancerNs))]) },
        { title: 'Cluster.select (snapshot + pick), ns per request', columns, rows: POLICIES.map((p) => [p, ...SIZES.map((n) => cell(p, n, (r) => r.selectNs))]) },
      ],
      raw: {
        runs,
        minMsPerRun: minMs,
        results: rows.map((r) => ({ policy: r.policy, coordinators: r.size, balancerNs: r.balancerNs, clusterSelectNs: r.selectNs })),
        checksum: sink,
      },
    };
  },
};
