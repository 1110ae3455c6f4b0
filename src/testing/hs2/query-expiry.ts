import type { SimOperation } from './sim-operation';

/**
 * Idle query expiry (QUERY_TIMEOUT_S, `--idle_query_timeout`; protocol reference
 * §5.7c). A query's clock runs once its rows are ready (or it finished) and
 * while the client is not fetching; each FetchResults restarts it (Impala marks
 * a query active only while it fetches rows). When it runs out, `onExpire` ends
 * the query.
 *
 * @internal
 */
export class QueryExpiry {
  readonly #onExpire: (op: SimOperation) => void;

  constructor(onExpire: (op: SimOperation) => void) {
    this.#onExpire = onExpire;
  }

  /** Starts watching a registered query with idle timeout `timeoutMs` (0 = never). */
  watch(op: SimOperation, timeoutMs: number): void {
    op.idleTimeoutMs = timeoutMs;
    if (timeoutMs <= 0) return;
    op.onSettle(() => {
      op.lastActivity = Date.now();
      this.#arm(op);
    });
  }

  /** A fetch starts on the query. */
  enter(op: SimOperation): void {
    op.activeRpcs++;
    this.stop(op);
  }

  /** A fetch on the query ended. */
  leave(op: SimOperation): void {
    op.activeRpcs = Math.max(0, op.activeRpcs - 1);
    op.lastActivity = Date.now();
    this.#arm(op);
  }

  /** Stops the clock (the query was closed or is in use). */
  stop(op: SimOperation): void {
    clearTimeout(op.idleTimer);
    op.idleTimer = undefined;
  }

  #arm(op: SimOperation): void {
    this.stop(op);
    // Only finished queries wait on the client; running and failed ones are not idle.
    if (op.idleTimeoutMs <= 0 || op.activeRpcs > 0 || op.closed || op.phase !== 'FINISHED') return;
    op.idleTimer = setTimeout(() => {
      op.idleTimer = undefined;
      if (op.activeRpcs > 0 || op.closed || op.phase !== 'FINISHED') return;
      this.#onExpire(op);
    }, Math.max(0, op.lastActivity + op.idleTimeoutMs - Date.now()));
    op.idleTimer.unref();
  }
}
