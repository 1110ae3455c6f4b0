import { ArgumentError, ProtocolError } from '../../errors';
import { firstMember, Member, type RawColumn, type RawRowSet, type RawValues } from './raw-row-set';
import type { ColumnInfo } from './result-metadata';
import { parseImpalaDate, parseImpalaTimestamp } from './temporal';
import { utf8Text } from './utf8-text';
import type { ResolvedValueOptions } from './value-options';

/**
 * Converts one column of a {@link RawRowSet} from its Thrift bytes straight to
 * JavaScript values: BIGINT from its 8 bytes, text from byte ranges, Buffers only for
 * BINARY or `strings: 'buffer'`. The rules are those of the object-graph path in
 * `row-decoder.ts` (which member wins, which option applies, the error texts), so
 * both give the same rows for the same bytes.
 *
 * Numbers are read through a DataView (its big-endian getters compile to a few
 * instructions; Buffer's `read*BE` assemble values byte by byte). The row set's
 * structure was checked when it was indexed, so value reads here stay inside the
 * bytes.
 *
 * @internal
 */

/** Which member the decoder uses when a (malformed) union carries several. */
const PRIORITY = [Member.STRING, Member.I64, Member.I32, Member.DOUBLE, Member.BOOL, Member.BYTE, Member.I16, Member.BINARY];

/**
 * Values of one column, `out[r]` for row r of the batch.
 *
 * @throws {@link ProtocolError} when the column carries no values or a TIMESTAMP/DATE
 * text cannot be read as a Date; {@link ArgumentError} when `bigint: 'number'` meets
 * a value beyond 2^53 − 1.
 */
export function decodeRawColumn(rowSet: RawRowSet, column: RawColumn, info: ColumnInfo, options: ResolvedValueOptions): unknown[] {
  if (info.type === 'NULL') return new Array(Math.max(firstMember(column)?.count ?? 0, 0)).fill(null);
  let v: RawValues | undefined;
  for (const m of PRIORITY) if ((v = column[m])) break;
  if (v === undefined) throw new ProtocolError(`column ${info.position} (${info.name}) of a result batch has no values member set`);
  if (v.count < 0) throw new ProtocolError(`column ${info.position} (${info.name}) of a result batch has no values list`);
  const { bytes, view } = rowSet;
  switch (v.member) {
    case Member.STRING:
      return options.strings === 'buffer' && isCharType(info.type) ? copyBuffers(bytes, view, v) : decodeTexts(bytes, view, v, info, options);
    case Member.BINARY:
      return info.type === 'BINARY' || options.strings === 'buffer' ? copyBuffers(bytes, view, v) : decodeTexts(bytes, view, v, info, options);
    case Member.I64:
      return decodeInt64(bytes, view, v, info, options.bigint);
    default:
      return withNulls(bytes, v, decodeFixed(bytes, view, v));
  }
}

function isCharType(type: string): boolean {
  return type === 'STRING' || type === 'VARCHAR' || type === 'CHAR';
}

/** Whether any of the first `count` rows is NULL (a short bitmap leaves the rest not NULL). */
function hasNulls(bytes: Buffer, v: RawValues): boolean {
  const end = v.nullsStart + Math.min(v.nullsLength, (v.count + 7) >> 3);
  for (let b = v.nullsStart; b < end; b++) if (bytes[b] !== 0) return true;
  return false;
}

/** Bit `row` of the LSB-first nulls bitmap; rows past a short bitmap are not NULL. */
function isNull(bytes: Buffer, v: RawValues, row: number): boolean {
  const b = row >> 3;
  return b < v.nullsLength && ((bytes[v.nullsStart + b]! >> (row & 7)) & 1) === 1;
}

/** Sets the NULL rows of an already decoded column, one bitmap byte at a time. */
function withNulls(bytes: Buffer, v: RawValues, out: unknown[]): unknown[] {
  const n = v.count;
  const end = Math.min(v.nullsLength, (n + 7) >> 3);
  for (let b = 0; b < end; b++) {
    let byte = bytes[v.nullsStart + b]!;
    for (let i = b << 3; byte !== 0; i++, byte >>>= 1) if (byte & 1 && i < n) out[i] = null;
  }
  return out;
}

