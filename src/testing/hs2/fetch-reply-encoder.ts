import type { EncodedBatch, EncodedColumn } from '../engine/types';

// TBinaryProtocol type ids.
const BOOL = 2;
const BYTE = 3;
const DOUBLE = 4;
const I16 = 6;
const I32 = 8;
const I64 = 10;
const STRING = 11;
const STRUCT = 12;
const LIST = 15;

/** TColumn union field id and list element type of each member. */
const MEMBER: Readonly<Record<EncodedColumn['kind'], { id: number; elem: number; width: number }>> = {
  boolVal: { id: 1, elem: BOOL, width: 1 },
  byteVal: { id: 2, elem: BYTE, width: 1 },
  i16Val: { id: 3, elem: I16, width: 2 },
  i32Val: { id: 4, elem: I32, width: 4 },
  i64Val: { id: 5, elem: I64, width: 8 },
  doubleVal: { id: 6, elem: DOUBLE, width: 8 },
  stringVal: { id: 7, elem: STRING, width: 0 },
  binaryVal: { id: 8, elem: STRING, width: 0 },
};

function columnSize(col: EncodedColumn): number {
  const m = MEMBER[col.kind];
  let values: number;
  if (m.width > 0) values = m.width * col.values.length;
  else {
    values = 0;
    for (const v of col.values as Uint8Array[]) values += 4 + v.byteLength;
  }
  // TColumn: member field header, T<X>Column { values: header + list header + values, nulls: header + length + bytes, stop }, stop.
  return 3 + (3 + 5 + values) + (3 + 4 + col.nulls.byteLength) + 1 + 1;
}

/**
 * Encodes a successful columnar `TFetchResultsResp` (status SUCCESS, hasMoreRows,
 * results = TRowSet with empty `rows` and one TColumn per result column) straight
 * into one buffer, byte for byte what the generated writer produces.
 *
 * FetchResults is the simulator's hot path: the generated code copies every value
 * into new objects and writes each one as its own small buffer, which made the
 * simulator, not the client, the bottleneck of large fetches.
 *
 * @internal
 */
export function encodeFetchResultsResp(batch: EncodedBatch, startRowOffset: number, hasMoreRows: boolean): Buffer {
  let size = 3 + (3 + 4 + 1) + 3 + 1 + 3; // status field + TStatus{statusCode, stop} + hasMoreRows + results header
  size += 3 + 8 + (3 + 5) + (3 + 5) + 1; // startRowOffset, rows (empty list), columns list header, TRowSet stop
  for (const col of batch.columns) size += columnSize(col);
  size += 1; // TFetchResultsResp stop
  const buf = Buffer.allocUnsafe(size);
  let p = 0;
  const field = (type: number, id: number): void => {
    buf[p] = type;
    buf.writeInt16BE(id, p + 1);
    p += 3;
  };
  const listHeader = (elem: number, n: number): void => {
    buf[p] = elem;
    buf.writeInt32BE(n, p + 1);
    p += 5;
  };

  field(STRUCT, 1); // status
  field(I32, 1);
  buf.writeInt32BE(0, p); // SUCCESS_STATUS
  p += 4;
  buf[p++] = 0;
  field(BOOL, 2);
  buf[p++] = hasMoreRows ? 1 : 0;
  field(STRUCT, 3); // results
  field(I64, 1);
  buf.writeBigInt64BE(BigInt(startRowOffset), p);
  p += 8;
  field(LIST, 2);
  listHeader(STRUCT, 0);
  field(LIST, 3);
  listHeader(STRUCT, batch.columns.length);
  for (const col of batch.columns) p = writeColumn(buf, p, col);
  buf[p++] = 0; // TRowSet stop
  buf[p++] = 0; // TFetchResultsResp stop
  if (p !== size) throw new Error(`fetch reply encoder wrote ${p} bytes, expected ${size}`);
  return buf;
}

function writeColumn(buf: Buffer, start: number, col: EncodedColumn): number {
  let p = start;
  const m = MEMBER[col.kind];
  buf[p] = STRUCT;
  buf.writeInt16BE(m.id, p + 1);
  buf[p + 3] = LIST;
  buf.writeInt16BE(1, p + 4);
  buf[p + 6] = m.elem;
  buf.writeInt32BE(col.values.length, p + 7);
  p += 11;
  switch (col.kind) {
    case 'boolVal':
      for (const v of col.values) buf[p++] = v ? 1 : 0;
      break;
    case 'byteVal':
      for (const v of col.values) p = buf.writeInt8(v, p);
      break;
    case 'i16Val':
      for (const v of col.values) p = buf.writeInt16BE(v, p);
      break;
    case 'i32Val':
      for (const v of col.values) p = buf.writeInt32BE(v, p);
      break;
    case 'i64Val':
      for (const v of col.values) p = buf.writeBigInt64BE(BigInt.asIntN(64, v), p);
      break;
    case 'doubleVal':
      for (const v of col.values) p = buf.writeDoubleBE(v, p);
      break;
    case 'stringVal':
    case 'binaryVal':
      for (const v of col.values) {
        p = buf.writeInt32BE(v.byteLength, p);
        buf.set(v, p);
        p += v.byteLength;
      }
      break;
  }
  buf[p] = STRING;
  buf.writeInt16BE(2, p + 1);
  buf.writeInt32BE(col.nulls.byteLength, p + 3);
  p += 7;
  buf.set(col.nulls, p);
  p += col.nulls.byteLength;
  buf[p++] = 0; // T<X>Column stop
  buf[p++] = 0; // TColumn stop
  return p;
}
