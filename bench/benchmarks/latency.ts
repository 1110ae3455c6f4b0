import { createClient, type ImpalaClient } from '../../src';
import { connect, type CoordinatorSession } from '../../src/protocol/hs2';
import { type BenchContext, type BenchResult, type Benchmark, byMode } from '../lib/context';
import { CountingProxy } from '../lib/counting-proxy';
import { num } from '../lib/format';
import { HiveConnection } from '../lib/hive-connection';
import { figures, runLoad, type LoadResult } from '../lib/load';
import { decodeReply, fetchReplyHasMoreRows, MinimalHs2Exchange } from '../lib/raw-hs2';
import { ReplayServer, ReplyRecorder, type ReplayScript } from '../lib/reply-replay';
import { RemoteCluster } from '../lib/remote-cluster';
import { type Series, summarizeSeries, throughputTable } from '../lib/series';
import type { Table } from '../lib/table';
import * as T from '../../src/thrift/gen-nodejs/TCLIService_types';

/** The statement: no table, one row, one column. Every client sends the same text. */
const SQL = 'SELECT 1';
/** Bound on each call (and each hive-driver step), in ms. */
const CALL_TIMEOUT_MS = 10_000;

/** A client under test: one connection and one HS2 session, or the pool. */
export interface Contender {
  key: string;
  label: string;
  run(): Promise<unknown>;
  close(): Promise<void>;
}

/** The clients a2 compares, each opened on its own connection and session. */
export const OPENERS: ReadonlyArray<{ key: string; label: string; open: (host: string, port: number, label: string, key: string) => Promise<Contender> }> = [
  {
    key: 'session',
    label: 'impala-ha CoordinatorSession (one connection)',
    open: async (host, port, label, key) => {
      const s: CoordinatorSession = await connect({ host, port, rpcTimeoutMs: CALL_TIMEOUT_MS });
      return { key, label, run: () => s.query(SQL), close: () => s.close() };
    },
  },
  {
    key: 'pool',
    label: 'impala-ha pool (createClient, defaults)',
    open: async (host, port, label, key) => {
      const c: ImpalaClient = createClient({ coordinators: [`${host}:${port}`], rpcTimeoutMs: CALL_TIMEOUT_MS });
      return { key, label, run: () => c.query(SQL), close: () => c.close() };
    },
  },
  {
    key: 'hive',
    label: 'hive-driver (one connection + session)',
    open: async (host, port, label, key) => {
      const h = await HiveConnection.open(host, port, { timeoutMs: CALL_TIMEOUT_MS });
      return { key, label, run: () => h.query(SQL, { timeoutMs: CALL_TIMEOUT_MS }), close: () => h.close() };
    },
  },
  {
    key: 'minimal',
    label: 'minimal HS2 exchange by hand (Execute, Fetch, Close)',
    open: async (host, port, label, key) => {
      const m = await MinimalHs2Exchange.open(host, port, CALL_TIMEOUT_MS);
      return { key, label, run: () => m.query(SQL), close: () => m.close() };
    },
  },
];

async function openAll(host: string, port: number): Promise<Contender[]> {
  const out: Contender[] = [];
  try {
    for (const o of OPENERS) out.push(await o.open(host, port, o.label, o.key));
    return out;
  } catch (err) {
    await Promise.all(out.map((c) => c.close().catch(() => undefined)));
    throw err;
  }
}

/**
 * a2. `select 1` end to end: the round trips a client spends on the smallest query.
 * One caller in a loop per client, on one simulated coordinator.
 */
