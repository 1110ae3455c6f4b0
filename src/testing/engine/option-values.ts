/**
 * Impala's validation of query option values (be/src/service/query-options.cc,
 * query-option-parser.h), with its exact texts, for the options the simulator
 * lists. Booleans accept anything (`true`/`1`, any case, is true, the rest
 * false) and free-text options anything, as in Impala.
 *
 * @internal
 */

/** Byte sizes: `<n>`, `<n>b`, `<x>k`, `<x>kb`, `<x>m`, `<x>mb`, `<x>g`, `<x>gb` (any case); `-1` is 0. */
const MEM_SPEC = /^(\d+(?:\.\d*)?|\.\d+)\s*([kmg])?(b)?$/i;
const INT = /^\s*[+-]?\d+\s*$/;
const INT32_MAX = 2_147_483_647;
const INT32_MIN = -2_147_483_648;
/** Impala's ROW_SIZE_LIMIT (1 TB) and SPILLABLE_BUFFER_LIMIT (1 TB). */
const ONE_TB = 1024 ** 4;
/** MIN_MAX_STATEMENT_LENGTH_BYTES. */
const MIN_STATEMENT_LENGTH = 1024;

type Check =
  | { kind: 'int32'; min?: number; max?: number; nonNegative?: boolean }
  | { kind: 'int64'; nonNegative?: boolean }
  | { kind: 'mem'; min?: number; max?: number; nonNegative?: boolean; powerOf2?: boolean }
  | { kind: 'enum'; what: string; values: ReadonlyArray<readonly [number, string]> }
  | { kind: 'timezone' };

const CHECKS: Readonly<Record<string, Check>> = {
  BATCH_SIZE: { kind: 'int32', min: 0, max: 65536 },
  BUFFER_POOL_LIMIT: { kind: 'mem' },
  COMPUTE_STATS_MIN_SAMPLE_SIZE: { kind: 'mem', nonNegative: true },
  CPU_LIMIT_S: { kind: 'int64', nonNegative: true },
  DEFAULT_FILE_FORMAT: {
    kind: 'enum',
    what: 'default file format',
    values: [[0, 'TEXT'], [1, 'RC_FILE'], [2, 'SEQUENCE_FILE'], [3, 'AVRO'], [4, 'PARQUET'], [5, 'KUDU'], [6, 'ORC'], [7, 'HUDI_PARQUET'], [8, 'ICEBERG'], [9, 'JSON'], [10, 'JDBC']],
  },
  DEFAULT_JOIN_DISTRIBUTION_MODE: { kind: 'enum', what: 'default join distribution mode', values: [[0, 'BROADCAST'], [1, 'SHUFFLE']] },
  DEFAULT_SPILLABLE_BUFFER_SIZE: { kind: 'mem', min: 0, max: ONE_TB, powerOf2: true },
  DEFAULT_TRANSACTIONAL_TYPE: { kind: 'enum', what: 'default transactional type', values: [[0, 'NONE'], [1, 'INSERT_ONLY']] },
  EXEC_SINGLE_NODE_ROWS_THRESHOLD: { kind: 'int32' },
  EXEC_TIME_LIMIT_S: { kind: 'int32', nonNegative: true },
  EXPLAIN_LEVEL: { kind: 'enum', what: 'explain level', values: [[0, 'MINIMAL'], [1, 'STANDARD'], [2, 'EXTENDED'], [3, 'VERBOSE']] },
  FETCH_ROWS_TIMEOUT_MS: { kind: 'int64', nonNegative: true },
  IDLE_SESSION_TIMEOUT: { kind: 'int32', nonNegative: true },
  LONG_POLLING_TIME_MS: { kind: 'int32', nonNegative: true },
  MAX_ERRORS: { kind: 'int32' },
  MAX_RESULT_SPOOLING_MEM: { kind: 'mem' },
  MAX_ROW_SIZE: { kind: 'mem', min: 1, max: ONE_TB },
  MAX_SCAN_RANGE_LENGTH: { kind: 'mem' },
  MAX_SPILLED_RESULT_SPOOLING_MEM: { kind: 'mem' },
  MAX_STATEMENT_LENGTH_BYTES: { kind: 'mem', min: MIN_STATEMENT_LENGTH, max: INT32_MAX },
  MEM_LIMIT: { kind: 'mem' },
  MIN_SPILLABLE_BUFFER_SIZE: { kind: 'mem', min: 0, max: ONE_TB, powerOf2: true },
  MT_DOP: { kind: 'int32', min: 0, max: 64 },
  NUM_NODES: { kind: 'int32', min: 0, max: 1 },
  NUM_ROWS_PRODUCED_LIMIT: { kind: 'int64', nonNegative: true },
  NUM_SCANNER_THREADS: { kind: 'int32' },
  PARQUET_FALLBACK_SCHEMA_RESOLUTION: { kind: 'enum', what: 'parquet fallback schema resolution', values: [[0, 'POSITION'], [1, 'NAME'], [2, 'FIELD_ID']] },
  PARQUET_FILE_SIZE: { kind: 'mem', min: 0, max: INT32_MAX },
  QUERY_TIMEOUT_S: { kind: 'int32', nonNegative: true },
  REPLICA_PREFERENCE: { kind: 'enum', what: 'replica memory distance preference', values: [[0, 'CACHE_LOCAL'], [2, 'DISK_LOCAL'], [4, 'REMOTE']] },
  RUNTIME_FILTER_MODE: { kind: 'enum', what: 'runtime filter mode', values: [[0, 'OFF'], [1, 'LOCAL'], [2, 'GLOBAL']] },
  SCAN_BYTES_LIMIT: { kind: 'mem' },
  SYNC_HMS_EVENTS_WAIT_TIME_S: { kind: 'int32', nonNegative: true },
  TIMEZONE: { kind: 'timezone' },
};

