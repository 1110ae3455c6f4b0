/**
 * The chaos soak: `npm run chaos -- --seconds N [--seed S] [--mode direct|haproxy|both]
 * [--break retry-dml]`.
 *
 * Three simulated coordinators run as child processes; 16 workers mix SELECTs, DML
 * with unique keys and pinned sessions doing DDL then queries, while a seeded
 * scheduler kills, restarts, hangs, resumes, shuts down and idle-cuts coordinators —
 * once with the client talking to the coordinators directly, once through HAProxy.
 * Then it checks and prints the invariants, and exits 1 when one breaks (2 on a
 * usage or set-up error).
 */
import { performance } from 'node:perf_hooks';
import { ImpalaError } from '../../src/errors';
import { ensureHaproxy } from '../../bench/lib/haproxy';
import { parseChaosArgs, USAGE, type ChaosOptions } from './chaos-options';
import { runRound, type ChaosMode, type RoundReport } from './chaos-round';
import { FAULT_KINDS } from './fault-timeline';
import { UnhandledTracker } from './resource-monitor';
import { SeededRandom } from './seeded-random';
import { renderRound, table } from './summary';

/** Bound on any resident set during the soak, in MB. */
const RSS_LIMIT_MB = 600;
/** Time allowed beyond `--seconds` for set-up, heals, close and checks before the soak gives up, in ms. */
const WATCHDOG_SLACK_MS = 120_000;

async function main(argv: readonly string[]): Promise<number> {
  let options: ChaosOptions;
  try {
    options = parseChaosArgs(argv);
  } catch (err) {
    console.error(`chaos: ${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (options.help) {
    console.log(USAGE);
    return 0;
  }
  const modes = plan(options);
  if (modes === undefined) return 2;
  const started = performance.now();
  const log = (line: string): void => console.log(`[chaos +${((performance.now() - started) / 1000).toFixed(1)}s] ${line}`);
  console.log(
    `chaos soak: seed ${options.seed}, ${options.seconds} s, mode ${options.mode}, ${options.workers} workers, faults ${options.faults.join(',')}` +
      `${options.break ? `, BROKEN RULE: ${options.break} (this run is expected to FAIL)` : ''}`,
  );
  console.log(`replay with: npm run chaos -- ${replayArgs(options)}`);
  if (typeof (globalThis as { gc?: unknown }).gc !== 'function') {
    console.log('note: node runs without --expose-gc, so heap samples include uncollected garbage and the leak check is coarse (npm run chaos passes the flag)');
  }
  // Every wait inside is bounded; this is the backstop that keeps CI from hanging.
  const watchdog = setTimeout(() => {
    console.error(`chaos: still running ${WATCHDOG_SLACK_MS / 1000} s past its ${options.seconds} s; giving up`);
    process.exit(2);
  }, options.seconds * 1000 + WATCHDOG_SLACK_MS);
  watchdog.unref();
  const unhandled = new UnhandledTracker().install();
  const random = new SeededRandom(options.seed);
  const reports: RoundReport[] = [];
  try {
    for (const [i, { mode, durationMs }] of modes.entries()) {
      log(`${mode}: ${(durationMs / 1000).toFixed(0)} s round starting`);
      const report = await runRound({
        mode,
        durationMs,
        random: random.derive(i),
        workers: options.workers,
        breakRetryDml: options.break === 'retry-dml',
        faults: options.faults,
        processes: true,
        unhandled,
        rssLimitMb: RSS_LIMIT_MB,
        strictClose: options.strictClose,
        log,
      });
      reports.push(report);
      console.log(`\n${renderRound(report, options.verbose)}\n`);
    }
  } catch (err) {
    console.error(`chaos: the soak could not run: ${err instanceof ImpalaError ? `${err.code}: ` : ''}${(err as Error).stack ?? String(err)}`);
    return 2;
  } finally {
    unhandled.uninstall();
    clearTimeout(watchdog);
  }
  const failed = reports.flatMap((r) => r.results.filter((x) => !x.pass).map((x) => `${r.mode}: ${x.name}`));
  console.log(
    table(
      ['round', 'statements', 'ok', 'may-have-run', 'failed', 'faults', 'retries', 'invariants'],
      reports.map((r) => [
        r.mode,
        r.records.length,
        r.records.filter((x) => x.outcome === 'ok').length,
        r.records.filter((x) => x.outcome === 'unknown').length,
        r.records.filter((x) => x.outcome === 'failed').length,
        r.timeline.records.length,
        r.events.retried,
        r.results.every((x) => x.pass) ? 'PASS' : `FAIL (${r.results.filter((x) => !x.pass).length})`,
      ]),
    ),
  );
  console.log(`\nchaos soak ${failed.length === 0 ? 'PASSED' : 'FAILED'} in ${((performance.now() - started) / 1000).toFixed(1)} s (seed ${options.seed})`);
  for (const f of failed) console.log(`  FAIL ${f}`);
  return failed.length === 0 ? 0 : 1;
}

/** The flags that reproduce this run's schedule. */
function replayArgs(o: ChaosOptions): string {
  const args = [`--seconds ${o.seconds}`, `--seed ${o.seed}`, `--mode ${o.mode}`];
  if (o.break) args.push(`--break ${o.break}`);
  if (o.faults.length < FAULT_KINDS.length) args.push(`--faults ${o.faults.join(',')}`);
  if (o.workers !== 16) args.push(`--workers ${o.workers}`);
  if (o.strictClose) args.push('--strict-close');
  return args.join(' ');
}

/** The rounds to run and their share of the time; undefined (after saying why) when one cannot run. */
function plan(o: ChaosOptions): Array<{ mode: ChaosMode; durationMs: number }> | undefined {
  const total = o.seconds * 1000;
  // Installs Debian's haproxy when missing and running as root, as the bench does.
  const bin = ensureHaproxy((m) => console.log(`chaos: ${m}`));
  if (o.mode === 'haproxy' && !bin.path) {
    console.error(`chaos: --mode haproxy needs HAProxy: ${bin.reason}`);
    return undefined;
  }
  if (o.mode === 'both' && !bin.path) {
    console.log(`chaos: skipping the HAProxy round (${bin.reason}); the direct round gets all ${o.seconds} s`);
    return [{ mode: 'direct', durationMs: total }];
  }
  if (o.mode === 'both') return [{ mode: 'direct', durationMs: Math.round(total / 2) }, { mode: 'haproxy', durationMs: total - Math.round(total / 2) }];
  return [{ mode: o.mode, durationMs: total }];
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err);
    process.exitCode = 2;
  },
);
