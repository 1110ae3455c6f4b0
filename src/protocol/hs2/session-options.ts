import { CONNECTION_DEFAULTS, type ConnectionOptions } from '../../connection';
import { ArgumentError } from '../../errors';
import type { ValueOptions } from './value-options';

/** Options of {@link CoordinatorSession.open}: one connection plus one HS2 session. */
export interface CoordinatorSessionOptions extends ConnectionOptions {
  /**
   * User name sent in OpenSession. Impala uses it only when the transport did not
   * authenticate anyone (NOSASL); with SASL PLAIN the authenticated user wins.
   * Default: `auth.username` for PLAIN, else none (Impala then uses `anonymous`).
   */
  username?: string | undefined;
  /** Password sent in OpenSession, only with NOSASL transport (Impala ignores it otherwise). */
  password?: string | undefined;
  /** Initial database (`use:database` in the OpenSession configuration). Default: Impala's `default`. */
  database?: string | undefined;
  /**
   * Session-wide query options sent in OpenSession, e.g. `{ MEM_LIMIT: '2g' }`. Impala
   * ignores invalid ones here. When FETCH_ROWS_TIMEOUT_MS is not among them and the
   * bound on a FetchResults call (`callPolicy.timeoutMs('FetchResults')`, else
   * `rpcTimeoutMs`) is under 20 s, it is set to half that bound, so Impala answers a
   * held fetch (STILL_EXECUTING, fetched again) before the client gives up on it.
   */
  sessionQueryOptions?: Readonly<Record<string, string>> | undefined;
  /** Rows requested per FetchResults. Default 10240. */
  fetchSize?: number | undefined;
  /** Bound in ms on each cleanup RPC (CancelOperation, CloseOperation, CloseSession) sent on abort, early exit or close. Default 5000. */
  cleanupTimeoutMs?: number | undefined;
  /** Largest delay between GetOperationStatus polls, in ms (polls start at 1 ms and double). Default 100. */
  pollMaxDelayMs?: number | undefined;
  /**
   * Impala 4.5+: how long the coordinator may hold a GetOperationStatus until the
   * statement finishes, in ms (the session's LONG_POLLING_TIME_MS, sent in OpenSession,
   * where older servers ignore it). DML and DDL then need fewer polls and finish is
   * seen at once. Keep it well below the GetOperationStatus bound (`rpcTimeoutMs`
   * or `callPolicy.timeoutMs('GetOperationStatus')`). Ignored when `sessionQueryOptions`
   * sets LONG_POLLING_TIME_MS. Default: not sent (no long polling).
   */
  statusLongPollMs?: number | undefined;
}

/** Defaults of the session-level fields of {@link CoordinatorSessionOptions}. */
export const SESSION_DEFAULTS = Object.freeze({
  fetchSize: 10_240,
  cleanupTimeoutMs: 5_000,
  pollMaxDelayMs: 100,
});

/** Options of one `query`, `stream` or `execute` call on a {@link CoordinatorSession}. */
export interface QueryCallOptions extends ValueOptions {
  /** Values for the statement's `?` placeholders, bound client-side (see `bindParams`). */
  params?: readonly unknown[] | undefined;
  /** Aborting cancels the query on the server, then the call rejects with an AbortedError. */
  signal?: AbortSignal | undefined;
  /** Bound on the whole call in ms; when it elapses the query is cancelled and the call rejects with a QueryTimeoutError. 0 or absent = none. */
  timeoutMs?: number | undefined;
  /** Query options for this statement only (ExecuteStatement's `confOverlay`); Impala rejects invalid ones. */
  queryOptions?: Readonly<Record<string, string>> | undefined;
  /** Rows requested per FetchResults. Default: the session's `fetchSize`. */
  fetchSize?: number | undefined;
}

/** Largest fetch size accepted (Impala caps batches far below this anyway). */
const MAX_FETCH_SIZE = 2 ** 31 - 1;

/** @throws {@link ArgumentError} unless `value` is an integer from 1 to 2^31 − 1 (or undefined). */
export function checkFetchSize(value: unknown, name = 'fetchSize'): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_FETCH_SIZE) {
    throw new ArgumentError(`${name} must be an integer from 1 to ${MAX_FETCH_SIZE} rows, got ${String(value)}`);
  }
  return value;
}

/** @throws {@link ArgumentError} unless `value` is a positive finite number of ms (or undefined). */
export function checkPositiveMs(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value)) {
    throw new ArgumentError(`${name} must be a positive number of milliseconds, got ${String(value)}`);
  }
  return value;
}

/**
 * A copy of a query-option map with string values (numbers and booleans are turned
 * into their text).
 *
 * @throws {@link ArgumentError} naming the option for an empty name or another value type.
 */
export function checkQueryOptions(value: unknown, name: string): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ArgumentError(`${name} must be an object of option name → string value, got ${Array.isArray(value) ? 'an array' : String(value)}`);
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === '') throw new ArgumentError(`${name} has an empty option name`);
    if (typeof v === 'string') out[k] = v;
    else if (typeof v === 'number' || typeof v === 'boolean') out[k] = String(v);
    else throw new ArgumentError(`${name}.${k} must be a string (or number/boolean), got ${v === null ? 'null' : typeof v}`);
  }
  return out;
}

/** Adds LONG_POLLING_TIME_MS from `statusLongPollMs` to an OpenSession configuration, unless the caller set the option. */
export function addStatusLongPoll(configuration: Record<string, string>, options: CoordinatorSessionOptions): void {
  const ms = checkPositiveMs(options.statusLongPollMs, 'statusLongPollMs');
  if (ms === undefined) return;
  for (const key of Object.keys(configuration)) {
    const name = key.toUpperCase();
    if (name === 'LONG_POLLING_TIME_MS' || name === 'SET:HIVECONF:LONG_POLLING_TIME_MS') return;
  }
  configuration.LONG_POLLING_TIME_MS = String(Math.ceil(ms));
}

/** Impala's default FETCH_ROWS_TIMEOUT_MS, in ms: how long it holds a FetchResults waiting for rows. */
const IMPALA_FETCH_WAIT_MS = 10_000;

/**
 * Adds FETCH_ROWS_TIMEOUT_MS to an OpenSession configuration when the client would
 * give up on a FetchResults before Impala's default wait (10 s) plus a margin: half the
 * FetchResults bound. Left alone when the caller set it (also as `set:hiveconf:`).
 * Servers that do not know the option ignore it in OpenSession.
 */
export function limitFetchWait(configuration: Record<string, string>, options: CoordinatorSessionOptions): void {
  for (const key of Object.keys(configuration)) {
    const name = key.toUpperCase();
    if (name === 'FETCH_ROWS_TIMEOUT_MS' || name === 'SET:HIVECONF:FETCH_ROWS_TIMEOUT_MS') return;
  }
  let bound: number | undefined;
  try {
    bound = options.callPolicy?.timeoutMs?.('FetchResults');
  } catch {
    bound = undefined; // a broken policy fails the calls themselves, with a clear error
  }
  bound ??= options.rpcTimeoutMs ?? CONNECTION_DEFAULTS.rpcTimeoutMs;
  if (!(typeof bound === 'number' && bound > 0 && Number.isFinite(bound)) || bound >= 2 * IMPALA_FETCH_WAIT_MS) return;
  configuration.FETCH_ROWS_TIMEOUT_MS = String(Math.max(1, Math.floor(bound / 2)));
}
