import { strict as assert } from 'node:assert';
import { ArgumentError, ErrorCode, ProtocolError } from '../../../src/errors';
import type { ColumnInfo, ColumnType } from '../../../src/protocol/hs2/result-metadata';
import { beeswaxType, columnsFromResultsMetadata } from '../../../src/protocol/beeswax/beeswax-columns';
import { TextRowBatch } from '../../../src/protocol/beeswax/fetch-reply';
import { TextRowDecoder } from '../../../src/protocol/beeswax/text-row-decoder';
import { toConfiguration } from '../../../src/protocol/beeswax/query-configuration';
import * as B from '../../../src/thrift/gen-nodejs/beeswax_types';
import * as H from '../../../src/thrift/gen-nodejs/hive_metastore_types';

function cols(...types: ColumnType[]): ColumnInfo[] {
  return types.map((type, position) => ({ name: `c${position}`, type, position }));
}

function batch(...rows: Array<string | Buffer>): TextRowBatch {
  return TextRowBatch.fromRows(rows.map((r) => (typeof r === 'string' ? Buffer.from(r) : r)));
}

function decode(types: ColumnType[], rows: Array<string | Buffer>, options = {}): unknown[][] {
  return new TextRowDecoder(cols(...types), { rowMode: 'array', ...options }).decode(batch(...rows)) as unknown[][];
}

