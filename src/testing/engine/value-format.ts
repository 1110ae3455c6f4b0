/**
 * Impala's text forms of values that travel as strings over HS2 (protocol
 * reference §2.10): DECIMAL, DATE, TIMESTAMP, and the JSON text of nested values.
 *
 * @internal
 */
import {
  DuckDBArrayValue,
  DuckDBBlobValue,
  DuckDBDateValue,
  DuckDBDecimalValue,
  DuckDBListValue,
  DuckDBMapValue,
  DuckDBStructValue,
  DuckDBTimestampMillisecondsValue,
  DuckDBTimestampNanosecondsValue,
  DuckDBTimestampSecondsValue,
  DuckDBTimestampTZValue,
  DuckDBTimestampValue,
  DuckDBUnionValue,
  type DuckDBValue,
} from '@duckdb/node-api';

const MICROS_PER_DAY = 86_400_000_000;
// DuckDB's ±infinity: ±(2^63-1) ticks for every TIMESTAMP unit, ±(2^31-1) days for DATE.
// Compared here because the values' own isFinite getter is a native call per row.
const INFINITE_TICKS = 2n ** 63n - 1n;
const INFINITE_DAYS = 2 ** 31 - 1;

/** True for DuckDB's ±infinity timestamp, in any unit. */
export function isInfiniteTicks(ticks: bigint): boolean {
  return ticks === INFINITE_TICKS || ticks === -INFINITE_TICKS;
}

/** True for DuckDB's ±infinity date. */
export function isInfiniteDays(days: number): boolean {
  return days === INFINITE_DAYS || days === -INFINITE_DAYS;
}
const NANOS_PER_DAY = 86_400_000_000_000n;

/**
 * Exact decimal text with exactly `scale` fractional digits and a `0` before the
 * point when |x| < 1: `1.50`, `-0.05`, `12`.
 *
 * @param unscaled - the value times 10^scale (a number only when it is a safe integer).
 */
export function formatDecimal(unscaled: bigint | number, scale: number): string {
  const negative = unscaled < 0;
  // Number arithmetic when exact (DECIMAL up to 15 digits): much cheaper than bigint.
  let digits = typeof unscaled === 'number' ? String(Math.abs(unscaled)) : (negative ? -unscaled : unscaled).toString();
  if (scale > 0) {
    if (digits.length <= scale) digits = digits.padStart(scale + 1, '0');
    digits = `${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`;
  }
  return negative ? `-${digits}` : digits;
}

// "00".."99": time fields are formatted by lookup, this is the hot path of TIMESTAMP columns.
const TWO_DIGITS: readonly string[] = Array.from({ length: 100 }, (_, i) => (i < 10 ? `0${i}` : String(i)));

function pad2(n: number): string {
  return TWO_DIGITS[n] as string;
}

/** `YYYY-MM-DD` for a day count since 1970-01-01 (proleptic Gregorian). */
export function formatDate(daysSinceEpoch: number): string {
  // Civil-from-days over 400-year eras, exact for any day count a DATE can hold.
  const z = daysSinceEpoch + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const y = year < 0 ? `-${String(-year).padStart(4, '0')}` : String(year).padStart(4, '0');
  return `${y}-${pad2(month)}-${pad2(day)}`;
}

/**
 * Formats timestamps as Impala prints them: `YYYY-MM-DD HH:MM:SS`, or with exactly
 * nine fractional digits when the fraction is not zero. Remembers the last day's
 * date text, as consecutive rows usually share it.
 */
export class TimestampFormatter {
  #day = Number.NaN;
  #date = '';

  /** Text for a day count since the epoch and nanoseconds into that day. */
  format(daysSinceEpoch: number, nanosOfDay: number): string {
    if (daysSinceEpoch !== this.#day) {
      this.#day = daysSinceEpoch;
      this.#date = formatDate(daysSinceEpoch);
    }
    const seconds = Math.floor(nanosOfDay / 1e9);
    const fraction = nanosOfDay - seconds * 1e9;
    const minutes = Math.floor(seconds / 60);
    const base = `${this.#date} ${pad2(Math.floor(minutes / 60))}:${pad2(minutes % 60)}:${pad2(seconds % 60)}`;
    return fraction === 0 ? base : `${base}.${String(fraction).padStart(9, '0')}`;
  }

  /** Text from microseconds since the epoch. */
  micros(micros: bigint): string {
    const n = Number(micros);
    if (Number.isSafeInteger(n)) {
      const days = Math.floor(n / MICROS_PER_DAY);
      return this.format(days, (n - days * MICROS_PER_DAY) * 1000);
    }
    return this.nanos(micros * 1000n);
  }

