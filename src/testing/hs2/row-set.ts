import { Int64 } from 'thrift';
import * as T from '../../thrift/gen-nodejs/TCLIService_types';
import type { EncodedBatch, EncodedColumn, ImpalaTypeName, SimColumn } from '../engine/types';

/** HS2 type id Impala reports for each SQL type (protocol reference §2.10). */
const TYPE_IDS: Readonly<Record<ImpalaTypeName, T.TTypeId>> = {
  BOOLEAN: T.TTypeId.BOOLEAN_TYPE,
  TINYINT: T.TTypeId.TINYINT_TYPE,
  SMALLINT: T.TTypeId.SMALLINT_TYPE,
  INT: T.TTypeId.INT_TYPE,
  BIGINT: T.TTypeId.BIGINT_TYPE,
  FLOAT: T.TTypeId.FLOAT_TYPE,
  DOUBLE: T.TTypeId.DOUBLE_TYPE,
  STRING: T.TTypeId.STRING_TYPE,
  TIMESTAMP: T.TTypeId.TIMESTAMP_TYPE,
  BINARY: T.TTypeId.BINARY_TYPE,
  DECIMAL: T.TTypeId.DECIMAL_TYPE,
  NULL: T.TTypeId.NULL_TYPE,
  DATE: T.TTypeId.DATE_TYPE,
  VARCHAR: T.TTypeId.VARCHAR_TYPE,
  CHAR: T.TTypeId.CHAR_TYPE,
};

/** TColumn member Impala uses for each SQL type (FLOAT widens to double; text-like types are strings). */
const COLUMN_KIND: Readonly<Record<ImpalaTypeName, EncodedColumn['kind']>> = {
  BOOLEAN: 'boolVal',
  TINYINT: 'byteVal',
  SMALLINT: 'i16Val',
  INT: 'i32Val',
  BIGINT: 'i64Val',
  FLOAT: 'doubleVal',
  DOUBLE: 'doubleVal',
  STRING: 'stringVal',
  TIMESTAMP: 'stringVal',
  BINARY: 'binaryVal',
  DECIMAL: 'stringVal',
  NULL: 'stringVal',
  DATE: 'stringVal',
  VARCHAR: 'stringVal',
  CHAR: 'stringVal',
};

/** The TTableSchema of a result: 0-based positions and one primitive entry per column, as Impala sends. */
export function toTableSchema(columns: readonly SimColumn[]): T.TTableSchema {
  return new T.TTableSchema({
    columns: columns.map(
      (c, i) =>
        new T.TColumnDesc({
          columnName: c.name,
          position: i,
          typeDesc: new T.TTypeDesc({
            types: [new T.TTypeEntry({ primitiveEntry: new T.TPrimitiveTypeEntry({ type: TYPE_IDS[c.type], typeQualifiers: qualifiers(c) }) })],
          }),
        }),
    ),
  });
}

function qualifiers(c: SimColumn): T.TTypeQualifiers | undefined {
  if (c.type === 'DECIMAL') {
    return new T.TTypeQualifiers({
      qualifiers: {
        precision: new T.TTypeQualifierValue({ i32Value: c.precision ?? 9 }),
        scale: new T.TTypeQualifierValue({ i32Value: c.scale ?? 0 }),
      },
    });
  }
  if ((c.type === 'VARCHAR' || c.type === 'CHAR') && c.length !== undefined) {
    return new T.TTypeQualifiers({ qualifiers: { characterMaximumLength: new T.TTypeQualifierValue({ i32Value: c.length }) } });
  }
  return undefined;
}

/**
 * The TRowSet of one batch: columnar for sessions at protocol V6 (`rows` stays the
 * required empty list), row-oriented `TRow`/`TColumnValue` for older protocols, as
 * Impala decides by the session's negotiated version (protocol reference §2.1).
 */
export function toRowSet(batch: EncodedBatch, startRowOffset: number, columnar = true): T.TRowSet {
  const offset = int64(BigInt(startRowOffset));
  if (!columnar) return new T.TRowSet({ startRowOffset: offset, rows: toRows(batch) });
  return new T.TRowSet({ startRowOffset: offset, rows: [], columns: batch.columns.map(toColumn) });
}

