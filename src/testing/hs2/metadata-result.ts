import type { EncodedColumn, SimColumn } from '../engine/types';

/** A metadata result built in place: column descriptions and the producer of its rows. */
export interface MetadataResult {
  columns: SimColumn[];
  produce: () => Promise<EncodedColumn[]>;
}

/** One value of a metadata row; `null` is SQL NULL. */
export type Cell = string | number | boolean | null;

/** A STRING result column. */
export const str = (name: string): SimColumn => ({ name, type: 'STRING' });
/** An INT result column. */
export const int = (name: string): SimColumn => ({ name, type: 'INT' });
/** A SMALLINT result column. */
export const smallint = (name: string): SimColumn => ({ name, type: 'SMALLINT' });
/** A BOOLEAN result column. */
export const bool = (name: string): SimColumn => ({ name, type: 'BOOLEAN' });

/** A result whose rows are known now. */
export function staticResult(columns: SimColumn[], rows: readonly Cell[][]): MetadataResult {
  return { columns, produce: async () => encode(columns, rows) };
}

/** Encodes small STRING/INT/SMALLINT/BOOLEAN results the way the engine encodes its batches. */
export function encode(columns: readonly SimColumn[], rows: readonly Cell[][]): EncodedColumn[] {
  return columns.map((col, j) => {
    const nulls = Buffer.alloc(Math.ceil(rows.length / 8));
    rows.forEach((r, i) => {
      if (r[j] === null || r[j] === undefined) nulls[i >> 3]! |= 1 << (i & 7);
    });
    if (col.type === 'STRING') return { kind: 'stringVal', values: rows.map((r) => Buffer.from(r[j] === null || r[j] === undefined ? '' : String(r[j]))), nulls };
    if (col.type === 'BOOLEAN') return { kind: 'boolVal', values: rows.map((r) => r[j] === true), nulls };
    const values = rows.map((r) => (typeof r[j] === 'number' ? (r[j] as number) : 0));
    return col.type === 'SMALLINT' ? { kind: 'i16Val', values, nulls } : { kind: 'i32Val', values, nulls };
  });
}
