/**
 * Cursors that hand out a statement's rows batch by batch in HS2 encoding: one
 * streaming over a DuckDB result (at most one DuckDB chunk buffered besides the
 * batch being built), one over rows the simulator computed itself (SHOW, SET...).
 *
 * @internal
 */
import type { DuckDBDataChunk, DuckDBResult, DuckDBVector } from '@duckdb/node-api';
import type { ColumnEncoder } from './column-encoder';
import { NullBitmap } from './column-encoder';
import type { EncodedBatch, SimColumn } from './types';

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

/** Streams a DuckDB result chunk by chunk. */
export class DuckDbStreamCursor implements ResultCursor {
  readonly #result: DuckDBResult;
  readonly #encoders: readonly ColumnEncoder[];
  #chunk: DuckDBDataChunk | undefined;
  #vectors: DuckDBVector[] = [];
  #offset = 0;
  #eos = false;

  constructor(result: DuckDBResult, encoders: readonly ColumnEncoder[]) {
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
