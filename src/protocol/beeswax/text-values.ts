import { ArgumentError, ProtocolError } from '../../errors';
import type { ColumnInfo } from '../hs2/result-metadata';
import { parseImpalaDate, parseImpalaTimestamp } from '../hs2/temporal';
import { utf8Text } from '../hs2/utf8-text';
import type { ResolvedValueOptions } from '../hs2/value-options';

/**
 * Turns the text of one Beeswax result column into JavaScript values, with the same
 * results HS2's columnar decoding gives for the same query and options:
 * - `NULL` (the 4 bytes) is null in every column. Impala prints a NULL and the
 *   string `'NULL'` alike, so a STRING value `'NULL'` also reads as null — a
 *   limitation of Beeswax itself; use HS2 when that matters.
 * - BOOLEAN `true`/`false`; TINYINT, SMALLINT, INT as numbers; BIGINT exact as a
 *   bigint (or number/string per `bigint`).
 * - FLOAT and DOUBLE: Impala prints 16 significant digits. FLOAT is read back to the
 *   exact single-precision value (as HS2 sends it, widened to double). DOUBLE is the
 *   nearest double to the printed text, equal to HS2's value whenever 16 digits
 *   identify it (a value such as 0.1 + 0.2, which needs 17, reads as 0.3). `NaN`,
 *   `Infinity`, `-Infinity` (and C's `nan`, `inf`) are read too.
 * - DECIMAL as the exact text with Impala's scale; TIMESTAMP, DATE as text or Date;
 *   STRING, VARCHAR, CHAR as text or Buffer (`strings`); BINARY as Buffer.
 * A value that cannot be what its type says is a {@link ProtocolError}.
 *
 * `bounds` holds each field's byte range: `[start, end)` of row r, column c at
 * `bounds[(r * width + c) * 2]`.
 *
 * @internal
 */
export function decodeTextColumn(
  bytes: Buffer,
  bounds: Int32Array,
  width: number,
  c: number,
  rowCount: number,
  info: ColumnInfo,
  options: ResolvedValueOptions,
): unknown[] {
  const out: unknown[] = new Array(rowCount);
  if (info.type === 'NULL') return out.fill(null);
  const read = readerFor(info, options);
  for (let r = 0, k = c * 2; r < rowCount; r++, k += width * 2) {
    const s = bounds[k]!;
    const e = bounds[k + 1]!;
    if (e - s === 4 && bytes[s] === 0x4e && bytes[s + 1] === 0x55 && bytes[s + 2] === 0x4c && bytes[s + 3] === 0x4c) {
      out[r] = null;
      continue;
    }
    const v = read(bytes, s, e);
    if (v === INVALID) throw unreadable(bytes, s, e, info, r);
    out[r] = v;
  }
  return out;
}

/** Marks a field that is not a value of its column's type. */
const INVALID: unique symbol = Symbol('invalid');
type Reader = (bytes: Buffer, s: number, e: number) => unknown;

function readerFor(info: ColumnInfo, options: ResolvedValueOptions): Reader {
  switch (info.type) {
    case 'BOOLEAN':
      return readBoolean;
    case 'TINYINT':
    case 'SMALLINT':
    case 'INT':
      return readInt;
    case 'BIGINT':
      return options.bigint === 'bigint' ? readBigint : options.bigint === 'string' ? readBigintText : bigintAsNumber(info);
    case 'FLOAT':
      return readFloat;
    case 'DOUBLE':
      return readDouble;
    case 'TIMESTAMP':
      return options.timestamp === 'date' ? dateReader(parseImpalaTimestamp) : readText;
    case 'DATE':
      return options.date === 'date' ? dateReader(parseImpalaDate) : readText;
    case 'BINARY':
      return copyBytes;
    case 'STRING':
    case 'VARCHAR':
    case 'CHAR':
      return options.strings === 'buffer' ? copyBytes : readText;
    default:
      // DECIMAL keeps its exact text; unknown types are returned as text.
      return readText;
  }
}

function readText(bytes: Buffer, s: number, e: number): string {
  return utf8Text(bytes, s, e);
}

/** A copy: a view would keep the whole batch alive as long as any one value. */
function copyBytes(bytes: Buffer, s: number, e: number): Buffer {
  const copy = Buffer.allocUnsafe(e - s);
  bytes.copy(copy, 0, s, e);
  return copy;
}

