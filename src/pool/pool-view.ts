import type { CoordinatorView } from '../balancer';

/** What a {@link PoolView} reads. @internal */
export interface ViewedPool {
  readonly address: string;
  readonly index: number;
  readonly inFlight: number;
  readonly latencyMs: number;
  readonly health: { weight(): number };
}

/**
 * The balancer's live view of a pool. A class, so every view shares its getters (a pick
 * over thousands of coordinators stays monomorphic and cheap).
 *
 * @internal
 */
export class PoolView implements CoordinatorView {
  readonly address: string;
  readonly index: number;
  readonly #pool: ViewedPool;

  constructor(pool: ViewedPool) {
    this.address = pool.address;
    this.index = pool.index;
    this.#pool = pool;
  }

  get inFlight(): number {
    return this.#pool.inFlight;
  }

  get latencyMs(): number {
    return this.#pool.latencyMs;
  }

  get weight(): number {
    return this.#pool.health.weight();
  }
}
