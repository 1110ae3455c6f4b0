import { TBinaryProtocol, Thrift, type TProtocol } from 'thrift';
import { WHOLE_STRUCT, type WholeStruct } from '../../connection/thrift-codec';
import { ProtocolError } from '../../errors';
import * as B from '../../thrift/gen-nodejs/beeswax_types';

/**
 * One fetched batch of Beeswax text rows, kept as bytes: row `i` is
 * `bytes[starts[i], ends[i])`, its fields joined by tabs. Impala's strings are bytes
 * and the rows are decoded by type straight from them (see `TextRowDecoder`), so no
 * string is made for a row or a field that does not need one.
 */
export class TextRowBatch {
  readonly bytes: Buffer;
  readonly starts: Int32Array;
  readonly ends: Int32Array;

  constructor(bytes: Buffer, starts: Int32Array, ends: Int32Array) {
    this.bytes = bytes;
    this.starts = starts;
    this.ends = ends;
  }

  get rowCount(): number {
    return this.starts.length;
  }

  /** Row `i`'s bytes (a view into {@link bytes}). */
  row(i: number): Buffer {
    return this.bytes.subarray(this.starts[i]!, this.ends[i]!);
  }

  /** A batch built from one Buffer per row (the generic reader, tests). */
  static fromRows(rows: readonly Buffer[]): TextRowBatch {
    const starts = new Int32Array(rows.length);
    const ends = new Int32Array(rows.length);
    let pos = 0;
    for (let i = 0; i < rows.length; i++) {
      starts[i] = pos;
      pos += rows[i]!.length;
      ends[i] = pos;
    }
    return new TextRowBatch(Buffer.concat(rows as Buffer[], pos), starts, ends);
  }
}

/** What `fetch` returned: Beeswax's `Results` with the rows as a {@link TextRowBatch}. */
export interface FetchedResults {
  /** False when rows were not ready within the server's FETCH_ROWS_TIMEOUT_MS: fetch again. */
  ready: boolean;
  /** Column type strings (Impala's ODBC-190 workaround). */
  columns: string[];
  rows: TextRowBatch;
  /** Rows of the result returned before this batch. */
  startRow: number;
  hasMore: boolean;
}

interface BufferedInput {
  inBuf: Buffer;
  readCursor: number;
  writeCursor: number;
}

interface Readable {
  read(input: TProtocol): void;
}

const EMPTY = TextRowBatch.fromRows([]);

/**
 * The result struct of `fetch`: field 0 `Results`, field 1 QueryNotFoundException,
 * field 2 BeeswaxException. The `data` list is indexed in place from the reply's bytes
 * (one copy of the rows plus two offset arrays) when the channel reads with a
 * TBinaryProtocol over a buffered transport holding the whole message; otherwise each
 * row is read with thrift's `readBinary`.
 *
 * @internal
 */
export class FetchResult implements WholeStruct {
  readonly [WHOLE_STRUCT] = true as const;
  success: FetchedResults | undefined;
  hasSuccess = false;
  error: B.BeeswaxException | undefined;
  notFound = false;

  read(input: TProtocol): void {
    input.readStructBegin();
    for (;;) {
      const { ftype, fid } = input.readFieldBegin();
      if (ftype === Thrift.Type.STOP) break;
      if (fid === 0 && ftype === Thrift.Type.STRUCT) {
        this.success = readResults(input);
        this.hasSuccess = true;
      } else if (fid === 1 && ftype === Thrift.Type.STRUCT) {
        input.skip(ftype);
        this.notFound = true;
      } else if (fid === 2 && ftype === Thrift.Type.STRUCT) {
        const error = new B.BeeswaxException();
        (error as unknown as Readable).read(input);
        this.error = error;
      } else {
        input.skip(ftype);
      }
      input.readFieldEnd();
    }
    input.readStructEnd();
  }
}

function readResults(input: TProtocol): FetchedResults {
  const out: FetchedResults = { ready: false, columns: [], rows: EMPTY, startRow: 0, hasMore: false };
  input.readStructBegin();
  for (;;) {
    const { ftype, fid } = input.readFieldBegin();
    if (ftype === Thrift.Type.STOP) break;
    if (fid === 1 && ftype === Thrift.Type.BOOL) out.ready = input.readBool();
    else if (fid === 2 && ftype === Thrift.Type.LIST) out.columns = readStrings(input);
    else if (fid === 3 && ftype === Thrift.Type.LIST) out.rows = readRows(input);
    else if (fid === 4 && ftype === Thrift.Type.I64) out.startRow = Number(input.readI64().toNumber());
    else if (fid === 5 && ftype === Thrift.Type.BOOL) out.hasMore = input.readBool();
    else input.skip(ftype);
    input.readFieldEnd();
  }
  input.readStructEnd();
  return out;
}

function readStrings(input: TProtocol): string[] {
  const { etype, size } = input.readListBegin();
  const out: string[] = [];
  for (let i = 0; i < size; i++) {
    if (etype === Thrift.Type.STRING) out.push(input.readString());
    else input.skip(etype);
  }
  input.readListEnd();
  return out;
}

function readRows(input: TProtocol): TextRowBatch {
  const buffered = bufferedInput(input);
  if (buffered) return indexRows(buffered);
  const { etype, size } = input.readListBegin();
  const rows: Buffer[] = [];
  for (let i = 0; i < size; i++) {
    if (etype === Thrift.Type.STRING) rows.push(input.readBinary());
    else input.skip(etype);
  }
  input.readListEnd();
  return TextRowBatch.fromRows(rows);
}

/** Indexes `list<string>` at the transport's cursor and copies its bytes out. */
function indexRows(t: BufferedInput): TextRowBatch {
  const buf = t.inBuf;
  const end = t.writeCursor;
  let pos = t.readCursor;
  check(pos + 5 <= end, 'the row list header runs past the end of the message');
  const etype = buf[pos]!;
  const size = buf.readInt32BE(pos + 1);
  check(etype === Thrift.Type.STRING, `the row list holds Thrift type ${etype}, not strings`);
  check(size >= 0, `the row list has a negative size (${size})`);
  pos += 5;
  const first = pos;
  const starts = new Int32Array(size);
  const ends = new Int32Array(size);
  for (let i = 0; i < size; i++) {
    check(pos + 4 <= end, `row ${i} runs past the end of the message`);
    const len = buf.readInt32BE(pos);
    check(len >= 0 && pos + 4 + len <= end, `row ${i} has length ${len}, past the end of the message`);
    starts[i] = pos + 4 - first;
    pos += 4 + len;
    ends[i] = pos - first;
  }
  t.readCursor = pos;
  // A copy: the connection reuses its receive buffer for the next reply.
  return new TextRowBatch(Buffer.from(buf.subarray(first, pos)), starts, ends);
}

function check(ok: boolean, what: string): void {
  if (!ok) throw new ProtocolError(`malformed Beeswax fetch reply: ${what}`);
}

function bufferedInput(input: TProtocol): BufferedInput | undefined {
  if (!(input instanceof TBinaryProtocol)) return undefined;
  const t = input.getTransport() as unknown as Partial<BufferedInput>;
  if (!Buffer.isBuffer(t.inBuf) || typeof t.readCursor !== 'number' || typeof t.writeCursor !== 'number') return undefined;
  return t as BufferedInput;
}
