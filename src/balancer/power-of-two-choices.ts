import { weightedLoad, type Balancer } from './types';

/**
 * `p2c`: two distinct coordinators drawn at random, the less loaded one wins; on
 * equal load the lower latency EWMA wins (Mitzenmacher's power of two choices, as
 * in Finagle, Envoy and the MongoDB drivers). It avoids the herd that a global
 * minimum causes when many clients see the same numbers, and steers away from a
 * slow coordinator because its requests stay in flight longer.
 */
export const powerOfTwoChoices: Balancer = (candidates, ctx) => {
  const n = candidates.length;
  if (n <= 1) return candidates[0];
  const i = Math.floor(ctx.random() * n);
  let j = Math.floor(ctx.random() * (n - 1));
  if (j >= i) j++;
  const a = candidates[i]!;
  const b = candidates[j]!;
  const la = weightedLoad(a);
  const lb = weightedLoad(b);
  if (la !== lb) return la < lb ? a : b;
  if (a.latencyMs !== b.latencyMs) return a.latencyMs < b.latencyMs ? a : b;
  return a.index <= b.index ? a : b;
};
