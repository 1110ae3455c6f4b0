/**
 * Column encoders: turn DuckDB vectors into HS2 columns in Impala's wire encoding
 * (protocol reference §2.9/§2.10): one placeholder per NULL row and an LSB-first
 * nulls bitmap of ceil(rows/8) bytes.
 *
 * @internal
 */
import { DuckDBBlobValue, DuckDBDecimalValue, DuckDBTypeId, type DuckDBType, type DuckDBValue, type DuckDBVector } from '@duckdb/node-api';
import { DuckDBDateValue } from '@duckdb/node-api';
import { formatDate, formatDecimal, isInfiniteDays, stringText, TimestampFormatter } from './value-format';
import type { EncodedColumn, SimColumn } from './types';

/** Collects the nulls bitmap of one column batch. */
export class NullBitmap {
  #bytes = new Uint8Array(16);
  #rows = 0;

  /** Records the next row as NULL or not. */
  push(isNull: boolean): void {
    const i = this.#rows++;
    if ((i >> 3) >= this.#bytes.length) {
      const grown = new Uint8Array(this.#bytes.length * 2);
      grown.set(this.#bytes);
      this.#bytes = grown;
    }
    if (isNull) this.#bytes[i >> 3] = (this.#bytes[i >> 3] as number) | (1 << (i & 7));
  }

  /** The bitmap of the rows pushed since the last take, and a reset. */
  take(): Buffer {
    const out = Buffer.from(this.#bytes.subarray(0, Math.ceil(this.#rows / 8)));
    this.#bytes.fill(0, 0, Math.ceil(this.#rows / 8));
    this.#rows = 0;
    return out;
  }
}

/** Encodes the values of one result column, batch by batch. */
export interface ColumnEncoder {
  /** The column as reported to clients. */
  readonly column: SimColumn;
  /** Appends rows `[from, to)` of a DuckDB vector. */
  appendVector(vector: DuckDBVector, from: number, to: number): void;
  /** Appends one value (`null` for NULL). */
  appendValue(value: DuckDBValue): void;
  /** The encoded rows appended since the last take; resets the encoder. */
  take(): EncodedColumn;
}

type Kind = EncodedColumn['kind'];
type ValueOf<K extends Kind> = Extract<EncodedColumn, { kind: K }>['values'][number];

const EMPTY = Buffer.alloc(0);
/** Largest slab text values are carved from; the first is small and each next one doubles up to this. */
const SLAB_BYTES = 256 * 1024;
/** The first slab (small results, numbers-only columns and one-row queries allocate little). */
const FIRST_SLAB_BYTES = 1024;
/** Decimal digits whose unscaled value is always a safe JS integer. */
const MAX_SAFE_DECIMAL_DIGITS = 15;
/** Distinct dates remembered per DATE column. */
const DATE_CACHE_SIZE = 4096;

class Encoder<K extends Kind> implements ColumnEncoder {
  readonly column: SimColumn;
  readonly #kind: K;
  readonly #placeholder: ValueOf<K>;
  // Returns undefined when a non-NULL DuckDB value has no Impala form (±infinity dates).
  readonly #convert: (value: Exclude<DuckDBValue, null>) => ValueOf<K> | undefined;
  #values: Array<ValueOf<K>> = [];
  readonly #nulls = new NullBitmap();

  constructor(
    column: SimColumn,
    kind: K,
    placeholder: ValueOf<K>,
    convert: (value: Exclude<DuckDBValue, null>) => ValueOf<K> | undefined,
  ) {
    this.column = column;
    this.#kind = kind;
    this.#placeholder = placeholder;
    this.#convert = convert;
  }

  appendVector(vector: DuckDBVector, from: number, to: number): void {
    for (let i = from; i < to; i++) this.appendValue(vector.getItem(i));
  }

  appendValue(value: DuckDBValue): void {
    const converted = value === null ? undefined : this.#convert(value);
    this.#nulls.push(converted === undefined);
    this.#values.push(converted === undefined ? this.#placeholder : converted);
  }

  take(): EncodedColumn {
    const values = this.#values;
    this.#values = [];
    return { kind: this.#kind, values, nulls: this.#nulls.take() } as EncodedColumn;
  }
}

function asNumber(v: DuckDBValue): number {
  return typeof v === 'number' ? v : Number(v);
}

function asBigInt(v: DuckDBValue): bigint {
  return typeof v === 'bigint' ? v : BigInt(asNumber(v));
}

/**
 * Hands out value Buffers carved from shared slabs: one allocation per slab
 * instead of one per value, which dominates the cost of text columns.
 */
class ByteSlab {
  #slab = EMPTY;
  #offset = 0;
  #next = FIRST_SLAB_BYTES;

  #reserve(maxBytes: number): void {
    if (this.#offset + maxBytes > this.#slab.length) {
      this.#slab = Buffer.allocUnsafe(Math.max(this.#next, maxBytes));
      this.#next = Math.min(SLAB_BYTES, this.#next * 2);
      this.#offset = 0;
    }
  }

  /** Text known to be ASCII (formatted numbers, dates, timestamps). */
  ascii(text: string): Buffer {
    this.#reserve(text.length);
    const start = this.#offset;
    this.#offset += this.#slab.write(text, start, 'latin1');
    return this.#slab.subarray(start, this.#offset);
  }

  /** Any text, UTF-8 encoded. */
  utf8(text: string): Buffer {
    this.#reserve(text.length * 3);
    const start = this.#offset;
    this.#offset += this.#slab.write(text, start, 'utf8');
    return this.#slab.subarray(start, this.#offset);
  }
}

/**
 * An encoder for a result column: `column` is what clients are told (possibly a
 * declared CHAR/VARCHAR or the NULL type), `source` is DuckDB's type of the data.
 */
export function createEncoder(column: SimColumn, source: DuckDBType): ColumnEncoder {
  const slab = new ByteSlab();
  switch (column.type) {
    case 'BOOLEAN':
      return new Encoder(column, 'boolVal', false, (v) => v === true);
    case 'TINYINT':
      return new Encoder(column, 'byteVal', 0, asNumber);
    case 'SMALLINT':
      return new Encoder(column, 'i16Val', 0, asNumber);
    case 'INT':
      return new Encoder(column, 'i32Val', 0, asNumber);
    case 'BIGINT':
      return new Encoder(column, 'i64Val', 0n, asBigInt);
    case 'FLOAT':
    case 'DOUBLE':
      return new Encoder(column, 'doubleVal', 0, asNumber);
    case 'DECIMAL':
      return new Encoder(column, 'stringVal', EMPTY, (v) => {
        if (!(v instanceof DuckDBDecimalValue)) return slab.ascii(String(v));
        return slab.ascii(formatDecimal(v.width <= MAX_SAFE_DECIMAL_DIGITS ? Number(v.value) : v.value, v.scale));
      });
    case 'TIMESTAMP': {
      const formatter = new TimestampFormatter();
      return new Encoder(column, 'stringVal', EMPTY, (v) => {
        const text = formatter.value(v);
        return text === undefined ? undefined : slab.ascii(text);
      });
    }
    case 'DATE': {
      // Dates repeat a lot within a result: one shared Buffer per distinct day.
      const cache = new Map<number, Buffer>();
      return new Encoder(column, 'stringVal', EMPTY, (v) => {
        if (!(v instanceof DuckDBDateValue) || isInfiniteDays(v.days)) return undefined;
        let bytes = cache.get(v.days);
        if (bytes === undefined) {
          if (cache.size >= DATE_CACHE_SIZE) cache.clear();
          bytes = Buffer.from(formatDate(v.days), 'latin1');
          cache.set(v.days, bytes);
        }
        return bytes;
      });
    }
    case 'BINARY':
      return new Encoder(column, 'binaryVal', EMPTY, (v) =>
        v instanceof DuckDBBlobValue ? Buffer.from(v.bytes) : slab.utf8(String(v)),
      );
    case 'CHAR': {
      const length = column.length ?? 1;
      return new Encoder(column, 'stringVal', EMPTY, (v) => slab.utf8(stringText(v).padEnd(length, ' ')));
    }
    case 'NULL':
      return new Encoder(column, 'stringVal', EMPTY, () => undefined);
    default:
      if (source.typeId === DuckDBTypeId.VARCHAR) return new Encoder(column, 'stringVal', EMPTY, (v) => slab.utf8(v as string));
      return new Encoder(column, 'stringVal', EMPTY, (v) => slab.utf8(stringText(v)));
  }
}
