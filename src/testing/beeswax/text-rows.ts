import type { EncodedBatch, EncodedColumn, ImpalaTypeName, SimColumn } from '../engine/types';

/**
 * The Beeswax result format as Impala produces it (protocol reference §3.5): each row
 * one string, fields joined with a tab, nothing escaped; `NULL` for NULL; numbers in
 * C++ stream form with 16 significant digits for FLOAT and DOUBLE; everything that
 * travels as text over HS2 (DECIMAL, TIMESTAMP, DATE, STRING, CHAR...) as the same
 * bytes; BINARY as its raw bytes.
 *
 * @internal
 */

/** Impala's ODBC type string for each SQL type (`get_results_metadata`, `Results.columns`). */
const TYPE_STRINGS: Readonly<Record<ImpalaTypeName, string>> = {
  BOOLEAN: 'boolean',
  TINYINT: 'tinyint',
  SMALLINT: 'smallint',
  INT: 'int',
  BIGINT: 'bigint',
  FLOAT: 'float',
  DOUBLE: 'double',
  STRING: 'string',
  TIMESTAMP: 'timestamp',
  BINARY: 'binary',
  DECIMAL: 'decimal',
  NULL: 'null',
  DATE: 'date',
  VARCHAR: 'string',
  CHAR: 'char',
};

/** The Beeswax type string of a column (coarse: no precision, scale or length). */
export function typeString(column: SimColumn): string {
  return TYPE_STRINGS[column.type];
}

const NULL_TEXT = Buffer.from('NULL');
const TAB = Buffer.from('\t');
const TRUE = Buffer.from('true');
const FALSE = Buffer.from('false');

/**
 * A double the way a C++ stream with precision 16 prints it (`%.16g`): 16
 * significant digits, trailing zeros dropped, exponent form below 1e-4 or from 1e16
 * (`1e-05`, `1.234567890123457e+17`), and Impala's `NaN`, `Infinity`, `-Infinity`.
 */
export function formatDouble(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return 'Infinity';
  if (value === Number.NEGATIVE_INFINITY) return '-Infinity';
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  const [mantissa, exp] = value.toExponential(15).split('e') as [string, string];
  const exponent = Number(exp);
  if (exponent < -4 || exponent >= 16) {
    const digits = trimZeros(mantissa);
    const sign = exponent < 0 ? '-' : '+';
    return `${digits}e${sign}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  return trimZeros(value.toFixed(15 - exponent));
}

function trimZeros(text: string): string {
  if (!text.includes('.')) return text;
  return text.replace(/\.?0+$/, '');
}

function isNull(col: EncodedColumn, row: number): boolean {
  return (((col.nulls[row >> 3] ?? 0) >> (row & 7)) & 1) === 1;
}

function asBuffer(value: Uint8Array): Buffer {
  return Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}

/** The text bytes of row `row` of one column. */
function field(col: EncodedColumn, row: number, type: ImpalaTypeName): Buffer {
  if (type === 'NULL' || isNull(col, row)) return NULL_TEXT;
  switch (col.kind) {
    case 'boolVal':
      return col.values[row] ? TRUE : FALSE;
    case 'byteVal':
    case 'i16Val':
    case 'i32Val':
      return Buffer.from(String(col.values[row]));
    case 'i64Val':
      return Buffer.from(col.values[row]!.toString());
    case 'doubleVal':
      return Buffer.from(formatDouble(col.values[row]!));
    case 'stringVal':
    case 'binaryVal':
      return asBuffer(col.values[row]!);
  }
}

/** The rows of a batch as Beeswax text, one Buffer per row. */
export function textRows(batch: EncodedBatch, columns: readonly SimColumn[]): Buffer[] {
  const rows: Buffer[] = new Array(batch.rowCount);
  const parts: Buffer[] = [];
  for (let r = 0; r < batch.rowCount; r++) {
    parts.length = 0;
    for (let c = 0; c < batch.columns.length; c++) {
      if (c > 0) parts.push(TAB);
      parts.push(field(batch.columns[c]!, r, columns[c]?.type ?? 'STRING'));
    }
    rows[r] = Buffer.concat(parts);
  }
  return rows;
}
