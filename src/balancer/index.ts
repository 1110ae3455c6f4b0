import { leastConnections } from './least-connections';
import { powerOfTwoChoices } from './power-of-two-choices';
import { affinity } from './rendezvous-hash';
import { randomChoice, roundRobin } from './round-robin';
import type { Balancer, BalancerName } from './types';

export type { Balancer, BalancerName, CoordinatorView, SelectionContext } from './types';
export { leastConnections } from './least-connections';
export { powerOfTwoChoices } from './power-of-two-choices';
export { roundRobin, randomChoice } from './round-robin';
export { affinity, rendezvousPick, murmur3 } from './rendezvous-hash';

/** The built-in balancers by name. */
export const BALANCERS: Readonly<Record<BalancerName, Balancer>> = Object.freeze({
  leastconn: leastConnections,
  p2c: powerOfTwoChoices,
  roundrobin: roundRobin,
  random: randomChoice,
  affinity,
});
