/**
 * One 'abort' listener per signal, shared by every call waiting on it.
 *
 * A pooled request hands the client's long-lived close signal to each RPC it makes.
 * Registering and removing an EventTarget listener per RPC cost several microseconds
 * each (a measurable share of a `select 1` through the pool), and a signal with many
 * waiters would keep a long listener list. Here the signal gets one listener, on first
 * use, and each waiter is an entry in a Set: adding and removing it is cheap.
 */

type Waiters = Set<() => void>;

const bySignal = new WeakMap<AbortSignal, Waiters>();

/**
 * Calls `onAbort` once when `signal` aborts (not when it has already aborted: check
 * `signal.aborted` first). Returns the function that stops watching; calling it after
 * the abort, or twice, is harmless.
 *
 * @internal
 */
export function watchAbort(signal: AbortSignal, onAbort: () => void): () => void {
  let waiters = bySignal.get(signal);
  if (waiters === undefined) {
    const created: Waiters = new Set();
    waiters = created;
    bySignal.set(signal, created);
    signal.addEventListener(
      'abort',
      () => {
        const due = [...created];
        created.clear();
        for (const fn of due) {
          try {
            fn();
          } catch (err) {
            // As an EventTarget listener's exception would: reported, not swallowed,
            // and the other waiters still run.
            process.nextTick(() => {
              throw err;
            });
          }
        }
      },
      { once: true },
    );
  }
  const set = waiters;
  set.add(onAbort);
  return () => {
    set.delete(onAbort);
  };
}
