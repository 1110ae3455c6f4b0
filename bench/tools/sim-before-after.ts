/**
 * a2 (`SELECT 1` latency, the same four clients and ratios as `npm run bench --
 * --only latency`) against two versions of the simulator in one run: an older
 * checkout's ("before") and this one's ("after"). Both simulator hosts run side by
 * side; runs alternate between them and rotate the clients, so load from other
 * work on the machine hits both alike.
 *
 *   git archive <rev> | tar -x -C /tmp/before && ln -s "$PWD/node_modules" /tmp/before/node_modules
 *   npx tsx bench/tools/sim-before-after.ts --before /tmp/before [--full] [--out bench/results/simperf]
 *
 * Also measures the simulator's CPU per statement with the minimal exchange of
 * bench/tools/sim-cpu.ts for `SELECT 1` and a point query, on both.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { type Contender, latencyTable, OPENERS } from '../benchmarks/latency';
import { num } from '../lib/format';
import { figures, runLoad } from '../lib/load';
import { MinimalHs2Exchange } from '../lib/raw-hs2';
import { RemoteCluster } from '../lib/remote-cluster';
import { type Series } from '../lib/series';
import { renderTable, type Table } from '../lib/table';
import { pointQuery, SMALL_TABLE_SEED } from '../lib/workload';

const TIMEOUT_MS = 10_000;

interface Side {
  name: 'before' | 'after';
  cluster: RemoteCluster;
  contenders: Contender[];
  series: Map<string, Series>;
}

async function openSide(name: Side['name'], hostScript: string | undefined): Promise<Side> {
  const cluster = await RemoteCluster.start({ coordinators: 1, processes: false, ...(hostScript === undefined ? {} : { hostScript }) });
  const c0 = cluster.coordinators[0]!;
  const contenders: Contender[] = [];
  for (const o of OPENERS) contenders.push(await o.open(c0.host, c0.port, o.label, o.key));
  return { name, cluster, contenders, series: new Map(contenders.map((c) => [c.key, { label: c.label, runs: [] }])) };
}

async function closeSide(side: Side): Promise<void> {
  await Promise.all(side.contenders.map((c) => c.close().catch(() => undefined)));
  await side.cluster.stop();
}

/** Simulator CPU per statement (µs) of `sql(i)` over the minimal exchange, `n` statements after a warm-up. */
async function simCpuPerStatement(side: Side, sql: (i: number) => string, n: number): Promise<number> {
  const c0 = side.cluster.coordinators[0]!;
  const m = await MinimalHs2Exchange.open(c0.host, c0.port, TIMEOUT_MS);
  try {
    for (let i = 0; i < Math.min(200, n); i++) await m.query(sql(i));
    const { simCpuMicros } = await side.cluster.withCpu(async () => {
      for (let i = 0; i < n; i++) await m.query(sql(i));
    });
    return simCpuMicros / n;
  } finally {
    await m.close();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { before: { type: 'string' }, full: { type: 'boolean' }, out: { type: 'string' } }, strict: true });
  if (values.before === undefined) throw new Error('--before <checkout of the older version> is required');
  const beforeHost = path.resolve(values.before, 'bench/lib/sim-host.ts');
  if (!fs.existsSync(beforeHost)) throw new Error(`${beforeHost} does not exist`);
  const full = values.full === true;
  const runs = full ? 9 : 5;
  const runMs = full ? 4_000 : 2_000;
  const warmMs = full ? 2_000 : 1_000;
  const cpuStatements = full ? 3_000 : 1_000;
  const started = Date.now();
  const load0 = os.loadavg()[0]!;
  const sides: Side[] = [];
  try {
    sides.push(await openSide('before', beforeHost));
    sides.push(await openSide('after', undefined));
    for (const side of sides) for (const c of side.contenders) await runLoad({ workers: 1, durationMs: warmMs, op: () => c.run() });
    for (let r = 0; r < runs; r++) {
      for (let k = 0; k < sides.length; k++) {
        const side = sides[(k + r) % sides.length]!;
        for (let i = 0; i < side.contenders.length; i++) {
          const c = side.contenders[(i + r) % side.contenders.length]!;
          const { value, simCpuMicros } = await side.cluster.withCpu(() => runLoad({ workers: 1, durationMs: runMs, op: () => c.run() }));
          side.series.get(c.key)!.runs.push(figures(value, simCpuMicros));
        }
      }
      process.stderr.write(`run ${r + 1}/${runs} done\n`);
    }
    const cpu: Record<string, Record<string, number>> = {};
    for (const side of sides) {
      await side.cluster.seed(SMALL_TABLE_SEED);
      cpu[side.name] = {
        'SELECT 1': await simCpuPerStatement(side, () => 'SELECT 1', cpuStatements),
        'point query, same text': await simCpuPerStatement(side, () => pointQuery(42), cpuStatements),
        'point query, new literal each time': await simCpuPerStatement(side, (i) => pointQuery(i), cpuStatements),
      };
    }
    const tables: Table[] = sides.map((side) => latencyTable(`${side.name}: 1 caller, one coordinator, \`SELECT 1\` in a loop`, side.series));
    tables.push({
      title: `Simulator CPU per statement over the minimal exchange (Execute, Fetch, Close), ${cpuStatements} statements each after a warm-up`,
      columns: ['statement', 'before µs', 'after µs', 'after / before'],
      rows: Object.keys(cpu.before!).map((k) => [k, num(cpu.before![k]!), num(cpu.after![k]!), `${num(cpu.after![k]! / cpu.before![k]!)}×`]),
    });
    const header = [
      `# Simulator before/after: a2 \`SELECT 1\` latency on both, one run`,
      '',
      `Date ${new Date(started).toISOString()}, ${full ? 'full' : 'quick'} mode (${runs} rotated runs of ${runMs / 1000} s per client and simulator after a ${warmMs / 1000} s warm-up), ` +
        `${os.cpus()[0]?.model.trim() ?? '?'} × ${os.availableParallelism()}, Node ${process.version}, load average ${load0.toFixed(2)} at start, ${os.loadavg()[0]!.toFixed(2)} at end, ` +
        `${Math.round((Date.now() - started) / 1000)} s. Each simulator runs in its own host process (1 coordinator, processes: false); the clients run here. ` +
        `Before: ${path.resolve(values.before)}; after: this checkout.`,
      '',
      '',
    ].join('\n');
    const md = header + tables.map((t) => `**${t.title}**\n\n${renderTable({ ...t, title: undefined })}\n`).join('\n');
    process.stdout.write(`${md}\n`);
    if (values.out !== undefined) {
      fs.mkdirSync(values.out, { recursive: true });
      fs.writeFileSync(path.join(values.out, `${full ? 'full' : 'quick'}.md`), md);
      fs.writeFileSync(
        path.join(values.out, `${full ? 'full' : 'quick'}.json`),
        `${JSON.stringify({ started: new Date(started).toISOString(), runs, runMs, cpu, series: Object.fromEntries(sides.map((s) => [s.name, Object.fromEntries(s.series)])) }, null, 1)}\n`,
      );
    }
  } finally {
    for (const side of sides) await closeSide(side).catch(() => undefined);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`sim-before-after: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