export const latencyBenchmark: Benchmark = {
  id: 'latency',
  title: 'a2. Latency of `select 1`: impala-ha vs hive-driver vs a minimal HS2 exchange',
  async run(ctx: BenchContext): Promise<BenchResult> {
    const runs = byMode(ctx.mode, { smoke: 1, quick: 5, full: 9 });
    const runMs = byMode(ctx.mode, { smoke: 300, quick: 2_000, full: 4_000 });
    const warmMs = byMode(ctx.mode, { smoke: 200, quick: 1_000, full: 2_000 });
    const countQueries = byMode(ctx.mode, { smoke: 20, quick: 200, full: 500 });
    const cluster = await RemoteCluster.start({ coordinators: 1, processes: ctx.simProcesses });
    const raw: Record<string, unknown> = { runs, runMs, warmMs, sql: SQL, simulator: cluster.mode };
    const tables: Table[] = [];
    let contenders: Contender[] = [];
    try {
      const c0 = cluster.coordinators[0]!;
      contenders = await openAll(c0.host, c0.port);
      const series = await timeAll(contenders, { runs, runMs, warmMs }, (work) => cluster.withCpu(work));
      ctx.log('latency: timed runs against the simulator done');
      tables.push(latencyTable('1 caller, one coordinator, `SELECT 1` in a loop', series));
      raw.againstSimulator = Object.fromEntries([...series].map(([k, v]) => [k, { ...summarizeSeries(v), runs: v.runs }]));
      await Promise.all(contenders.map((c) => c.close().catch(() => undefined)));
      contenders = [];

      // The same clients against recorded replies served at once: the clients' own part.
      const script = await recordSelectOne(c0.host, c0.port);
      const replay = await ReplayServer.start(script);
      try {
        contenders = await openAll('127.0.0.1', replay.port);
        const replayed = await timeAll(contenders, { runs, runMs, warmMs }, async (work) => ({ value: await work(), simCpuMicros: Number.NaN }));
        ctx.log('latency: timed runs against replayed replies done');
        tables.push(latencyTable('1 caller, `SELECT 1` in a loop against recorded replies answered at once (no server work: the client and the loopback only)', replayed));
        raw.replayed = Object.fromEntries([...replayed].map(([k, v]) => [k, { ...summarizeSeries(v), runs: v.runs }]));
      } finally {
        await Promise.all(contenders.map((c) => c.close().catch(() => undefined)));
        contenders = [];
        await replay.close();
      }

      // RPC counts in a separate, untimed pass through a counting proxy (it adds a hop).
      const proxy = await CountingProxy.start({ host: c0.host, port: c0.port });
      const counted: Array<{ label: string; perQuery: Record<string, number> }> = [];
      try {
        for (const o of OPENERS) {
          const c = await o.open('127.0.0.1', proxy.port, o.label, o.key);
          try {
            await c.run();
            // Let the warm-up query's background close pass before counting starts.
            await new Promise((resolve) => setTimeout(resolve, 200));
            proxy.reset();
            for (let i = 0; i < countQueries; i++) await c.run();
          } finally {
            // Closing waits for the last background close, so it is counted.
            await c.close().catch(() => undefined);
          }
          const counts = proxy.counts();
          delete counts.CloseSession;
          delete counts.OpenSession;
          counted.push({ label: o.label, perQuery: Object.fromEntries(Object.entries(counts).map(([m, n]) => [m, n / countQueries])) });
          proxy.reset();
        }
      } finally {
        await proxy.stop();
      }
      const methods = [...new Set(counted.flatMap((c) => Object.keys(c.perQuery)))].sort();
      tables.push({
        title: `HS2 calls per \`${SQL}\` (counted by a pass-through proxy over ${countQueries} queries, sessions opened beforehand)`,
        columns: ['client', 'total', ...methods],
        rows: counted.map((c) => [c.label, num(Object.values(c.perQuery).reduce((a, b) => a + b, 0)), ...methods.map((m) => (c.perQuery[m] ? num(c.perQuery[m]!) : ''))]),
      });
      raw.callsPerQuery = counted;
    } finally {
      await Promise.all(contenders.map((c) => c.close().catch(() => undefined)));
      await cluster.stop();
    }
    return {
      id: 'latency',
      title: this.title,
      description:
        `\`${SQL}\` on one simulated coordinator (${cluster.mode}), one caller in a loop per client, each on its own connection and HS2 session opened beforehand ` +
        `(the pool: createClient with its defaults, one coordinator). ${runs} rotated runs of ${runMs / 1000} s each after a warm-up. ` +
        'impala-ha sends ExecuteStatement, then GetResultSetMetadata and FetchResults together (pipelined, one round trip; Impala holds the fetch until rows exist), ' +
        'and closes the query in the background: the next statement on that connection waits behind the close. ' +
        'hive-driver polls GetOperationStatus before fetching and closes before returning. ' +
        'The minimal exchange is a bare socket doing only ExecuteStatement, FetchResults until no more rows (rows not decoded), CloseOperation, each waiting for its reply. ' +
        'Client CPU is this process\'s CPU per query; the simulator runs in its own process and its per-RPC cost is most of the latency.',
      tables,
      raw,
    };
  },
};

