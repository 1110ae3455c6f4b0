import { setTimeout as sleep } from 'node:timers/promises';
import type { SimCluster, SimCoordinator } from '../../src/testing/types';
import { impairs, type FaultKind, type FaultRecord, type FaultTimeline } from './fault-timeline';
import type { SeededRandom } from './seeded-random';

/** Settings of a {@link FaultScheduler}. */
export interface FaultSchedulerOptions {
  cluster: SimCluster;
  timeline: FaultTimeline;
  random: SeededRandom;
  /** Milliseconds since the run started. */
  clock: () => number;
  /** Faults to draw from (each is used in turn, in a shuffled order, before any repeats). */
  kinds: readonly FaultKind[];
  /** Clock time by which every fault should be healed; none starts that would end later. */
  faultsUntil: number;
  /** Faults to inject first, in this order, each on a random coordinator (the broken-rule demonstration starts with the reply-losing ones). */
  first?: readonly FaultKind[];
  /**
   * Most coordinators impaired (faulted or still settling) at once; never more than
   * all but one. Default: all but one.
   */
  maxImpaired?: number;
}

/** Gap between two fault starts, in ms. */
const GAP_MS: readonly [number, number] = [250, 900];
/** How long each fault is held before healing, in ms. */
const HOLD_MS: Readonly<Record<FaultKind, readonly [number, number]>> = {
  kill: [800, 2500],
  hang: [600, 2500],
  shutdown: [300, 1200],
  'drop-idle': [2000, 5000],
  'dml-drop': [1500, 3000],
  'result-drop': [1500, 3000],
};
/** Time to allow for healing after the hold (a process restart forks and handshakes), in ms. */
const HEAL_ALLOWANCE_MS: Readonly<Record<FaultKind, number>> = { kill: 2500, hang: 300, shutdown: 6000, 'drop-idle': 300, 'dml-drop': 300, 'result-drop': 300 };
/** Graceful shutdown: queries still registered after this are abandoned, in ms. */
const SHUTDOWN_DEADLINE_MS = 2000;
/** The method whose reply `dml-drop` / `result-drop` holds back. */
const DROPPED_METHOD = { 'dml-drop': 'ExecuteStatement', 'result-drop': 'CloseImpalaOperation' } as const;
/** How long those faults hold the reply back, and the idle cut that drops the waiting socket meanwhile, in ms. */
const DROP_DELAY_MS = 600;
const DROP_IDLE_MS = 250;

/**
 * Injects random faults into a simulated cluster while a workload runs: kill →
 * restart, hang → resume, graceful shutdown → restart, idle cuts on → off, and the
 * two "socket drops while a reply is held back" faults (after ExecuteStatement was
 * written; after a DML finished, before its result reached the client). It never
 * lets the last healthy coordinator be faulted (so at every moment at least one
 * coordinator is healthy and has been for the timeline's settle time), records every
 * fault in the {@link FaultTimeline}, and heals everything before {@link run} resolves.
 */
export class FaultScheduler {
  readonly #o: FaultSchedulerOptions;
  readonly #running = new Set<Promise<void>>();
  #bag: FaultKind[] = [];
  #stopped = false;
  #wake: AbortController = new AbortController();

  constructor(options: FaultSchedulerOptions) {
    if (options.kinds.length === 0) throw new RangeError('the fault scheduler needs at least one fault kind');
    this.#o = options;
  }

