import { ArgumentError } from '../../errors';

/**
 * Marks bytes to be bound as an Impala BINARY value (`CAST(unhex('..') AS BINARY)`)
 * rather than as a STRING (`unhex('..')`, what a plain Buffer gives). Impala does not
 * convert STRING to BINARY implicitly, so use this for BINARY columns.
 */
export class BinaryParam {
  /** The bytes to bind. */
  readonly bytes: Uint8Array;

  constructor(bytes: Uint8Array) {
    if (!(bytes instanceof Uint8Array)) throw new ArgumentError('asBinary() takes a Buffer or Uint8Array');
    this.bytes = bytes;
  }
}

/** Wraps bytes so they bind as a BINARY value; see {@link BinaryParam}. */
export function asBinary(bytes: Uint8Array): BinaryParam {
  return new BinaryParam(bytes);
}

const ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\\\',
  "'": "\\'",
  '"': '\\"',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  // Impala unescapes literals with Hive's unescapeSQLString, which reads `\0` followed
  // by two octal digits as an octal escape (`\012` is a newline). The full three-digit
  // octal form is unambiguous whatever follows.
  '\0': '\\000',
};
const NEEDS_ESCAPE = /[\\'"\n\r\t\0]/g;

// String.prototype.isWellFormed is in Node 20 but not in the ES2023 lib typings.
type WellFormedCheck = { isWellFormed(): boolean };

/**
 * A single-quoted Impala string literal whose value, after Impala's unescaping, is
 * exactly `value`. Every character that could end the literal or change its meaning
 * is backslash-escaped; other characters (including `?`, `--`, `/*` and any Unicode)
 * are kept as they are.
 *
 * @throws {@link ArgumentError} for a string with an unpaired UTF-16 surrogate, which
 * has no UTF-8 form and would reach Impala altered.
 */
export function quoteString(value: string, what = 'the string'): string {
  if (!(value as unknown as WellFormedCheck).isWellFormed()) {
    throw new ArgumentError(`${what} contains an unpaired UTF-16 surrogate, which cannot be sent to Impala as UTF-8`);
  }
  return `'${value.replace(NEEDS_ESCAPE, (c) => ESCAPES[c]!)}'`;
}

const ACCEPTED = 'string, number, bigint, boolean, null, undefined, Date, Buffer/Uint8Array or asBinary(bytes)';

/**
 * The Impala SQL text for one bound parameter value:
 *
 * | value | SQL |
 * |---|---|
 * | `null`, `undefined` | `NULL` |
 * | string | `'...'` escaped by {@link quoteString} |
 * | finite number, bigint | decimal literal; negatives in parentheses, `(-5)`, so `x-?` cannot become a `--` comment |
 * | `NaN`, `±Infinity` | `CAST('nan' AS DOUBLE)`, `CAST('inf' AS DOUBLE)`, `CAST('-inf' AS DOUBLE)` |
 * | boolean | `TRUE` / `FALSE` |
 * | `Date` | `CAST('YYYY-MM-DD HH:MM:SS.mmm' AS TIMESTAMP)` in UTC |
 * | Buffer / Uint8Array | `unhex('<hex>')` (a STRING with those bytes) |
 * | {@link asBinary}(bytes) | `CAST(unhex('<hex>') AS BINARY)` |
 *
 * @param index 0-based position of the parameter, for error messages.
 * @throws {@link ArgumentError} for any other type, an invalid Date, or a Date
 * outside years 0000-9999.
 */
export function toSqlLiteral(value: unknown, index: number): string {
  const what = `params[${index}]`;
  switch (typeof value) {
    case 'undefined':
      return 'NULL';
    case 'string':
      return quoteString(value, `${what} (a string)`);
    case 'boolean':
      return value ? 'TRUE' : 'FALSE';
    case 'bigint':
      return value < 0n ? `(${value.toString()})` : value.toString();
    case 'number':
      if (Number.isNaN(value)) return "CAST('nan' AS DOUBLE)";
      if (value === Infinity) return "CAST('inf' AS DOUBLE)";
      if (value === -Infinity) return "CAST('-inf' AS DOUBLE)";
      return value < 0 ? `(${String(value)})` : String(value);
    case 'object':
      if (value === null) return 'NULL';
      if (value instanceof Date) return dateLiteral(value, what);
      if (value instanceof BinaryParam) return `CAST(unhex('${hex(value.bytes)}') AS BINARY)`;
      if (value instanceof Uint8Array) return `unhex('${hex(value)}')`;
      throw new ArgumentError(`${what} is ${describe(value)}; a parameter must be a ${ACCEPTED}`);
    default:
      throw new ArgumentError(`${what} is a ${typeof value}; a parameter must be a ${ACCEPTED}`);
  }
}

function dateLiteral(date: Date, what: string): string {
  const t = date.getTime();
  if (Number.isNaN(t)) throw new ArgumentError(`${what} is an invalid Date`);
  const year = date.getUTCFullYear();
  if (year < 0 || year > 9999) throw new ArgumentError(`${what} is a Date in year ${year}; Impala timestamps need a four-digit year`);
  // toISOString is `YYYY-MM-DDTHH:MM:SS.mmmZ` for years 0000-9999.
  return `CAST('${date.toISOString().slice(0, 23).replace('T', ' ')}' AS TIMESTAMP)`;
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

function describe(value: object): string {
  if (Array.isArray(value)) return 'an array';
  const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && name !== 'Object' ? `a ${name}` : 'an object';
}
