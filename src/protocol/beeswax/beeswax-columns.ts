import type * as B from '../../thrift/gen-nodejs/beeswax_types';
import type { ColumnInfo, ColumnType } from '../hs2/result-metadata';

/**
 * Beeswax result columns. `get_results_metadata` names each column and gives its
 * type as Impala's ODBC type string, which is coarser than HS2's type descriptors:
 * - `decimal` carries no precision or scale. Values are still exact — Impala prints
 *   a DECIMAL with exactly its scale (`1.50`, `-0.05`) and the text is returned as
 *   it came — but {@link ColumnInfo.precision} and `scale` stay unset.
 * - `char` carries no length (values arrive padded, as over HS2); VARCHAR is reported
 *   as `string`, so a VARCHAR column reads as STRING without `length`.
 * - ARRAY, MAP and STRUCT are `string` (their values are JSON text, as over HS2).
 * Type strings this library does not know are reported as `UNKNOWN` and their values
 * are returned as text.
 *
 * @internal
 */

const TYPES: Readonly<Record<string, ColumnType>> = {
  boolean: 'BOOLEAN',
  tinyint: 'TINYINT',
  smallint: 'SMALLINT',
  int: 'INT',
  bigint: 'BIGINT',
  float: 'FLOAT',
  double: 'DOUBLE',
  timestamp: 'TIMESTAMP',
  date: 'DATE',
  string: 'STRING',
  varchar: 'VARCHAR',
  char: 'CHAR',
  decimal: 'DECIMAL',
  binary: 'BINARY',
  null: 'NULL',
};

/**
 * The Impala type for a Beeswax type string (`bigint`, `decimal`, ...), case and
 * surrounding spaces ignored; a parameterised spelling (`decimal(10,2)`,
 * `varchar(8)`) also gives its precision and scale, or length, should a server send
 * one.
 */
export function beeswaxType(text: string): { type: ColumnType; precision?: number; scale?: number; length?: number } {
  const t = (text ?? '').trim().toLowerCase();
  const m = /^([a-z_]+)\s*(?:\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\))?$/.exec(t);
  const type = (m && TYPES[m[1]!]) || 'UNKNOWN';
  if (!m || m[2] === undefined) return { type };
  if (type === 'DECIMAL') return { type, precision: Number(m[2]), scale: m[3] === undefined ? 0 : Number(m[3]) };
  if (type === 'VARCHAR' || type === 'CHAR') return { type, length: Number(m[2]) };
  return { type };
}

/** The result columns of a `get_results_metadata` reply; empty for statements without rows. */
export function columnsFromResultsMetadata(metadata: B.ResultsMetadata | null | undefined): ColumnInfo[] {
  const fields = metadata?.schema?.fieldSchemas ?? [];
  return fields.map((f, position) => {
    const info: { -readonly [K in keyof ColumnInfo]: ColumnInfo[K] } = { name: f.name ?? '', position, ...beeswaxType(f.type) };
    if (typeof f.comment === 'string' && f.comment !== '') info.comment = f.comment;
    return info;
  });
}