/** BOOLEAN, TINYINT, SMALLINT, INT, FLOAT/DOUBLE: the placeholders of NULL rows are harmless numbers. */
function decodeFixed(bytes: Buffer, view: DataView, v: RawValues): unknown[] {
  const n = v.count;
  const out: unknown[] = new Array(n);
  let p = v.start;
  switch (v.member) {
    case Member.I32:
      for (let i = 0; i < n; i++, p += 4) out[i] = view.getInt32(p);
      break;
    case Member.DOUBLE:
      for (let i = 0; i < n; i++, p += 8) out[i] = view.getFloat64(p);
      break;
    case Member.BOOL:
      // Thrift reads any non-zero byte as true.
      for (let i = 0; i < n; i++, p++) out[i] = bytes[p] !== 0;
      break;
    case Member.BYTE:
      for (let i = 0; i < n; i++, p++) out[i] = view.getInt8(p);
      break;
    case Member.I16:
      for (let i = 0; i < n; i++, p += 2) out[i] = view.getInt16(p);
      break;
  }
  return out;
}

/**
 * BIGINT: exact as a bigint from the 8 bytes; as a number only when it is a safe
 * integer; as decimal text (through a number when |high word| < 2^21, where the
 * number is exact and prints the same digits).
 */
function decodeInt64(bytes: Buffer, view: DataView, v: RawValues, info: ColumnInfo, mode: ResolvedValueOptions['bigint']): unknown[] {
  const n = v.count;
  const out: unknown[] = new Array(n);
  const anyNull = hasNulls(bytes, v);
  let p = v.start;
  for (let i = 0; i < n; i++, p += 8) {
    if (anyNull && isNull(bytes, v, i)) {
      out[i] = null;
    } else if (mode === 'bigint') {
      out[i] = view.getBigInt64(p);
    } else {
      const hi = view.getInt32(p);
      const num = hi >= -0x200000 && hi < 0x200000 ? hi * 0x100000000 + view.getUint32(p + 4) : NaN;
      if (mode === 'string') {
        out[i] = Number.isSafeInteger(num) ? String(num) : view.getBigInt64(p).toString();
      } else if (Number.isSafeInteger(num)) {
        out[i] = num;
      } else {
        throw new ArgumentError(
          `${info.type} value ${view.getBigInt64(p)} in column ${JSON.stringify(info.name)} (row ${i} of its batch) is not a safe integer and cannot be returned exactly as a number; use bigint: 'bigint' or 'string'`,
        );
      }
    }
  }
  return out;
}

/** STRING, DECIMAL, TIMESTAMP, DATE... as text, or as Dates when the options ask for them. */
function decodeTexts(bytes: Buffer, view: DataView, v: RawValues, info: ColumnInfo, options: ResolvedValueOptions): unknown[] {
  const type = info.type;
  const parse =
    type === 'TIMESTAMP' && options.timestamp === 'date' ? parseImpalaTimestamp : type === 'DATE' && options.date === 'date' ? parseImpalaDate : undefined;
  const n = v.count;
  const out: unknown[] = new Array(n);
  const anyNull = hasNulls(bytes, v);
  let p = v.start;
  for (let i = 0; i < n; i++) {
    const len = view.getInt32(p);
    p += 4;
    if (anyNull && isNull(bytes, v, i)) {
      out[i] = null;
    } else if (parse === undefined) {
      out[i] = utf8Text(bytes, p, p + len);
    } else {
      const text = utf8Text(bytes, p, p + len);
      const d = parse(text);
      if (d === undefined) throw new ProtocolError(`cannot read ${type} value ${JSON.stringify(text)} in column ${JSON.stringify(info.name)} (row ${i} of its batch)`);
      out[i] = d;
    }
    p += len;
  }
  return out;
}

/**
 * Raw bytes, one Buffer per value. Each is copied: a view into the batch would keep
 * the whole batch in memory for as long as the caller keeps any one value.
 */
function copyBuffers(bytes: Buffer, view: DataView, v: RawValues): unknown[] {
  const n = v.count;
  const out: unknown[] = new Array(n);
  const anyNull = hasNulls(bytes, v);
  let p = v.start;
  for (let i = 0; i < n; i++) {
    const len = view.getInt32(p);
    p += 4;
    if (anyNull && isNull(bytes, v, i)) {
      out[i] = null;
    } else {
      const copy = Buffer.allocUnsafe(len);
      bytes.copy(copy, 0, p, p + len);
      out[i] = copy;
    }
    p += len;
  }
  return out;
}
