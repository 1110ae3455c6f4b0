import type { CallPolicy, Channel } from '../connection';
import { FAST_METHODS, type CallBounds } from '../health/call-bounds';
import type { LatencyEstimator } from '../health/latency-estimator';

/**
 * The per-method time policy a coordinator's pool installs on every channel it opens
 * (see `CallPolicy` in src/connection/types.ts): bounds from {@link CallBounds}, the
 * overrun hook that starts a liveness check of the coordinator (and remembers the
 * channel, so it can be cut if the coordinator turns out to be dead), and the latency
 * feed of the fast-RPC estimator.
 *
 * @internal
 */
export function coordinatorCallPolicy(bounds: CallBounds, latency: LatencyEstimator, onOverrun: (method: string, channel: Channel) => void): CallPolicy {
  return {
    timeoutMs: (method) => bounds.timeoutMs(method),
    overrunMs: () => bounds.overrunMs(),
    onOverrun,
    observe: (method, latencyMs) => {
      // Only RPCs that must answer fast say how fast the coordinator answers.
      if (FAST_METHODS.has(method)) latency.observe(latencyMs);
    },
  };
}
