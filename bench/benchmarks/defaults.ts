import { performance } from 'node:perf_hooks';
import { createClient, type ImpalaClient } from '../../src';
import { startBlackHole } from '../lib/black-hole';
import { type BenchContext, type BenchResult, type Benchmark, byMode } from '../lib/context';
import { duration, num } from '../lib/format';
import { runLoad, type LoadResult } from '../lib/load';
import { RemoteCluster } from '../lib/remote-cluster';
import { percentile } from '../lib/stats';
import type { Table } from '../lib/table';
import { pointQuery, sleep, SMALL_TABLE_SEED } from '../lib/workload';

const WORKERS = 8;
/** The coordinator that fails (of 0, 1, 2). */
const VICTIM = 1;

/** One scenario's outcome, as a table row plus raw figures. */
interface Outcome {
  scenario: string;
  target: string;
  measured: string;
  met: boolean | undefined;
  raw: Record<string, unknown>;
}

/** The slowest call, failed or not, in ms. */
function slowest(r: LoadResult): number {
  return Math.max(0, ...r.latenciesMs, ...r.failedLatenciesMs);
}

/** Errors that completed after `fromMs` (ms from the load's start). */
function errorsAfter(r: LoadResult, fromMs: number): number {
  return r.failedAtMs.filter((t) => t >= fromMs).length;
}

function codes(r: LoadResult): string {
  const list = Object.entries(r.errors);
  return list.length === 0 ? 'none' : list.map(([c, n]) => `${c} ×${n}`).join(', ');
}

/** h-1. One of 3 coordinators hangs under load; the client runs with its defaults. */
async function hangScenario(ctx: BenchContext, cluster: RemoteCluster): Promise<Outcome> {
  const preMs = byMode(ctx.mode, { smoke: 800, quick: 2_000, full: 3_000 });
  const faultMs = byMode(ctx.mode, { smoke: 2_500, quick: 6_000, full: 10_000 });
  const postMs = byMode(ctx.mode, { smoke: 500, quick: 1_500, full: 2_000 });
  const client = createClient({ coordinators: cluster.addresses });
  try {
    await runLoad({ workers: WORKERS, durationMs: 500, op: (w, i) => client.query(pointQuery(w * 7919 + i)) });
    const t0 = performance.now();
    const load = runLoad({ workers: WORKERS, durationMs: preMs + faultMs + postMs, graceMs: 70_000, op: (w, i) => client.query(pointQuery(w * 7919 + i)) });
    await sleep(preMs);
    const faultAtMs = performance.now() - t0;
    await cluster.op(VICTIM, 'hang');
    await sleep(preMs + faultMs - (performance.now() - t0));
    await cluster.op(VICTIM, 'resume');
    const r = await load;
    const max = slowest(r);
    const met = r.failed === 0 && r.stuck === 0 && max <= 2_500;
    ctx.log(`defaults: hang: ${r.failed} errors (${codes(r)}), slowest call ${duration(max)}`);
    return {
      scenario: `hang 1 of 3 under ${WORKERS} loops (accepts, never answers) for ${duration(faultMs)}`,
      target: '0 errors, slowest call ≤ 2.5 s',
      measured: `${r.failed} errors (${codes(r)}), ${r.stuck} stuck; slowest call ${duration(max)}; p99 ${duration(percentile(r.latenciesMs, 99))}; ${r.ok} ok`,
      met,
      raw: { faultAtMs, faultMs, ok: r.ok, failed: r.failed, stuck: r.stuck, errors: r.errors, errorSamples: r.errorSamples, slowestMs: max },
    };
  } finally {
    await client.close();
  }
}

