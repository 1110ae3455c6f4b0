import type { Int64 } from 'thrift';
import { ArgumentError, ProtocolError } from '../../errors';
import type * as T from '../../thrift/gen-nodejs/TCLIService_types';
import type { RowBatch } from './fetch-results-reply';
import { int64ToBigInt, int64ToSafeNumber } from './int64';
import { objectRowBuilder, type ObjectRowBuilder } from './object-row-builder';
import { decodeRawColumn } from './raw-column-decoder';
import { RawRowSet, type RawColumn } from './raw-row-set';
import type { ColumnInfo } from './result-metadata';
import { parseImpalaDate, parseImpalaTimestamp } from './temporal';
import { resolveValueOptions, type ResolvedValueOptions, type ValueOptions } from './value-options';

/** A row keyed by column name (see {@link ValueOptions.rowMode} for repeated names). */
export type RowObject = Record<string, unknown>;
/** A row as an array in column order. */
export type RowArray = unknown[];
/** One result row, as an object or an array depending on {@link ValueOptions.rowMode}. */
export type Row = RowObject | RowArray;

/**
 * The object keys rows get in `rowMode: 'object'`: the column names, with repeated
 * names made unique as `name_2`, `name_3`, ... (skipping names already in use), so
 * `SELECT a.x, b.x` gives `x` and `x_2` instead of one value overwriting the other.
 */
export function objectKeys(columns: readonly ColumnInfo[]): string[] {
  const taken = new Set(columns.map((c) => c.name));
  const seen = new Set<string>();
  return columns.map((c) => {
    if (!seen.has(c.name)) {
      seen.add(c.name);
      return c.name;
    }
    let n = 2;
    while (taken.has(`${c.name}_${n}`)) n++;
    const key = `${c.name}_${n}`;
    taken.add(key);
    return key;
  });
}

/**
 * Turns columnar HS2 row sets (protocol V6+) into rows, for one result's columns and
 * one set of {@link ValueOptions}. Build one per result and call {@link decode} per
 * batch.
 *
 * A batch is either a {@link RawRowSet} (the reply's bytes with an index, read by
 * `FetchResultsReply`: values are converted straight from the bytes) or a
 * generated `TRowSet` (thrift's objects: value arrays are converted in place; the
 * arrays come fresh from the Thrift reader and are owned by the decoder). Both give
 * the same rows. Decoding is column-wise and the nulls bitmap is read LSB-first; a
 * bitmap shorter than the batch (some Hive versions) means "not NULL" for the
 * missing rows.
 */
export class RowDecoder {
  /** The result's columns. */
  readonly columns: readonly ColumnInfo[];
  /** Keys of row objects, index-aligned with {@link columns}. */
  readonly keys: readonly string[];
  readonly #options: ResolvedValueOptions;
  readonly #buildObjects: ObjectRowBuilder;

  /** @throws {@link ArgumentError} for an invalid option value. */
  constructor(columns: readonly ColumnInfo[], options?: ValueOptions) {
    this.columns = columns;
    this.#options = resolveValueOptions(options);
    this.keys = objectKeys(columns);
    this.#buildObjects = objectRowBuilder(this.keys);
  }

  /**
   * Decodes one batch into rows. A generated `TRowSet`'s value arrays are converted
   * in place, so decode each batch once.
   *
   * @throws {@link ProtocolError} when the batch does not match the columns (count,
   * lengths, a row-oriented set, an unparsable TIMESTAMP/DATE text), or
   * {@link ArgumentError} when `bigint: 'number'` meets a value beyond 2^53 − 1.
   */
  decode(rowSet: RowBatch): Row[] {
    const { rowCount, values } = this.decodeColumns(rowSet);
    return this.#options.rowMode === 'array' ? toArrays(values, rowCount) : this.#buildObjects(values, rowCount);
  }