describe('Beeswax text rows', () => {
  describe('TextRowDecoder', () => {
    it('reads every type from its text as HS2 gives it, NULL in any column as null', () => {
      const types: ColumnType[] = ['BOOLEAN', 'TINYINT', 'SMALLINT', 'INT', 'BIGINT', 'FLOAT', 'DOUBLE', 'DECIMAL', 'STRING', 'TIMESTAMP', 'DATE', 'NULL'];
      const rows = decode(types, [
        'true\t-128\t32767\t-2147483648\t-9223372036854775808\t1.100000023841858\t0.1\t-0.05\théllo ✓\t2020-01-01 01:02:03.500000000\t2024-02-29\tNULL',
        'false\t0\t-1\t7\t9223372036854775807\t-3.402823466385289e+38\t1e-05\t12345678.90\t\t1400-01-01 00:00:00\t0001-01-01\tNULL',
        'NULL\tNULL\tNULL\tNULL\tNULL\tNULL\tNULL\tNULL\tNULL\tNULL\tNULL\tNULL',
      ]);
      assert.deepEqual(rows[0], [true, -128, 32767, -2147483648, -(2n ** 63n), Math.fround(1.1), 0.1, '-0.05', 'héllo ✓', '2020-01-01 01:02:03.500000000', '2024-02-29', null]);
      assert.deepEqual(rows[1], [false, 0, -1, 7, 2n ** 63n - 1n, Math.fround(-3.4028234663852886e38), 1e-5, '12345678.90', '', '1400-01-01 00:00:00', '0001-01-01', null]);
      assert.deepEqual(rows[2], new Array(12).fill(null));
    });

    it('reads NaN and ±Infinity in both spellings Impala and C++ streams use', () => {
      const rows = decode(['DOUBLE', 'DOUBLE', 'DOUBLE', 'FLOAT', 'FLOAT'], ['NaN\tInfinity\t-Infinity\tnan\t-inf']);
      assert.ok(Number.isNaN(rows[0]![0]));
      assert.deepEqual(rows[0]!.slice(1), [Infinity, -Infinity, NaN, -Infinity]);
    });

    it('gives a STRING value "NULL" as null: Beeswax prints NULL and the string NULL alike', () => {
      assert.deepEqual(decode(['STRING', 'STRING'], ['NULL\tnull']), [[null, 'null']]);
    });

    it('applies the value options: bigint, timestamp, date, strings, rowMode', () => {
      const info = cols('BIGINT', 'BIGINT', 'TIMESTAMP', 'DATE', 'STRING', 'CHAR', 'BINARY');
      const text = '42\t9007199254740993\t2020-01-02 03:04:05.123456789\t2024-02-29\tab\tx  \t\u0000\u00ff';
      const asString = new TextRowDecoder(info, { bigint: 'string', timestamp: 'date', date: 'date', strings: 'buffer' }).decode(batch(Buffer.from(text, 'latin1')));
      assert.deepEqual(asString, [
        {
          c0: '42',
          c1: '9007199254740993',
          c2: new Date(Date.UTC(2020, 0, 2, 3, 4, 5, 123)),
          c3: new Date(Date.UTC(2024, 1, 29)),
          c4: Buffer.from('ab'),
          c5: Buffer.from('x  '),
          c6: Buffer.from([0, 0xff]),
        },
      ]);
      const asNumber = new TextRowDecoder(cols('BIGINT'), { bigint: 'number' });
      assert.deepEqual(asNumber.decode(batch('9007199254740991', '-12')), [{ c0: 9007199254740991 }, { c0: -12 }]);
      assert.throws(
        () => asNumber.decode(batch('9007199254740993')),
        (err: unknown) => err instanceof ArgumentError && /9007199254740993.*not a safe integer/.test(err.message),
      );
    });

    it('names repeated columns like HS2 does (x, x_2) in object mode', () => {
      const columns: ColumnInfo[] = [
        { name: 'x', type: 'INT', position: 0 },
        { name: 'x', type: 'INT', position: 1 },
      ];
      assert.deepEqual(new TextRowDecoder(columns).decode(batch('1\t2')), [{ x: 1, x_2: 2 }]);
    });

    it('gives the surplus tabs of a row to the only column that can hold text', () => {
      assert.deepEqual(decode(['INT', 'STRING', 'DATE'], ['1\ta\tb\t\tc\t2024-01-01']), [[1, 'a\tb\t\tc', '2024-01-01']]);
      assert.deepEqual(decode(['STRING', 'INT'], ['\t\t7']), [['\t', 7]]);
      assert.deepEqual(decode(['BINARY'], [Buffer.from([9, 1, 9])]), [[Buffer.from([9, 1, 9])]]);
    });

    it('refuses rows whose fields cannot be told apart, and rows with too few fields, naming the row', () => {
      assert.throws(
        () => decode(['STRING', 'STRING'], ['a\tb', 'a\tb\tc']),
        (err: unknown) => err instanceof ProtocolError && err.code === ErrorCode.PROTOCOL && /row 1 .* 3 tab-separated fields for 2 columns.*use protocol 'hs2'/.test(err.message),
      );
      assert.throws(() => decode(['INT', 'INT'], ['1']), (err: unknown) => err instanceof ProtocolError && /fewer fields than columns/.test(err.message));
      assert.throws(() => decode(['INT', 'INT'], ['1\t2\t3']), /more fields than columns/);
    });

    it('refuses text that is not a value of its type, naming column, value and row', () => {
      for (const [type, text] of [
        ['INT', '1.5'],
        ['INT', '99999999999'],
        ['BIGINT', '0x10'],
        ['BIGINT', '99999999999999999999'],
        ['BOOLEAN', 'yes'],
        ['DOUBLE', ''],
        ['DOUBLE', '0x1f'],
        ['TIMESTAMP', '2020-13-01 00:00:00'],
      ] as Array<[ColumnType, string]>) {
        assert.throws(
          () => new TextRowDecoder(cols(type), { timestamp: 'date' }).decode(batch('NULL', text)),
          (err: unknown) => err instanceof ProtocolError && err.message.includes(`cannot read ${type} value ${JSON.stringify(text)} in column "c0" (row 1`),
          `${type} ${JSON.stringify(text)}`,
        );
      }
    });

    it('decodes an empty batch and refuses rows when the metadata lists no columns', () => {
      assert.deepEqual(decode(['INT'], []), []);
      assert.throws(() => new TextRowDecoder([]).decode(batch('1')), /lists no columns/);
    });
  });

  describe('column types from get_results_metadata', () => {
    it('maps Impala type strings, coarse as they are, and keeps names and positions', () => {
      const md = new B.ResultsMetadata({
        schema: new H.Schema({
          fieldSchemas: ['boolean', 'tinyint', 'smallint', 'int', 'bigint', 'float', 'double', 'timestamp', 'date', 'string', 'char', 'decimal', 'binary', 'null', 'interval'].map(
            (type, i) => new H.FieldSchema({ name: `n${i}`, type, comment: '' }),
          ),
          properties: {},
        }),
        table_dir: '',
        in_tablename: '',
        delim: '\t',
      });
      const columns = columnsFromResultsMetadata(md);
      assert.deepEqual(
        columns.map((c) => c.type),
        ['BOOLEAN', 'TINYINT', 'SMALLINT', 'INT', 'BIGINT', 'FLOAT', 'DOUBLE', 'TIMESTAMP', 'DATE', 'STRING', 'CHAR', 'DECIMAL', 'BINARY', 'NULL', 'UNKNOWN'],
      );
      assert.deepEqual(columns[11], { name: 'n11', position: 11, type: 'DECIMAL' });
      assert.deepEqual(columnsFromResultsMetadata(undefined), []);
    });

    it('reads precision, scale and length when a server spells them out', () => {
      assert.deepEqual(beeswaxType('DECIMAL(10, 2)'), { type: 'DECIMAL', precision: 10, scale: 2 });
      assert.deepEqual(beeswaxType('varchar(8)'), { type: 'VARCHAR', length: 8 });
      assert.deepEqual(beeswaxType(' Int '), { type: 'INT' });
    });
  });

  describe('query options as Query.configuration', () => {
    it('sends one key=value string per option', () => {
      assert.deepEqual(toConfiguration({ MEM_LIMIT: '1g', request_pool: 'etl' }), ['MEM_LIMIT=1g', 'request_pool=etl']);
      assert.deepEqual(toConfiguration(undefined), []);
    });

    it('refuses names and values Impala would split differently, naming the option', () => {
      for (const options of [{ DEBUG_ACTION: 'a,b' }, { X: 'a=b' }, { 'A=B': '1' }, { Q: '"x"' }] as Array<Record<string, string>>) {
        assert.throws(() => toConfiguration(options), (err: unknown) => err instanceof ArgumentError && /cannot be sent over Beeswax/.test(err.message) && err.message.includes(Object.keys(options)[0]!));
      }
    });
  });
});
