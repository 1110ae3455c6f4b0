import type { EncodedBatch, EncodedColumn } from '../engine/types';

/**
 * Row ranges of encoded batches: a slice of a batch and the concatenation of
 * batches, with the nulls bitmaps rebuilt (LSB first, ceil(rows/8) bytes).
 *
 * @internal
 */

function isNull(nulls: Buffer, i: number): boolean {
  return (((nulls[i >> 3] ?? 0) >> (i & 7)) & 1) === 1;
}

/** Rows `[start, end)` of a column. */
export function sliceColumn(col: EncodedColumn, start: number, end: number): EncodedColumn {
  const n = end - start;
  const nulls = Buffer.alloc(Math.ceil(n / 8));
  for (let i = 0; i < n; i++) if (isNull(col.nulls, start + i)) nulls[i >> 3]! |= 1 << (i & 7);
  // The union members share a shape; slicing keeps the member.
  return { ...col, values: col.values.slice(start, end), nulls } as EncodedColumn;
}

/** Rows `[start, end)` of a batch (`done` as given). */
export function sliceBatch(batch: EncodedBatch, start: number, end: number, done: boolean): EncodedBatch {
  return { columns: batch.columns.map((c) => sliceColumn(c, start, end)), rowCount: end - start, done };
}

/** The rows of `batches` in order, as one batch (`done` from the last). */
export function concatBatches(batches: readonly EncodedBatch[]): EncodedBatch {
  if (batches.length === 1) return batches[0] as EncodedBatch;
  const rowCount = batches.reduce((n, b) => n + b.rowCount, 0);
  const first = batches.find((b) => b.columns.length > 0) ?? batches[0];
  const columns = (first?.columns ?? []).map((col, j) => {
    const nulls = Buffer.alloc(Math.ceil(rowCount / 8));
    const values: unknown[] = [];
    for (const b of batches) {
      const c = b.columns[j];
      if (c === undefined) continue;
      for (let i = 0; i < b.rowCount; i++) {
        if (isNull(c.nulls, i)) nulls[values.length >> 3]! |= 1 << (values.length & 7);
        values.push(c.values[i]);
      }
    }
    return { kind: col.kind, values, nulls } as EncodedColumn;
  });
  return { columns, rowCount, done: batches[batches.length - 1]?.done ?? true };
}
