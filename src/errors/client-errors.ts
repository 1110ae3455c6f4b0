import { ErrorCode } from './codes';
import { ImpalaError, type ImpalaErrorDetails } from './impala-error';

/** The caller's AbortSignal fired; the query was cancelled on the server when it had started. */
export class AbortedError extends ImpalaError {
  constructor(message = 'the operation was aborted by its AbortSignal', details: ImpalaErrorDetails = {}) {
    super(ErrorCode.ABORTED, 'cancelled', message, false, details);
  }
}

/** The call's `timeoutMs` elapsed; the query was cancelled on the server when it had started. */
export class QueryTimeoutError extends ImpalaError {
  /** The bound that elapsed, in milliseconds. */
  readonly timeoutMs: number;

  constructor(timeoutMs: number, details: ImpalaErrorDetails = {}) {
    super(ErrorCode.QUERY_TIMEOUT, 'timeout', `the query did not finish within its timeout of ${timeoutMs} ms`, false, details);
    this.timeoutMs = timeoutMs;
  }
}

/**
 * A statement that is not safe to repeat (DML, DDL, or anything not marked
 * `idempotent`) was sent, and the connection failed before its outcome was known.
 * It may have run; it was not retried. `cause` holds the transport error.
 */
export class OutcomeUnknownError extends ImpalaError {
  /** Always true: the statement was written and may have executed. */
  readonly mayHaveRun = true;

  constructor(message: string, details: ImpalaErrorDetails = {}) {
    super(ErrorCode.OUTCOME_UNKNOWN, 'connection', message, false, details);
  }
}

/** A pinned session can no longer be used: its coordinator is gone and reopening was not allowed. */
export class SessionLostError extends ImpalaError {
  constructor(message: string, details: ImpalaErrorDetails = {}) {
    super(ErrorCode.SESSION_LOST, 'unavailable', message, false, details);
  }
}

/**
 * No coordinator could take the request. `errors` maps each coordinator's address to
 * its last error, `states` to its health state, both in configuration order.
 */
export class NoCoordinatorError extends ImpalaError {
  /** Last error seen per coordinator (`host:port` → error), in configuration order. */
  readonly errors: ReadonlyMap<string, Error | undefined>;
  /** Health state per coordinator (`host:port` → `'down'`, `'draining'`...), when known. */
  readonly states: ReadonlyMap<string, string>;

  constructor(errors: ReadonlyMap<string, Error | undefined>, details: ImpalaErrorDetails & { states?: ReadonlyMap<string, string> } = {}) {
    const states = details.states ?? new Map<string, string>();
    const parts = [...errors].map(([c, e]) => {
      const state = states.get(c);
      return `${c}${state ? ` (${state})` : ''}: ${e ? `${(e as { code?: string }).code ?? e.name}: ${e.message}` : 'not available'}`;
    });
    super(ErrorCode.NO_COORDINATOR, 'unavailable', `no coordinator is available (${parts.join('; ')})`, true, details);
    this.errors = errors;
    this.states = states;
  }
}

/**
 * No connection became free within `acquireTimeoutMs`. The message says why when it
 * is known: connections in use, connects pending and for how long, the last connect
 * error, the coordinator's state.
 */
export class AcquireTimeoutError extends ImpalaError {
  /** The bound that elapsed, in ms. */
  readonly timeoutMs: number;

  constructor(timeoutMs: number, details: ImpalaErrorDetails & { reason?: string } = {}) {
    const where = details.coordinator ? ` to ${details.coordinator}` : '';
    super(ErrorCode.ACQUIRE_TIMEOUT, 'pool', `no connection${where} became available within ${timeoutMs} ms${details.reason ? ` (${details.reason})` : ''}`, true, details);
    this.timeoutMs = timeoutMs;
  }
}

/** The client, pool, connection or session was closed before or during the call. */
export class ClosedError extends ImpalaError {
  constructor(message: string, details: ImpalaErrorDetails = {}) {
    super(ErrorCode.CLOSED, 'pool', message, false, details);
  }
}
