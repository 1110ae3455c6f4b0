import type { Balancer, CoordinatorView } from './types';

/**
 * `roundrobin`: coordinators in turn, by `ctx.sequence`. A coordinator in slow start
 * (weight < 1) is passed over with probability 1 − weight, its turn going to the next.
 */
export const roundRobin: Balancer = (candidates, ctx) => {
  const n = candidates.length;
  if (n === 0) return undefined;
  const start = ctx.sequence % n;
  for (let k = 0; k < n; k++) {
    const c = candidates[(start + k) % n]!;
    if (c.weight >= 1 || ctx.random() < c.weight) return c;
  }
  return candidates[start];
};

/**
 * `random`: a coordinator drawn with probability proportional to its weight.
 */
export const randomChoice: Balancer = (candidates, ctx) => {
  const n = candidates.length;
  if (n === 0) return undefined;
  let total = 0;
  for (const c of candidates) total += c.weight;
  let r = ctx.random() * total;
  let last: CoordinatorView | undefined;
  for (const c of candidates) {
    last = c;
    r -= c.weight;
    if (r < 0) return c;
  }
  return last;
};
