import { watchAbort } from '../util/abort-watch';
/** A timer as the {@link Clock} hands it out: enough to keep or not keep the process alive. */
export interface TimerHandle {
  /** Keeps the process alive while the timer is pending (the default). */
  ref(): unknown;
  /** Lets the process exit although the timer is pending. */
  unref(): unknown;
}

/**
 * The time source and timers of the pool, health checks and the attempt loop,
 * injected so unit tests drive them with fake timers. Times are milliseconds on a
 * monotonic scale (`performance.now()` in production), never wall-clock dates.
 */
export interface Clock {
  /** Monotonic time in ms. */
  now(): number;
  /** Calls `callback` once after `ms`. */
  setTimeout(callback: () => void, ms: number): TimerHandle;
  /** Cancels a timer from {@link setTimeout}; a timer that already fired is ignored. */
  clearTimeout(handle: TimerHandle): void;
}

/**
 * The real clock: `performance.now()` and Node's timers, looked up at each call so a
 * test that installs fake timers globally also drives code built with this clock.
 */
export const systemClock: Clock = Object.freeze({
  now: () => performance.now(),
  setTimeout: (callback: () => void, ms: number): TimerHandle => setTimeout(callback, ms),
  clearTimeout: (handle: TimerHandle): void => clearTimeout(handle as NodeJS.Timeout),
});

/**
 * Resolves after `ms` on `clock`, or rejects with the signal's reason when it fires
 * first. The timer keeps the process alive: someone awaits it.
 */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  if (ms <= 0) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => {
      clock.clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = clock.setTimeout(() => {
      unwatch?.();
      resolve();
    }, ms);
    // The client's close signal is shared by every backoff in progress.
    const unwatch = signal ? watchAbort(signal, onAbort) : undefined;
  });
}

/**
 * Settles like `promise`, or rejects with `makeError()` after `ms` on `clock` (a later
 * rejection of `promise` is then ignored, never unhandled).
 */
export function withDeadline<T>(clock: Clock, promise: Promise<T>, ms: number, makeError: () => Error): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = clock.setTimeout(() => {
      promise.catch(() => undefined);
      reject(makeError());
    }, ms);
    promise.then(
      (v) => {
        clock.clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clock.clearTimeout(timer);
        reject(e);
      },
    );
  });
}

/** True when `promise` settled within `ms` on `clock`, false when the time ran out first. */
export function settlesWithin(clock: Clock, promise: Promise<unknown>, ms: number): Promise<boolean> {
  return withDeadline(
    clock,
    promise.then(
      () => true,
      () => true,
    ),
    Math.max(0, ms),
    () => new Error('deadline'),
  ).catch(() => false);
}
