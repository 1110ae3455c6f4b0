import { weightedLoad, type Balancer, type CoordinatorView } from './types';

/**
 * `leastconn`: the coordinator with the fewest requests in flight from this client
 * (scaled by slow-start weight). Ties go round-robin from `ctx.sequence`, so equal
 * coordinators share bursts instead of the first one taking them all.
 */
export const leastConnections: Balancer = (candidates, ctx) => {
  const n = candidates.length;
  if (n === 0) return undefined;
  const start = ctx.sequence % n;
  let best: CoordinatorView | undefined;
  let bestLoad = Infinity;
  for (let k = 0; k < n; k++) {
    const c = candidates[(start + k) % n]!;
    const load = weightedLoad(c);
    if (load < bestLoad) {
      best = c;
      bestLoad = load;
    }
  }
  return best;
};
