import { fixedWidth, malformed, need, readSize, skipValue, TType } from './thrift-binary';

/**
 * A columnar TRowSet kept as its Thrift bytes plus an index of where each column's
 * values and nulls bitmap sit, instead of thrift's object graph (one Buffer per
 * string, one Int64 object per BIGINT). `RowDecoder` turns it into rows.
 *
 * @internal
 */

/** TColumn union field ids. */
export const Member = Object.freeze({ BOOL: 1, BYTE: 2, I16: 3, I32: 4, I64: 5, DOUBLE: 6, STRING: 7, BINARY: 8 });

/** The list element type each TColumn member must carry, by field id. */
const ELEMENT_TYPE = [-1, TType.BOOL, TType.BYTE, TType.I16, TType.I32, TType.I64, TType.DOUBLE, TType.STRING, TType.STRING];
const MEMBER_NAMES = ['', 'boolVal', 'byteVal', 'i16Val', 'i32Val', 'i64Val', 'doubleVal', 'stringVal', 'binaryVal'];

/** Where one TColumn member's values and nulls bitmap are, as offsets into {@link RawRowSet.bytes}. */
export interface RawValues {
  /** TColumn union field id ({@link Member}). */
  readonly member: number;
  /** Number of values, or -1 when the member has no values list. */
  readonly count: number;
  /** Offset of the first value (just after the list header). */
  readonly start: number;
  /** Offset of the nulls bitmap. */
  readonly nullsStart: number;
  /** Length of the nulls bitmap in bytes; 0 when absent (no NULLs). */
  readonly nullsLength: number;
}

/**
 * One TColumn: the union members present, indexed by field id. A well-formed column
 * has exactly one; keeping all mirrors how the generated reader treats a malformed
 * union, so both decoders agree on every input.
 */
export type RawColumn = ReadonlyArray<RawValues | undefined>;

/** A TRowSet read from a FetchResults reply without building thrift's objects. */
export class RawRowSet {
  /** The TRowSet's bytes, copied out of the connection's receive buffer. */
  readonly bytes: Buffer;
  /** A big-endian view of {@link bytes}: DataView reads are several times faster than Buffer's `read*BE`. */
  readonly view: DataView;
  /** `startRowOffset`: rows of the result fetched before this batch. */
  readonly startRowOffset: bigint;
  /** Length of the row-oriented `rows` list (non-zero only below protocol V6). */
  readonly rowsLength: number;
  /** One entry per column, or null when the set is row-oriented (no `columns` field). */
  readonly columns: readonly RawColumn[] | null;

  /** @internal Use {@link readRawRowSet}. */
  constructor(bytes: Buffer, startRowOffset: bigint, rowsLength: number, columns: readonly RawColumn[] | null) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.startRowOffset = startRowOffset;
    this.rowsLength = rowsLength;
    this.columns = columns;
  }

  /** Rows in the batch: the first column's length (first member in field-id order), else the `rows` list's. */
  get rowCount(): number {
    const first = this.columns?.[0];
    if (!first) return this.rowsLength;
    return Math.max(firstMember(first)?.count ?? 0, 0);
  }
}

/** The member a column's length is read from: the first present in field-id order. */
export function firstMember(column: RawColumn): RawValues | undefined {
  for (let m = Member.BOOL; m <= Member.BINARY; m++) if (column[m]) return column[m];
  return undefined;
}

/**
 * Indexes the TRowSet struct at `buf[pos..]` (a message ending at `end`) and copies
 * its bytes, so the row set stays valid after the connection reuses `buf`. Returns
 * the row set and the offset just after the struct. Unknown fields, and known fields
 * of an unexpected Thrift type, are skipped like the generated reader does.
 *
 * @throws `ProtocolError` for bytes that are not a well-formed TRowSet
 * (truncated, negative sizes, list elements of the wrong type).
 */