function readBoolean(bytes: Buffer, s: number, e: number): boolean | typeof INVALID {
  const n = e - s;
  if (n === 4 && bytes[s] === 0x74 && bytes[s + 1] === 0x72 && bytes[s + 2] === 0x75 && bytes[s + 3] === 0x65) return true;
  if (n === 5 && bytes[s] === 0x66 && bytes[s + 1] === 0x61 && bytes[s + 2] === 0x6c && bytes[s + 3] === 0x73 && bytes[s + 4] === 0x65) return false;
  return INVALID;
}

/** Decimal digits with an optional `-`, at most `maxDigits`; NaN when not that. */
function parseDigits(bytes: Buffer, s: number, e: number, maxDigits: number): number {
  let i = s;
  const negative = bytes[i] === 0x2d;
  if (negative) i++;
  if (i === e || e - i > maxDigits) return Number.NaN;
  let n = 0;
  for (; i < e; i++) {
    const d = bytes[i]! - 0x30;
    if (d < 0 || d > 9) return Number.NaN;
    n = n * 10 + d;
  }
  return negative ? -n : n;
}

function readInt(bytes: Buffer, s: number, e: number): number | typeof INVALID {
  const n = parseDigits(bytes, s, e, 10);
  return Number.isNaN(n) || n < -2147483648 || n > 2147483647 ? INVALID : n;
}

const BIGINT_TEXT = /^-?\d{1,19}$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** BIGINT as a number when its text has at most 15 digits (always exact), else as a bigint. */
function parseBigint(bytes: Buffer, s: number, e: number): number | bigint | typeof INVALID {
  const n = parseDigits(bytes, s, e, 15);
  if (!Number.isNaN(n)) return n;
  const text = utf8Text(bytes, s, e);
  if (!BIGINT_TEXT.test(text)) return INVALID;
  const big = BigInt(text);
  return big < INT64_MIN || big > INT64_MAX ? INVALID : big;
}

function readBigint(bytes: Buffer, s: number, e: number): bigint | typeof INVALID {
  const v = parseBigint(bytes, s, e);
  return typeof v === 'number' ? BigInt(v) : v;
}

function readBigintText(bytes: Buffer, s: number, e: number): string | typeof INVALID {
  const v = parseBigint(bytes, s, e);
  return v === INVALID ? v : String(v);
}

function bigintAsNumber(info: ColumnInfo): Reader {
  return (bytes, s, e) => {
    const v = parseBigint(bytes, s, e);
    if (typeof v !== 'bigint') return v;
    const n = Number(v);
    if (Number.isSafeInteger(n)) return n;
    throw new ArgumentError(
      `${info.type} value ${v} in column ${JSON.stringify(info.name)} is not a safe integer and cannot be returned exactly as a number; use bigint: 'bigint' or 'string'`,
    );
  };
}

const FINITE = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;
const SPECIAL: Readonly<Record<string, number>> = {
  NaN: Number.NaN,
  nan: Number.NaN,
  '-nan': Number.NaN,
  Infinity: Number.POSITIVE_INFINITY,
  inf: Number.POSITIVE_INFINITY,
  '-Infinity': Number.NEGATIVE_INFINITY,
  '-inf': Number.NEGATIVE_INFINITY,
};

function readDouble(bytes: Buffer, s: number, e: number): number | typeof INVALID {
  const text = utf8Text(bytes, s, e);
  if (FINITE.test(text)) return Number(text);
  const special = SPECIAL[text];
  return special === undefined ? INVALID : special;
}

function readFloat(bytes: Buffer, s: number, e: number): number | typeof INVALID {
  const d = readDouble(bytes, s, e);
  return d === INVALID ? d : Math.fround(d);
}

function dateReader(parse: (text: string) => Date | undefined): Reader {
  return (bytes, s, e) => parse(utf8Text(bytes, s, e)) ?? INVALID;
}

function unreadable(bytes: Buffer, s: number, e: number, info: ColumnInfo, row: number): ProtocolError {
  const text = bytes.toString('utf8', s, Math.min(e, s + 64));
  return new ProtocolError(`cannot read ${info.type} value ${JSON.stringify(text)} in column ${JSON.stringify(info.name)} (row ${row} of its batch)`);
}
