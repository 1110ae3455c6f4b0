/**
 * Options of the simulator's SQL engine, their defaults and validation.
 *
 * @internal
 */
import { ConfigError, ErrorCode } from '../../errors';

/** Options of {@link createDuckDbEngine}. */
export interface DuckDbEngineOptions {
  /**
   * How long DDL made through one coordinator stays invisible to the others, in ms.
   * @defaultValue 0
   */
  catalogLagMs?: number;
  /**
   * How long a DDL (or INSERT) run with SYNC_DDL=true takes before it returns, in
   * ms; it is then visible on every coordinator.
   * @defaultValue 20
   */
  syncDdlDelayMs?: number;
  /**
   * DuckDB database file; what it already holds is visible everywhere at start.
   * @defaultValue in-memory
   */
  database?: string;
  /**
   * Upper bound on the rows of one fetched batch, whatever `maxRows` the client
   * asks for. Impala with result spooling (the default since 4.0) honours large
   * `maxRows`; the cap keeps one batch's memory bounded. 10 × Impala's BATCH_SIZE.
   * @defaultValue 10240
   */
  maxRowsPerBatch?: number;
  /**
   * DuckDB worker threads. With 1, each statement runs on the thread that calls
   * into DuckDB (statements on different connections still run side by side);
   * more start DuckDB's own workers, which every statement wakes, a cost that
   * outweighs parallel scans on the small tables a simulator holds.
   * @defaultValue 1
   */
  threads?: number;
}

/** Validated options with defaults applied. */
export interface ResolvedEngineOptions {
  readonly catalogLagMs: number;
  readonly syncDdlDelayMs: number;
  readonly database: string;
  readonly maxRowsPerBatch: number;
  /** DuckDB configuration (`threads`). */
  readonly duckdbConfig: Record<string, string>;
}

const DEFAULT_SYNC_DDL_DELAY_MS = 20;
const DEFAULT_MAX_ROWS_PER_BATCH = 10240;
const DEFAULT_THREADS = 1;

function invalid(option: string, accepted: string, value: unknown): ConfigError {
  return new ConfigError(
    ErrorCode.CONFIG_INVALID_VALUE,
    `createDuckDbEngine: ${option} must be ${accepted}, got ${String(value)}`,
    option,
  );
}

function milliseconds(option: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw invalid(option, 'a non-negative number of milliseconds', value);
  }
  return value;
}

function positiveInteger(option: string, value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value < 1) throw invalid(option, 'a positive integer', value);
  return value;
}

/**
 * Applies defaults and checks every option.
 *
 * @throws ConfigError - `IMPALA_ERR_CONFIG_INVALID_VALUE` naming the option and what it accepts.
 */
export function resolveEngineOptions(options: DuckDbEngineOptions): ResolvedEngineOptions {
  if (options.database !== undefined && (typeof options.database !== 'string' || options.database === '')) {
    throw invalid('database', 'a file path', options.database);
  }
  const threads = positiveInteger('threads', options.threads);
  return {
    catalogLagMs: milliseconds('catalogLagMs', options.catalogLagMs, 0),
    syncDdlDelayMs: milliseconds('syncDdlDelayMs', options.syncDdlDelayMs, DEFAULT_SYNC_DDL_DELAY_MS),
    database: options.database ?? ':memory:',
    maxRowsPerBatch: positiveInteger('maxRowsPerBatch', options.maxRowsPerBatch) ?? DEFAULT_MAX_ROWS_PER_BATCH,
    duckdbConfig: { threads: String(threads ?? DEFAULT_THREADS) },
  };
}
