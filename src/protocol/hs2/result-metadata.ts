import { ProtocolError } from '../../errors';
import * as T from '../../thrift/gen-nodejs/TCLIService_types';

/**
 * A result column's type as Impala names it. Complex types (ARRAY, MAP, STRUCT) are
 * reported by Impala as STRING with JSON text; the other complex names only appear
 * with non-Impala servers. `UNKNOWN` stands for a type id this library does not know.
 */
export type ColumnType =
  | 'BOOLEAN'
  | 'TINYINT'
  | 'SMALLINT'
  | 'INT'
  | 'BIGINT'
  | 'FLOAT'
  | 'DOUBLE'
  | 'STRING'
  | 'TIMESTAMP'
  | 'BINARY'
  | 'ARRAY'
  | 'MAP'
  | 'STRUCT'
  | 'UNION'
  | 'USER_DEFINED'
  | 'DECIMAL'
  | 'NULL'
  | 'DATE'
  | 'VARCHAR'
  | 'CHAR'
  | 'UNKNOWN';

/** One column of a result set. */
export interface ColumnInfo {
  /** Column name as the server reports it (`_c0`, `_c1`... for unnamed expressions). */
  readonly name: string;
  /** Impala type name. */
  readonly type: ColumnType;
  /**
   * 0-based index of the column in the result. Taken from the column's place in the
   * schema, not from the server's `position` field: Impala sends 0-based positions,
   * Hive 1-based ones, and the order of the list is what the row sets follow.
   */
  readonly position: number;
  /** DECIMAL precision (total digits). */
  readonly precision?: number;
  /** DECIMAL scale (digits after the point). */
  readonly scale?: number;
  /** VARCHAR/CHAR maximum length, in characters. */
  readonly length?: number;
  /** Column comment, when the server sends one. */
  readonly comment?: string;
}

// Indexed by TTypeId; the IDL's names without the `_TYPE` suffix.
const TYPE_NAMES: readonly ColumnType[] = [
  'BOOLEAN',
  'TINYINT',
  'SMALLINT',
  'INT',
  'BIGINT',
  'FLOAT',
  'DOUBLE',
  'STRING',
  'TIMESTAMP',
  'BINARY',
  'ARRAY',
  'MAP',
  'STRUCT',
  'UNION',
  'USER_DEFINED',
  'DECIMAL',
  'NULL',
  'DATE',
  'VARCHAR',
  'CHAR',
];

/** The Impala type name for a TTypeId; `UNKNOWN` for ids newer than this library. */
export function typeName(id: number): ColumnType {
  return TYPE_NAMES[id] ?? 'UNKNOWN';
}

/**
 * Reads a GetResultSetMetadata schema into column descriptions. A missing schema
 * (statements without a result set) gives an empty list.
 *
 * @throws {@link ProtocolError} when a column has no primitive type entry.
 */
export function columnsFromSchema(schema: T.TTableSchema | null | undefined): ColumnInfo[] {
  const descs = schema?.columns ?? [];
  const columns: ColumnInfo[] = new Array(descs.length);
  for (let i = 0; i < descs.length; i++) columns[i] = columnFromDesc(descs[i]!, i);
  return columns;
}

function columnFromDesc(desc: T.TColumnDesc, index: number): ColumnInfo {
  const entry = desc.typeDesc?.types?.[0];
  const primitive = entry?.primitiveEntry;
  if (!primitive) {
    // The project IDL declares only the primitive arm (Impala reports complex types as
    // STRING), so any other arm arrives here as an empty entry.
    throw new ProtocolError(`result column ${index} (${JSON.stringify(desc.columnName)}) has no primitive type entry`);
  }
  const type = typeName(primitive.type);
  const info: { -readonly [K in keyof ColumnInfo]: ColumnInfo[K] } = { name: desc.columnName ?? '', type, position: index };
  const q = primitive.typeQualifiers?.qualifiers;
  if (q) {
    const precision = q[T.PRECISION]?.i32Value;
    const scale = q[T.SCALE]?.i32Value;
    const length = q[T.CHARACTER_MAXIMUM_LENGTH]?.i32Value;
    if (typeof precision === 'number') info.precision = precision;
    if (typeof scale === 'number') info.scale = scale;
    if (typeof length === 'number') info.length = length;
  }
  if (typeof desc.comment === 'string' && desc.comment !== '') info.comment = desc.comment;
  return info;
}