  /** Decodes one batch column-wise: `values[c][r]` is column c of row r. */
  decodeColumns(rowSet: RowBatch): { rowCount: number; values: unknown[][] } {
    const raw = rowSet instanceof RawRowSet ? rowSet : undefined;
    const cols = raw ? raw.columns : (rowSet as T.TRowSet).columns;
    if (!cols) {
      const rows = raw ? raw.rowsLength : ((rowSet as T.TRowSet).rows?.length ?? 0);
      if (rows === 0) return { rowCount: 0, values: this.columns.map(() => []) };
      throw new ProtocolError('the server sent a row-oriented result set (HS2 protocol below V6); only columnar results are supported');
    }
    if (cols.length !== this.columns.length) {
      throw new ProtocolError(`a result batch has ${cols.length} columns but the result metadata lists ${this.columns.length}`);
    }
    let rowCount = -1;
    const values: unknown[][] = new Array(cols.length);
    for (let c = 0; c < cols.length; c++) {
      const decoded = raw
        ? decodeRawColumn(raw, (cols as readonly RawColumn[])[c]!, this.columns[c]!, this.#options)
        : decodeColumn((cols as T.TColumn[])[c]!, this.columns[c]!, this.#options);
      if (rowCount === -1) rowCount = decoded.length;
      else if (decoded.length !== rowCount) {
        throw new ProtocolError(`column ${c} (${this.columns[c]!.name}) of a result batch has ${decoded.length} values where column 0 has ${rowCount}`);
      }
      values[c] = decoded;
    }
    return { rowCount: Math.max(rowCount, 0), values };
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

/** Exactly one member of the TColumn union is set; a generated reader leaves the rest null. */
function decodeColumn(col: T.TColumn, info: ColumnInfo, options: ResolvedValueOptions): unknown[] {
  if (info.type === 'NULL') return allNull(anyValues(col));
  if (col.stringVal) return decodeStrings(col.stringVal.values, col.stringVal.nulls, info, options);
  if (col.i64Val) return decodeInt64(col.i64Val.values, col.i64Val.nulls, info, options);
  if (col.i32Val) return withNulls(col.i32Val.values, col.i32Val.nulls);
  if (col.doubleVal) return withNulls(col.doubleVal.values, col.doubleVal.nulls);
  if (col.boolVal) return withNulls(col.boolVal.values, col.boolVal.nulls);
  if (col.byteVal) return withNulls(col.byteVal.values as number[], col.byteVal.nulls);
  if (col.i16Val) return withNulls(col.i16Val.values, col.i16Val.nulls);
  if (col.binaryVal) {
    const v = col.binaryVal;
    return info.type === 'BINARY' || options.strings === 'buffer' ? withNulls(v.values, v.nulls) : decodeStrings(v.values, v.nulls, info, options);
  }
  throw new ProtocolError(`column ${info.position} (${info.name}) of a result batch has no values member set`);
}

function anyValues(col: T.TColumn): unknown[] {
  const member = col.boolVal ?? col.byteVal ?? col.i16Val ?? col.i32Val ?? col.i64Val ?? col.doubleVal ?? col.stringVal ?? col.binaryVal;
  return (member?.values as unknown[] | undefined) ?? [];
}

function allNull(values: unknown[]): unknown[] {
  return values.fill(null);
}

function hasNulls(nulls: Buffer | null | undefined, rowCount: number): nulls is Buffer {
  if (!nulls) return false;
  const bytes = Math.min(nulls.length, (rowCount + 7) >> 3);
  for (let b = 0; b < bytes; b++) if (nulls[b] !== 0) return true;
  return false;
}

function isNull(nulls: Buffer, row: number): boolean {
  const byte = nulls[row >> 3];
  return byte !== undefined && ((byte >> (row & 7)) & 1) === 1;
}

/** Values that need no conversion: only the NULL rows change, in place. */
function withNulls<V>(values: V[], nulls: Buffer | null | undefined): Array<V | null> {
  const n = values.length;
  if (!hasNulls(nulls, n)) return values;
  const out = values as Array<V | null>;
  const bytes = Math.min(nulls.length, (n + 7) >> 3);
  for (let b = 0; b < bytes; b++) {
    let byte = nulls[b]!;
    for (let i = b << 3; byte !== 0; i++, byte >>>= 1) {
      if (byte & 1 && i < n) out[i] = null;
    }
  }
  return out;
}

function decodeInt64(values: Int64[], nulls: Buffer | null | undefined, info: ColumnInfo, options: ResolvedValueOptions): unknown[] {
  const n = values.length;
  const out = values as unknown[];
  const anyNull = hasNulls(nulls, n);
  const mode = options.bigint;
  for (let i = 0; i < n; i++) {
    if (anyNull && isNull(nulls, i)) {
      out[i] = null;
      continue;
    }
    const v = values[i]!;
    if (mode === 'bigint') {
      out[i] = int64ToBigInt(v);
    } else if (mode === 'number') {
      const num = int64ToSafeNumber(v);
      if (num === undefined) {
        throw new ArgumentError(
          `${info.type} value ${int64ToBigInt(v)} in column ${JSON.stringify(info.name)} (row ${i} of its batch) is not a safe integer and cannot be returned exactly as a number; use bigint: 'bigint' or 'string'`,
        );
      }
      out[i] = num;
    } else {
      out[i] = int64ToBigInt(v).toString();
    }
  }
  return out;
}

function decodeStrings(values: Buffer[], nulls: Buffer | null | undefined, info: ColumnInfo, options: ResolvedValueOptions): unknown[] {
  const type = info.type;
  const parse =
    type === 'TIMESTAMP' && options.timestamp === 'date' ? parseImpalaTimestamp : type === 'DATE' && options.date === 'date' ? parseImpalaDate : undefined;
  const raw = options.strings === 'buffer' && (type === 'STRING' || type === 'VARCHAR' || type === 'CHAR');
  const n = values.length;
  if (raw) return withNulls(values, nulls);
  const out = values as unknown[];
  const anyNull = hasNulls(nulls, n);
  for (let i = 0; i < n; i++) {
    if (anyNull && isNull(nulls, i)) {
      out[i] = null;
      continue;
    }
    const text = values[i]!.toString();
    if (parse === undefined) {
      out[i] = text;
    } else {
      const d = parse(text);
      if (d === undefined) throw new ProtocolError(`cannot read ${type} value ${JSON.stringify(text)} in column ${JSON.stringify(info.name)} (row ${i} of its batch)`);
      out[i] = d;
    }
  }
  return out;
}
