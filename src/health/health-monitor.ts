import createDebug from 'debug';
import { ErrorCode, ImpalaError } from '../errors';
import { probeDelay, refusedProbeDelay } from '../retry/backoff';
import { systemClock, type Clock, type TimerHandle } from '../retry/clock';
import type { HealthSignal } from '../retry/retry-policy';
import { CoordinatorHealth, type HealthState, type HealthThresholds, type HealthTransition } from './coordinator-health';

const debug = createDebug('impala-ha:health');

/** Shortest gap between two probes of one coordinator, in ms (MongoDB's minHeartbeatFrequencyMS). */
const MIN_PROBE_GAP_MS = 500;

/** Settings of a {@link HealthMonitor}. */
export interface HealthMonitorOptions extends HealthThresholds {
  /** `host:port`, for logs. */
  address: string;
  /** First probe delay after going down, in ms (doubles per failed probe that got no answer, with jitter). */
  intervalMs: number;
  /** Cap of the probe delay, in ms. */
  maxIntervalMs: number;
  /**
   * Probe delay while connects are refused, in ms (±25% jitter, never doubled): a
   * refused connect costs nothing, and a restarted coordinator must serve again at
   * once however long it was gone. Default 250.
   */
  refusedIntervalMs?: number;
  /** Checks the coordinator: resolves when it accepts a session, rejects otherwise. */
  probe: () => Promise<void>;
  /** Told about every state change. */
  onTransition: (t: HealthTransition, error: Error | undefined) => void;
  /** Uniform [0, 1) source for jitter. Default `Math.random`. */
  random?: () => number;
  /** Time and timers. Default the system clock. */
  clock?: Clock;
}

/**
 * The mechanism around {@link CoordinatorHealth}: feeds it passive signals, runs
 * active probes with backoff while the coordinator is down or draining, and reports
 * transitions. Its only timer is the next probe, unref'd, cleared on close.
 */
export class HealthMonitor {
  readonly #health: CoordinatorHealth;
  readonly #opts: HealthMonitorOptions;
  readonly #random: () => number;
  readonly #clock: Clock;
  #timer: TimerHandle | undefined;
  #probing = false;
  #closed = false;
  /** The last probe succeeded: the next one (toward `rise`) comes at the base interval. */
  #lastProbeOk = false;
  /** The last failure was a refused connect: probe again soon, whatever the count. */
  #refused = false;
  #lastProbeAt = Number.NEGATIVE_INFINITY;

  constructor(opts: HealthMonitorOptions) {
    this.#opts = opts;
    this.#health = new CoordinatorHealth(opts);
    this.#random = opts.random ?? Math.random;
    this.#clock = opts.clock ?? systemClock;
  }

  get state(): HealthState {
    return this.#health.state;
  }

  get selectable(): boolean {
    return this.#health.selectable;
  }

  get lastError(): Error | undefined {
    return this.#health.lastError;
  }

  /** Traffic share for the balancer (slow start). */
  weight(): number {
    // Outside a ramp the weight is 1: no clock read (the balancer asks on every pick).
    const endsAt = this.#health.rampEndsAt;
    if (endsAt === Number.NEGATIVE_INFINITY) return 1;
    const now = this.#clock.now();
    return now >= endsAt ? 1 : this.#health.weight(now);
  }

  /** A request succeeded on the coordinator. */
  success(): void {
    this.#apply(this.#health.onSuccess(), undefined);
  }

  /** A request or connect failed; returns the transition it caused, if any. */
  failure(signal: HealthSignal, err: Error): HealthTransition | undefined {
    this.#refused = isRefused(err);
    return this.#apply(this.#health.onFailure(signal, err), err);
  }

  /**
   * Probes now instead of waiting for the backoff (used when no coordinator at all
   * is selectable, so a recovered one is found without delay). No-op while a probe
   * is running or the coordinator is selectable.
   */
  probeSoon(): void {
    if (this.#closed || this.#probing || this.#health.selectable) return;
    // However many requests ask, a coordinator is probed at most every MIN_PROBE_GAP_MS.
    if (this.#clock.now() - this.#lastProbeAt < MIN_PROBE_GAP_MS) return;
    if (this.#timer) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    void this.#runProbe();
  }

  /** Stops probing. */
  close(): void {
    this.#closed = true;
    if (this.#timer) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #apply(t: HealthTransition | undefined, err: Error | undefined): HealthTransition | undefined {
    if (!t) return undefined;
    debug('%s %s -> %s: %s', this.#opts.address, t.from, t.to, t.reason);
    this.#opts.onTransition(t, err);
    if (!this.#health.selectable) this.#schedule();
    return t;
  }

  #schedule(): void {
    if (this.#closed || this.#timer || this.#probing) return;
    const delay = this.#refused
      ? refusedProbeDelay(this.#opts.refusedIntervalMs ?? 250, this.#random)
      : probeDelay(this.#lastProbeOk ? 0 : this.#health.probeAttempt, this.#opts.intervalMs, this.#opts.maxIntervalMs, this.#random);
    debug('%s next probe in %d ms', this.#opts.address, delay);
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = undefined;
      void this.#runProbe();
    }, delay);
    // Probes never keep the process alive.
    this.#timer.unref();
  }

  async #runProbe(): Promise<void> {
    if (this.#closed || this.#probing) return;
    this.#probing = true;
    this.#lastProbeAt = this.#clock.now();
    let t: HealthTransition | undefined;
    let error: Error | undefined;
    try {
      await this.#opts.probe();
      this.#lastProbeOk = true;
      this.#refused = false;
      t = this.#health.onProbe(true, this.#clock.now());
    } catch (err) {
      error = err as Error;
      this.#lastProbeOk = false;
      this.#refused = isRefused(err);
      const draining = err instanceof ImpalaError && err.code === ErrorCode.SERVER_SHUTTING_DOWN;
      t = this.#health.onProbe(false, this.#clock.now(), error, draining);
      debug('%s probe failed: %s', this.#opts.address, error.message);
    } finally {
      this.#probing = false;
    }
    if (this.#closed) return;
    if (t) {
      debug('%s %s -> %s: %s', this.#opts.address, t.from, t.to, t.reason);
      this.#opts.onTransition(t, error);
    }
    if (!this.#health.selectable) this.#schedule();
  }
}

/** A refused connect: nothing listens there (yet); probing again is cheap. */
function isRefused(err: unknown): boolean {
  return err instanceof ImpalaError && err.code === ErrorCode.CONNECT_REFUSED;
}