/** A 0-row TRowSet (after end of stream, or an empty result): one empty column per result column when columnar. */
export function emptyRowSet(columns: readonly SimColumn[], startRowOffset: number, columnar = true): T.TRowSet {
  const offset = int64(BigInt(startRowOffset));
  if (!columnar) return new T.TRowSet({ startRowOffset: offset, rows: [] });
  return new T.TRowSet({ startRowOffset: offset, rows: [], columns: columns.map((c) => toColumn(emptyEncoded(COLUMN_KIND[c.type]))) });
}

/** Row-oriented encoding for protocols before V6: NULL is an unset `value`; text types and binary go as strings. */
function toRows(batch: EncodedBatch): T.TRow[] {
  const rows: T.TRow[] = [];
  for (let i = 0; i < batch.rowCount; i++) {
    rows.push(
      new T.TRow({
        colVals: batch.columns.map((col) => {
          const isNull = (((col.nulls[i >> 3] ?? 0) >> (i & 7)) & 1) === 1;
          switch (col.kind) {
            case 'boolVal':
              return new T.TColumnValue({ boolVal: new T.TBoolValue(isNull ? {} : { value: col.values[i]! }) });
            case 'byteVal':
              return new T.TColumnValue({ byteVal: new T.TByteValue(isNull ? {} : { value: col.values[i]! }) });
            case 'i16Val':
              return new T.TColumnValue({ i16Val: new T.TI16Value(isNull ? {} : { value: col.values[i]! }) });
            case 'i32Val':
              return new T.TColumnValue({ i32Val: new T.TI32Value(isNull ? {} : { value: col.values[i]! }) });
            case 'i64Val':
              return new T.TColumnValue({ i64Val: new T.TI64Value(isNull ? {} : { value: int64(col.values[i]!) }) });
            case 'doubleVal':
              return new T.TColumnValue({ doubleVal: new T.TDoubleValue(isNull ? {} : { value: col.values[i]! }) });
            case 'stringVal':
            case 'binaryVal':
              return new T.TColumnValue({ stringVal: new T.TStringValue(isNull ? {} : { value: asBuffer(col.values[i]!).toString('utf8') }) });
          }
        }),
      }),
    );
  }
  return rows;
}

function emptyEncoded(kind: EncodedColumn['kind']): EncodedColumn {
  // Every member has the same shape; with no values the member type is all that matters.
  return { kind, values: [], nulls: Buffer.alloc(0) } as EncodedColumn;
}

function toColumn(col: EncodedColumn): T.TColumn {
  // IPC (structured clone) may hand us Uint8Arrays; the Thrift writer wants Buffers.
  const nulls = asBuffer(col.nulls);
  switch (col.kind) {
    case 'boolVal':
      return new T.TColumn({ boolVal: new T.TBoolColumn({ values: col.values, nulls }) });
    case 'byteVal':
      return new T.TColumn({ byteVal: new T.TByteColumn({ values: col.values, nulls }) });
    case 'i16Val':
      return new T.TColumn({ i16Val: new T.TI16Column({ values: col.values, nulls }) });
    case 'i32Val':
      return new T.TColumn({ i32Val: new T.TI32Column({ values: col.values, nulls }) });
    case 'i64Val':
      return new T.TColumn({ i64Val: new T.TI64Column({ values: col.values.map(int64), nulls }) });
    case 'doubleVal':
      return new T.TColumn({ doubleVal: new T.TDoubleColumn({ values: col.values, nulls }) });
    case 'stringVal':
      return new T.TColumn({ stringVal: new T.TStringColumn({ values: col.values.map(asBuffer), nulls }) });
    case 'binaryVal':
      return new T.TColumn({ binaryVal: new T.TBinaryColumn({ values: col.values.map(asBuffer), nulls }) });
  }
}

/** A thrift i64 from a bigint (the generated writer takes node-int64 objects). */
export function int64(value: bigint): Int64 {
  const buf = Buffer.allocUnsafe(8);
  buf.writeBigInt64BE(BigInt.asIntN(64, value));
  return new Int64(buf);
}

function asBuffer(value: Uint8Array): Buffer {
  return Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}
