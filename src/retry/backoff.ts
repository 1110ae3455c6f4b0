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
