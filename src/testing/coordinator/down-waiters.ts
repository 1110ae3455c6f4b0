import { ClosedError } from '../../errors';

/**
 * Callers waiting for a coordinator to go down, each with its own time bound.
 *
 * @internal
 */
export class DownWaiters {
  #waiters: Array<{ resolve: () => void; timer: NodeJS.Timeout }> = [];

  /** Resolves at the next {@link notify}, or rejects after `timeoutMs`. */
  wait(address: string, timeoutMs: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const entry = {
        resolve,
        timer: setTimeout(() => {
          this.#waiters = this.#waiters.filter((w) => w !== entry);
          reject(new ClosedError(`simulated coordinator ${address} was still up after ${timeoutMs} ms`, { coordinator: address }));
        }, timeoutMs),
      };
      entry.timer.unref();
      this.#waiters.push(entry);
    });
  }

  /** The coordinator went down: wake everyone. */
  notify(): void {
    for (const w of this.#waiters.splice(0)) {
      clearTimeout(w.timer);
      w.resolve();
    }
  }
}
