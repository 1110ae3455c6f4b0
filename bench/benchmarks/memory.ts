import { fork } from 'node:child_process';
import { join } from 'node:path';
import { COMPILED_CLIENT_PRELOAD, usesCompiledClient } from '../lib/compiled-client';
import { type BenchContext, type BenchResult, type Benchmark, byMode } from '../lib/context';
import { duration, mib, num } from '../lib/format';
import { RemoteCluster } from '../lib/remote-cluster';
import type { MemorySample, StreamMemoryRequest, StreamMemoryResult } from '../lib/stream-memory-child';

const SAMPLE_EVERY_MS = 100;
/** Bound on one whole stream, in ms. */
const STREAM_TIMEOUT_MS = 600_000;

interface StreamRun {
  rows: number;
  ms: number;
  rssStart: number;
  rssPeak: number;
  rssEnd: number;
  heapStart: number;
  heapPeak: number;
  /** Least-squares slope of RSS over rows streamed after the first fifth of the run, bytes per million rows. */
  slopeBytesPerMillion: number;
  samples: number;
}

/** Least-squares slope of y over x; NaN with fewer than 3 points. */
function slope(points: ReadonlyArray<readonly [number, number]>): number {
  const n = points.length;
  if (n < 3) return Number.NaN;
  const mx = points.reduce((a, [x]) => a + x, 0) / n;
  const my = points.reduce((a, [, y]) => a + y, 0) / n;
  let cov = 0;
  let varX = 0;
  for (const [x, y] of points) {
    cov += (x - mx) * (y - my);
    varX += (x - mx) ** 2;
  }
  return varX === 0 ? Number.NaN : cov / varX;
}

/** Streams `rows` in a fresh child process and returns its samples (bounded in time). */
function streamInChild(req: StreamMemoryRequest): Promise<{ rows: number; ms: number; samples: MemorySample[] }> {
  const typescript = __filename.endsWith('.ts');
  const child = fork(join(__dirname, '..', 'lib', typescript ? 'stream-memory-child.ts' : 'stream-memory-child.js'), [], {
    // The child loads the client from the same place as this process (see compiled-client.ts).
    execArgv: typescript ? ['--require', 'tsx/cjs', ...(usesCompiledClient() ? ['--require', COMPILED_CLIENT_PRELOAD] : [])] : [],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`streaming ${req.rows} rows did not finish within ${req.timeoutMs + 30_000} ms`));
    }, req.timeoutMs + 30_000);
    child.once('message', (m: StreamMemoryResult) => {
      clearTimeout(timer);
      if (m.ok) resolve(m);
      else reject(new Error(`memory child: ${m.error}`));
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`memory child exited (${signal ?? `code ${code}`}) before reporting`));
    });
    child.send(req);
  });
}

/** g. Client memory while streaming millions of rows through the pool. */
export const memoryBenchmark: Benchmark = {
  id: 'memory',
  title: 'g. Memory: client RSS while streaming millions of rows',
  async run(ctx: BenchContext): Promise<BenchResult> {
    const sizes = byMode(ctx.mode, { smoke: [20_000, 100_000], quick: [1_000_000, 5_000_000], full: [1_000_000, 5_000_000, 10_000_000] });
    const cluster = await RemoteCluster.start({ coordinators: 1, processes: ctx.simProcesses });
    const runs: StreamRun[] = [];
    try {
      for (const n of sizes) {
        const r = await streamInChild({ address: cluster.addresses[0]!, rows: n, sampleEveryMs: SAMPLE_EVERY_MS, timeoutMs: STREAM_TIMEOUT_MS });
        const tail = r.samples.filter((s) => s.rows >= n / 5).map((s) => [s.rows / 1e6, s.rss] as const);
        runs.push({
          rows: r.rows,
          ms: r.ms,
          rssStart: r.samples[0]!.rss,
          rssPeak: Math.max(...r.samples.map((s) => s.rss)),
          rssEnd: r.samples[r.samples.length - 1]!.rss,
          heapStart: r.samples[0]!.heapUsed,
          heapPeak: Math.max(...r.samples.map((s) => s.heapUsed)),
          slopeBytesPerMillion: slope(tail),
          samples: r.samples.length,
        });
        ctx.log(`memory: streamed ${num(r.rows)} rows in ${duration(r.ms)}`);
      }
    } finally {
      await cluster.stop();
    }
    const first = runs[0]!;
    const last = runs[runs.length - 1]!;
    const growth = (r: StreamRun): number => r.rssPeak - r.rssStart;
    return {
      id: 'memory',
      title: this.title,
      description:
        `\`createClient().stream('SELECT range AS id, \\'row-\\' || range AS s FROM range(N)')\` (BIGINT + STRING, default fetch size 10240), ` +
        `rows consumed one by one and dropped. Each row count runs in a fresh client process (after a 20,000-row warm-up stream), so every run ` +
        `starts from the same RSS; RSS and heap sampled every ${SAMPLE_EVERY_MS} ms. Flat means the growth (peak − start) does not scale with ` +
        `the row count: compare ${num(first.rows)} and ${num(last.rows)} rows. The slope is RSS over rows streamed (least squares, after the ` +
        `first fifth of the run). Simulator: ${cluster.mode}.`,
      tables: [
        {
          columns: ['rows', 'time', 'rows/s', 'RSS start MiB', 'RSS peak MiB', 'RSS end MiB', 'peak − start MiB', 'heap start → peak MiB', 'slope MiB per 1M rows'],
          rows: runs.map((r) => [
            num(r.rows),
            duration(r.ms),
            num(r.rows / (r.ms / 1000)),
            mib(r.rssStart),
            mib(r.rssPeak),
            mib(r.rssEnd),
            mib(growth(r)),
            `${mib(r.heapStart)} → ${mib(r.heapPeak)}`,
            mib(r.slopeBytesPerMillion),
          ]),
          notes: [`Growth with ${num(last.rows / first.rows)}× the rows: ${mib(growth(first))} MiB at ${num(first.rows)} rows, ${mib(growth(last))} MiB at ${num(last.rows)} rows.`],
        },
      ],
      raw: { runs, simulator: cluster.mode },
    };
  },
};
