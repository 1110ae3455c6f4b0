import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { createClient, type ClientOptions, type ImpalaClient } from '../../src';
import { startCluster } from '../../src/testing';
import type { CoordinatorStats, SimCluster } from '../../src/testing/types';
import { startHaproxy, type Haproxy } from '../helpers/haproxy';
import { FAST } from '../helpers/pool-fixtures';
import { FaultScheduler } from './fault-scheduler';
import { FaultTimeline, type FaultKind } from './fault-timeline';
import { checkInvariants, type InvariantResult, type RssSample, type ServerLeftovers } from './invariant-checker';
import { RssSampler, type UnhandledTracker } from './resource-monitor';
import type { SeededRandom } from './seeded-random';
import { StatementLedger, type StatementRecord } from './statement-ledger';
import { DML_TABLE, SEED_SQL, runWorkload } from './workload';

/** Where the client's traffic goes: straight to the coordinators, or through HAProxy. */
export type ChaosMode = 'direct' | 'haproxy';

/** Settings of one {@link runRound}. */
export interface RoundOptions {
  mode: ChaosMode;
  /** Length of the round's workload (faults, then a calm tail), in ms. */
  durationMs: number;
  random: SeededRandom;
  workers: number;
  /** Mark every INSERT idempotent (the deliberately broken retry rule). */
  breakRetryDml: boolean;
  faults: readonly FaultKind[];
  /** Run coordinators as child processes (real SIGKILL / SIGSTOP). */
  processes: boolean;
  unhandled: UnhandledTracker;
  /** Bound on any resident set, in MB. */
  rssLimitMb: number;
  /** Progress lines. */
  log: (line: string) => void;
  /**
   * Fault-free tail of the round, in ms. Default: the mode's settle time + 1 s, so
   * every coordinator is back and settled and every read must succeed again.
   */
  calmMs?: number;
  /**
   * Demand zero sessions and operations right after close, with Impala's own
   * disconnected-session timeout (15 min) in the simulator. By default the simulator
   * lets go of a session 4 s after its last socket closed and the check waits for that
   * (see {@link checkInvariants}). Default false.
   */
  strictClose?: boolean;
}

/** Client events counted during a round. */
export type EventCounts = Record<'retried' | 'failedOver' | 'coordinatorDown' | 'coordinatorUp' | 'coordinatorDraining' | 'sessionReopened' | 'reattached' | 'poolCleared', number>;

/** Everything a round produced: its statements, faults, counters and verdicts. */
export interface RoundReport {
  mode: ChaosMode;
  /** Coordinator addresses, in index order. */
  addresses: string[];
  /** HAProxy's address in the `haproxy` round. */
  proxy: string | undefined;
  records: readonly StatementRecord[];
  timeline: FaultTimeline;
  events: EventCounts;
  rss: RssSample[];
  leftovers: ServerLeftovers[];
  results: InvariantResult[];
  /** Wall time of the round including set-up and teardown, in ms. */
  wallMs: number;
}

/**
 * Client settings of the soak: the library's defaults for everything that decides
 * correctness (retries, retry budget, balance, validation), with timeouts and probe
 * intervals shortened so a fault is noticed within a second or two.
 */
export const CHAOS_CLIENT_OPTIONS: ClientOptions = { ...FAST, ddl: 'sync' };

/**
 * How long a healed coordinator still counts as unhealthy: the client's probe
 * backoff (≤ healthCheckMaxIntervalMs) plus `rise` probes, with margin; behind
 * HAProxy also its `rise × inter` and `fall × inter`.
 */
const SETTLE_MS: Readonly<Record<ChaosMode, number>> = { direct: 2500, haproxy: 3000 };
/** HAProxy in front of the coordinators: quick checks, and an idle cut that happens. */
const HAPROXY = { balance: 'leastconn', timeoutClient: '2s', check: 'check inter 500ms fall 2 rise 2' } as const;
/**
 * The simulator's disconnected-session timeout in the soak, in ms (Impala's default
 * is 15 min). Sessions a client can no longer reach — their socket was cut, or the
 * server ran their OpenSession after the client had given up on a hung coordinator —
 * are let go after this, as Impala lets them go after its timeout.
 */
