/**
 * Builders for HS2 result metadata and columnar row sets encoded exactly as Impala
 * does (protocol reference §2.8–2.10): LSB-first nulls bitmaps of ceil(n/8) bytes,
 * placeholders in NULL slots, TIMESTAMP/DECIMAL/DATE as strings, FLOAT widened to
 * double, BINARY in binaryVal.
 */
import { TBinaryProtocol, TBufferedTransport } from 'thrift';
import type { ColumnType } from '../../src/protocol/hs2/result-metadata';
import { toInt64 } from '../../src/protocol/hs2/int64';
import * as T from '../../src/thrift/gen-nodejs/TCLIService_types';

/** A result column as a test describes it. */
export interface ColumnSpec {
  name: string;
  type: ColumnType;
  precision?: number;
  scale?: number;
  length?: number;
  comment?: string;
}

const TYPE_IDS: Partial<Record<ColumnType, number>> = {
  BOOLEAN: 0, TINYINT: 1, SMALLINT: 2, INT: 3, BIGINT: 4, FLOAT: 5, DOUBLE: 6, STRING: 7, TIMESTAMP: 8, BINARY: 9,
  ARRAY: 10, MAP: 11, STRUCT: 12, UNION: 13, USER_DEFINED: 14, DECIMAL: 15, NULL: 16, DATE: 17, VARCHAR: 18, CHAR: 19,
};

/** A TTableSchema for the columns; `positionBase: 1` mimics Hive's 1-based positions. */
export function schemaOf(specs: ColumnSpec[], positionBase: 0 | 1 = 0): T.TTableSchema {
  return new T.TTableSchema({
    columns: specs.map((s, i) => {
      const qualifiers: Record<string, T.TTypeQualifierValue> = {};
      if (s.precision !== undefined) qualifiers[T.PRECISION] = new T.TTypeQualifierValue({ i32Value: s.precision });
      if (s.scale !== undefined) qualifiers[T.SCALE] = new T.TTypeQualifierValue({ i32Value: s.scale });
      if (s.length !== undefined) qualifiers[T.CHARACTER_MAXIMUM_LENGTH] = new T.TTypeQualifierValue({ i32Value: s.length });
      const primitiveEntry = new T.TPrimitiveTypeEntry({
        type: TYPE_IDS[s.type] ?? 7,
        ...(Object.keys(qualifiers).length > 0 ? { typeQualifiers: new T.TTypeQualifiers({ qualifiers }) } : {}),
      });
      return new T.TColumnDesc({
        columnName: s.name,
        typeDesc: new T.TTypeDesc({ types: [new T.TTypeEntry({ primitiveEntry })] }),
        position: i + positionBase,
        ...(s.comment !== undefined ? { comment: s.comment } : {}),
      });
    }),
  });
}

/** LSB-first bitmap, one zero byte appended whenever i % 8 == 0, like Impala. */
export function nullsBitmap(isNull: readonly boolean[]): Buffer {
  const out = Buffer.alloc((isNull.length + 7) >> 3);
  isNull.forEach((n, i) => {
    if (n) out[i >> 3]! |= 1 << (i & 7);
  });
  return out;
}

type Cell = unknown;

/**
 * One TColumn for the values of a column of `type`, with `null` for NULL. Text types
 * take strings (or Buffers for raw bytes); BIGINT takes bigints; BINARY takes Buffers.
 */
export function encodeColumn(type: ColumnType, values: readonly Cell[]): T.TColumn {
  const nulls = nullsBitmap(values.map((v) => v === null || v === undefined));
  const pick = <V>(placeholder: V, f: (v: Cell) => V): V[] => values.map((v) => (v === null || v === undefined ? placeholder : f(v)));
  switch (type) {
    case 'BOOLEAN':
      return new T.TColumn({ boolVal: new T.TBoolColumn({ values: pick(false, (v) => v as boolean), nulls }) });
    case 'TINYINT':
      return new T.TColumn({ byteVal: new T.TByteColumn({ values: pick(0, (v) => v as number), nulls }) });
    case 'SMALLINT':
      return new T.TColumn({ i16Val: new T.TI16Column({ values: pick(0, (v) => v as number), nulls }) });
    case 'INT':
      return new T.TColumn({ i32Val: new T.TI32Column({ values: pick(0, (v) => v as number), nulls }) });
    case 'BIGINT':
      return new T.TColumn({ i64Val: new T.TI64Column({ values: pick(toInt64(0), (v) => toInt64(v as bigint)), nulls }) });
    case 'FLOAT':
    case 'DOUBLE':
      return new T.TColumn({ doubleVal: new T.TDoubleColumn({ values: pick(0, (v) => v as number), nulls }) });
    case 'BINARY':
      return new T.TColumn({ binaryVal: new T.TBinaryColumn({ values: pick(Buffer.alloc(0), (v) => v as Buffer), nulls }) });
    case 'NULL':
      return new T.TColumn({ stringVal: new T.TStringColumn({ values: pick(Buffer.alloc(0), () => Buffer.alloc(0)), nulls }) });
    default:
      return new T.TColumn({
        stringVal: new T.TStringColumn({ values: pick(Buffer.alloc(0), (v) => (Buffer.isBuffer(v) ? v : Buffer.from(String(v), 'utf8'))), nulls }),
      });
  }
}

/** A columnar TRowSet (V6) from already encoded columns. */
export function rowSetOf(columns: T.TColumn[], startRowOffset = 0): T.TRowSet {
  return new T.TRowSet({ startRowOffset: toInt64(startRowOffset), rows: [], columns });
}

/** A row set for `rows` (arrays in column order) of the given columns. */
export function encodeRows(specs: readonly ColumnSpec[], rows: readonly Cell[][], startRowOffset = 0): T.TRowSet {
  return rowSetOf(
    specs.map((s, c) => encodeColumn(s.type, rows.map((r) => r[c]))),
    startRowOffset,
  );
}

interface ThriftStruct {
  write(output: TBinaryProtocol): void;
  read(input: TBinaryProtocol): void;
}

/** Serialises a struct with TBinaryProtocol and reads it back, as the client would see it. */
export function thriftRoundTrip<S extends object>(value: S, Type: new () => S): S {
  let bytes: Buffer | undefined;
  const out = new TBinaryProtocol(new TBufferedTransport(undefined, (b?: Buffer) => (bytes = b)));
  (value as unknown as ThriftStruct).write(out);
  out.flush();
  const transport = new TBufferedTransport() as unknown as { inBuf: Buffer; readCursor: number; writeCursor: number };
  transport.inBuf = bytes!;
  transport.readCursor = 0;
  transport.writeCursor = bytes!.length;
  const copy = new Type();
  (copy as unknown as ThriftStruct).read(new TBinaryProtocol(transport as unknown as TBufferedTransport));
  return copy;
}