/** h-2. A long query on a healthy coordinator: never timed out, never retried. */
async function longQueryScenario(ctx: BenchContext, cluster: RemoteCluster): Promise<Outcome> {
  const sleepMs = byMode(ctx.mode, { smoke: 3_000, quick: 30_000, full: 30_000 });
  const client = createClient({ coordinators: cluster.addresses });
  let retried = 0;
  let down = 0;
  client.on('retried', () => retried++);
  client.on('coordinatorDown', () => down++);
  try {
    const t = performance.now();
    let attempts = Number.NaN;
    let error: string | undefined;
    try {
      attempts = (await client.query(`SELECT sleep(${sleepMs})`)).attempts;
    } catch (err) {
      error = `${(err as { code?: string }).code ?? ''} ${(err as Error).message}`.trim();
    }
    const elapsed = performance.now() - t;
    const met = error === undefined && attempts === 1 && retried === 0 && down === 0;
    ctx.log(`defaults: long query: attempts ${attempts}, ${retried} retried, ${down} down, ${duration(elapsed)}${error ? `, error ${error}` : ''}`);
    return {
      scenario: `\`SELECT sleep(${sleepMs})\` on a healthy coordinator`,
      target: '1 attempt, no retry, no coordinator marked down',
      measured: error ? `failed: ${error}` : `${attempts} attempt(s), ${retried} retried event(s), ${down} coordinatorDown event(s), took ${duration(elapsed)}`,
      met,
      raw: { sleepMs, attempts, retried, down, elapsedMs: elapsed, error },
    };
  } finally {
    await client.close();
  }
}

/** h-3. One "coordinator" accepts TCP and never answers; one healthy coordinator beside it. */
async function blackHoleScenario(ctx: BenchContext, cluster: RemoteCluster): Promise<Outcome> {
  const runMs = byMode(ctx.mode, { smoke: 2_000, quick: 5_000, full: 10_000 });
  const hole = await startBlackHole();
  const healthy = cluster.addresses[0]!;
  const client = createClient({ coordinators: [hole.address, healthy] });
  let downAtMs = Number.NaN;
  const t0 = performance.now();
  client.on('coordinatorDown', (e) => {
    if (e.coordinator === hole.address && Number.isNaN(downAtMs)) downAtMs = performance.now() - t0;
  });
  try {
    const r = await runLoad({ workers: WORKERS, durationMs: runMs, graceMs: 70_000, op: (w, i) => client.query(pointQuery(w * 7919 + i)) });
    const late = errorsAfter(r, 1_000);
    const max = slowest(r);
    const met = late === 0 && r.stuck === 0;
    ctx.log(`defaults: black hole: ${r.failed} errors (${late} after 1 s), slowest ${duration(max)}, marked down at ${duration(downAtMs)}`);
    return {
      scenario: `black-hole server (accepts, never answers) + 1 healthy coordinator, ${WORKERS} loops for ${duration(runMs)}`,
      target: '0 errors after the first second',
      measured:
        `${late} errors after 1 s, ${r.failed} in all (${codes(r)}), ${r.stuck} stuck; slowest call ${duration(max)}; ` +
        `black hole marked down after ${duration(downAtMs)}; ${hole.accepted} connections it accepted; ${r.ok} ok`,
      met,
      raw: { runMs, ok: r.ok, failed: r.failed, lateErrors: late, stuck: r.stuck, errors: r.errors, errorSamples: r.errorSamples, slowestMs: max, downAtMs, accepted: hole.accepted },
    };
  } finally {
    await client.close();
    await hole.stop();
  }
}

/** Resolves true once `client` has reported `address` down (also when it already has), false after `boundMs`. */
function downWatcher(client: ImpalaClient, address: string): (boundMs: number) => Promise<boolean> {
  let seen = false;
  const waiters = new Set<() => void>();
  client.on('coordinatorDown', (e) => {
    if (e.coordinator !== address) return;
    seen = true;
    for (const w of waiters) w();
  });
  return (boundMs) =>
    new Promise((resolve) => {
      if (seen) return resolve(true);
      const done = (): void => {
        clearTimeout(timer);
        waiters.delete(done);
        resolve(true);
      };
      const timer = setTimeout(() => {
        waiters.delete(done);
        resolve(false);
      }, boundMs);
      waiters.add(done);
    });
}