const DISCONNECTED_SESSION_TIMEOUT_MS = 4000;
/** Bound on workers finishing their last statement after being told to stop, in ms. */
const STOP_BOUND_MS = 20_000;
/** Bound on `client.close()`, in ms. */
const CLOSE_BOUND_MS = 20_000;

/**
 * One round of the soak: a fresh 3-coordinator simulated cluster (child processes),
 * optionally HAProxy in front, a client, the workload and the fault scheduler for
 * `durationMs`, then close and check every invariant.
 */
export async function runRound(o: RoundOptions): Promise<RoundReport> {
  const wallStart = performance.now();
  let cluster: SimCluster | undefined;
  let proxy: Haproxy | undefined;
  let client: ImpalaClient | undefined;
  const stop = new AbortController();
  let workload: Promise<void> = Promise.resolve();
  try {
    cluster = await startCluster({
      coordinators: 3,
      processes: o.processes,
      catalogLagMs: 200,
      ...(o.strictClose ? {} : { disconnectedSessionTimeoutMs: DISCONNECTED_SESSION_TIMEOUT_MS }),
    });
    await cluster.seed(SEED_SQL);
    const addresses = cluster.coordinators.map((c) => c.address);
    if (o.mode === 'haproxy') proxy = await startHaproxy({ backends: addresses, ...HAPROXY });
    client = createClient({ coordinators: proxy ? [proxy.address] : addresses, ...CHAOS_CLIENT_OPTIONS });
    const events = countEvents(client);
    o.log(`${o.mode}: coordinators ${addresses.join(', ')}${proxy ? ` behind HAProxy ${proxy.address}` : ''} (pids ${cluster.coordinators.map((c) => c.pid ?? '-').join(', ')})`);

    const t0 = performance.now();
    const clock = (): number => performance.now() - t0;
    const timeline = new FaultTimeline(cluster.coordinators.length, SETTLE_MS[o.mode]);
    const ledger = new StatementLedger(clock);
    const sim = cluster;
    const rss = new RssSampler(clock, () => sim.coordinators.map((x) => x.pid));
    rss.start();
    const calmMs = o.calmMs ?? SETTLE_MS[o.mode] + 1000;
    const scheduler = new FaultScheduler({
      cluster,
      timeline,
      random: o.random.derive(1),
      clock,
      kinds: o.faults,
      faultsUntil: Math.max(0, o.durationMs - calmMs),
      // Behind HAProxy one backend at a time, so the round has stretches where every
      // backend is healthy and the client must not fail at all.
      maxImpaired: o.mode === 'haproxy' ? 1 : 2,
      // The broken rule shows fastest where a DML's answer is lost: start with those.
      ...(o.breakRetryDml ? { first: (['result-drop', 'dml-drop'] as const).filter((k) => o.faults.includes(k)) } : {}),
    });
    let nextId = 1;
    workload = runWorkload({ client, ledger, random: o.random.derive(2), workers: o.workers, stop: stop.signal, breakRetryDml: o.breakRetryDml, ids: { next: () => nextId++ } });
    await scheduler.run();
    // Calm tail: every coordinator healthy and settled, so every read must succeed again.
    await sleep(Math.max(calmMs, o.durationMs - clock()));
    stop.abort();
    const hung: string[] = [];
    if (!(await within(workload, STOP_BOUND_MS))) hung.push(`workers still busy ${STOP_BOUND_MS} ms after being told to stop: ${stuckStatements(ledger.records)}`);
    o.log(`${o.mode}: workload ran ${(clock() / 1000).toFixed(1)} s, ${ledger.records.length} statements, ${timeline.records.length} faults`);
    if (!(await within(client.close(), CLOSE_BOUND_MS))) hung.push(`client.close() did not finish within ${CLOSE_BOUND_MS} ms`);
    rss.sample();
    const samples = rss.stop();
    const leftovers = await serverLeftovers(cluster, o.strictClose === true);
    const results = checkInvariants({
      mode: o.mode,
      records: ledger.records,
      timeline,
      faultKinds: o.faults,
      coordinatorIndex: (address) => {
        const i = addresses.indexOf(address);
        return i < 0 ? undefined : i;
      },
      dmlRows: await countRows(addresses),
      executed: executionCounts(cluster),
      leftovers,
      unhandled: o.unhandled.take(),
      hung,
      rss: samples,
      rssLimitMb: o.rssLimitMb,
    });
    return { mode: o.mode, addresses, proxy: proxy?.address, records: ledger.records, timeline, events, rss: samples, leftovers, results, wallMs: performance.now() - wallStart };
  } finally {
    // Also on an unexpected error: workers stop, and nothing is left running.
    stop.abort();
    await within(workload, STOP_BOUND_MS);
    await client?.close().catch(() => undefined);
    await proxy?.stop().catch(() => undefined);
    await cluster?.stop().catch(() => undefined);
  }
}

