/**
 * Cursors that hand out a statement's rows batch by batch in HS2 encoding: one
 * streaming over a DuckDB result (at most one DuckDB chunk buffered besides the
 * batch being built), one over rows the simulator computed itself (SHOW, SET...).
 *
 * @internal
 */
import type { DuckDBDataChunk, DuckDBMaterializedResult, DuckDBVector } from '@duckdb/node-api';
import type { ColumnEncoder } from './column-encoder';
import { NullBitmap } from './column-encoder';
import type { EncodedBatch, EncodedColumn, SimColumn } from './types';

/** Hands out a statement's rows in batches. */
export interface ResultCursor {
  /** True once every row has been handed out. */
  readonly done: boolean;
  /** Rows held in memory and not yet handed out. */
  readonly bufferedRows: number;
  /** The next batch of at most `maxRows` rows (`maxRows` ≥ 1). */
  next(maxRows: number): Promise<EncodedBatch>;
}

/** Rows computed by the simulator; every column is STRING. */
export class StaticCursor implements ResultCursor {
  readonly #rows: ReadonlyArray<ReadonlyArray<string | null>>;
  readonly #columnCount: number;
  #offset = 0;

  constructor(columns: readonly SimColumn[], rows: ReadonlyArray<ReadonlyArray<string | null>>) {
    this.#columnCount = columns.length;
    this.#rows = rows;
  }

  get done(): boolean {
    return this.#offset >= this.#rows.length;
  }

  get bufferedRows(): number {
    return this.#rows.length - this.#offset;
  }

  async next(maxRows: number): Promise<EncodedBatch> {
    const slice = this.#rows.slice(this.#offset, this.#offset + maxRows);
    this.#offset += slice.length;
    const columns = Array.from({ length: this.#columnCount }, (_, j) => {
      const nulls = new NullBitmap();
      const values = slice.map((row) => {
        const v = row[j] ?? null;
        nulls.push(v === null);
        return Buffer.from(v ?? '', 'utf8');
      });
      return { kind: 'stringVal' as const, values, nulls: nulls.take() };
    });
    return { columns, rowCount: slice.length, done: this.done };
  }
}

/** Rows encoded before (a constant query's), handed out again without copying them. */
export class BatchCursor implements ResultCursor {
  readonly #batch: EncodedBatch;
  #offset = 0;

  /** @param batch - every row; its columns are shared, never changed. */
  constructor(batch: EncodedBatch) {
    this.#batch = batch;
  }

  get done(): boolean {
    return this.#offset >= this.#batch.rowCount;
  }

  get bufferedRows(): number {
    return this.#batch.rowCount - this.#offset;
  }

  async next(maxRows: number): Promise<EncodedBatch> {
    const start = this.#offset;
    const end = Math.min(this.#batch.rowCount, start + maxRows);
    this.#offset = end;
    const columns = start === 0 && end === this.#batch.rowCount ? this.#batch.columns : this.#batch.columns.map((c) => sliceColumn(c, start, end));
    return { columns, rowCount: end - start, done: this.done };
  }
}

/** Rows `[start, end)` of an encoded column, with its nulls bitmap rebuilt. */
function sliceColumn(col: EncodedColumn, start: number, end: number): EncodedColumn {
  const nulls = new NullBitmap();
  for (let i = start; i < end; i++) nulls.push((((col.nulls[i >> 3] ?? 0) >> (i & 7)) & 1) === 1);
  // Every member of the union has the same shape; slicing keeps the member.
  return { ...col, values: col.values.slice(start, end), nulls: nulls.take() } as EncodedColumn;
}

/** Where a DuckDB cursor reads chunks from: a streaming result (DuckDBResult) or {@link materializedChunks}. */
export interface ChunkSource {
  /** The next chunk; null (or an empty chunk) at the end. */
  fetchChunk(): Promise<DuckDBDataChunk | null>;
}

/**
 * The chunks of a result DuckDB already holds whole, read on the calling thread
 * (a streaming result's `fetchChunk` is a trip to a worker thread each time).
 */
export function materializedChunks(result: DuckDBMaterializedResult): ChunkSource {
  const count = result.chunkCount;
  let next = 0;
  return { fetchChunk: async () => (next < count ? result.getChunk(next++) : null) };
}

/** Streams a DuckDB result chunk by chunk. */
export class DuckDbStreamCursor implements ResultCursor {
  readonly #result: ChunkSource;
  readonly #encoders: readonly ColumnEncoder[];
  #chunk: DuckDBDataChunk | undefined;
  #vectors: DuckDBVector[] = [];
  #offset = 0;
  #eos = false;

  constructor(result: ChunkSource, encoders: readonly ColumnEncoder[]) {
    this.#result = result;
    this.#encoders = encoders;
  }

  get done(): boolean {
    return this.#eos && this.#remaining() === 0;
  }

  /** At most one DuckDB chunk (2048 rows): the rest of the result stays in DuckDB. */
  get bufferedRows(): number {
    return this.#remaining();
  }

  #remaining(): number {
    return this.#chunk === undefined ? 0 : this.#chunk.rowCount - this.#offset;
  }

  /**
   * Reads the first chunk, so that errors DuckDB only finds while producing rows
   * surface when the statement executes, as Impala reports them in its status.
   */
  async prime(): Promise<void> {
    if (this.#chunk === undefined && !this.#eos) await this.#load();
  }

  async #load(): Promise<void> {
    const chunk = await this.#result.fetchChunk();
    if (chunk === null || chunk.rowCount === 0) {
      this.#eos = true;
      this.#chunk = undefined;
      this.#vectors = [];
      return;
    }
    this.#chunk = chunk;
    this.#offset = 0;
    this.#vectors = this.#encoders.map((_, j) => chunk.getColumnVector(j));
  }

  async next(maxRows: number): Promise<EncodedBatch> {
    let rows = 0;
    while (rows < maxRows) {
      if (this.#remaining() === 0) {
        if (this.#eos) break;
        await this.#load();
        continue;
      }
      const take = Math.min(maxRows - rows, this.#remaining());
      this.#encoders.forEach((encoder, j) => {
        encoder.appendVector(this.#vectors[j] as DuckDBVector, this.#offset, this.#offset + take);
      });
      this.#offset += take;
      rows += take;
    }
    // Look one chunk ahead so the batch holding the last row already says done.
    if (this.#remaining() === 0 && !this.#eos) await this.#load();
    return { columns: this.#encoders.map((e) => e.take()), rowCount: rows, done: this.done };
  }
}
