import { ErrorCode, ImpalaError, type ErrorCodeValue } from '../errors';
import type { StatementKind } from './statement-kind';

/** What a failure says about the coordinator it came from. */
export type HealthSignal =
  /** Refused connect, reset, EOF: the coordinator (or the path to it) is gone. */
  | 'down'
  /** A timeout alone: maybe just slow; counts toward `fall`. */
  | 'suspect'
  /** `Server is being shut down`: finish what runs there, send nothing new. */
  | 'draining'
  /** `Invalid session id`: the coordinator restarted; every pooled session on it is stale. */
  | 'restarted'
  /** Nothing about the coordinator's health. */
  | 'none';

/** Facts about the request a retry decision needs. */
export interface RetryContext {
  /** What the statement does. */
  kind: StatementKind;
  /** The caller declared that running it twice is harmless. */
  idempotent: boolean;
  /** At least one row already reached the caller (a retry would repeat rows). */
  rowsDelivered: boolean;
  /** ExecuteStatement may have reached a coordinator (false while acquiring a connection or when the request was never written). */
  statementSent: boolean;
}

/** The outcome of {@link decideRetry}. */
export interface RetryDecision {
  /** Send the request again (on another coordinator when possible). */
  retry: boolean;
  /** The statement may have executed; the caller must be told so. */
  mayHaveRun: boolean;
  /** Short reason, for events and debug output. */
  reason: string;
}

const DOWN: ReadonlySet<ErrorCodeValue> = new Set([ErrorCode.CONNECT_REFUSED, ErrorCode.CONNECT_FAILED, ErrorCode.CONNECT_TIMEOUT, ErrorCode.CONNECTION_LOST]);

/** Reads what a failure says about its coordinator's health. */
export function healthSignal(err: unknown): HealthSignal {
  if (!(err instanceof ImpalaError)) return 'none';
  if (DOWN.has(err.code)) return 'down';
  switch (err.code) {
    case ErrorCode.RPC_TIMEOUT:
    case ErrorCode.PROTOCOL:
    case ErrorCode.HTTP_STATUS:
      return 'suspect';
    case ErrorCode.SERVER_SHUTTING_DOWN:
      return 'draining';
    case ErrorCode.INVALID_SESSION:
      return 'restarted';
    default:
      return 'none';
  }
}

/** Server answers that guarantee the statement did not execute. */
const NOT_RUN: ReadonlySet<ErrorCodeValue> = new Set([
  ErrorCode.SERVER_SHUTTING_DOWN,
  ErrorCode.INVALID_SESSION,
  ErrorCode.SESSION_EXPIRED,
  ErrorCode.ADMISSION_TIMEOUT,
  ErrorCode.ADMISSION_REJECTED,
]);

/** Transport-level failures after which the statement's fate is unknown. */
const UNKNOWN_FATE: ReadonlySet<ErrorCodeValue> = new Set([
  ErrorCode.CONNECTION_LOST,
  ErrorCode.CONNECTION_CLOSED,
  ErrorCode.RPC_TIMEOUT,
  ErrorCode.PROTOCOL,
  ErrorCode.INVALID_HANDLE,
  ErrorCode.HTTP_STATUS,
]);

/**
 * Decides whether a failed request may be sent again — the rules of DESIGN §3:
 * - a request never written, a connect or OpenSession failure: always;
 * - a server answer that proves the statement did not run (shutting down, invalid
 *   session, admission timeout, full queue): yes;
 * - a read-only statement that failed before any row reached the caller: yes;
 * - DML, DDL and anything unknown after ExecuteStatement was written: never, unless
 *   the caller marked it idempotent — and the caller is told it may have run.
 * Attempt counts and the shared budget are the executor's business, not this one's.
 */
export function decideRetry(err: unknown, ctx: RetryContext): RetryDecision {
  if (!(err instanceof ImpalaError)) return { retry: false, mayHaveRun: ctx.statementSent && ctx.kind !== 'read', reason: 'not an impala-ha error' };
  if (!ctx.statementSent) {
    const transport = err.family === 'connect' || err.family === 'connection' || err.family === 'protocol' || err.code === ErrorCode.RPC_TIMEOUT;
    // NO_COORDINATOR is retried too: the select that threw it started probes, and the
    // backoff gives a coordinator that is coming back the chance to be found.
    const retry =
      (transport && err.code !== ErrorCode.AUTH_FAILED && err.code !== ErrorCode.TLS_FAILED) || NOT_RUN.has(err.code) || err.code === ErrorCode.NO_COORDINATOR;
    return { retry, mayHaveRun: false, reason: retry ? 'request never reached a coordinator' : `${err.code} is not retryable` };
  }
  if (NOT_RUN.has(err.code)) {
    return { retry: err.retryable, mayHaveRun: false, reason: err.retryable ? `${err.code}: the statement did not run` : `${err.code} is not retryable` };
  }
  if (UNKNOWN_FATE.has(err.code)) {
    if (ctx.rowsDelivered) return { retry: false, mayHaveRun: false, reason: 'rows were already delivered' };
    if (ctx.kind === 'read') return { retry: true, mayHaveRun: false, reason: 'read-only statement, no row delivered' };
    if (ctx.idempotent) return { retry: true, mayHaveRun: true, reason: 'statement marked idempotent' };
    return { retry: false, mayHaveRun: true, reason: `${ctx.kind} statement may have run` };
  }
  return { retry: false, mayHaveRun: false, reason: `${err.code} is not retryable` };
}

/** Methods that come before the statement is submitted on a leased session (HS2, then Beeswax's `query` and ping). */
const BEFORE_EXECUTE = new Set(['ExecuteStatement', 'OpenSession', 'PingImpalaHS2Service', 'query', 'PingImpalaService']);

/**
 * True when the error proves ExecuteStatement never left this process: the failing
 * call was ExecuteStatement itself (or an earlier one) and it was never written.
 */
export function neverSent(err: unknown): boolean {
  if (!(err instanceof ImpalaError)) return false;
  const e = err as ImpalaError & { requestWritten?: boolean; method?: string };
  return e.requestWritten === false && e.method !== undefined && BEFORE_EXECUTE.has(e.method);
}

