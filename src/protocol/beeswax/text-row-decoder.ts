import { ProtocolError } from '../../errors';
import { objectRowBuilder, type ObjectRowBuilder } from '../hs2/object-row-builder';
import type { ColumnInfo } from '../hs2/result-metadata';
import { objectKeys, type Row, type RowArray } from '../hs2/row-decoder';
import { resolveValueOptions, type ResolvedValueOptions, type ValueOptions } from '../hs2/value-options';
import type { TextRowBatch } from './fetch-reply';
import { decodeTextColumn } from './text-values';

const TAB = 0x09;

/** Types whose values may contain a tab byte (numbers, dates and decimals cannot). */
function mayHoldTabs(info: ColumnInfo): boolean {
  return info.type === 'STRING' || info.type === 'VARCHAR' || info.type === 'CHAR' || info.type === 'BINARY' || info.type === 'UNKNOWN';
}

/**
 * Turns Beeswax text rows into rows like HS2's `RowDecoder` does: objects keyed by
 * column name (repeated names made unique) or arrays, with the same value options
 * and the same values (see `decodeTextColumn` for the rules per type).
 *
 * Impala joins fields with a tab and does not escape tabs inside values. A row with
 * more fields than columns is read anyway when exactly one column can hold text
 * (STRING, VARCHAR, CHAR, BINARY): the extra tabs belong to it. Otherwise the row is
 * ambiguous and decoding fails with a {@link ProtocolError} that says so — use HS2 for
 * such results. Newlines need no care: every row is its own string on the wire.
 */
export class TextRowDecoder {
  readonly columns: readonly ColumnInfo[];
  readonly keys: readonly string[];
  readonly #options: ResolvedValueOptions;
  readonly #buildObjects: ObjectRowBuilder;
  /** The one column that takes surplus tabs, or -1 when a surplus is ambiguous. */
  readonly #tabColumn: number;
  #bounds = new Int32Array(0);

  /** @throws {@link ArgumentError} for an invalid option value. */
  constructor(columns: readonly ColumnInfo[], options?: ValueOptions) {
    this.columns = columns;
    this.#options = resolveValueOptions(options);
    this.keys = objectKeys(columns);
    this.#buildObjects = objectRowBuilder(this.keys);
    const textual = columns.map((c, i) => (mayHoldTabs(c) ? i : -1)).filter((i) => i >= 0);
    this.#tabColumn = textual.length === 1 ? textual[0]! : -1;
  }

  /**
   * Decodes one batch into rows.
   *
   * @throws {@link ProtocolError} for a row that does not split into the columns or a
   * value its type cannot read; {@link ArgumentError} when `bigint: 'number'` meets a
   * value beyond 2^53 − 1.
   */
  decode(batch: TextRowBatch): Row[] {
    const { rowCount, values } = this.decodeColumns(batch);
    return this.#options.rowMode === 'array' ? toArrays(values, rowCount) : this.#buildObjects(values, rowCount);
  }

  /** Decodes one batch column-wise: `values[c][r]` is column c of row r. */
  decodeColumns(batch: TextRowBatch): { rowCount: number; values: unknown[][] } {
    const width = this.columns.length;
    const rowCount = batch.rowCount;
    if (width === 0) {
      if (rowCount === 0) return { rowCount: 0, values: [] };
      throw new ProtocolError(`a Beeswax result batch has ${rowCount} rows but the result metadata lists no columns`);
    }
    const bounds = this.#split(batch, width);
    const values: unknown[][] = new Array(width);
    for (let c = 0; c < width; c++) values[c] = decodeTextColumn(batch.bytes, bounds, width, c, rowCount, this.columns[c]!, this.#options);
    return { rowCount, values };
  }

  /** Field byte ranges of every row, `[start, end)` of row r column c at `(r * width + c) * 2`. */
  #split(batch: TextRowBatch, width: number): Int32Array {
    const need = batch.rowCount * width * 2;
    if (this.#bounds.length < need) this.#bounds = new Int32Array(need);
    const bounds = this.#bounds;
    const bytes = batch.bytes;
    for (let r = 0; r < batch.rowCount; r++) {
      const start = batch.starts[r]!;
      const end = batch.ends[r]!;
      let k = r * width * 2;
      let field = 0;
      let fieldStart = start;
      for (let p = start; p < end; p++) {
        if (bytes[p] !== TAB) continue;
        if (field < width - 1) {
          bounds[k++] = fieldStart;
          bounds[k++] = p;
        }
        field++;
        fieldStart = p + 1;
      }
      if (field === width - 1) {
        bounds[k] = fieldStart;
        bounds[k + 1] = end;
        continue;
      }
      this.#resplit(bytes, start, end, r, width, field + 1, bounds);
    }
    return bounds;
  }

  /** A row whose tab count does not match: give the surplus to the one text column, or fail. */
  #resplit(bytes: Buffer, start: number, end: number, row: number, width: number, fields: number, bounds: Int32Array): void {
    const t = this.#tabColumn;
    if (fields < width || t < 0) {
      const why =
        fields < width
          ? 'fewer fields than columns'
          : 'more fields than columns, and a tab inside a value cannot be told from a separator when several columns hold text';
      throw new ProtocolError(
        `row ${row} of a Beeswax result batch has ${fields} tab-separated fields for ${width} columns (${why}); Beeswax does not escape tabs in values — use protocol 'hs2' for this result`,
      );
    }
    const tabs: number[] = [];
    for (let p = start; p < end; p++) if (bytes[p] === TAB) tabs.push(p);
    const base = row * width * 2;
    // Columns before the text column take the first fields, those after it the last ones.
    for (let c = 0; c < width; c++) {
      let s: number;
      let e: number;
      if (c < t) {
        s = c === 0 ? start : tabs[c - 1]! + 1;
        e = tabs[c]!;
      } else if (c > t) {
        const fromEnd = width - 1 - c;
        const i = tabs.length - 1 - fromEnd;
        s = tabs[i]! + 1;
        e = fromEnd === 0 ? end : tabs[i + 1]!;
      } else {
        s = t === 0 ? start : tabs[t - 1]! + 1;
        e = t === width - 1 ? end : tabs[tabs.length - (width - 1 - t)]!;
      }
      bounds[base + c * 2] = s;
      bounds[base + c * 2 + 1] = e;
    }
  }
}

function toArrays(values: unknown[][], rowCount: number): RowArray[] {
  const width = values.length;
  const rows: RowArray[] = new Array(rowCount);
  for (let r = 0; r < rowCount; r++) {
    const row: unknown[] = new Array(width);
    for (let c = 0; c < width; c++) row[c] = values[c]![r];
    rows[r] = row;
  }
  return rows;
}
