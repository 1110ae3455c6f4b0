import { createClient, type ImpalaClient } from '../../src';
import { connect, type CoordinatorSession } from '../../src/protocol/hs2';
import { type BenchContext, type BenchResult, type Benchmark, byMode } from '../lib/context';
import { figures, runLoad } from '../lib/load';
import { RemoteCluster } from '../lib/remote-cluster';
import { type Series, summarizeSeries, throughputTable } from '../lib/series';
import { SMALL_TABLE_SEED } from '../lib/workload';

/** A point query on a 10,000-row table: the small, frequent statement a pool exists for. */
const SQL = 'SELECT id, name FROM bench_small WHERE id = ?';

/** a. What the pool costs on top of one raw HS2 session of the same client. */
export const overheadBenchmark: Benchmark = {
  id: 'overhead',
  title: 'a. Overhead: impala-ha pool vs one raw connection of the same client',
  async run(ctx: BenchContext): Promise<BenchResult> {
    const runs = byMode(ctx.mode, { smoke: 1, quick: 5, full: 9 });
    const runMs = byMode(ctx.mode, { smoke: 300, quick: 2_000, full: 4_000 });
    const warmMs = byMode(ctx.mode, { smoke: 200, quick: 1_000, full: 2_000 });
    const levels = [1, 8];
    const cluster = await RemoteCluster.start({ coordinators: 1, processes: ctx.simProcesses });
    const sessions: CoordinatorSession[] = [];
    let client: ImpalaClient | undefined;
    const tables = [];
    const raw: Record<string, unknown> = { runs, runMs, warmMs, sql: SQL, simulator: cluster.mode };
    try {
      await cluster.seed(SMALL_TABLE_SEED);
      const c0 = cluster.coordinators[0]!;
      client = createClient({ coordinators: [c0.address] });
      const pool = client;
      for (const workers of levels) {
        while (sessions.length < workers) sessions.push(await connect({ host: c0.host, port: c0.port }));
        const rawOp = (w: number, i: number): Promise<unknown> => sessions[w]!.query(SQL, { params: [(w * 7919 + i) % 10_000] });
        const poolOp = (w: number, i: number): Promise<unknown> => pool.query(SQL, { params: [(w * 7919 + i) % 10_000] });
        await runLoad({ workers, durationMs: warmMs, op: rawOp });
        await runLoad({ workers, durationMs: warmMs, op: poolOp });
        const rawSeries: Series = { label: workers === 1 ? 'raw CoordinatorSession' : `${workers} raw CoordinatorSessions (one per caller)`, runs: [] };
        const poolSeries: Series = { label: 'impala-ha pool (createClient)', runs: [] };
        for (let r = 0; r < runs; r++) {
          // Alternate which goes first so drift (GC, the simulator warming up) hits both alike.
          const order = r % 2 === 0 ? [rawSeries, poolSeries] : [poolSeries, rawSeries];
          for (const s of order) {
            const { value, simCpuMicros } = await cluster.withCpu(() => runLoad({ workers, durationMs: runMs, op: s === rawSeries ? rawOp : poolOp }));
            s.runs.push(figures(value, simCpuMicros));
          }
        }
        ctx.log(`overhead: ${workers} caller(s) done`);
        tables.push(throughputTable(`${workers} concurrent caller${workers === 1 ? '' : 's'}, one coordinator`, [rawSeries, poolSeries], [{ label: 'pool / raw', a: poolSeries, b: rawSeries }]));
        raw[`callers${workers}`] = { raw: summarizeSeries(rawSeries), pool: summarizeSeries(poolSeries), rawRuns: rawSeries.runs, poolRuns: poolSeries.runs };
      }
    } finally {
      await client?.close();
      await Promise.all(sessions.map((s) => s.close().catch(() => undefined)));
      await cluster.stop();
    }
    return {
      id: 'overhead',
      title: this.title,
      description:
        `Same simulator (${cluster.mode}), same statement \`${SQL}\` with a bound parameter. ` +
        `"raw" is the internal \`connect()\` → CoordinatorSession, the single-connection session the pool is made of (one socket, one HS2 session, no pool); the pool is \`createClient\` with its defaults ` +
        `(selection, checkout validation, health accounting, retry bookkeeping). ${runs} interleaved runs of ${runMs / 1000} s each after a warm-up. ` +
        `Client CPU is this process's CPU time per query: the simulator runs in another process, so it is the client's own cost. ` +
        `Latency is dominated by the simulator (4 HS2 RPCs per query: ExecuteStatement, then GetResultSetMetadata and FetchResults sent together, then CloseImpalaOperation in the background); the CPU column isolates what the pool adds.`,
      tables,
      raw,
    };
  },
};
