import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import createDebug from 'debug';
import pRetry from 'p-retry';
import { AbortedError, ImpalaError, NoCoordinatorError, OutcomeUnknownError, QueryTimeoutError } from '../errors';
import type { EventSink } from '../pool/coordinator-pool';
import type { Cluster } from '../pool/cluster';
import type { ProtocolSession } from '../protocol/protocol-session';
import { fullJitterDelay } from '../retry/backoff';
import type { RetryBudget } from '../retry/retry-budget';
import { decideRetry, neverSent, type RetryDecision } from '../retry/retry-policy';
import type { StatementKind } from '../retry/statement-kind';

const debug = createDebug('impala-ha:retry');

/** Retry settings the executor applies. @internal */
export interface RetrySettings {
  retries: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/** What one attempt reports back while it runs. @internal */
export interface AttemptProgress {
  /** Set once ExecuteStatement may have reached the coordinator. */
  statementSent: boolean;
  /** Set once a row reached the caller. */
  rowsDelivered: boolean;
}

/** One request as the executor sees it. @internal */
export interface RequestSpec {
  kind: StatementKind;
  idempotent: boolean;
  affinity: string | undefined;
  /** Statement text for messages (shortened). */
  label: string;
  signal: AbortSignal | undefined;
  timeoutMs: number;
}

/** Work done on a leased session; `attempt` is 1-based. */
export type AttemptWork<T> = (session: ProtocolSession, attempt: number, progress: AttemptProgress, signal: AbortSignal) => Promise<T>;

const decisions = new WeakMap<object, RetryDecision>();

/**
 * Runs a request with selection, leasing, passive health reporting and the retry
 * rules (p-retry drives the attempts; {@link decideRetry} decides; a shared
 * {@link RetryBudget} caps the total; full-jitter backoff spaces them). A retry goes
 * to another coordinator when one is selectable.
 *
 * @internal
 */
export class RequestExecutor {
  readonly #cluster: Cluster;
  readonly #budget: RetryBudget;
  readonly #retry: RetrySettings;
  readonly #emit: EventSink;
  readonly #random: () => number;

  constructor(cluster: Cluster, budget: RetryBudget, retry: RetrySettings, emit: EventSink, random: () => number) {
    this.#cluster = cluster;
    this.#budget = budget;
    this.#retry = retry;
    this.#emit = emit;
    this.#random = random;
  }

  async run<T>(spec: RequestSpec, work: AttemptWork<T>): Promise<{ value: T; attempts: number; coordinator: string }> {
    const controller = new AbortController();
    // Whatever the caller aborted with (often a DOMException), the call rejects with an
    // AbortedError carrying it as the cause.
    const onAbort = (): void => controller.abort(new AbortedError(undefined, { cause: spec.signal!.reason }));
    if (spec.signal?.aborted) throw new AbortedError(undefined, { cause: spec.signal.reason });
    spec.signal?.addEventListener('abort', onAbort, { once: true });
    let deadline: NodeJS.Timeout | undefined;
    if (spec.timeoutMs > 0) {
      deadline = setTimeout(() => controller.abort(new QueryTimeoutError(spec.timeoutMs)), spec.timeoutMs);
    }
    const signal = controller.signal;
    this.#budget.recordRequest();
    const tried = new Set<string>();
    let lastFailure: { coordinator: string; error: Error } | undefined;
    try {
      return await pRetry(
        async (attempt) => {
          if (attempt > 1) {
            const delayMs = fullJitterDelay(attempt - 2, this.#retry.baseDelayMs, this.#retry.maxDelayMs, this.#random);
            if (lastFailure) {
              this.#emit('retried', {
                time: new Date(),
                coordinator: lastFailure.coordinator,
                attempt,
                delayMs,
                error: lastFailure.error,
                reason: decisions.get(lastFailure.error)?.reason ?? '',
              });
            }
            if (delayMs > 0) await sleep(delayMs, undefined, { signal }).catch(() => undefined);
            if (signal.aborted) throw abortError(signal);
          }
          const progress: AttemptProgress = { statementSent: false, rowsDelivered: false };
          let pool;
          try {
            pool = this.#cluster.select(spec.affinity, tried);
          } catch (err) {
            throw this.#judge(err, spec, progress, undefined);
          }
          if (lastFailure && lastFailure.coordinator !== pool.address) {
            this.#emit('failedOver', { time: new Date(), coordinator: pool.address, from: lastFailure.coordinator, error: lastFailure.error });
          }
          tried.add(pool.address);
          let unit;
          try {
            unit = await pool.acquire();
          } catch (err) {
            lastFailure = { coordinator: pool.address, error: err as Error };
            throw this.#judge(err, spec, progress, pool.address);
          }
          pool.begin();
          const started = performance.now();
          try {
            const value = await work(unit.session!, attempt, progress, signal);
            pool.end(true, performance.now() - started);
            await pool.release(unit, false);
            return { value, attempts: attempt, coordinator: pool.address };
          } catch (err) {
            pool.end(false, 0);
            const aborted = signal.aborted;
            if (!aborted) pool.noteFailure(err as Error);
            const broken = !(err instanceof ImpalaError) || err.family === 'connection' || err.family === 'protocol' || err.family === 'timeout' || unit.session!.connection.closed;
            await pool.release(unit, broken || aborted);
            if (aborted) throw abortError(signal);
            lastFailure = { coordinator: pool.address, error: err as Error };
            throw this.#judge(err, spec, progress, pool.address);
          }
        },
        {
          retries: this.#retry.retries,
          minTimeout: 0,
          maxTimeout: 0,
          factor: 1,
          randomize: false,
          shouldRetry: ({ error }) => {
            if (signal.aborted) return false;
            const d = decisions.get(error);
            if (!d?.retry) return false;
            if (!this.#budget.tryRetry()) {
              debug('retry of %s refused: retry budget spent', spec.label);
              return false;
            }
            const pool = lastFailure && this.#cluster.pool(lastFailure.coordinator);
            pool?.noteRetry();
            debug('retrying %s: %s', spec.label, d.reason);
            return true;
          },
        },
      );
    } catch (err) {
      // Retries ran out on transport failures and nothing is left to try: say that,
      // with every coordinator's last error, rather than only the last attempt's.
      if (decisions.get(err as object)?.retry && !(err instanceof NoCoordinatorError)) {
        throw this.#cluster.unavailableError(err) ?? err;
      }
      throw err;
    } finally {
      if (deadline) clearTimeout(deadline);
      spec.signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Attaches the retry decision to an error, turning a may-have-run failure into an OutcomeUnknownError. */
  #judge(err: unknown, spec: RequestSpec, progress: AttemptProgress, coordinator: string | undefined): Error {
    if (progress.statementSent && neverSent(err)) progress.statementSent = false;
    const decision = decideRetry(err, {
      kind: spec.kind,
      idempotent: spec.idempotent,
      rowsDelivered: progress.rowsDelivered,
      statementSent: progress.statementSent,
    });
    let out: Error = err instanceof Error ? err : new Error(String(err));
    if (decision.mayHaveRun && !decision.retry && err instanceof ImpalaError) {
      out = new OutcomeUnknownError(
        `${spec.label} may have run on ${coordinator ?? 'a coordinator'}: ${err.message}. It was not retried because it is a ${spec.kind} statement not marked idempotent; check its effect before running it again.`,
        { coordinator, queryId: err.queryId, cause: err },
      );
    }
    decisions.set(out, decision);
    return out;
  }
}

function abortError(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new AbortedError();
}
