import { NoCoordinatorError } from '../errors';
import type { Cluster } from '../pool/cluster';
import type { ProtocolSession } from '../protocol/protocol-session';
import { runAttempts, type Attempt, type AttemptDeps, type AttemptResult, type AttemptSettings } from '../retry/attempt-loop';
import type { StatementKind } from '../retry/statement-kind';

/** One pooled request as the executor sees it. @internal */
export interface RequestSpec {
  kind: StatementKind;
  idempotent: boolean;
  affinity: string | undefined;
  /** Statement text for messages (shortened, no parameter values). */
  label: string;
  signal: AbortSignal | undefined;
  /** Bound on the whole request including retries, in ms; 0 = none. */
  timeoutMs: number;
}

/**
 * Work done on a leased session in one attempt. It sets `attempt.progress.statementSent`
 * when ExecuteStatement may have gone out, and `rowsDelivered` once a row reached the
 * caller; it must honour `attempt.signal`.
 */
export type AttemptWork<T> = (session: ProtocolSession, attempt: Attempt) => Promise<T>;

/**
 * Runs pooled requests through the attempt loop: each attempt selects a coordinator
 * (one not tried yet when any is selectable), leases a session there, runs the work
 * and gives the session back — pooled again or closed, as the failure decides.
 *
 * @internal
 */
export class RequestExecutor {
  readonly #cluster: Cluster;
  readonly #settings: AttemptSettings;
  readonly #deps: AttemptDeps;
  readonly #closeSignal: AbortSignal | undefined;

  /** `closeSignal` ends every running request with its reason (the client's close ran out of time). */
  constructor(cluster: Cluster, settings: AttemptSettings, deps: AttemptDeps, closeSignal?: AbortSignal) {
    this.#cluster = cluster;
    this.#settings = settings;
    this.#deps = deps;
    this.#closeSignal = closeSignal;
  }

  run<T>(spec: RequestSpec, work: AttemptWork<T>): Promise<AttemptResult<T>> {
    const cluster = this.#cluster;
    return runAttempts(
      {
        spec,
        async run(attempt) {
          const pool = cluster.select(spec.affinity, attempt.tried);
          attempt.startedOn(pool.address);
          const lease = await pool.acquire(attempt.signal);
          try {
            const value = await work(lease.session, attempt);
            lease.release();
            return value;
          } catch (err) {
            lease.release({ error: err, aborted: attempt.signal.aborted });
            throw err;
          }
        },
        // Retries ran out against a cluster that is entirely down: say that, with every
        // coordinator's last error, rather than only the last attempt's.
        exhausted: (err) => (err instanceof NoCoordinatorError ? err : (cluster.unavailableError(err) ?? err)),
      },
      this.#settings,
      this.#deps,
      { signal: spec.signal, timeoutMs: spec.timeoutMs, closeSignal: this.#closeSignal },
    );
  }
}
