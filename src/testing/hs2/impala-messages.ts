/**
 * Impala's client-visible error texts (protocol reference §5), in one place so the
 * simulator and its tests agree on every character. Impala status messages end with
 * a newline; clients must match with substrings, and so do our tests.
 *
 * @internal
 */

/** Impala's admission pool name when no REQUEST_POOL is configured. */
export const DEFAULT_POOL = 'default-pool';

/** `Invalid session id: <sid>` (§5.5). */
export function invalidSessionText(sessionId: string): string {
  return `Invalid session id: ${sessionId}\n`;
}

/** `Invalid or unknown query handle: <qid>.` (§5.6). */
export function invalidHandleText(queryId: string): string {
  return `Invalid or unknown query handle: ${queryId}.\n`;
}

/** Secret or user mismatch, and GetRuntimeProfile/GetExecSummary misses (§2.4, §2.15). */
export function queryNotFoundText(queryId: string): string {
  return `Query id ${queryId} not found.\n`;
}

/** A handle whose guid or secret is not 16 bytes (§2.4). */
export function malformedHandleText(guidSize: number, secretSize: number): string {
  return `Malformed THandleIdentifier (guid size: ${guidSize}, expected 16, secret size: ${secretSize}, expected 16)\n`;
}

/** Counters printed in the shutdown text. */
export interface ShutdownCounters {
  graceLeftMs: number;
  deadlineLeftMs: number;
  registered: number;
  executing: number;
}

/** `Server is being shut down: ...` (§5.1); fragment instances are not simulated and print as 0. */
export function shuttingDownText(c: ShutdownCounters): string {
  return (
    `Server is being shut down: shutdown grace period left: ${prettyMs(c.graceLeftMs)}, ` +
    `deadline left: ${prettyMs(c.deadlineLeftMs)}, queries registered on coordinator: ${c.registered}, ` +
    `queries executing: ${c.executing}, fragment instances: 0.\n`
  );
}

/** Queue reason used while the running-queries limit is reached (§5.4). */
export function queuedReasonText(running: number, limit: number): string {
  return `number of running queries ${running} is at or over limit ${limit}.`;
}

/** `Rejected query from pool <pool>: queue full, limit=<n>, num_queued=<m>.` (§5.2). */
export function queueFullText(limit: number, queued: number): string {
  return `Rejected query from pool ${DEFAULT_POOL}: queue full, limit=${limit}, num_queued=${queued}.`;
}

/** `Admission for query exceeded timeout <ms>ms in pool <pool>. Queued reason: ...` (§5.3). */
export function admissionTimeoutText(timeoutMs: number, reason: string): string {
  return (
    `Admission for query exceeded timeout ${timeoutMs}ms in pool ${DEFAULT_POOL}. Queued reason: ${reason} ` +
    'Additional Details: Not Applicable'
  );
}

/** A user-requested cancellation (§5.7f). */
export const CANCELLED_TEXT = 'Cancelled';

/** Cancellation of a disconnected session's queries when it times out (§5.7b). */
export const SESSION_NO_CONNECTIONS_TEXT = 'Session closed because it has no active connections';

/** Orientations other than FETCH_NEXT/FETCH_FIRST, unsupported GetInfo types, external-frontend RPCs. */
export const UNSUPPORTED_TEXT = 'Unsupported operation';

/** Delegation-token RPCs. */
export const NOT_IMPLEMENTED_TEXT = 'Not implemented';

/** FETCH_FIRST on a query executed without `impala.resultset.cache.size` (§2.9). */
export const RESTART_FETCH_TEXT = 'Restarting of fetch requires enabling of query result caching.\n';

/** FETCH_FIRST after more rows were fetched than the result cache holds (§2.9). */
export function cacheExceededText(limit: number): string {
  return `The query result cache exceeded its limit of ${limit} rows. Restarting the fetch is not possible.\n`;
}

/** confOverlay `impala.resultset.cache.size` that is not an integer (§2.6). */
export function invalidCacheSizeText(value: string): string {
  return `Invalid value '${value}' for 'impala.resultset.cache.size' option.\n`;
}

/** confOverlay `impala.resultset.cache.size` above `--max_result_cache_size` (§2.6). */
export function cacheSizeTooLargeText(requested: number, max: number): string {
  return `Requested result-cache size of ${requested} exceeds Impala's maximum of ${max}.\n`;
}

/** Cancellation of an idle session's queries (§5.7a). */
export const SESSION_EXPIRED_CANCEL_TEXT = 'Session expired due to inactivity';

/**
 * Any RPC on a session that expired for inactivity, except CloseSession (§5.7a).
 * `timeoutMs` prints in seconds, as Impala's option is; `lastActivityMs` as the
 * coordinator's local time with milliseconds.
 */
export function sessionExpiredText(timeoutMs: number, lastActivityMs: number): string {
  return `Client session expired due to more than ${timeoutMs / 1000}s of inactivity (last activity was at: ${localTimestamp(lastActivityMs)}).\n`;
}

/** A query the client stopped fetching or polling for longer than its idle timeout (§5.7c). */
export function queryExpiredText(queryId: string, timeoutMs: number): string {
  return `Query ${queryId} expired due to client inactivity (timeout is ${prettyMs(timeoutMs)})`;
}

/** `YYYY-MM-DD HH:MM:SS.mmm` in local time (Impala's ToStringFromUnixMillis). */
function localTimestamp(ms: number): string {
  const d = new Date(ms);
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

/**
 * Wraps a query failure the way Impala 4.5+ does (`Query <qid> failed:\n<detail>\n`,
 * IMPALA-13115), or returns the bare detail with its newline for ≤4.4 behaviour.
 */
export function queryFailedText(queryId: string, detail: string, wrap: boolean): string {
  const body = detail.endsWith('\n') ? detail : `${detail}\n`;
  return wrap ? `Query ${queryId} failed:\n${body}` : body;
}

/**
 * Formats a duration like Impala's PrettyPrinter for TIME_MS, as it appears in the
 * shutdown text: `0`, `750ms`, `5s000ms`, `16m40s`, `2m`, `1h5m`.
 */
export function prettyMs(ms: number): string {
  const total = Math.max(0, Math.round(ms));
  if (total === 0) return '0';
  if (total < 1000) return `${total}ms`;
  if (total < 60_000) return `${Math.floor(total / 1000)}s${String(total % 1000).padStart(3, '0')}ms`;
  const totalS = Math.floor(total / 1000);
  if (totalS < 3600) {
    const m = Math.floor(totalS / 60);
    const s = totalS % 60;
    return s === 0 ? `${m}m` : `${m}m${s}s`;
  }
  const h = Math.floor(totalS / 3600);
  const m = Math.floor((totalS % 3600) / 60);
  return m === 0 ? `${h}h` : `${h}h${m}m`;
}
