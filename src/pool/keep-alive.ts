import type { Clock, TimerHandle } from '../retry/clock';
import type { PooledUnit } from './pooled-unit';
import type { SessionPool } from './session-pool';

/**
 * Pings idle units that have been quiet for `intervalMs`, so a proxy or firewall with
 * an idle timeout never sees them idle that long. A unit is taken out of the idle list
 * while it is pinged (no caller can get it meanwhile); one whose ping fails is closed.
 * The timer never keeps the process alive.
 *
 * @internal
 */
export class KeepAlive {
  readonly #intervalMs: number;
  readonly #pool: SessionPool;
  readonly #clock: Clock;
  readonly #pingTimeoutMs: () => number;
  #timer: TimerHandle | undefined;
  #stopped = false;

  constructor(intervalMs: number, pool: SessionPool, clock: Clock, pingTimeoutMs: () => number) {
    this.#intervalMs = intervalMs;
    this.#pool = pool;
    this.#clock = clock;
    this.#pingTimeoutMs = pingTimeoutMs;
    this.#schedule();
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #schedule(): void {
    if (this.#stopped) return;
    // Checking at half the interval keeps every idle unit's silence below it.
    this.#timer = this.#clock.setTimeout(() => this.#tick(), Math.max(100, Math.floor(this.#intervalMs / 2)));
    this.#timer.unref();
  }

  #tick(): void {
    this.#timer = undefined;
    const now = this.#clock.now();
    const due = this.#pool.takeIdle((u) => !u.session.connection.closed && !u.session.busy && u.idleFor(now) >= this.#intervalMs);
    for (const unit of due) void this.#ping(unit);
    this.#schedule();
  }

  async #ping(unit: PooledUnit): Promise<void> {
    try {
      await unit.session.ping({ timeoutMs: this.#pingTimeoutMs() });
      this.#pool.release(unit);
    } catch {
      this.#pool.release(unit, 'validationFailed');
    }
  }
}
