import createDebug from 'debug';
import { AbortedError, ImpalaError, OutcomeUnknownError, QueryTimeoutError } from '../errors';
import type { EventSink } from '../events/event-sink';
import { watchAbort } from '../util/abort-watch';
import { fullJitterDelay } from './backoff';
import { sleep, type Clock } from './clock';
import type { RetryBudget } from './retry-budget';
import { decideRetry, type RetryDecision, type RetryTarget } from './retry-policy';
import type { StatementKind } from './statement-kind';

const debug = createDebug('impala-ha:retry');

/** What the loop needs to know about the request. */
export interface AttemptSpec {
  kind: StatementKind;
  idempotent: boolean;
  /** Statement text for messages (shortened, never parameter values). */
  label: string;
}

/** What one attempt reports back while it runs; the plan sets the fields. */
export interface AttemptProgress {
  /** `host:port` the attempt runs on, once chosen. */
  coordinator: string | undefined;
  /** ExecuteStatement may have reached the coordinator. */
  statementSent: boolean;
  /** A row reached the caller. */
  rowsDelivered: boolean;
}

/** The last failure of a request. */
export interface PreviousFailure {
  /** Where it failed (the last coordinator known for the request). */
  coordinator: string | undefined;
  error: Error;
}

/** One attempt as the plan sees it. */
export interface Attempt {
  /** 1-based. */
  readonly number: number;
  /** Where the previous failure says to go; undefined on the first attempt. */
  readonly target: RetryTarget | undefined;
  readonly previous: PreviousFailure | undefined;
  /** Coordinators earlier attempts ran on. */
  readonly tried: ReadonlySet<string>;
  readonly progress: AttemptProgress;
  /** Fires on the caller's abort or the call's deadline. */
  readonly signal: AbortSignal;
  /** Call once the coordinator is chosen: records it and emits `failedOver` when it differs from the last failure's. */
  startedOn(coordinator: string): void;
}

/**
 * A request as the attempt loop runs it: pooled calls, statements of pinned sessions
 * and the opening of sessions are all plans.
 */
export interface AttemptPlan<T> {
  readonly spec: AttemptSpec;
  /** One attempt. Throws on failure; the loop decides what follows. */
  run(attempt: Attempt): Promise<T>;
  /**
   * Called after every failure that is not an abort, with the decision, before the loop
   * retries or gives up: the place to repair (reattach, reopen) or release. Throwing
   * ends the request with that error (still marked may-have-run when it applies).
   */
  afterFailure?(error: Error, decision: RetryDecision, attempt: Attempt): Promise<void>;
  /** The error for a failure worth retrying that can no longer be (attempts or budget spent). */
  exhausted?(error: Error): Error;
}

/** Retry settings. */
export interface AttemptSettings {
  /** Extra attempts allowed after the first. */
  retries: number;
  /** Full-jitter backoff base, in ms. */
  baseDelayMs: number;
  /** Backoff cap, in ms. */
  maxDelayMs: number;
}

/** What the loop uses besides the plan. */
export interface AttemptDeps {
  budget: RetryBudget;
  clock: Clock;
  random: () => number;
  emit: EventSink;
}

/** The caller's bounds on the whole request. */
export interface CallBounds {
  signal?: AbortSignal | undefined;
  /** Bound on the whole request including retries, in ms; 0 = none. */
  timeoutMs?: number | undefined;
  /** The client's own signal (its close ran out of time): the request ends with the signal's reason. */
  closeSignal?: AbortSignal | undefined;
}

/** What a successful request returns. */
export interface AttemptResult<T> {
  value: T;
  attempts: number;
  coordinator: string | undefined;
}

/**
 * Runs a request until it succeeds or may not be tried again — the one attempt loop of
 * the client. After each failure {@link decideRetry} decides (pure) whether to retry and
 * where; the shared {@link RetryBudget} caps retries that reach coordinators; full-jitter
 * backoff spaces them; `retried` and `failedOver` are emitted. Once any attempt may have
 * run a statement that is not safe to repeat, a final failure is an
 * {@link OutcomeUnknownError}, whatever later attempts failed with.
 *
 * It owns no timers: the backoff and the deadline run on the injected clock.
 */
