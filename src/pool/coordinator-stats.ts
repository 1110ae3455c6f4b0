import type { HealthState } from '../health/coordinator-health';

/** Per-coordinator numbers in {@link ImpalaClient.stats}. */
export interface CoordinatorStats {
  address: string;
  state: HealthState;
  /** Pooled connections (idle + in use). */
  open: number;
  idle: number;
  inUse: number;
  /** Connections being opened. */
  connecting: number;
  /** Callers waiting for a connection. */
  waiting: number;
  /** Requests in flight from this client, including those waiting for a connection. */
  inFlight: number;
  /** Smoothed request latency (EWMA, α = 0.2), in ms. */
  latencyMs: number;
  requests: number;
  errors: number;
  retries: number;
  /** Pool generation: increments each time the pool is cleared. */
  generation: number;
  /** Traffic share in (0, 1] (below 1 during slow start). */
  weight: number;
  lastError: string | undefined;
}
