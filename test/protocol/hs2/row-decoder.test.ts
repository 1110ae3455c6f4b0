import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { ErrorCode, ImpalaError } from '../../../src/errors';
import { columnsFromSchema, type ColumnInfo } from '../../../src/protocol/hs2/result-metadata';
import { objectKeys, RowDecoder, type RowObject } from '../../../src/protocol/hs2/row-decoder';
import type { ValueOptions } from '../../../src/protocol/hs2/value-options';
import * as T from '../../../src/thrift/gen-nodejs/TCLIService_types';
import { encodeColumn, encodeRows, rowSetOf, schemaOf, thriftRoundTrip, type ColumnSpec } from '../../helpers/scripted-rowset';

/** Encodes like Impala, sends through TBinaryProtocol and decodes, as the client would. */
function decode(specs: ColumnSpec[], rows: unknown[][], options?: ValueOptions): unknown[] {
  const columns = columnsFromSchema(schemaOf(specs));
  return new RowDecoder(columns, options).decode(thriftRoundTrip(encodeRows(specs, rows), T.TRowSet));
}

const col = (name: string, type: ColumnSpec['type'], extra: Partial<ColumnSpec> = {}): ColumnSpec => ({ name, type, ...extra });

function isCode(code: string, pattern: RegExp) {
  return (e: unknown): boolean => e instanceof ImpalaError && e.code === code && pattern.test(e.message);
}