  /** Injects faults until `faultsUntil` (or {@link stop}), then waits until every fault is healed. */
  async run(): Promise<void> {
    const { clock, faultsUntil, random } = this.#o;
    this.#bag.push(...(this.#o.first ?? []));
    while (!this.#stopped && clock() < faultsUntil) {
      const kind = this.#nextKind();
      const target = this.#target(kind);
      const hold = random.int(...HOLD_MS[kind]);
      if (target !== undefined && clock() + hold + HEAL_ALLOWANCE_MS[kind] <= faultsUntil) {
        this.#launch(kind, target, hold);
      } else {
        this.#bag.unshift(kind); // keep it for the next turn rather than skip a kind
      }
      await sleep(random.int(...GAP_MS), undefined, { signal: this.#wake.signal }).catch(() => undefined);
    }
    await this.settled();
  }

  /** Stops starting faults (running ones still heal). */
  stop(): void {
    this.#stopped = true;
    this.#wake.abort();
  }

  /** Resolves once every started fault has been healed. */
  async settled(): Promise<void> {
    while (this.#running.size > 0) await Promise.allSettled([...this.#running]);
  }

  #nextKind(): FaultKind {
    if (this.#bag.length === 0) this.#bag = this.#o.random.shuffle(this.#o.kinds);
    return this.#bag.shift()!;
  }

  /**
   * A coordinator that can take `kind` now: no fault on it already, and — for a fault
   * that makes it unhealthy — another coordinator stays healthy.
   */
  #target(kind: FaultKind): number | undefined {
    const { timeline, clock, cluster } = this.#o;
    const now = clock();
    const n = cluster.coordinators.length;
    const all = Array.from({ length: n }, (_, i) => i);
    const free = all.filter((i) => !timeline.active(i) && cluster.coordinators[i]!.up);
    if (!impairs(kind)) return free.length === 0 ? undefined : this.#o.random.pick(free);
    const impaired = all.filter((i) => timeline.active(i) || timeline.impairedAt(i, now));
    const limit = Math.min(this.#o.maxImpaired ?? n - 1, n - 1);
    // Faulting a coordinator that is still settling does not add to the impaired count.
    const candidates = free.filter((i) => impaired.length - (impaired.includes(i) ? 1 : 0) < limit);
    return candidates.length === 0 ? undefined : this.#o.random.pick(candidates);
  }

  #launch(kind: FaultKind, index: number, holdMs: number): void {
    const { timeline, clock, cluster, random } = this.#o;
    const c = cluster.coordinators[index]!;
    const idleMs = random.int(300, 1200);
    const detail =
      kind === 'drop-idle'
        ? `idle cut ${idleMs} ms, hold ${holdMs} ms`
        : kind === 'dml-drop' || kind === 'result-drop'
          ? `${DROPPED_METHOD[kind]} +${DROP_DELAY_MS} ms, idle cut ${DROP_IDLE_MS} ms, hold ${holdMs} ms`
          : `hold ${holdMs} ms`;
    const record = timeline.begin(kind, index, detail, clock());
    const task = (async () => {
      let error: Error | undefined;
      try {
        await this.#apply(kind, c, idleMs);
        await sleep(holdMs);
      } catch (err) {
        error = err as Error;
      }
      try {
        await heal(kind, c);
      } catch (err) {
        error ??= err as Error;
        // One more try: a coordinator left broken would spoil every later invariant.
        await heal(kind, c).catch(() => undefined);
      }
      timeline.end(record, clock(), error);
    })();
    this.#running.add(task);
    void task.finally(() => this.#running.delete(task));
  }

  async #apply(kind: FaultKind, c: SimCoordinator, idleMs: number): Promise<void> {
    switch (kind) {
      case 'kill':
        return c.kill();
      case 'hang':
        return c.hang();
      case 'shutdown':
        await c.shutdown({ graceMs: 0, deadlineMs: SHUTDOWN_DEADLINE_MS });
        return c.waitUntilDown(SHUTDOWN_DEADLINE_MS + 3000);
      case 'drop-idle':
        return c.dropIdle(idleMs);
      case 'dml-drop':
      case 'result-drop':
        await c.setRpcDelay({ method: DROPPED_METHOD[kind], ms: DROP_DELAY_MS });
        return c.dropIdle(DROP_IDLE_MS);
    }
  }
}

/** Undoes one fault; a coordinator that is down is restarted whatever the fault was. */
async function heal(kind: FaultKind, c: SimCoordinator): Promise<void> {
  if (kind === 'hang') await c.resume();
  if (!c.up || kind === 'kill' || kind === 'shutdown') {
    await c.restart();
    return;
  }
  if (kind === 'drop-idle' || kind === 'dml-drop' || kind === 'result-drop') {
    await c.setRpcDelay(0);
    await c.dropIdle(0);
  }
}

/** Short text of a fault for the timeline print-out. */
export function describeFault(r: FaultRecord, address: string): string {
  const healed = r.healedAt === undefined ? 'never healed' : `healed +${(r.healedAt / 1000).toFixed(2)}s`;
  return `+${(r.startedAt / 1000).toFixed(2)}s  ${r.kind.padEnd(11)} c${r.coordinator} ${address}  ${r.detail}; ${healed}${r.healError ? ` (error: ${r.healError})` : ''}`;
}