/**
 * Sessions and operations left on each coordinator after the clients closed: right
 * away, and (unless strict) once the disconnected-session timeout let go of those no
 * client can reach.
 */
async function serverLeftovers(cluster: SimCluster, strict: boolean): Promise<ServerLeftovers[]> {
  const atClose = await cluster.refreshStats();
  const after = strict ? atClose : await untilExpired(cluster, DISCONNECTED_SESSION_TIMEOUT_MS + 3000);
  return after.map((s, i) => ({
    address: s.address,
    openSessions: s.openSessions,
    openOperations: s.openOperations,
    atCloseSessions: atClose[i]!.openSessions,
    atCloseOperations: atClose[i]!.openOperations,
  }));
}

/** Times each statement text was executed, over every coordinator (the simulator's log). */
function executionCounts(cluster: SimCluster): Map<string, number> {
  const executed = new Map<string, number>();
  for (const s of cluster.stats()) for (const e of s.executed) executed.set(e.sql, (executed.get(e.sql) ?? 0) + 1);
  return executed;
}

/** Server counts once no session or operation is left, or when `boundMs` has passed. */
async function untilExpired(cluster: SimCluster, boundMs: number): Promise<CoordinatorStats[]> {
  const deadline = performance.now() + boundMs;
  for (;;) {
    const stats = await cluster.refreshStats();
    if (stats.every((s) => s.openSessions === 0 && s.openOperations === 0) || performance.now() > deadline) return stats;
    await sleep(250);
  }
}

/** Rows per key in the pooled-DML table, read by a fresh client once all faults are healed. */
async function countRows(addresses: readonly string[]): Promise<Map<number, number>> {
  const verifier = createClient({ coordinators: [...addresses], ...CHAOS_CLIENT_OPTIONS });
  try {
    const r = await verifier.query<{ id: bigint; n: bigint }>(`SELECT id, count(*) AS n FROM ${DML_TABLE} GROUP BY id`);
    return new Map(r.rows.map((row) => [Number(row.id), Number(row.n)]));
  } finally {
    await verifier.close();
  }
}

function countEvents(client: ImpalaClient): EventCounts {
  const n: EventCounts = { retried: 0, failedOver: 0, coordinatorDown: 0, coordinatorUp: 0, coordinatorDraining: 0, sessionReopened: 0, reattached: 0, poolCleared: 0 };
  client.on('retried', () => n.retried++);
  client.on('failedOver', () => n.failedOver++);
  client.on('coordinatorDown', () => n.coordinatorDown++);
  client.on('coordinatorUp', () => n.coordinatorUp++);
  client.on('coordinatorDraining', () => n.coordinatorDraining++);
  client.on('sessionReopened', () => n.sessionReopened++);
  client.on('poolCleared', () => n.poolCleared++);
  client.on('connectionValidated', (e) => {
    if (e.how === 'reattached') n.reattached++;
  });
  return n;
}

/** Resolves true when `p` settles within `ms`, false otherwise (its timer never outlives it). */
async function within(p: Promise<unknown>, ms: number): Promise<boolean> {
  const timer = new AbortController();
  const settled = p.then(
    () => true,
    () => true,
  );
  const r = await Promise.race([settled, sleep(ms, false, { signal: timer.signal }).catch(() => false)]);
  timer.abort();
  return r;
}

function stuckStatements(records: readonly StatementRecord[]): string {
  const open = records.filter((r) => Number.isNaN(r.endedAt));
  return open.length === 0 ? 'none in a statement' : open.slice(0, 5).map((r) => `#${r.seq} ${r.kind} ${r.sql}`).join('; ');
}
