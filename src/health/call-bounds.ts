import type { LatencyEstimator } from './latency-estimator';

/**
 * RPCs that must answer fast whatever the query does: session and operation
 * bookkeeping, metadata, pings. Anything slow there says something about the
 * coordinator, not about the query. HS2 names (binary and HTTP), then their Beeswax
 * equivalents: `get_state` ≈ GetOperationStatus, `get_results_metadata` ≈
 * GetResultSetMetadata, `close`/`CloseInsert` ≈ CloseOperation/CloseImpalaOperation,
 * `PingImpalaService` ≈ PingImpalaHS2Service, `Cancel` ≈ CancelOperation, `get_log` ≈
 * GetLog (GetRuntimeProfile and GetExecSummary have one name in both).
 */
export const FAST_METHODS: ReadonlySet<string> = new Set([
  'OpenSession',
  'CloseSession',
  'PingImpalaHS2Service',
  'GetOperationStatus',
  'GetResultSetMetadata',
  'CancelOperation',
  'CloseOperation',
  'CloseImpalaOperation',
  'GetLog',
  'GetInfo',
  'GetTypeInfo',
  'GetCatalogs',
  'GetSchemas',
  'GetTables',
  'GetTableTypes',
  'GetColumns',
  'GetFunctions',
  'GetPrimaryKeys',
  'GetCrossReference',
  'GetRuntimeProfile',
  'GetExecSummary',
  // Beeswax
  'get_state',
  'get_results_metadata',
  'close',
  'CloseInsert',
  'PingImpalaService',
  'Cancel',
  'get_log',
  'echo',
  'get_default_configuration',
]);

/**
 * RPCs the server may hold until rows exist, up to FETCH_ROWS_TIMEOUT_MS: HS2's
 * FetchResults and Beeswax's `fetch`.
 */
export const FETCH_METHODS: ReadonlySet<string> = new Set(['FetchResults', 'fetch']);

/** Largest timer delay Node accepts (about 24.8 days): "no bound" in practice, still a bound. */
export const UNBOUNDED_MS = 2 ** 31 - 1;

/** Settings of {@link CallBounds}. */
export interface CallBoundsSettings {
  /** Floor of the overrun point and of the liveness-check bound, in ms. Default 1000. */
  floorMs: number;
  /**
   * Impala's FETCH_ROWS_TIMEOUT_MS: how long a FetchResults may wait for rows before
   * answering with none, in ms; 0 = it may wait as long as the query runs.
   */
  fetchRowsTimeoutMs: number;
}

/**
 * Time bounds per RPC for one coordinator, separating "is the coordinator alive" from
 * "is the query done" (pure: reads a {@link LatencyEstimator}, no clock):
 * - **overrun point** (every method): `max(floor, RTO)` where RTO = mean + 4 deviations of
 *   the coordinator's fast-RPC latencies. A call without a reply by then gets a liveness
 *   check of its coordinator on another channel; the call itself goes on.
 * - **fast RPCs** ({@link FAST_METHODS}): bounded at three overrun points — one to
 *   overrun, one for the liveness check, one of margin — so a coordinator that answers
 *   pings but not this call still frees the caller in seconds.
 * - **FetchResults** (Beeswax `fetch`): the server holds it up to FETCH_ROWS_TIMEOUT_MS
 *   when no row is ready, so its bound is that plus a fast-RPC bound of margin
 *   (unbounded when the option is 0; liveness checks still catch a dead coordinator).
 *   HS2 sessions read this bound once at OpenSession and, while it is under 20 s, ask
 *   Impala for half of it as FETCH_ROWS_TIMEOUT_MS (protocol/hs2/session-options.ts),
 *   so the server always answers a held fetch well inside the bound (the bound only
 *   grows with observed latency afterwards).
 * - **ExecuteStatement** (Beeswax `query`) and anything else: the channel's
 *   `rpcTimeoutMs` (planning a statement may legitimately take long).
 */
export class CallBounds {
  readonly #s: CallBoundsSettings;
  readonly #latency: LatencyEstimator;

  constructor(settings: CallBoundsSettings, latency: LatencyEstimator) {
    this.#s = settings;
    this.#latency = latency;
  }

  /** When a call counts as overrunning, in ms. */
  overrunMs(): number {
    return Math.ceil(Math.max(this.#s.floorMs, this.#latency.bound ?? 0));
  }

  /** Bound on a liveness check (a ping on another channel), in ms. */
  livenessTimeoutMs(): number {
    return this.overrunMs();
  }

  /** Bound on one fast RPC, in ms. */
  fastTimeoutMs(): number {
    return 3 * this.overrunMs();
  }

  /** Bound on a call of `method`, in ms; undefined = the channel's `rpcTimeoutMs`. */
  timeoutMs(method: string): number | undefined {
    if (FAST_METHODS.has(method)) return this.fastTimeoutMs();
    if (FETCH_METHODS.has(method)) return this.#s.fetchRowsTimeoutMs > 0 ? this.#s.fetchRowsTimeoutMs + this.fastTimeoutMs() : UNBOUNDED_MS;
    return undefined;
  }
}
