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
  /**
   * ExecuteStatement may have reached a coordinator (false while acquiring a
   * connection). An error that proves the statement was never written ({@link neverSent})
   * overrides it.
   */
  statementSent: boolean;
}

/**
 * Where the next attempt goes:
 * - `same`: the coordinator may well be fine, only the connection or the session
 *   broke — a pinned session repairs in place (reattach, or reopen there);
 * - `other`: the coordinator cannot take this request (refused, timed out, shutting
 *   down, no capacity) — go to another one.
 * Pooled calls always prefer a coordinator they have not tried yet; the target
 * matters for pinned sessions.
 */
export type RetryTarget = 'same' | 'other';

/** The outcome of {@link decideRetry}. */
export interface RetryDecision {
  /** Send the request again. */
  retry: boolean;
  /** Where (meaningful when `retry`, and for the repair of a pinned session). */
  target: RetryTarget;
  /** The statement may have executed; if it is not retried, the caller must be told so. */
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

/** Failures that say nothing is wrong with the coordinator itself, only with one connection or session. */
const SAME: ReadonlySet<ErrorCodeValue> = new Set([
  ErrorCode.CONNECTION_LOST,
  ErrorCode.CONNECTION_CLOSED,
  ErrorCode.PROTOCOL,
  ErrorCode.INVALID_SESSION,
  ErrorCode.SESSION_EXPIRED,
  ErrorCode.INVALID_HANDLE,
]);

/** Where a retry of this failure should go (see {@link RetryTarget}). */
export function retryTarget(err: unknown): RetryTarget {
  return err instanceof ImpalaError && SAME.has(err.code) ? 'same' : 'other';
}

/** Statement kinds that can run again without effect (SET and USE only set what they set). */
function repeatable(kind: StatementKind): boolean {
  return kind === 'read' || kind === 'session';
}

/**
 * Decides whether a failed request may be sent again and where — the rules of
 * DESIGN §3, as a pure function of the error and what the request had done:
 * - a request never written, a connect or OpenSession failure, no free connection:
 *   always, on another coordinator (auth and TLS failures never: they would fail the
 *   same way);
 * - a server answer that proves the statement did not run (shutting down, invalid
 *   session, admission timeout, full queue): yes;
 * - a read-only statement (or SET/USE) that failed before any row reached the caller: yes;
 * - DML, DDL and anything unknown after ExecuteStatement was written: never, unless
 *   the caller marked it idempotent — and `mayHaveRun` says the caller must be told.
 * Attempt counts and the shared budget are the attempt loop's business, not this one's.
 */
export function decideRetry(err: unknown, ctx: RetryContext): RetryDecision {
  const target = retryTarget(err);
  const sent = ctx.statementSent && !neverSent(err);
  if (!(err instanceof ImpalaError)) {
    return { retry: false, target, mayHaveRun: sent && !repeatable(ctx.kind), reason: 'not an impala-ha error' };
  }
  if (!sent) {
    const transport = err.family === 'connect' || err.family === 'connection' || err.family === 'protocol' || err.code === ErrorCode.RPC_TIMEOUT;
    // NO_COORDINATOR is retried too: the select that threw it started probes, and the
    // backoff gives a coordinator that is coming back the chance to be found.
    const retry =
      (transport && err.code !== ErrorCode.AUTH_FAILED && err.code !== ErrorCode.TLS_FAILED) ||
      NOT_RUN.has(err.code) ||
      err.code === ErrorCode.NO_COORDINATOR ||
      err.code === ErrorCode.ACQUIRE_TIMEOUT;
    return { retry, target, mayHaveRun: false, reason: retry ? 'request never reached a coordinator' : `${err.code} is not retryable` };
  }
  if (NOT_RUN.has(err.code)) {
    return { retry: err.retryable, target, mayHaveRun: false, reason: err.retryable ? `${err.code}: the statement did not run` : `${err.code} is not retryable` };
  }
  if (UNKNOWN_FATE.has(err.code)) {
    if (ctx.rowsDelivered) return { retry: false, target, mayHaveRun: false, reason: 'rows were already delivered' };
    if (repeatable(ctx.kind)) return { retry: true, target, mayHaveRun: false, reason: `${ctx.kind === 'read' ? 'read-only' : 'session'} statement, no row delivered` };
    if (ctx.idempotent) return { retry: true, target, mayHaveRun: true, reason: 'statement marked idempotent' };
    return { retry: false, target, mayHaveRun: true, reason: `${ctx.kind} statement may have run` };
  }
  return { retry: false, target, mayHaveRun: false, reason: `${err.code} is not retryable` };
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
