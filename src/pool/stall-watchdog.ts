import type { Clock, TimerHandle } from '../retry/clock';

/** What a {@link StallWatchdog} watches. @internal */
export interface WatchdogDeps {
  clock: Clock;
  /** When a call or connect without an answer counts as overrunning, in ms. */
  overrunMs(): number;
  /**
   * A call whose overrun hook has fired and that is still waiting, with no byte back
   * since: the reason to ask again, or undefined when there is none.
   */
  stalledCall(): string | undefined;
  /** Start of the oldest connect in progress, if any. */
  oldestConnectStart(): number | undefined;
  /** Something overran: check the coordinator. */
  onStall(reason: string): void;
}

/**
 * Watches what the channels' CallPolicy hooks cannot report. The first overrun of a
 * call comes from the channel itself (`onOverrun`, at the head of the wire, on every
 * transport); two things need a timer of the pool's own:
 * - **connects in progress**: TCP connect, TLS and SASL handshakes happen before a
 *   channel exists, so no call and no hook: a server that accepts connections but
 *   never answers a handshake (a stopped process) is seen only here;
 * - **calls still stalled after a check**: the hook fires once per call, so when the
 *   coordinator answered the check and then hangs during that same call (a
 *   FetchResults held with FETCH_ROWS_TIMEOUT_MS=0, a long ExecuteStatement), only
 *   asking again finds it; the liveness check spaces these checks (1, 2, 4 s).
 * It runs only while one of those exists, on an unref'd timer.
 *
 * @internal
 */
export class StallWatchdog {
  readonly #d: WatchdogDeps;
  #timer: TimerHandle | undefined;
  #stopped = false;

  constructor(deps: WatchdogDeps) {
    this.#d = deps;
  }

  /** A connect started or a call overran: make sure the watchdog is looking. */
  kick(): void {
    if (this.#stopped || this.#timer) return;
    this.#arm(this.#d.overrunMs());
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer) this.#d.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #arm(ms: number): void {
    this.#timer = this.#d.clock.setTimeout(() => this.#tick(), Math.max(10, Math.ceil(ms)));
    this.#timer.unref();
  }

  #tick(): void {
    this.#timer = undefined;
    if (this.#stopped) return;
    const now = this.#d.clock.now();
    const overrun = this.#d.overrunMs();
    let stalled = this.#d.stalledCall();
    let busy = stalled !== undefined;
    let next = Infinity;
    const connecting = this.#d.oldestConnectStart();
    if (connecting !== undefined) {
      busy = true;
      const due = connecting + overrun;
      if (due <= now) stalled ??= `a connect has not completed for ${Math.round(now - connecting)} ms`;
      else next = due;
    }
    if (stalled) this.#d.onStall(stalled);
    // Keep looking while something is out: at the next due time, or one overrun from now.
    if (busy) this.#arm(Number.isFinite(next) ? Math.min(next - now, overrun) : overrun);
  }
}
