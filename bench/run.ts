/**
 * `npm run bench`: runs the benchmarks side by side in one process run, prints a
 * table per benchmark and writes bench/results/latest.json and latest.md.
 *
 *   npm run bench                 quick (default)
 *   npm run bench -- --full       longer windows, more runs
 *   npm run bench -- --smoke      every benchmark very briefly, no figure asserted (CI)
 *   npm run bench -- --only hop,failover
 *   npm run bench -- --sim-processes   coordinators as child processes of the simulator host
 *   npm run bench -- --out <dir>  where to write latest.json / latest.md (default bench/results;
 *                                 for --smoke a temporary directory, so CI leaves the committed files alone)
 *   npm run bench -- --source     measure the TypeScript sources through tsx instead of the
 *                                 compiled package in dist/ (see lib/compiled-client.ts)
 */
// First, before anything loads the client: the client under test is the compiled package.
import './lib/compiled-client';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { decodeBenchmark } from './benchmarks/decode';
import { defaultsBenchmark } from './benchmarks/defaults';
import { failoverBenchmark } from './benchmarks/failover';
import { hopBenchmark } from './benchmarks/hop';
import { idleCutBenchmark } from './benchmarks/idle-cut';
import { latencyBenchmark } from './benchmarks/latency';
import { memoryBenchmark } from './benchmarks/memory';
import { overheadBenchmark } from './benchmarks/overhead';
import { selectionBenchmark } from './benchmarks/selection';
import { transportBenchmark } from './benchmarks/transport';
import { BENCHMARK_IDS, type BenchContext, type BenchMode, type BenchResult, type Benchmark, type BenchmarkId } from './lib/context';
import { ensureHaproxy } from './lib/haproxy';
import { collectRunInfo, loadAverage, writeResults } from './lib/report';
import { renderTable } from './lib/table';

const ALL: readonly Benchmark[] = [
  overheadBenchmark,
  latencyBenchmark,
  decodeBenchmark,
  hopBenchmark,
  failoverBenchmark,
  idleCutBenchmark,
  selectionBenchmark,
  memoryBenchmark,
  defaultsBenchmark,
  transportBenchmark,
];

interface Args {
  mode: BenchMode;
  only: BenchmarkId[];
  simProcesses: boolean;
  out: string;
}

function usage(message: string): never {
  process.stderr.write(`bench: ${message}\nUsage: npm run bench -- [--smoke | --full] [--only ${BENCHMARK_IDS.join(',')}] [--sim-processes] [--out <dir>]\n`);
  process.exit(2);
}

function parse(argv: string[]): Args {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        smoke: { type: 'boolean' },
        full: { type: 'boolean' },
        quick: { type: 'boolean' },
        only: { type: 'string' },
        'sim-processes': { type: 'boolean' },
        out: { type: 'string' },
        source: { type: 'boolean' },
      },
    }));
  } catch (err) {
    usage((err as Error).message);
  }
  const modes = (['smoke', 'quick', 'full'] as const).filter((m) => values[m] === true);
  if (modes.length > 1) usage(`choose one of --smoke, --quick, --full (got ${modes.map((m) => `--${m}`).join(' ')})`);
  let only: BenchmarkId[] = [...BENCHMARK_IDS];
  if (values.only !== undefined) {
    const names = values.only.split(',').map((s) => s.trim()).filter(Boolean);
    const unknown = names.filter((n) => !(BENCHMARK_IDS as readonly string[]).includes(n));
    if (unknown.length > 0 || names.length === 0) usage(`--only takes a comma-separated list of ${BENCHMARK_IDS.join(', ')}; got '${values.only}'`);
    only = names as BenchmarkId[];
  }
  return {
    mode: modes[0] ?? 'quick',
    only,
    simProcesses: values['sim-processes'] === true,
    // A smoke run (CI) must not overwrite the committed results.
    out: path.resolve(values.out ?? (modes[0] === 'smoke' ? path.join(os.tmpdir(), 'impala-ha-bench-smoke') : path.join(__dirname, 'results'))),
  };
}

async function main(): Promise<number> {
  const args = parse(process.argv.slice(2));
  const started = performance.now();
  const log = (message: string): void => {
    process.stderr.write(`[bench ${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s] ${message}\n`);
  };
  const haproxy = ensureHaproxy(log);
  if (haproxy.reason) log(`HAProxy parts skipped: ${haproxy.reason}`);
  const ctx: BenchContext = { mode: args.mode, haproxy, simProcesses: args.simProcesses, log };
  const simulator = args.simProcesses
    ? 'own host process; coordinators as its child processes (processes: true); DuckDB engine in the host'
    : 'own host process; coordinators and DuckDB engine in it (processes: false); the client process runs only the client';
  const info = collectRunInfo(args.mode, simulator, haproxy.version ?? `not used: ${haproxy.reason}`);
  log(`mode ${args.mode}; ${info.cpuModel}, ${info.cores} cores; Node ${info.node}; commit ${info.commit}`);
  const results: BenchResult[] = [];
  let failures = 0;
  for (const b of ALL.filter((x) => args.only.includes(x.id))) {
    info.loadAverage.max = Math.max(info.loadAverage.max, loadAverage());
    log(`${b.title} ... (load average ${loadAverage()})`);
    const t0 = performance.now();
    let result: BenchResult;
    try {
      result = await b.run(ctx);
    } catch (err) {
      failures++;
      log(`${b.id} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      result = { id: b.id, title: b.title, description: '', tables: [], raw: {}, skipped: `failed: ${err instanceof Error ? err.message : String(err)}` };
    }
    result.elapsedMs = performance.now() - t0;
    results.push(result);
    process.stdout.write(`\n## ${result.title}\n\n`);
    if (result.skipped) process.stdout.write(`Skipped: ${result.skipped}\n\n`);
    for (const t of result.tables) process.stdout.write(`${renderTable(t)}\n\n`);
    log(`${b.id} took ${(result.elapsedMs / 1000).toFixed(1)} s`);
  }
  const files = writeResults(args.out, { ...info, durationS: (performance.now() - started) / 1000 }, results);
  log(`wrote ${path.relative(process.cwd(), files.md)} and ${path.relative(process.cwd(), files.json)}`);
  return failures === 0 ? 0 : 1;
}

// Ctrl-C or a CI timeout: exit through 'exit' handlers, which stop the HAProxy processes;
// the simulator host stops itself when this process disconnects.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    process.stderr.write(`bench: ${signal}, stopping\n`);
    process.exit(130);
  });
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
