/**
 * A round-trip time estimator after TCP's retransmission timer (RFC 6298 §2): a
 * smoothed mean (α = 1/8) and a smoothed mean deviation (β = 1/4) of observed
 * latencies; `mean + 4 · deviation` bounds nearly every sample of a stable server and
 * widens as soon as latencies spread (a loaded coordinator, a loaded client). Pure: no
 * clock, no timers.
 */
export class LatencyEstimator {
  #srtt: number | undefined;
  #rttvar = 0;
  #samples = 0;

  /** Feeds one observed latency, in ms (negative or non-finite values are ignored). */
  observe(latencyMs: number): void {
    if (!(latencyMs >= 0) || !Number.isFinite(latencyMs)) return;
    this.#samples++;
    if (this.#srtt === undefined) {
      this.#srtt = latencyMs;
      this.#rttvar = latencyMs / 2;
      return;
    }
    this.#rttvar = 0.75 * this.#rttvar + 0.25 * Math.abs(this.#srtt - latencyMs);
    this.#srtt = 0.875 * this.#srtt + 0.125 * latencyMs;
  }

  /** Samples seen. */
  get samples(): number {
    return this.#samples;
  }

  /** Smoothed latency in ms; undefined before the first sample. */
  get mean(): number | undefined {
    return this.#srtt;
  }

  /** `mean + 4 · deviation` in ms (RFC 6298's RTO before its floor); undefined before the first sample. */
  get bound(): number | undefined {
    return this.#srtt === undefined ? undefined : this.#srtt + 4 * this.#rttvar;
  }
}