export async function runAttempts<T>(plan: AttemptPlan<T>, settings: AttemptSettings, deps: AttemptDeps, bounds: CallBounds = {}): Promise<AttemptResult<T>> {
  const { signal: callerSignal, timeoutMs = 0, closeSignal } = bounds;
  if (callerSignal?.aborted) throw new AbortedError(undefined, { cause: callerSignal.reason });
  if (closeSignal?.aborted) throw closeSignal.reason as Error;
  // The attempts' signal. With neither a caller signal nor a time bound, only the
  // client's close can end the request, so its signal serves as is: no controller and
  // no listeners per request (a measurable share of a pooled `select 1`).
  let signal: AbortSignal;
  let controller: AbortController | undefined;
  let deadline: ReturnType<Clock['setTimeout']> | undefined;
  if (callerSignal === undefined && timeoutMs <= 0) {
    signal = closeSignal ?? NEVER_ABORTED;
  } else {
    const c = new AbortController();
    controller = c;
    signal = c.signal;
    deadline = timeoutMs > 0 ? deps.clock.setTimeout(() => c.abort(new QueryTimeoutError(timeoutMs)), timeoutMs) : undefined;
  }
  // Whatever the caller aborted with (often a DOMException), the call rejects with an
  // AbortedError carrying it as the cause.
  const onAbort = (): void => controller!.abort(new AbortedError(undefined, { cause: callerSignal!.reason }));
  const onClose = (): void => controller!.abort(closeSignal!.reason);
  // Through watchAbort: applications share one signal among many calls, and each call
  // adding its own EventTarget listener would trip Node's 10-listener warning.
  const unwatchCaller = controller !== undefined && callerSignal !== undefined ? watchAbort(callerSignal, onAbort) : undefined;
  const unwatchClose = controller !== undefined && closeSignal !== undefined ? watchAbort(closeSignal, onClose) : undefined;
  const tried = new Set<string>();
  let previous: PreviousFailure | undefined;
  let target: RetryTarget | undefined;
  /** Where a statement that is not safe to repeat may have run (sticky across attempts). */
  let mayHaveRunOn: { coordinator: string | undefined; retried: boolean } | undefined;
  try {
    for (let number = 1; ; number++) {
      const progress: AttemptProgress = { coordinator: undefined, statementSent: false, rowsDelivered: false };
      const attempt: Attempt = {
        number,
        target,
        previous,
        tried,
        progress,
        signal,
        startedOn: (coordinator) => {
          progress.coordinator = coordinator;
          tried.add(coordinator);
          if (previous?.coordinator !== undefined && previous.coordinator !== coordinator) {
            deps.emit('failedOver', { time: new Date(), coordinator, from: previous.coordinator, error: previous.error });
          }
        },
      };
      let failure: Error;
      try {
        const value = await plan.run(attempt);
        return { value, attempts: number, coordinator: progress.coordinator };
      } catch (err) {
        failure = err instanceof Error ? err : new Error(String(err));
      }
      if (signal.aborted) throw abortReason(signal);
      const decision = decideRetry(failure, { kind: plan.spec.kind, idempotent: plan.spec.idempotent, statementSent: progress.statementSent, rowsDelivered: progress.rowsDelivered });
      if (decision.mayHaveRun) mayHaveRunOn ??= { coordinator: progress.coordinator, retried: decision.retry };
      const ending = (err: Error): Error => outcome(err, plan.spec, mayHaveRunOn);
      try {
        await plan.afterFailure?.(failure, decision, attempt);
      } catch (err) {
        throw ending(err instanceof Error ? err : new Error(String(err)));
      }
      if (signal.aborted) throw abortReason(signal);
      if (!decision.retry) throw ending(failure);
      const reachedCoordinator = progress.coordinator !== undefined;
      if (number > settings.retries || (reachedCoordinator && !deps.budget.tryRetry())) {
        debug('%s not retried: %s', plan.spec.label, number > settings.retries ? 'attempts spent' : 'retry budget spent');
        throw ending(plan.exhausted?.(failure) ?? failure);
      }
      previous = { coordinator: progress.coordinator ?? previous?.coordinator, error: failure };
      target = decision.target;
      const delayMs = fullJitterDelay(number - 1, settings.baseDelayMs, settings.maxDelayMs, deps.random);
      // A retry that reached no coordinator (none selectable) costs no budget and has no
      // coordinator to name, so it emits nothing.
      if (reachedCoordinator) {
        deps.emit('retried', { time: new Date(), coordinator: progress.coordinator!, attempt: number + 1, delayMs, error: failure, reason: decision.reason });
      }
      debug('retrying %s (attempt %d, %s target, in %d ms): %s', plan.spec.label, number + 1, target, delayMs, decision.reason);
      await sleep(deps.clock, delayMs, signal).catch(() => undefined);
      if (signal.aborted) throw abortReason(signal);
    }
  } finally {
    if (deadline) deps.clock.clearTimeout(deadline);
    unwatchCaller?.();
    unwatchClose?.();
  }
}

/** The error a request ends with: an OutcomeUnknownError when a statement not safe to repeat may have run. */
function outcome(err: Error, spec: AttemptSpec, mayHaveRun: { coordinator: string | undefined; retried: boolean } | undefined): Error {
  if (!mayHaveRun || err instanceof OutcomeUnknownError || (err instanceof ImpalaError && err.family === 'cancelled')) return err;
  const where = mayHaveRun.coordinator ?? 'a coordinator';
  const details = { coordinator: mayHaveRun.coordinator, queryId: err instanceof ImpalaError ? err.queryId : undefined, cause: err };
  if (mayHaveRun.retried) {
    return new OutcomeUnknownError(
      `${spec.label} may have run on ${where} before it was retried (it is marked idempotent), and the retry failed: ${err.message}. Check its effect before running it again.`,
      details,
    );
  }
  return new OutcomeUnknownError(
    `${spec.label} may have run on ${where}: ${err.message}. It was not retried because it is a ${spec.kind} statement not marked idempotent; check its effect before running it again.`,
    details,
  );
}

/** The attempts' signal for a request nothing can abort (no caller signal, no bound, no client close signal). */
const NEVER_ABORTED: AbortSignal = new AbortController().signal;

function abortReason(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new AbortedError();
}
