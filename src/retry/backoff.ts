/**
 * Full-jitter exponential backoff (AWS architecture blog, "Exponential Backoff And
 * Jitter"): a uniform delay in [0, min(cap, base·2^attempt)). Spreads retries of many
 * clients so a recovering coordinator is not hit in lockstep.
 *
 * @param attempt - 0 for the first retry.
 * @param baseMs - base delay in ms.
 * @param capMs - upper bound in ms.
 * @param random - uniform [0, 1) source.
 */
export function fullJitterDelay(attempt: number, baseMs: number, capMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * ceiling);
}

/**
 * "Equal jitter" exponential schedule for health probes of a down coordinator:
 * half the exponential delay fixed, half random, so probes come back at a steady
 * pace yet different clients do not probe in step.
 *
 * @param attempt - 0 for the first probe after the coordinator went down.
 */
export function probeDelay(attempt: number, baseMs: number, capMs: number, random: () => number = Math.random): number {
  const d = Math.min(capMs, baseMs * 2 ** Math.min(attempt, 30));
  return Math.floor(d / 2 + random() * (d / 2));
}

/**
 * Probe delay while a coordinator refuses connections: `baseMs` ± 25%, never doubled.
 * A refused connect costs a round trip and nothing else, so probing often is cheap, and
 * a coordinator that comes back after a long outage is found as fast as after a short one.
 */
export function refusedProbeDelay(baseMs: number, random: () => number = Math.random): number {
  return Math.floor(baseMs * (0.75 + 0.5 * random()));
}