  /** Text from nanoseconds since the epoch. */
  nanos(nanos: bigint): string {
    let days = nanos / NANOS_PER_DAY;
    let rest = nanos - days * NANOS_PER_DAY;
    if (rest < 0n) {
      days -= 1n;
      rest += NANOS_PER_DAY;
    }
    return this.format(Number(days), Number(rest));
  }

  /** Any DuckDB timestamp value; `undefined` for ±infinity, which Impala cannot hold. */
  value(value: DuckDBValue): string | undefined {
    if (value instanceof DuckDBTimestampValue || value instanceof DuckDBTimestampTZValue) {
      return isInfiniteTicks(value.micros) ? undefined : this.micros(value.micros);
    }
    if (value instanceof DuckDBTimestampNanosecondsValue) return isInfiniteTicks(value.nanos) ? undefined : this.nanos(value.nanos);
    if (value instanceof DuckDBTimestampMillisecondsValue) return isInfiniteTicks(value.millis) ? undefined : this.micros(value.millis * 1000n);
    if (value instanceof DuckDBTimestampSecondsValue) return isInfiniteTicks(value.seconds) ? undefined : this.micros(value.seconds * 1_000_000n);
    return undefined;
  }
}

const sharedFormatter = new TimestampFormatter();

/** Timestamp text from microseconds since the epoch. */
export function formatMicros(micros: bigint): string {
  return sharedFormatter.micros(micros);
}

/** Timestamp text from nanoseconds since the epoch. */
export function formatNanos(nanos: bigint): string {
  return sharedFormatter.nanos(nanos);
}

/** Any DuckDB timestamp value as Impala's text; `undefined` for ±infinity, which Impala cannot hold. */
export function timestampText(value: DuckDBValue): string | undefined {
  return sharedFormatter.value(value);
}

/** A DuckDB DATE as Impala's text; `undefined` for ±infinity. */
export function dateText(value: DuckDBValue): string | undefined {
  return value instanceof DuckDBDateValue && !isInfiniteDays(value.days) ? formatDate(value.days) : undefined;
}

function jsonNumber(n: number): string {
  // Impala prints non-finite doubles inside complex values as bare words.
  return Number.isFinite(n) ? String(n) : Number.isNaN(n) ? 'NaN' : n > 0 ? 'Infinity' : '-Infinity';
}

/**
 * JSON text of a value the way Impala prints complex types in a select list:
 * arrays `[1,2]`, structs `{"a":1}`, maps `{"k":2}` (non-string keys unquoted, as
 * Impala does without STRINGIFY_MAP_KEYS), no spaces.
 */
export function jsonText(value: DuckDBValue): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return String(value);
    case 'number':
      return jsonNumber(value);
    case 'bigint':
      return value.toString();
    case 'string':
      return JSON.stringify(value);
    default:
      break;
  }
  if (value instanceof DuckDBListValue || value instanceof DuckDBArrayValue) {
    return `[${value.items.map(jsonText).join(',')}]`;
  }
  if (value instanceof DuckDBStructValue) {
    return `{${Object.entries(value.entries).map(([k, v]) => `${JSON.stringify(k)}:${jsonText(v)}`).join(',')}}`;
  }
  if (value instanceof DuckDBMapValue) {
    return `{${value.entries.map((e) => `${typeof e.key === 'string' ? JSON.stringify(e.key) : jsonText(e.key)}:${jsonText(e.value)}`).join(',')}}`;
  }
  if (value instanceof DuckDBUnionValue) return jsonText(value.value);
  if (value instanceof DuckDBDecimalValue) return formatDecimal(value.value, value.scale);
  if (value instanceof DuckDBBlobValue) return JSON.stringify(Buffer.from(value.bytes).toString('latin1'));
  const ts = timestampText(value) ?? dateText(value);
  return JSON.stringify(ts ?? String(value));
}

/** Text of a value of a type Impala lacks (reported as STRING): nested values as JSON, scalars in DuckDB's text form. */
export function stringText(value: DuckDBValue): string {
  if (typeof value === 'string') return value;
  if (
    value instanceof DuckDBListValue ||
    value instanceof DuckDBArrayValue ||
    value instanceof DuckDBStructValue ||
    value instanceof DuckDBMapValue
  ) {
    return jsonText(value);
  }
  return String(value);
}
