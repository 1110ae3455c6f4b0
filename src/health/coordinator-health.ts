import type { HealthSignal } from '../retry/retry-policy';
import type { HealthState } from '../events/health-state';

export type { HealthState } from '../events/health-state';

/** Thresholds of {@link CoordinatorHealth}. */
export interface HealthThresholds {
  /** Consecutive timeouts that mark a coordinator down. */
  fall: number;
  /** Consecutive successful probes that bring a down coordinator back. */
  rise: number;
  /** Ramp of a recovered coordinator's traffic share, in ms (0 = none). */
  slowStartMs: number;
}

/** A change of state, for events. */
export interface HealthTransition {
  from: HealthState;
  to: HealthState;
  reason: string;
}

/**
 * Traffic share at the start of slow start. The ramp goes linearly from here to 1, and
 * the balancers weigh a coordinator's in-flight requests by it (an idle coordinator
 * has no load whatever its weight), so a recovered coordinator takes real traffic at
 * once, a quarter of its fair share of concurrency at first.
 */
const MIN_WEIGHT = 0.25;

/**
 * The health state machine of one coordinator: pure transitions over an injected
 * time, no timers. The pool feeds it request outcomes and probe results and acts on
 * the transitions it returns (clear the pool, schedule probes, emit events).
 */
export class CoordinatorHealth {
  #state: HealthState = 'up';
  #timeouts = 0;
  #probeSuccesses = 0;
  #probeAttempt = 0;
  #upSince = Number.NEGATIVE_INFINITY;
  #lastError: Error | undefined;
  readonly #t: HealthThresholds;

  constructor(thresholds: HealthThresholds) {
    this.#t = thresholds;
  }

  get state(): HealthState {
    return this.#state;
  }

  /** The last error that changed or kept the state away from `up`. */
  get lastError(): Error | undefined {
    return this.#lastError;
  }

  /** Failed probes since the coordinator went down: the exponent of the probe backoff. */
  get probeAttempt(): number {
    return this.#probeAttempt;
  }

  /** Whether new work may go there. */
  get selectable(): boolean {
    return this.#state === 'up' || this.#state === 'suspect';
  }

  /** Traffic share in (0, 1]: below 1 for `slowStartMs` after coming back up. */
  weight(now: number): number {
    if (this.#t.slowStartMs <= 0) return 1;
    const elapsed = now - this.#upSince;
    if (elapsed >= this.#t.slowStartMs) return 1;
    return MIN_WEIGHT + (1 - MIN_WEIGHT) * Math.max(0, elapsed / this.#t.slowStartMs);
  }

  /** Until when the slow-start ramp lasts (time of the last `up` + `slowStartMs`; −∞ before any recovery). */
  get rampEndsAt(): number {
    return this.#t.slowStartMs > 0 ? this.#upSince + this.#t.slowStartMs : Number.NEGATIVE_INFINITY;
  }

  /** A request on this coordinator succeeded. */
  onSuccess(): HealthTransition | undefined {
    this.#timeouts = 0;
    if (this.#state === 'suspect') return this.#move('up', 'request succeeded');
    return undefined;
  }

  /** A request or connect failed with what `signal` says about the coordinator. */
  onFailure(signal: HealthSignal, err: Error): HealthTransition | undefined {
    switch (signal) {
      case 'down':
        this.#lastError = err;
        return this.#state === 'down' ? undefined : this.#move('down', err.message);
      case 'suspect':
        this.#lastError = err;
        if (this.#state === 'down' || this.#state === 'draining') return undefined;
        this.#timeouts++;
        if (this.#timeouts >= this.#t.fall) return this.#move('down', `${this.#timeouts} consecutive timeouts (fall ${this.#t.fall})`);
        return this.#state === 'up' ? this.#move('suspect', err.message) : undefined;
      case 'draining':
        this.#lastError = err;
        return this.#state === 'draining' || this.#state === 'down' ? undefined : this.#move('draining', 'coordinator is shutting down');
      default:
        return undefined;
    }
  }

  /**
   * An active probe finished. `ok` = it connected and the coordinator accepted a
   * session; `draining` = it answered that it is shutting down.
   */
  onProbe(ok: boolean, now: number, err?: Error, draining = false): HealthTransition | undefined {
    if (draining) {
      this.#probeSuccesses = 0;
      this.#probeAttempt++;
      if (err) this.#lastError = err;
      return this.#state === 'draining' ? undefined : this.#move('draining', 'coordinator is shutting down');
    }
    if (!ok) {
      this.#probeSuccesses = 0;
      this.#probeAttempt++;
      if (err) this.#lastError = err;
      return this.#state === 'draining' && err ? this.#move('down', err.message) : undefined;
    }
    this.#probeSuccesses++;
    if (this.#probeSuccesses >= this.#t.rise) {
      this.#probeAttempt = 0;
      this.#probeSuccesses = 0;
      this.#timeouts = 0;
      this.#upSince = now;
      this.#lastError = undefined;
      return this.#move('up', `${this.#t.rise} successful probe(s) (rise ${this.#t.rise})`);
    }
    return undefined;
  }

  #move(to: HealthState, reason: string): HealthTransition {
    const from = this.#state;
    this.#state = to;
    if (to === 'down' || to === 'draining') {
      this.#probeAttempt = 0;
      this.#probeSuccesses = 0;
    }
    if (to !== 'suspect') this.#timeouts = to === 'up' ? 0 : this.#timeouts;
    return { from, to, reason };
  }
}