/** `Failed to parse query option '<NAME>': <value>` (TErrorCode QUERY_OPTION_PARSE_FAILED). */
function parseFailed(name: string, value: string): string {
  return `Failed to parse query option '${name}': ${value}`;
}

/** `Invalid value for query option <NAME>: <detail>` (QueryOptionValidator). */
function invalidValue(name: string, detail: string): string {
  return `Invalid value for query option ${name}: ${detail}`;
}

/** Impala's ParseUtil::ParseMemSpec for query options: bytes, or undefined when it does not parse (percentages included). */
export function parseMemSpec(value: string): number | undefined {
  const v = value.trim();
  if (v === '' || v === '-1') return 0;
  const m = MEM_SPEC.exec(v);
  if (m === null) return undefined;
  const unit = (m[2] ?? '').toLowerCase();
  const number = Number(m[1]);
  // A bare byte count is an integer; K/M/G take a decimal.
  if (unit === '' && !/^\d+$/.test(m[1] as string)) return undefined;
  const bytes = Math.floor(number * (unit === 'k' ? 1024 : unit === 'm' ? 1024 ** 2 : unit === 'g' ? 1024 ** 3 : 1));
  return Number.isSafeInteger(bytes) ? bytes : undefined;
}

function parseInt32(value: string): number | undefined {
  if (!INT.test(value)) return undefined;
  const n = Number(value.trim());
  return n < INT32_MIN || n > INT32_MAX ? undefined : n;
}

function parseInt64(value: string): bigint | undefined {
  if (!INT.test(value)) return undefined;
  const n = BigInt(value.trim());
  return n < -(2n ** 63n) || n >= 2n ** 63n ? undefined : n;
}

function rangeError(name: string, n: number, min?: number, max?: number): string | undefined {
  if (min !== undefined && max !== undefined && (n < min || n > max)) return invalidValue(name, `${n} is not in range [${min}, ${max}]`);
  return undefined;
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/**
 * Impala's error text for setting option `name` (upper case, known) to `value`,
 * or `undefined` when Impala accepts it. An empty value always resets and is
 * accepted.
 */
export function optionValueError(name: string, value: string): string | undefined {
  if (value === '') return undefined;
  const check = CHECKS[name];
  if (check === undefined) return undefined;
  switch (check.kind) {
    case 'int32': {
      const n = parseInt32(value);
      if (n === undefined) return parseFailed(name, value);
      if (check.nonNegative === true && n < 0) return invalidValue(name, `Value must be non-negative: ${n}`);
      return rangeError(name, n, check.min, check.max);
    }
    case 'int64': {
      const n = parseInt64(value);
      if (n === undefined) return parseFailed(name, value);
      if (check.nonNegative === true && n < 0n) return invalidValue(name, `Value must be non-negative: ${n}`);
      return undefined;
    }
    case 'mem': {
      const n = parseMemSpec(value);
      if (n === undefined || n < 0) return parseFailed(name, value);
      const range = rangeError(name, n, check.min, check.max);
      if (range !== undefined) return range;
      if (check.powerOf2 === true && n > 0 && !Number.isInteger(Math.log2(n))) {
        return invalidValue(name, `Value must be a power of two: ${n}`);
      }
      return undefined;
    }
    case 'enum': {
      const v = value.trim().toUpperCase();
      if (check.values.some(([n, label]) => v === label || v === String(n))) return undefined;
      const listed = check.values.map(([n, label]) => `${label}(${n})`).join(', ');
      return `Invalid ${check.what}: '${value}'. Valid values are ${listed}.`;
    }
    case 'timezone': {
      // Quotes are stripped because '/' cannot be typed unquoted everywhere.
      const zone = value.replace(/^['"]+|['"]+$/g, '');
      return zone === '' || isTimeZone(zone) ? undefined : `Invalid timezone name '${zone}'.`;
    }
  }
}
