import createDebug from 'debug';
import { BALANCERS, type Balancer, type BalancerName, type CoordinatorView } from '../balancer';
import { ArgumentError, ClosedError, NoCoordinatorError } from '../errors';
import type { HealthState } from '../health/coordinator-health';
import type { CoordinatorPool, CoordinatorStats } from './coordinator-pool';

const debug = createDebug('impala-ha:select');

/** What the cluster needs of each coordinator (a {@link CoordinatorPool}, or a fake in tests). @internal */
export interface ClusterMember {
  readonly address: string;
  /** Its position in the cluster's list. */
  readonly index: number;
  /** Live numbers for the balancer. */
  readonly view: CoordinatorView;
  readonly selectable: boolean;
  readonly state: HealthState;
  readonly lastError: Error | undefined;
  /** Registers a callback for every change of {@link selectable}. */
  onSelectableChange(listener: () => void): void;
  probeSoon(): void;
  stats(): CoordinatorStats;
  close(): Promise<void>;
  /** Cuts every connection now and fails waiting callers with `error`. */
  cut(error: Error): void;
}

/**
 * The coordinators of one client and the choice between them: only selectable (up
 * or suspect, not draining) coordinators are candidates; the balancer policy picks
 * among them.
 *
 * A pick costs O(1) here plus the policy's own work: the candidate list is rebuilt
 * only when some coordinator becomes selectable or stops being so, the views are
 * live objects (no snapshot per pick), and the pick maps back to its pool by index.
 *
 * @internal
 */
export class Cluster<P extends ClusterMember = CoordinatorPool> {
  readonly pools: readonly P[];
  readonly #byAddress: ReadonlyMap<string, P>;
  readonly #balancer: Balancer;
  readonly #random: () => number;
  #candidates: readonly CoordinatorView[] | undefined;
  #sequence = 0;
  #closed = false;

  constructor(pools: readonly P[], balance: BalancerName, random: () => number) {
    pools.forEach((p, i) => {
      if (p.index !== i || p.view.index !== i) throw new ArgumentError(`coordinator ${p.address} has index ${p.index}, expected ${i}`);
      p.onSelectableChange(() => {
        this.#candidates = undefined;
      });
    });
    this.pools = pools;
    this.#byAddress = new Map(pools.map((p) => [p.address, p]));
    this.#balancer = BALANCERS[balance];
    this.#random = random;
  }

  /**
   * Picks a coordinator for a new request. Coordinators in `exclude` (those that
   * already failed this request) are avoided while any other is selectable.
   *
   * @throws NoCoordinatorError listing each coordinator's state and last error when
   * none is selectable; probes of down coordinators are started at once.
   */
  select(key: string | undefined, exclude?: ReadonlySet<string>): P {
    if (this.#closed) throw new ClosedError('the client is closed');
    let candidates = (this.#candidates ??= this.pools.filter((p) => p.selectable).map((p) => p.view));
    if (exclude !== undefined && exclude.size > 0 && candidates.length > 1) {
      const rest = candidates.filter((v) => !exclude.has(v.address));
      if (rest.length > 0) candidates = rest;
    }
    if (candidates.length === 0) {
      for (const p of this.pools) p.probeSoon();
      // A lone address (one coordinator, or a load balancer in front of several) is
      // tried even when marked down: there is nothing to fail over to, and behind a
      // proxy one reset says little about the backends the next connection reaches.
      if (this.pools.length === 1) return this.pools[0]!;
      throw this.#unavailable(undefined);
    }
    // A key always means rendezvous hashing, whatever the policy for unkeyed calls.
    const balancer = key === undefined ? this.#balancer : BALANCERS.affinity;
    const picked = balancer(candidates, { random: this.#random, sequence: this.#sequence++, key }) ?? candidates[0]!;
    // Checked first: this runs for every request, and a disabled debug() still gathers its arguments.
    if (debug.enabled) debug('picked %s among %d (key %s)', picked.address, candidates.length, key === undefined ? '-' : 'set');
    return this.pools[picked.index]!;
  }

  /**
   * When no coordinator is selectable, the error that says so (each coordinator with
   * its state and last error); otherwise undefined. Used to replace the last
   * attempt's error once retries ran out against a cluster that is entirely down.
   */
  unavailableError(cause: unknown): NoCoordinatorError | undefined {
    return this.pools.some((p) => p.selectable) ? undefined : this.#unavailable(cause);
  }

  /** The pool of a given coordinator address, if configured. */
  pool(address: string): P | undefined {
    return this.#byAddress.get(address);
  }

  stats(): CoordinatorStats[] {
    return this.pools.map((p) => p.stats());
  }

  /** Refuses new selections and closes every pool. */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all(this.pools.map((p) => p.close()));
  }

  /** Refuses new selections and cuts every connection of every pool now (a close that ran out of time). */
  cut(error: Error): void {
    this.#closed = true;
    for (const p of this.pools) p.cut(error);
  }

  #unavailable(cause: unknown): NoCoordinatorError {
    const errors = new Map<string, Error | undefined>();
    const states = new Map<string, string>();
    for (const p of this.pools) {
      errors.set(p.address, p.lastError);
      states.set(p.address, p.state);
    }
    return new NoCoordinatorError(errors, cause === undefined ? { states } : { states, cause });
  }
}
