/**
 * What a balancer sees of one coordinator: a read-only view of the pool's live
 * numbers (no snapshot is made per pick). Balancers are pure functions of the views and
 * a context: they read them during the pick and keep nothing; they do no I/O and keep
 * no timers.
 */
export interface CoordinatorView {
  /** `host:port`. */
  readonly address: string;
  /** Position in the configured coordinator list (stable tie-break). */
  readonly index: number;
  /** Requests this client has in flight on the coordinator. */
  readonly inFlight: number;
  /** Smoothed request latency in ms (EWMA); 0 when unknown. */
  readonly latencyMs: number;
  /**
   * Share of traffic the coordinator may take, 0 < weight ≤ 1. Below 1 during slow
   * start after it came back up, so a recovered coordinator is not flooded at once.
   */
  readonly weight: number;
}

/** Inputs of one selection besides the candidates. */
export interface SelectionContext {
  /** Uniform random number in [0, 1); injectable for deterministic tests. */
  readonly random: () => number;
  /** Monotonic counter the pool increments per selection (round-robin position). */
  readonly sequence: number;
  /** Affinity key, for `affinity`; ignored by the others. */
  readonly key?: string | undefined;
}

/**
 * Picks one of `candidates` (healthy, non-draining coordinators; never empty when
 * called by the pool) or undefined when there is none.
 */
export type Balancer = (candidates: readonly CoordinatorView[], ctx: SelectionContext) => CoordinatorView | undefined;

/** Names of the built-in policies. */
export type BalancerName = 'leastconn' | 'p2c' | 'roundrobin' | 'random' | 'affinity';

/**
 * Load of a coordinator scaled by its slow-start weight: lower is better. An idle
 * coordinator has load 0 whatever its weight, so one in slow start takes its turn
 * among idle ones at once and is held back only as its own requests pile up.
 */
export function weightedLoad(c: CoordinatorView): number {
  return c.inFlight / c.weight;
}
