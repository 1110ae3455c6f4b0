/**
 * The query options the simulator knows, with Impala 4.x defaults as strings
 * (protocol reference §2.16). Names are case-insensitive; an empty value resets
 * an option to its default.
 *
 * @internal
 */
import { optionValueError } from './option-values';
import { SimSqlError } from './types';
import type { StatementContext } from './types';

/** How prominently Impala lists an option (`SET` shows REGULAR, `SET ALL` every level). */
export type OptionLevel = 'REGULAR' | 'ADVANCED' | 'DEVELOPMENT' | 'DEPRECATED' | 'REMOVED';

interface OptionSpec {
  readonly defaultValue: string;
  readonly level: OptionLevel;
}

const R = 'REGULAR';
const A = 'ADVANCED';
const D = 'DEVELOPMENT';

// [name, default, level]; defaults as Impala 4.x lists them in OpenSession's configuration.
const TABLE: ReadonlyArray<readonly [string, string, OptionLevel]> = [
  ['ABORT_ON_ERROR', 'false', R],
  ['APPX_COUNT_DISTINCT', 'false', A],
  ['BATCH_SIZE', '0', D],
  ['BUFFER_POOL_LIMIT', '', A],
  ['CLIENT_IDENTIFIER', '', A],
  ['COMPRESSION_CODEC', '', R],
  ['COMPUTE_STATS_MIN_SAMPLE_SIZE', '1073741824', A],
  ['CPU_LIMIT_S', '0', A],
  ['DEBUG_ACTION', '', D],
  ['DECIMAL_V2', 'true', A],
  ['DEFAULT_FILE_FORMAT', 'TEXT', R],
  ['DEFAULT_JOIN_DISTRIBUTION_MODE', 'BROADCAST', A],
  ['DEFAULT_SPILLABLE_BUFFER_SIZE', '2097152', A],
  ['DEFAULT_TRANSACTIONAL_TYPE', 'NONE', A],
  ['DISABLE_CODEGEN', 'false', R],
  ['DISABLE_UNSAFE_SPILLS', 'false', A],
  ['ENABLE_ASYNC_DDL_EXECUTION', 'true', A],
  ['ENABLE_ASYNC_LOAD_DATA_EXECUTION', 'true', A],
  ['ENABLE_EXPR_REWRITES', 'true', A],
  ['EXEC_SINGLE_NODE_ROWS_THRESHOLD', '100', A],
  ['EXEC_TIME_LIMIT_S', '0', R],
  ['EXPLAIN_LEVEL', 'STANDARD', R],
  ['FETCH_ROWS_TIMEOUT_MS', '10000', A],
  ['IDLE_SESSION_TIMEOUT', '0', R],
  ['LONG_POLLING_TIME_MS', '0', A],
  ['MAX_ERRORS', '100', A],
  ['MAX_RESULT_SPOOLING_MEM', '104857600', A],
  ['MAX_ROW_SIZE', '524288', R],
  ['MAX_SCAN_RANGE_LENGTH', '0', D],
  ['MAX_SPILLED_RESULT_SPOOLING_MEM', '1073741824', A],
  ['MAX_STATEMENT_LENGTH_BYTES', '16777216', A],
  ['MEM_LIMIT', '0', R],
  ['MIN_SPILLABLE_BUFFER_SIZE', '65536', A],
  ['MT_DOP', '', R],
  ['NUM_NODES', '0', D],
  ['NUM_ROWS_PRODUCED_LIMIT', '0', A],
  ['NUM_SCANNER_THREADS', '0', R],
  ['PARQUET_FALLBACK_SCHEMA_RESOLUTION', 'POSITION', R],
  ['PARQUET_FILE_SIZE', '0', A],
  ['QUERY_TIMEOUT_S', '0', R],
  ['REPLICA_PREFERENCE', 'CACHE_LOCAL', A],
  ['REQUEST_POOL', '', R],
  ['RETRY_FAILED_QUERIES', 'false', A],
  ['RUNTIME_FILTER_MODE', 'GLOBAL', A],
  ['SCAN_BYTES_LIMIT', '0', A],
  ['SCHEDULE_RANDOM_REPLICA', 'false', A],
  ['SPOOL_ALL_RESULTS_FOR_RETRIES', 'true', A],
  ['SPOOL_QUERY_RESULTS', 'true', A],
  ['STRINGIFY_MAP_KEYS', 'false', A],
  ['SYNC_DDL', 'false', R],
  ['SYNC_HMS_EVENTS_STRICT_MODE', 'false', A],
  ['SYNC_HMS_EVENTS_WAIT_TIME_S', '0', A],
  ['TIMEZONE', '', A],
];

