import { tracingChannel, type TracingChannel } from 'node:diagnostics_channel';
import { ImpalaError } from '../errors';

/**
 * Attributes published on the tracing channels, named after the OpenTelemetry
 * database client semantic conventions (`db.*`, `server.*`, `error.type`), plus a few
 * `impala.*` ones. An APM tool's diagnostics_channel subscriber can copy them onto a
 * span as they are. See docs/observability.md.
 */
export interface TraceAttributes {
  /** Always `'impala'` (current convention name). */
  'db.system.name': 'impala';
  /** Always `'impala'` (the name conventions before v1.28 used; kept for older instrumentations). */
  'db.system': 'impala';
  /** The database the statement runs in (the client's or the session's current one). */
  'db.namespace'?: string | undefined;
  /** The statement as the caller wrote it, with `?` placeholders: parameter values are never included. */
  'db.query.text'?: string | undefined;
  /** The statement's leading keyword, upper case (`SELECT`, `INSERT`, `CREATE`...). */
  'db.operation.name'?: string | undefined;
  /** Host of the coordinator (set once known; for a query, the one that answered). */
  'server.address'?: string | undefined;
  /** Port of that coordinator. */
  'server.port'?: number | undefined;
  /** On failure: the server's SQLSTATE when it sent one, else the impala-ha error code. */
  'db.response.status_code'?: string | undefined;
  /** On failure: the impala-ha error code (`IMPALA_ERR_...`), or the error's class name. */
  'error.type'?: string | undefined;
  /** Rows returned by a query, when it completed. */
  'db.response.returned_rows'?: number | undefined;
  /** Impala query id of the attempt that produced the result. */
  'impala.query_id'?: string | undefined;
  /** Attempts made (1 unless retried). */
  'impala.attempts'?: number | undefined;
  /** What kind of statement it is for retries: `read`, `dml`, `ddl`, `session`, `unknown`. */
  'impala.statement_kind'?: string | undefined;
  /** Why a connection is opened: `pool` (to lend it), `probe` (health check). */
  'impala.purpose'?: 'pool' | 'probe' | undefined;
}

/** The context object of one traced operation: the attributes, plus what TracingChannel adds (`error`; `result` stays undefined so rows never reach subscribers). */
export type TraceContext = TraceAttributes & { result?: unknown; error?: unknown };

/** Statements run by `query`, `execute`, `stream` and session calls, retries included. */
export const queryChannel: TracingChannel<object, TraceContext> = tracingChannel('impala-ha:query');
/** Connection + session opens (pool fills and health probes). */
export const connectChannel: TracingChannel<object, TraceContext> = tracingChannel('impala-ha:connect');
/** Waits for a pooled connection (including the open it may need). */
export const acquireChannel: TracingChannel<object, TraceContext> = tracingChannel('impala-ha:pool:acquire');

/**
 * Runs `fn` inside `channel`'s start/end/asyncStart/asyncEnd/error events when anyone
 * subscribes (and costs one property read when nobody does). `context()` builds the
 * attributes; `settle` adds what the outcome tells before the async events fire.
 */
export function traced<T>(
  channel: TracingChannel<object, TraceContext>,
  context: () => TraceContext,
  fn: () => Promise<T>,
  settle?: (ctx: TraceContext, value: T) => void,
): Promise<T> {
  if (!channel.hasSubscribers) return fn();
  const ctx = context();
  let value: T;
  // `result` on the context is left undefined: subscribers get attributes, never rows.
  return channel
    .tracePromise(async () => {
      try {
        value = await fn();
        settle?.(ctx, value);
      } catch (err) {
        describeError(ctx, err);
        throw err;
      }
    }, ctx)
    .then(() => value);
}

/** Base attributes; `address` is `host:port`. */
export function baseAttributes(address?: string): TraceContext {
  const ctx: TraceContext = { 'db.system.name': 'impala', 'db.system': 'impala' };
  if (address !== undefined) setServer(ctx, address);
  return ctx;
}

/** Sets `server.address` and `server.port` from `host:port` / `[v6]:port`. */
export function setServer(ctx: TraceContext, address: string): void {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(address) ?? /^(.*):(\d+)$/.exec(address);
  ctx['server.address'] = m ? m[1] : address;
  if (m) ctx['server.port'] = Number(m[2]);
}

/** The statement's leading keyword, upper case, skipping comments and parentheses. */
export function operationName(sql: string): string | undefined {
  const m = /^(?:\s|\(|--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/)*([A-Za-z]+)/.exec(sql);
  return m ? m[1]!.toUpperCase() : undefined;
}

function describeError(ctx: TraceContext, err: unknown): void {
  if (err instanceof ImpalaError) {
    ctx['error.type'] = err.code;
    ctx['db.response.status_code'] = err.sqlState ?? err.code;
    if (err.coordinator !== undefined && ctx['server.address'] === undefined) setServer(ctx, err.coordinator);
    if (err.queryId !== undefined) ctx['impala.query_id'] = err.queryId;
  } else {
    ctx['error.type'] = err instanceof Error ? err.name : typeof err;
  }
}
