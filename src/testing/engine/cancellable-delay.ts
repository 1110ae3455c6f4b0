/**
 * A timer that an AbortSignal can cut short; used for `sleep(ms)` and SYNC_DDL.
 *
 * @internal
 */
import { cancelledError } from './sql-errors';

/**
 * Resolves after `ms` milliseconds, or rejects with Impala's `Cancelled` as soon
 * as `signal` aborts. The timer is always cleared.
 */
export function cancellableDelay(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(cancelledError());
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(cancelledError());
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