/** h-4. A killed coordinator restarts: how soon does it serve again, after a short and a long outage? */
async function recoveryScenario(ctx: BenchContext, cluster: RemoteCluster, outageMs: number): Promise<Outcome> {
  const client = createClient({ coordinators: cluster.addresses });
  const victim = cluster.addresses[VICTIM]!;
  const untilDown = downWatcher(client, victim);
  const served: Array<{ atMs: number; coordinator: string }> = [];
  const t0 = performance.now();
  let stop = false;
  const op = async (w: number, i: number): Promise<void> => {
    const r = await client.query(pointQuery(w * 7919 + i));
    served.push({ atMs: performance.now() - t0, coordinator: r.coordinator });
  };
  try {
    const afterMs = 3_000;
    // The window ends when the scenario says so (stopWhen), bounded by an hour all the same.
    const load = runLoad({ workers: WORKERS, durationMs: 60 * 60_000, maxOps: 10_000_000, graceMs: 70_000, stopWhen: () => stop, op });
    await sleep(1_000);
    await cluster.op(VICTIM, 'kill');
    const noticed = await untilDown(10_000);
    await sleep(outageMs);
    await cluster.op(VICTIM, 'restart');
    const restartAtMs = performance.now() - t0;
    await sleep(afterMs);
    stop = true;
    const r = await load;
    const first = served.find((s) => s.coordinator === victim && s.atMs >= restartAtMs);
    const backMs = first ? first.atMs - restartAtMs : Number.NaN;
    const window = served.filter((s) => s.atMs >= restartAtMs + 1_000 && s.atMs < restartAtMs + 2_000);
    const share = window.length > 0 ? window.filter((s) => s.coordinator === victim).length / window.length : Number.NaN;
    const met = noticed && Number.isFinite(backMs) && backMs <= 1_000;
    ctx.log(`defaults: recovery after ${duration(outageMs)} down: serves again ${duration(backMs)} after restart, share ${num(share * 100)}% in the 2nd second`);
    return {
      scenario: `kill 1 of 3 under ${WORKERS} loops, restart after ${duration(outageMs)} down`,
      target: 'serves again ≤ 1 s after the restart',
      measured:
        `first query served ${duration(backMs)} after the restart; its share of queries 1–2 s after the restart ${num(share * 100)}% (even: 33%); ` +
        `${r.failed} caller errors (${codes(r)})${noticed ? '' : '; the kill was not noticed within 10 s'}`,
      met,
      raw: { outageMs, restartAtMs, backMs, share, noticed, failed: r.failed, errors: r.errors },
    };
  } finally {
    stop = true;
    await client.close();
  }
}

/** h. What a new user gets with default options: stalls, black holes, recovery, long queries. */
export const defaultsBenchmark: Benchmark = {
  id: 'defaults',
  title: 'h. Default settings: hangs, black holes, recovery and long queries',
  async run(ctx: BenchContext): Promise<BenchResult> {
    const outages = byMode(ctx.mode, { smoke: [1_000], quick: [2_000, 15_000], full: [2_000, 30_000] });
    const cluster = await RemoteCluster.start({ coordinators: 3, processes: ctx.simProcesses });
    const outcomes: Outcome[] = [];
    try {
      await cluster.seed(SMALL_TABLE_SEED);
      outcomes.push(await hangScenario(ctx, cluster));
      outcomes.push(await longQueryScenario(ctx, cluster));
      outcomes.push(await blackHoleScenario(ctx, cluster));
      for (const outageMs of outages) outcomes.push(await recoveryScenario(ctx, cluster, outageMs));
    } finally {
      await cluster.stop();
    }
    const table: Table = {
      title: 'impala-ha with default options (createClient with coordinators only)',
      columns: ['scenario', 'target (issue 12)', 'measured', 'met'],
      rows: outcomes.map((o) => [o.scenario, o.target, o.measured, ctx.mode === 'smoke' ? 'smoke run: not judged' : o.met ? 'yes' : 'NO']),
    };
    return {
      id: 'defaults',
      title: this.title,
      description:
        'Every client here is created with the coordinator addresses only: default timeouts, health checks, retries and slow start. ' +
        `${WORKERS} callers run point queries in a loop. A hang is a coordinator that keeps accepting connections and answers nothing ` +
        '(SIGSTOP-like); a black hole is a TCP server that accepts and never answers; a kill resets every socket and closes the port until the restart. ' +
        '"Slowest call" includes failed calls. Simulator: ' +
        `${cluster.mode}.`,
      tables: [table],
      raw: { workers: WORKERS, outcomes: outcomes.map((o) => ({ scenario: o.scenario, target: o.target, met: o.met, ...o.raw })) },
    };
  },
};
