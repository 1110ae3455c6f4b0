import createDebug from 'debug';
import { BALANCERS, type BalancerName, type CoordinatorView } from '../balancer';
import { ClosedError, NoCoordinatorError } from '../errors';
import { CoordinatorPool, type CoordinatorPoolOptions, type CoordinatorStats } from './coordinator-pool';

const debug = createDebug('impala-ha:select');

/**
 * The coordinators of one client and the choice between them: only selectable
 * (up or suspect, not draining) coordinators are candidates; the balancer policy
 * picks among them.
 *
 * @internal
 */
export class Cluster {
  readonly pools: readonly CoordinatorPool[];
  readonly #balancer: (typeof BALANCERS)[BalancerName];
  readonly #random: () => number;
  #sequence = 0;
  #closed = false;

  constructor(poolOptions: readonly CoordinatorPoolOptions[], balance: BalancerName, random: () => number) {
    this.pools = poolOptions.map((o) => new CoordinatorPool(o));
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
  select(key: string | undefined, exclude: ReadonlySet<string> = new Set()): CoordinatorPool {
    if (this.#closed) throw new ClosedError('the client is closed');
    const selectable = this.pools.filter((p) => p.monitor.selectable);
    let candidates = selectable.filter((p) => !exclude.has(p.address));
    if (candidates.length === 0) candidates = selectable;
    if (candidates.length === 0) {
      for (const p of this.pools) p.monitor.probeSoon();
      // A lone address (one coordinator, or a load balancer in front of several) is
      // tried even when marked down: there is nothing to fail over to, and behind a
      // proxy one reset says little about the backends the next connection reaches.
      if (this.pools.length === 1) return this.pools[0]!;
      throw this.#unavailable(undefined);
    }
    const views: CoordinatorView[] = candidates.map((p) => p.view());
    const seq = this.#sequence++;
    // A key always means rendezvous hashing, whatever the policy for unkeyed calls.
    const balancer = key === undefined ? this.#balancer : BALANCERS.affinity;
    const picked = balancer(views, { random: this.#random, sequence: seq, key }) ?? views[0]!;
    debug('picked %s among %d (key %s)', picked.address, views.length, key === undefined ? '-' : 'set');
    return candidates.find((p) => p.address === picked.address)!;
  }

  /**
   * When no coordinator is selectable, the error that says so (each coordinator with
   * its state and last error); otherwise undefined. Used to replace the last
   * attempt's error once retries ran out against a cluster that is entirely down.
   */
  unavailableError(cause: unknown): NoCoordinatorError | undefined {
    return this.pools.some((p) => p.monitor.selectable) ? undefined : this.#unavailable(cause);
  }

  #unavailable(cause: unknown): NoCoordinatorError {
    const errors = new Map<string, Error | undefined>();
    for (const p of this.pools) errors.set(`${p.address} (${p.monitor.state})`, p.monitor.lastError);
    return new NoCoordinatorError(errors, cause === undefined ? {} : { cause });
  }

  /** The pool of a given coordinator address, if configured. */
  pool(address: string): CoordinatorPool | undefined {
    return this.pools.find((p) => p.address === address);
  }

  stats(): CoordinatorStats[] {
    return this.pools.map((p) => p.stats());
  }

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all(this.pools.map((p) => p.close()));
  }
}