export function readRawRowSet(buf: Buffer, pos: number, end: number): { rowSet: RawRowSet; end: number } {
  const base = pos;
  let startRowOffset = 0n;
  let rowsLength = 0;
  let columns: RawColumn[] | null = null;
  for (;;) {
    need(pos, 1, end, 'a TRowSet field');
    const ftype = buf[pos]!;
    if (ftype === TType.STOP) {
      pos += 1;
      break;
    }
    need(pos, 3, end, 'a TRowSet field header');
    const fid = buf.readInt16BE(pos + 1);
    pos += 3;
    if (fid === 1 && ftype === TType.I64) {
      need(pos, 8, end, 'startRowOffset');
      startRowOffset = buf.readBigInt64BE(pos);
      pos += 8;
    } else if (fid === 2 && ftype === TType.LIST) {
      need(pos, 1, end, 'the rows list header');
      rowsLength = readSize(buf, pos + 1, end, 'the rows list size');
      pos = skipValue(buf, pos, end, TType.LIST);
    } else if (fid === 3 && ftype === TType.LIST) {
      need(pos, 1, end, 'the columns list header');
      if (buf[pos] !== TType.STRUCT) throw malformed(`the columns list holds Thrift type ${buf[pos]}, not structs`);
      const n = readSize(buf, pos + 1, end, 'the columns list size');
      pos += 5;
      columns = [];
      for (let c = 0; c < n; c++) {
        const column: Array<RawValues | undefined> = [];
        pos = readColumn(buf, pos, end, base, column, c);
        columns.push(column);
      }
    } else {
      pos = skipValue(buf, pos, end, ftype);
    }
  }
  const bytes = Buffer.allocUnsafe(pos - base);
  buf.copy(bytes, 0, base, pos);
  return { rowSet: new RawRowSet(bytes, startRowOffset, rowsLength, columns), end: pos };
}

/** Reads one TColumn union into `out` (indexed by member id); returns the offset after it. */
function readColumn(buf: Buffer, pos: number, end: number, base: number, out: Array<RawValues | undefined>, c: number): number {
  for (;;) {
    need(pos, 1, end, `column ${c}`);
    const ftype = buf[pos]!;
    if (ftype === TType.STOP) return pos + 1;
    need(pos, 3, end, `a field header of column ${c}`);
    const fid = buf.readInt16BE(pos + 1);
    pos += 3;
    if (fid >= Member.BOOL && fid <= Member.BINARY && ftype === TType.STRUCT) {
      pos = readMember(buf, pos, end, base, fid, out, c);
    } else {
      pos = skipValue(buf, pos, end, ftype);
    }
  }
}

/** Reads one T<Type>Column struct (`values` list, `nulls` bitmap). */
function readMember(buf: Buffer, pos: number, end: number, base: number, member: number, out: Array<RawValues | undefined>, c: number): number {
  let count = -1;
  let start = 0;
  let nullsStart = 0;
  let nullsLength = 0;
  for (;;) {
    need(pos, 1, end, `column ${c}`);
    const ftype = buf[pos]!;
    if (ftype === TType.STOP) {
      pos += 1;
      break;
    }
    need(pos, 3, end, `a field header of column ${c}`);
    const fid = buf.readInt16BE(pos + 1);
    pos += 3;
    if (fid === 1 && ftype === TType.LIST) {
      need(pos, 1, end, `the values list header of column ${c}`);
      const etype = buf[pos]!;
      if (etype !== ELEMENT_TYPE[member]) {
        throw malformed(`column ${c} (${MEMBER_NAMES[member]}) holds list elements of Thrift type ${etype}, expected ${ELEMENT_TYPE[member]}`);
      }
      count = readSize(buf, pos + 1, end, `the values count of column ${c}`);
      pos += 5;
      start = pos - base;
      pos = skipElements(buf, pos, end, etype, count, c);
    } else if (fid === 2 && ftype === TType.STRING) {
      nullsLength = readSize(buf, pos, end, `the nulls bitmap length of column ${c}`);
      need(pos + 4, nullsLength, end, `the nulls bitmap of column ${c}`);
      nullsStart = pos + 4 - base;
      pos += 4 + nullsLength;
    } else {
      pos = skipValue(buf, pos, end, ftype);
    }
  }
  out[member] = { member, count, start, nullsStart, nullsLength };
  return pos;
}

function skipElements(buf: Buffer, pos: number, end: number, etype: number, count: number, c: number): number {
  const width = fixedWidth(etype);
  if (width > 0) {
    need(pos, count * width, end, `the values of column ${c}`);
    return pos + count * width;
  }
  // STRING elements: hop over each length-prefixed value. This loop runs once per
  // value, so it checks bounds inline rather than building messages for need().
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  for (let i = 0; i < count; i++) {
    if (pos + 4 > end) throw malformed(`value ${i} of column ${c} runs past the end of the message`);
    const len = view.getInt32(pos);
    if (len < 0) throw malformed(`value ${i} of column ${c} has a negative length (${len})`);
    pos += 4 + len;
  }
  if (pos > end) throw malformed(`the values of column ${c} run past the end of the message`);
  return pos;
}
