import { performance } from 'node:perf_hooks';
import { connect, type CoordinatorSession } from '../../src/protocol/hs2';
import { type BenchContext, type BenchResult, type Benchmark, byMode } from '../lib/context';
import { num, spread, times } from '../lib/format';
import { figures, runLoad } from '../lib/load';
import { RemoteCluster } from '../lib/remote-cluster';
import { type Series, summarizeSeries, throughputTable } from '../lib/series';
import { ratio, summarize } from '../lib/stats';
import { decodeSql } from './decode';

/** Rows per FetchResults on both wires (the decode benchmark's). */
const FETCH_SIZE = 10_000;
/** Bound on one streamed statement, in ms. */
const STATEMENT_TIMEOUT_MS = 600_000;

type Wire = 'binary' | 'http';

interface StreamRun {
  rows: number;
  ms: number;
  /** This process's CPU, µs. */
  cpuUs: number;
  simCpuUs: number;
}

async function streamRows(s: CoordinatorSession, sql: string): Promise<number> {
  let rows = 0;
  for await (const _row of s.stream(sql, { fetchSize: FETCH_SIZE, timeoutMs: STATEMENT_TIMEOUT_MS })) rows++;
  return rows;
}

/** i. The same client over both wires of the same coordinator: what HTTP framing and headers cost. */
export const transportBenchmark: Benchmark = {
  id: 'transport',
  title: 'i. Transport: HS2 over HTTP vs binary HS2, same client, same coordinator',
  async run(ctx: BenchContext): Promise<BenchResult> {
    const runs = byMode(ctx.mode, { smoke: 1, quick: 5, full: 9 });
    const runMs = byMode(ctx.mode, { smoke: 300, quick: 2_000, full: 4_000 });
    const warmMs = byMode(ctx.mode, { smoke: 200, quick: 1_000, full: 2_000 });
    const rows = byMode(ctx.mode, { smoke: 20_000, quick: 1_000_000, full: 1_000_000 });
    const streamRuns = byMode(ctx.mode, { smoke: 1, quick: 2, full: 3 });
    const cluster = await RemoteCluster.start({ coordinators: 1, processes: ctx.simProcesses });
    const open: CoordinatorSession[] = [];
    const tables = [];
    const raw: Record<string, unknown> = { runs, runMs, rows, streamRuns, fetchSize: FETCH_SIZE, simulator: cluster.mode };
    try {
      const c0 = cluster.coordinators[0]!;
      const session = async (wire: Wire): Promise<CoordinatorSession> => {
        const s = await connect({ host: c0.host, port: wire === 'http' ? c0.httpPort : c0.port, transport: wire, fetchSize: FETCH_SIZE });
        open.push(s);
        return s;
      };
      const sessions = { binary: await session('binary'), http: await session('http') };
      const op = (wire: Wire) => (): Promise<unknown> => sessions[wire].query('SELECT 1');
      await runLoad({ workers: 1, durationMs: warmMs, op: op('binary') });
      await runLoad({ workers: 1, durationMs: warmMs, op: op('http') });
      const series: Record<Wire, Series> = { binary: { label: 'binary HS2 (21050)', runs: [] }, http: { label: 'HS2 over HTTP (28000)', runs: [] } };
      for (let r = 0; r < runs; r++) {
        // Alternate which goes first so drift hits both alike.
        for (const wire of r % 2 === 0 ? (['binary', 'http'] as const) : (['http', 'binary'] as const)) {
          const { value, simCpuMicros } = await cluster.withCpu(() => runLoad({ workers: 1, durationMs: runMs, op: op(wire) }));
          series[wire].runs.push(figures(value, simCpuMicros));
        }
      }
      tables.push(throughputTable('`SELECT 1`, one caller, one session per wire', [series.binary, series.http], [{ label: 'HTTP / binary', a: series.http, b: series.binary }]));
      raw.select1 = { binary: summarizeSeries(series.binary), http: summarizeSeries(series.http) };
      ctx.log('transport: SELECT 1 done');

      const sql = decodeSql(rows);
      await streamRows(sessions.binary, decodeSql(Math.min(rows, 50_000)));
      await streamRows(sessions.http, decodeSql(Math.min(rows, 50_000)));
      const streams: Record<Wire, StreamRun[]> = { binary: [], http: [] };
      for (let r = 0; r < streamRuns; r++) {
        for (const wire of r % 2 === 0 ? (['binary', 'http'] as const) : (['http', 'binary'] as const)) {
          const { value, simCpuMicros } = await cluster.withCpu(async () => {
            const cpu0 = process.cpuUsage();
            const t0 = performance.now();
            const n = await streamRows(sessions[wire], sql);
            const cpu = process.cpuUsage(cpu0);
            return { rows: n, ms: performance.now() - t0, cpuUs: cpu.user + cpu.system };
          });
          streams[wire].push({ ...value, simCpuUs: simCpuMicros });
        }
        ctx.log(`transport: ${num(rows)}-row stream run ${r + 1}/${streamRuns} done`);
      }
      const rate = (s: StreamRun): number => s.rows / (s.ms / 1000);
      const perMillion = (us: number, n: number): number => us / 1e6 / (n / 1e6);
      const pick = (wire: Wire, f: (s: StreamRun) => number) => summarize(streams[wire].map(f));
      const paired = (f: (s: StreamRun) => number) => summarize(streams.http.map((h, i) => ratio(f(h), f(streams.binary[i]!))).filter(Number.isFinite));
      const cell = (s: ReturnType<typeof summarize>): string => (s.n <= 1 || s.min === s.max ? times(s.median) : `${times(s.median)} (${num(s.min)}–${num(s.max)})`);
      const clientCpu = (s: StreamRun): number => perMillion(s.cpuUs, s.rows);
      const simCpu = (s: StreamRun): number => perMillion(s.simCpuUs, s.rows);
      tables.push({
        title: `Stream ${num(rows)} rows × 8 columns end to end (${num(FETCH_SIZE)} rows per FetchResults)`,
        columns: ['wire', 'rows/s', 'client CPU s per million rows', 'simulator CPU s per million rows'],
        rows: [
          ['binary HS2', spread(pick('binary', rate)), spread(pick('binary', clientCpu)), spread(pick('binary', simCpu))],
          ['HS2 over HTTP', spread(pick('http', rate)), spread(pick('http', clientCpu)), spread(pick('http', simCpu))],
          ['ratio HTTP / binary', cell(paired(rate)), cell(paired(clientCpu)), cell(paired(simCpu))],
        ],
      });
      raw.stream = { binary: streams.binary, http: streams.http, rateRatio: paired(rate), clientCpuRatio: paired(clientCpu) };
    } finally {
      for (const s of open) await s.close().catch(() => undefined);
      await cluster.stop();
    }
    return {
      id: 'transport',
      title: this.title,
      description:
        `One coordinator of the simulator (${cluster.mode}) serves both wires from the same HS2 state. The client is the same ` +
        'internal `connect()` → CoordinatorSession, the single-connection session the pool is made of (no pool), once with `transport: \'binary\'` (NOSASL, port 21050) and once with ' +
        "`transport: 'http'` (one kept-alive HTTP/1.1 connection, a POST per RPC with tracing headers; port 28000). " +
        `\`SELECT 1\`: ${runs} interleaved runs of ${runMs / 1000} s after a warm-up (4 RPCs per query: ExecuteStatement, GetResultSetMetadata, FetchResults, CloseImpalaOperation; binary sends the metadata and the first fetch together, HTTP one POST each). ` +
        `Stream: ${streamRuns} interleaved run${streamRuns === 1 ? '' : 's'} per wire of the decode benchmark's 8-column statement. ` +
        'Ratios are paired run by run; above 1× for latency and CPU means HTTP costs more.',
      tables,
      raw,
    };
  },
};
