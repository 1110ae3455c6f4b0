import { performance } from 'node:perf_hooks';

/**
 * One lazy timer for every clock of a connection's calls (their time bounds and the
 * head call's overrun clock), in place of a Node timer armed and cleared per call.
 *
 * Why: a pooled `select 1` makes four calls, each of which armed a bound and an
 * overrun timer; creating and cancelling those eight timers was a measurable share of
 * the client's CPU per query. Almost every call settles long before its clock is
 * due, so the timer here is armed for the earliest due time it was told of and left
 * alone while later due times arrive; when it fires, the connection checks what is
 * actually due (settled calls are simply gone from its lists) and names the next due
 * time, and the timer is armed again only if there is one. Under a steady load that
 * is one timer per bound floor (a second or more), not eight per query.
 *
 * The timer is unref'd: a connection with calls out keeps the process alive through
 * its socket, and an idle one must not be kept alive by a clock of calls long settled.
 *
 * @internal
 */
export class CallClock {
  readonly #check: (now: number) => number;
  #timer: NodeJS.Timeout | undefined;
  /** `performance.now()` the timer fires at; Infinity when it is not armed. */
  #armedFor = Number.POSITIVE_INFINITY;
  #stopped = false;

  /**
   * @param check runs when the timer fires, with `performance.now()`: acts on what is
   *   due and returns the next due time (`performance.now()` scale), or Infinity.
   */
  constructor(check: (now: number) => number) {
    this.#check = check;
  }

  /** Something is due at `at` (`performance.now()` scale): the timer fires no later. */
  due(at: number): void {
    if (at < this.#armedFor && !this.#stopped) this.#arm(at);
  }

  /** Stops the timer for good (the connection is closed). */
  stop(): void {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#armedFor = Number.POSITIVE_INFINITY;
  }

  #arm(at: number): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#armedFor = at;
    // Node fires timers on whole milliseconds of its loop clock: rounding up keeps a
    // due time from being checked a fraction of a millisecond too early.
    this.#timer = setTimeout(this.#fire, Math.max(1, Math.ceil(at - performance.now())));
    this.#timer.unref();
  }

  readonly #fire = (): void => {
    this.#timer = undefined;
    this.#armedFor = Number.POSITIVE_INFINITY;
    if (this.#stopped) return;
    const next = this.#check(performance.now());
    if (next !== Number.POSITIVE_INFINITY) this.due(next);
  };
}
