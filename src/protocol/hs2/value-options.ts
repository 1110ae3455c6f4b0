import { ArgumentError } from '../../errors';

/**
 * How result values are turned into JavaScript values. The defaults are exact: no
 * value loses precision or bytes unless an option asks for it.
 */
export interface ValueOptions {
  /**
   * BIGINT values as `bigint` (exact over the whole ±2^63 range), `number`, or
   * decimal `string`. With `'number'` a value outside the safe-integer range
   * (|v| > 2^53 − 1) throws an `ArgumentError` instead of silently losing digits.
   * @defaultValue `'bigint'`
   */
  bigint?: 'bigint' | 'number' | 'string';
  /**
   * TIMESTAMP values as Impala's text (`YYYY-MM-DD HH:MM:SS[.nnnnnnnnn]`, no zone) or
   * as a `Date`. Impala timestamps have no zone, so the text is read as UTC; a `Date`
   * keeps milliseconds and drops the remaining micro- and nanoseconds.
   * @defaultValue `'string'`
   */
  timestamp?: 'string' | 'date';
  /**
   * DATE values as Impala's text (`YYYY-MM-DD`) or as a `Date` at UTC midnight.
   * @defaultValue `'string'`
   */
  date?: 'string' | 'date';
  /**
   * STRING, VARCHAR and CHAR values decoded as UTF-8 `string`s, or kept as the raw
   * `Buffer`s Impala sent. Impala strings are bytes: use `'buffer'` when they may not
   * be UTF-8 (decoding replaces invalid sequences with U+FFFD). BINARY columns are
   * always Buffers.
   * @defaultValue `'string'`
   */
  strings?: 'string' | 'buffer';
  /**
   * Rows as objects keyed by column name, or as arrays in column order. In object
   * mode a repeated column name (e.g. `SELECT a.x, b.x`) keeps the first occurrence
   * under its name and gives later ones `name_2`, `name_3`, ... (skipping names the
   * result already uses), so no value is lost (keys follow the column order).
   * @defaultValue `'object'`
   */
  rowMode?: 'object' | 'array';
}

/** {@link ValueOptions} with every field set. */
export type ResolvedValueOptions = Readonly<Required<ValueOptions>>;

/** Defaults of {@link ValueOptions}. */
export const VALUE_DEFAULTS: ResolvedValueOptions = Object.freeze({
  bigint: 'bigint',
  timestamp: 'string',
  date: 'string',
  strings: 'string',
  rowMode: 'object',
});

/** Objects this module resolved (frozen, complete): resolving them again returns them as they are. */
const RESOLVED = new WeakSet<object>([VALUE_DEFAULTS]);

/** The five values as one string; undefined when one is neither a string nor undefined (never cached). */
function cacheKey(o: ValueOptions): string | undefined {
  let key = '';
  for (const v of [o.bigint, o.timestamp, o.date, o.strings, o.rowMode] as unknown[]) {
    if (v === undefined) key += '|';
    else if (typeof v === 'string') key += `|s${v}`;
    else return undefined;
  }
  return key;
}

/** The five values last resolved (only valid combinations of strings get here), and what they resolved to. */
let LAST: (ValueOptions & { resolved: ResolvedValueOptions }) | undefined;

function remember(options: ValueOptions, resolved: ResolvedValueOptions): void {
  LAST = { bigint: options.bigint, timestamp: options.timestamp, date: options.date, strings: options.strings, rowMode: options.rowMode, resolved };
}

/** Resolved options by the five values they were resolved from. */
const BY_KEY = new Map<string, ResolvedValueOptions>();

const ACCEPTED: { readonly [K in keyof ValueOptions]-?: readonly string[] } = {
  bigint: ['bigint', 'number', 'string'],
  timestamp: ['string', 'date'],
  date: ['string', 'date'],
  strings: ['string', 'buffer'],
  rowMode: ['object', 'array'],
};

/**
 * Fills in defaults and checks every value.
 *
 * @throws {@link ArgumentError} naming the option, the value and the accepted values.
 */
export function resolveValueOptions(options: ValueOptions | undefined): ResolvedValueOptions {
  if (options === undefined || RESOLVED.has(options)) return (options ?? VALUE_DEFAULTS) as ResolvedValueOptions;
  if (options.bigint === undefined && options.timestamp === undefined && options.date === undefined && options.strings === undefined && options.rowMode === undefined) {
    return VALUE_DEFAULTS;
  }
  // Pooled calls pass the client's value options merged into each call's options: the
  // same few combinations again and again, so each resolved combination is kept, and
  // the last one is checked first without building its key.
  const last = LAST;
  if (
    last !== undefined &&
    options.bigint === last.bigint &&
    options.timestamp === last.timestamp &&
    options.date === last.date &&
    options.strings === last.strings &&
    options.rowMode === last.rowMode
  ) {
    return last.resolved;
  }
  const key = cacheKey(options);
  const seen = key === undefined ? undefined : BY_KEY.get(key);
  if (seen !== undefined) {
    remember(options, seen);
    return seen;
  }
  const out: Record<string, string> = { ...VALUE_DEFAULTS };
  for (const key of Object.keys(ACCEPTED) as Array<keyof ValueOptions>) {
    const value: unknown = options[key];
    if (value === undefined) continue;
    if (typeof value !== 'string' || !ACCEPTED[key].includes(value)) {
      throw new ArgumentError(`${key} must be one of ${ACCEPTED[key].map((v) => `'${v}'`).join(', ')}; got ${typeof value === 'string' ? `'${value}'` : String(value)}`);
    }
    out[key] = value;
  }
  const resolved = Object.freeze(out) as unknown as ResolvedValueOptions;
  RESOLVED.add(resolved);
  // Only valid combinations get here (at most 48, each a key of plain strings or undefined).
  if (key !== undefined) {
    BY_KEY.set(key, resolved);
    remember(options, resolved);
  }
  return resolved;
}