const OPTIONS: ReadonlyMap<string, OptionSpec> = new Map(
  TABLE.map(([name, defaultValue, level]) => [name, { defaultValue, level }]),
);

/**
 * ExecuteStatement overlay keys that are not query options but are accepted
 * (protocol reference §2.6).
 */
const OVERLAY_EXTRAS = new Set(['IMPALA.RESULTSET.CACHE.SIZE', 'IMPALA.PARENT_QUERY_ID']);

/** Every option with its default, keys upper case, in name order. */
export function defaultQueryOptions(): Record<string, string> {
  return Object.fromEntries(TABLE.map(([name, value]) => [name, value]));
}

/** The upper-case option name for a key in any case, or `undefined` when Impala has no such option. */
export function canonicalOptionName(key: string): string | undefined {
  const upper = key.trim().toUpperCase();
  return OPTIONS.has(upper) ? upper : undefined;
}

/** Impala's error for an unknown option key. */
export function invalidOptionError(key: string): SimSqlError {
  return new SimSqlError(`Invalid query option: ${key}`);
}

/**
 * Impala's error for setting option `key` (any case) to `value`: an unknown key
 * (`Invalid query option: <key>`) or a value the option does not take (e.g.
 * `Failed to parse query option 'MEM_LIMIT': lots`); `undefined` when accepted.
 */
export function optionError(key: string, value: string): string | undefined {
  const name = canonicalOptionName(key);
  if (name === undefined) return `Invalid query option: ${key}`;
  return optionValueError(name, value);
}

/** Throws Impala's error for an option value Impala refuses (see {@link optionError}). */
export function validateOption(key: string, value: string): void {
  const error = optionError(key, value);
  if (error !== undefined) throw new SimSqlError(error);
}

/** Rejects an ExecuteStatement overlay with an unknown key or a refused value, as Impala does. */
export function validateOverlay(overlay: Readonly<Record<string, string>>): void {
  for (const [key, value] of Object.entries(overlay)) {
    if (OVERLAY_EXTRAS.has(key.toUpperCase())) continue;
    validateOption(key, value);
  }
}

function lookup(options: Readonly<Record<string, string>>, name: string): string | undefined {
  const direct = options[name];
  if (direct !== undefined) return direct;
  const key = Object.keys(options).find((k) => k.toUpperCase() === name);
  return key === undefined ? undefined : options[key];
}

/** An option's value for one statement: overlay, then session, then default. */
export function effectiveOption(ctx: StatementContext, name: string): string {
  for (const source of [ctx.overlay, ctx.session.options]) {
    const value = lookup(source, name);
    if (value !== undefined && value !== '') return value;
  }
  return OPTIONS.get(name)?.defaultValue ?? '';
}

/** Impala's boolean option values: `true` or `1`, any case. */
export function isTrueOption(value: string): boolean {
  const v = value.trim().toLowerCase();
  return v === 'true' || v === '1';
}

/**
 * The `SET` / `SET ALL` rows (option, value, level) for a statement context,
 * session and overlay values applied.
 *
 * @param all - every level (`SET ALL`) rather than only REGULAR options (`SET`).
 */
export function optionRows(ctx: StatementContext, all: boolean): string[][] {
  return TABLE.filter(([, , level]) => all || level === 'REGULAR').map(([name, , level]) => [
    name,
    effectiveOption(ctx, name),
    level,
  ]);
}