describe('RowDecoder', () => {
  it('decodes every scalar type exactly', () => {
    const specs = [
      col('b', 'BOOLEAN'),
      col('t', 'TINYINT'),
      col('s', 'SMALLINT'),
      col('i', 'INT'),
      col('g', 'BIGINT'),
      col('f', 'FLOAT'),
      col('d', 'DOUBLE'),
      col('dec', 'DECIMAL', { precision: 9, scale: 2 }),
      col('str', 'STRING'),
      col('vc', 'VARCHAR', { length: 5 }),
      col('ch', 'CHAR', { length: 4 }),
      col('ts', 'TIMESTAMP'),
      col('dt', 'DATE'),
      col('bin', 'BINARY'),
    ];
    const rows = decode(specs, [
      [true, -128, -32768, -2147483648, -(2n ** 63n), 1.100000023841858, -0.05, '-0.05', 'héllo', 'abc', 'ab  ', '2024-02-29 23:59:59.123456789', '0001-01-01', Buffer.from([0, 255])],
      [false, 127, 32767, 2147483647, 2n ** 63n - 1n, 3.4028234663852886e38, 1e308, '1.50', '', 'abcde', 'abcd', '1400-01-01 00:00:00', '9999-12-31', Buffer.alloc(0)],
    ]);
    assert.deepEqual(rows[0], {
      b: true, t: -128, s: -32768, i: -2147483648, g: -(2n ** 63n), f: 1.100000023841858, d: -0.05, dec: '-0.05', str: 'héllo', vc: 'abc', ch: 'ab  ',
      ts: '2024-02-29 23:59:59.123456789', dt: '0001-01-01', bin: Buffer.from([0, 255]),
    });
    assert.deepEqual(rows[1], {
      b: false, t: 127, s: 32767, i: 2147483647, g: 2n ** 63n - 1n, f: 3.4028234663852886e38, d: 1e308, dec: '1.50', str: '', vc: 'abcde', ch: 'abcd',
      ts: '1400-01-01 00:00:00', dt: '9999-12-31', bin: Buffer.alloc(0),
    });
  });

  it('keeps BIGINT exact across the whole signed range, including just above 2^53', () => {
    const values = [2n ** 63n - 1n, -(2n ** 63n), 2n ** 53n + 1n, -(2n ** 53n) - 1n, 0n, -1n, 1n];
    const rows = decode([col('g', 'BIGINT')], values.map((v) => [v]));
    assert.deepEqual(rows.map((r) => (r as RowObject).g), values);
  });

  it('returns BIGINT as number only when exact, and says so otherwise', () => {
    const rows = decode([col('g', 'BIGINT')], [[2n ** 53n - 1n], [-(2n ** 53n - 1n)], [42n]], { bigint: 'number' });
    assert.deepEqual(rows.map((r) => (r as RowObject).g), [2 ** 53 - 1, -(2 ** 53 - 1), 42]);
    for (const v of [2n ** 53n, -(2n ** 53n), 2n ** 63n - 1n, -(2n ** 63n)]) {
      assert.throws(() => decode([col('big', 'BIGINT')], [[1n], [v]], { bigint: 'number' }), isCode(ErrorCode.INVALID_ARGUMENT, new RegExp(`${v} in column "big" \\(row 1.*use bigint: 'bigint' or 'string'`)));
    }
  });

  it('returns BIGINT as decimal text on request', () => {
    const rows = decode([col('g', 'BIGINT')], [[-(2n ** 63n)], [null]], { bigint: 'string' });
    assert.deepEqual(rows, [{ g: '-9223372036854775808' }, { g: null }]);
  });

  it('preserves NaN, infinities and subnormals', () => {
    const rows = decode([col('d', 'DOUBLE'), col('f', 'FLOAT')], [[NaN, Infinity], [-Infinity, 5e-324]]);
    assert.ok(Number.isNaN((rows[0] as RowObject).d));
    assert.equal((rows[0] as RowObject).f, Infinity);
    assert.equal((rows[1] as RowObject).d, -Infinity);
    assert.equal((rows[1] as RowObject).f, 5e-324);
  });

  describe('NULLs', () => {
    const boundaries = [0, 7, 8, 15, 16, 63, 64, 69];
    const all: ColumnSpec[] = [
      col('b', 'BOOLEAN'), col('t', 'TINYINT'), col('s', 'SMALLINT'), col('i', 'INT'), col('g', 'BIGINT'), col('d', 'DOUBLE'),
      col('dec', 'DECIMAL', { precision: 5, scale: 1 }), col('str', 'STRING'), col('ts', 'TIMESTAMP'), col('dt', 'DATE'), col('bin', 'BINARY'),
    ];
    const sample = [true, 1, 2, 3, 4n, 5.5, '6.0', 'seven', '2020-01-01 00:00:00', '2020-01-01', Buffer.from('x')];

    it('reads the bitmap LSB-first with NULLs exactly at rows 0, 7, 8, 15, 16, 63, 64 and 69 of 70', () => {
      const rows = Array.from({ length: 70 }, (_, r) => (boundaries.includes(r) ? all.map(() => null) : sample));
      for (const options of [{}, { timestamp: 'date', date: 'date', strings: 'buffer', bigint: 'string' } as const]) {
        const out = decode(all, rows, options) as RowObject[];
        assert.equal(out.length, 70);
        out.forEach((row, r) => {
          for (const spec of all) {
            if (boundaries.includes(r)) assert.equal(row[spec.name], null, `row ${r} column ${spec.name} should be NULL`);
            else assert.notEqual(row[spec.name], null, `row ${r} column ${spec.name} should not be NULL`);
          }
        });
      }
    });

    it('treats rows beyond a short bitmap as not NULL (lenient with Hive)', () => {
      const column = encodeColumn('INT', [1, null, 3, 4, 5, 6, 7, 8, 9, 10]);
      column.i32Val!.nulls = Buffer.from([0b10]); // one byte for ten rows
      const rows = new RowDecoder(columnsFromSchema(schemaOf([col('i', 'INT')]))).decode(rowSetOf([column]));
      assert.deepEqual(rows.map((r) => (r as RowObject).i), [1, null, 3, 4, 5, 6, 7, 8, 9, 10]);
    });

    it('returns null for every row of a NULL-typed column, whatever member carries it', () => {
      const columns = columnsFromSchema(schemaOf([col('n', 'NULL')]));
      const viaBool = new T.TColumn({ boolVal: new T.TBoolColumn({ values: [false, false], nulls: Buffer.from([3]) }) });
      assert.deepEqual(new RowDecoder(columns).decode(rowSetOf([viaBool])), [{ n: null }, { n: null }]);
      assert.deepEqual(decode([col('n', 'NULL')], [[null], [null]]), [{ n: null }, { n: null }]);
    });

    it('matches any NULL pattern (property)', () => {
      fc.assert(
        fc.property(fc.array(fc.option(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), { nil: null }), { maxLength: 200 }), (values) => {
          const out = decode([col('i', 'INT'), col('s', 'STRING')], values.map((v) => [v, v === null ? null : String(v)]));
          assert.deepEqual(out, values.map((v) => ({ i: v, s: v === null ? null : String(v) })));
        }),
        { numRuns: 200 },
      );
    });
  });

  describe('value options', () => {
    it('turns TIMESTAMP text into a UTC Date keeping milliseconds and dropping nanoseconds', () => {
      const [row] = decode([col('ts', 'TIMESTAMP'), col('plain', 'TIMESTAMP')], [['2024-02-29 23:59:59.123987654', '1400-01-01 00:00:00']], { timestamp: 'date' }) as RowObject[];
      assert.equal((row!.ts as Date).toISOString(), '2024-02-29T23:59:59.123Z');
      assert.equal((row!.plain as Date).toISOString(), '1400-01-01T00:00:00.000Z');
    });

    it('turns DATE text into a Date at UTC midnight, also for years below 100', () => {
      const rows = decode([col('dt', 'DATE')], [['0001-01-01'], ['0099-12-31'], ['2024-06-30']], { date: 'date' }) as RowObject[];
      assert.deepEqual(rows.map((r) => (r.dt as Date).toISOString()), ['0001-01-01T00:00:00.000Z', '0099-12-31T00:00:00.000Z', '2024-06-30T00:00:00.000Z']);
    });

    it('reports unreadable TIMESTAMP text as a protocol error naming the column', () => {
      assert.throws(() => decode([col('ts', 'TIMESTAMP')], [['2023-02-30 00:00:00']], { timestamp: 'date' }), isCode(ErrorCode.PROTOCOL, /TIMESTAMP value "2023-02-30 00:00:00" in column "ts"/));
    });

    it('keeps bytes that are not UTF-8 with strings: buffer, and decodes UTF-8 by default', () => {
      const bytes = Buffer.from([0x61, 0xff, 0xfe, 0x00, 0x62]);
      const specs = [col('s', 'STRING'), col('v', 'VARCHAR', { length: 10 }), col('c', 'CHAR', { length: 5 }), col('dec', 'DECIMAL')];
      const [raw] = decode(specs, [[bytes, bytes, bytes, '1.5']], { strings: 'buffer' }) as RowObject[];
      assert.deepEqual(raw, { s: bytes, v: bytes, c: bytes, dec: '1.5' });
      const [text] = decode(specs, [[bytes, bytes, bytes, '1.5']]) as RowObject[];
      assert.equal(text!.s, 'a\ufffd\ufffd\u0000b');
    });

    it('gives arrays in column order with rowMode: array', () => {
      assert.deepEqual(decode([col('a', 'INT'), col('a', 'STRING')], [[1, 'x'], [null, null]], { rowMode: 'array' }), [[1, 'x'], [null, null]]);
    });

    it('rejects unknown option values with the accepted ones', () => {
      assert.throws(() => new RowDecoder([], { bigint: 'float' as never }), isCode(ErrorCode.INVALID_ARGUMENT, /bigint must be one of 'bigint', 'number', 'string'; got 'float'/));
      assert.throws(() => new RowDecoder([], { rowMode: 1 as never }), isCode(ErrorCode.INVALID_ARGUMENT, /rowMode must be one of/));
    });
  });

  describe('column names', () => {
    it('keeps every value when names repeat (SELECT a.x, b.x) by suffixing later ones', () => {
      const rows = decode([col('x', 'INT'), col('x', 'INT'), col('x_2', 'INT'), col('x', 'INT')], [[1, 2, 3, 4]]);
      assert.deepEqual(rows, [{ x: 1, x_3: 2, x_2: 3, x_4: 4 }]);
      assert.deepEqual(objectKeys([{ name: '_c0' }, { name: '_c1' }] as ColumnInfo[]), ['_c0', '_c1']);
    });

    it('stores a column named __proto__ as an own property, not the prototype', () => {
      const [row] = decode([col('__proto__', 'STRING'), col('a', 'INT')], [['evil', 1]]) as RowObject[];
      assert.equal(Object.getPrototypeOf(row), Object.prototype);
      assert.deepEqual(Object.keys(row!), ['__proto__', 'a']);
      assert.equal(Object.getOwnPropertyDescriptor(row, '__proto__')!.value, 'evil');
    });
  });

  describe('malformed batches', () => {
    const columns = columnsFromSchema(schemaOf([col('a', 'INT'), col('b', 'INT')]));

    it('rejects a batch whose column count differs from the metadata', () => {
      assert.throws(() => new RowDecoder(columns).decode(rowSetOf([encodeColumn('INT', [1])])), isCode(ErrorCode.PROTOCOL, /1 columns but the result metadata lists 2/));
    });

    it('rejects columns of different lengths', () => {
      assert.throws(() => new RowDecoder(columns).decode(rowSetOf([encodeColumn('INT', [1, 2]), encodeColumn('INT', [1])])), isCode(ErrorCode.PROTOCOL, /column 1 \(b\).*1 values where column 0 has 2/));
    });

    it('rejects row-oriented results (protocol below V6) but accepts an empty one', () => {
      const rowBased = new T.TRowSet({ startRowOffset: rowSetOf([]).startRowOffset, rows: [new T.TRow({ colVals: [] })] });
      assert.throws(() => new RowDecoder(columns).decode(rowBased), isCode(ErrorCode.PROTOCOL, /row-oriented/));
      assert.deepEqual(new RowDecoder(columns).decode(new T.TRowSet({ startRowOffset: rowBased.startRowOffset, rows: [] })), []);
    });
  });
});