interface Timing {
  runs: number;
  runMs: number;
  warmMs: number;
}

type CpuMeter = (work: () => Promise<LoadResult>) => Promise<{ value: LoadResult; simCpuMicros: number }>;

/** Warms every contender up, then times them in rotated runs (drift hits all alike). */
async function timeAll(contenders: readonly Contender[], t: Timing, meter: CpuMeter): Promise<Map<string, Series>> {
  const series = new Map<string, Series>(contenders.map((c) => [c.key, { label: c.label, runs: [] }]));
  for (const c of contenders) await runLoad({ workers: 1, durationMs: t.warmMs, op: () => c.run() });
  for (let r = 0; r < t.runs; r++) {
    for (let i = 0; i < contenders.length; i++) {
      const c = contenders[(i + r) % contenders.length]!;
      const { value, simCpuMicros } = await meter(() => runLoad({ workers: 1, durationMs: t.runMs, op: () => c.run() }));
      series.get(c.key)!.runs.push(figures(value, simCpuMicros));
    }
  }
  return series;
}

/** a2's table: one row per client, then the ratios the issue asks about. */
export function latencyTable(title: string, series: ReadonlyMap<string, Series>): Table {
  const s = (k: string): Series => series.get(k)!;
  return throughputTable(title, [...series.values()], [
    { label: 'CoordinatorSession / hive-driver', a: s('session'), b: s('hive') },
    { label: 'pool / hive-driver', a: s('pool'), b: s('hive') },
    { label: 'CoordinatorSession / minimal exchange', a: s('session'), b: s('minimal') },
    { label: 'pool / minimal exchange', a: s('pool'), b: s('minimal') },
    { label: 'pool / CoordinatorSession', a: s('pool'), b: s('session') },
  ]);
}

/**
 * Runs `SELECT 1` once with every client through a recording proxy and keeps one
 * reply per method: a FINISHED status, the one-row FetchResults (no more rows) and
 * the empty one hive-driver asks for after it.
 */
export async function recordSelectOne(host: string, port: number): Promise<ReplayScript> {
  const recorder = await ReplyRecorder.start(host, port);
  try {
    for (const o of OPENERS) {
      const c = await o.open('127.0.0.1', recorder.port, o.label, o.key);
      try {
        await c.run();
        await c.run();
      } finally {
        await c.close();
      }
    }
    const replies = new Map<string, Buffer>();
    for (const [name, list] of recorder.replies) if (list[0]) replies.set(name, list[0]);
    const finished = (recorder.replies.get('GetOperationStatus') ?? []).find((m) => decodeReply(m, T.TGetOperationStatusResp).operationState === T.TOperationState.FINISHED_STATE);
    if (!finished) throw new Error('no FINISHED GetOperationStatus reply was recorded');
    replies.set('GetOperationStatus', finished);
    const ends = (recorder.replies.get('FetchResults') ?? []).filter((m) => !fetchReplyHasMoreRows(m)).sort((a, b) => a.length - b.length);
    const empty = ends[0];
    const last = ends.at(-1);
    if (!empty || !last || empty.length === last.length) throw new Error('the recorded FetchResults replies lack a one-row or an empty final reply');
    replies.delete('FetchResults');
    return { replies, batches: [], last, empty, batchesPerStatement: 0 };
  } finally {
    await recorder.close();
  }
}
