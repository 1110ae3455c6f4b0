import type { Channel } from '../connection';
import type { Clock, TimerHandle } from '../retry/clock';

/** What a {@link StallWatchdog} watches. @internal */
export interface WatchdogDeps {
  clock: Clock;
  /** When a call without a reply counts as overrunning, in ms. */
  overrunMs(): number;
  /** Channels of units lent or being checked right now. */
  busyChannels(): Iterable<Channel>;
  /** Start of the oldest connect in progress, if any. */
  oldestConnectStart(): number | undefined;
  /** Something overran: check the coordinator. */
  onStall(reason: string): void;
}

/**
 * Notices a call that has waited past its overrun point for a reply, or a connect that
 * has not completed by then, on any transport: it reads only the channel's public
 * `pendingCalls` and `lastActivityAt`. (A transport that implements the CallPolicy
 * overrun hook reports the same thing sooner and per call; both lead to the same
 * single-flight liveness check.) It runs only while the coordinator has work out, on
 * an unref'd timer set for the next moment something could overrun.
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

  /** Work started: make sure the watchdog is looking. */
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
    let busy = false;
    let next = Infinity;
    let stalled: string | undefined;
    for (const ch of this.#d.busyChannels()) {
      busy = true;
      if (ch.closed || ch.pendingCalls === 0) continue;
      const due = ch.lastActivityAt + overrun;
      if (due <= now) stalled ??= `a call on connection #${ch.id} has had no reply for ${Math.round(now - ch.lastActivityAt)} ms`;
      else next = Math.min(next, due);
    }
    const connecting = this.#d.oldestConnectStart();
    if (connecting !== undefined) {
      busy = true;
      const due = connecting + overrun;
      if (due <= now) stalled ??= `a connect has not completed for ${Math.round(now - connecting)} ms`;
      else next = Math.min(next, due);
    }
    if (stalled) this.#d.onStall(stalled);
    // Keep looking while work is out: at the next due time, or one overrun from now.
    if (busy) this.#arm(Number.isFinite(next) ? next - now : overrun);
  }
}
