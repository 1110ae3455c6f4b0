import { AbortedError, ArgumentError, ImpalaError, QueryTimeoutError, type ImpalaErrorDetails } from '../../errors';
import { watchAbort } from '../../util/abort-watch';

/**
 * The caller's AbortSignal and `timeoutMs` of one call, merged into a single signal
 * whose reason is already the typed error: a {@link QueryTimeoutError} when the time
 * bound elapsed, otherwise whatever the caller aborted with (turned into an
 * {@link AbortedError} by {@link abortError}). `dispose()` clears the timer.
 *
 * @internal
 */
export class CallGuard {
  /** Fires on the caller's abort or when `timeoutMs` elapses; undefined when neither can happen. */
  readonly signal: AbortSignal | undefined;
  readonly #timer: NodeJS.Timeout | undefined;

  /**
   * @param timeoutMs bound in ms; `undefined` or 0 = none.
   * @throws {@link ArgumentError} for a negative or non-finite `timeoutMs`.
   */
  constructor(signal: AbortSignal | undefined, timeoutMs: number | undefined) {
    if (timeoutMs !== undefined && !(typeof timeoutMs === 'number' && timeoutMs >= 0 && Number.isFinite(timeoutMs))) {
      throw new ArgumentError(`timeoutMs must be a non-negative number of milliseconds (0 = no limit), got ${String(timeoutMs)}`);
    }
    if (signal !== undefined && !(signal instanceof AbortSignal)) throw new ArgumentError('signal must be an AbortSignal');
    if (!timeoutMs) {
      this.signal = signal;
      return;
    }
    const controller = new AbortController();
    this.#timer = setTimeout(() => controller.abort(new QueryTimeoutError(timeoutMs)), timeoutMs);
    this.signal = signal ? AbortSignal.any([signal, controller.signal]) : controller.signal;
  }

  /** Clears the timer. Safe to call more than once. */
  dispose(): void {
    if (this.#timer) clearTimeout(this.#timer);
  }
}

/**
 * The typed error for an aborted call: the reason itself when it is already an
 * ImpalaError (e.g. {@link QueryTimeoutError}), else an {@link AbortedError} with the
 * reason as `cause`. Fills in `details` the error does not have yet.
 */
export function abortError(reason: unknown, details: ImpalaErrorDetails = {}): ImpalaError {
  if (reason instanceof ImpalaError) {
    reason.coordinator ??= details.coordinator;
    reason.queryId ??= details.queryId;
    return reason;
  }
  return new AbortedError(undefined, { ...details, cause: reason });
}

/**
 * Settles like `promise`, or rejects with `onAbort(signal.reason)` as soon as the
 * signal fires. A later rejection of `promise` is then ignored (never unhandled).
 */
export function raceSignal<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => {
      promise.catch(() => undefined);
      reject(signal.reason);
    };
    const unwatch = watchAbort(signal, onAbort);
    promise.then(
      (v) => {
        unwatch();
        resolve(v);
      },
      (e: unknown) => {
        unwatch();
        reject(e);
      },
    );
  });
}

/** Resolves after `ms`, or rejects with the signal's reason when it fires first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Settles like `promise` or rejects with `makeError()` after `ms`. For cleanup RPCs
 * (cancel, close) that must not hold the caller longer than a fixed bound.
 */
export function withTimeout<T>(promise: Promise<T>, ms: number, makeError: () => Error): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      promise.catch(() => undefined);
      reject(makeError());
    }, ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}

/**
 * Delay before the next status poll: 1 ms, then doubling, capped at `maxMs`.
 * `previous` = 0 starts the sequence.
 */
export function nextPollDelay(previous: number, maxMs: number): number {
  return previous <= 0 ? Math.min(1, maxMs) : Math.min(previous * 2, maxMs);
}
