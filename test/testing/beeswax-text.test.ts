import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { embeddedBeeswaxException } from '../../src/protocol/beeswax/beeswax-rpc';
import { undeclaredBeeswaxException } from '../../src/testing/beeswax/beeswax-errors';
import { parseConfiguration } from '../../src/testing/beeswax/query-configuration';
import { formatDouble, textRows } from '../../src/testing/beeswax/text-rows';

describe('simulator: Beeswax text format', () => {
  it('prints doubles like a C++ stream with precision 16 (%.16g)', () => {
    const cases: Array<[number, string]> = [
      [0, '0'],
      [-0, '-0'],
      [1.5, '1.5'],
      [-2, '-2'],
      [0.1, '0.1'],
      [0.1 + 0.2, '0.3'],
      [1 / 3, '0.3333333333333333'],
      [Math.fround(1.1), '1.100000023841858'],
      [1e-5, '1e-05'],
      [0.0001, '0.0001'],
      [123456789012345680, '1.234567890123457e+17'],
      [1e16, '1e+16'],
      [9999999999999998, '9999999999999998'],
      [1.7976931348623157e308, '1.797693134862316e+308'],
      [5e-324, '4.940656458412465e-324'],
      [NaN, 'NaN'],
      [Infinity, 'Infinity'],
      [-Infinity, '-Infinity'],
    ];
    for (const [value, text] of cases) assert.equal(formatDouble(value), text, String(value));
  });

  it('16 digits give back every float exactly, and the nearest double within 16 digits', () => {
    fc.assert(
      fc.property(fc.float({ noNaN: true, noDefaultInfinity: true }), (f) => Object.is(Math.fround(Number(formatDouble(f))), Math.fround(f))),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (d) => {
        const back = Number(formatDouble(d));
        return Number(back.toPrecision(16)) === Number(d.toPrecision(16));
      }),
      { numRuns: 2000 },
    );
  });

  it('joins fields with tabs, prints NULL for NULL and passes text bytes through', () => {
    const rows = textRows(
      {
        rowCount: 2,
        done: true,
        columns: [
          { kind: 'i64Val', values: [1n, 0n], nulls: Buffer.from([0b10]) },
          { kind: 'stringVal', values: [Buffer.from('a\tb'), Buffer.alloc(0)], nulls: Buffer.from([0]) },
          { kind: 'boolVal', values: [true, false], nulls: Buffer.from([0]) },
        ],
      },
      [
        { name: 'a', type: 'BIGINT' },
        { name: 'b', type: 'STRING' },
        { name: 'c', type: 'BOOLEAN' },
      ],
    );
    assert.deepEqual(rows.map((r) => r.toString()), ['1\ta\tb\ttrue', 'NULL\t\tfalse']);
  });

  it('parses Query.configuration like Impala: comma-separated pairs, quotes keep commas, errors aggregated', () => {
    const known = { MEM_LIMIT: '0', REQUEST_POOL: '', DEBUG_ACTION: '' };
    assert.deepEqual(parseConfiguration(['mem_limit=1g', ' request_pool = etl , DEBUG_ACTION="a,b"'], known), {
      options: { MEM_LIMIT: '1g', REQUEST_POOL: 'etl', DEBUG_ACTION: '"a,b"' },
    });
    assert.deepEqual(parseConfiguration(['nope=1,bad', 'MEM_LIMIT=2g'], known), {
      error: "Errors parsing query options\nInvalid query option: nope\nInvalid configuration option 'bad'.\n",
    });
  });

  it("the client reads back a BeeswaxException from a TApplicationException's text", () => {
    const text = `host:1 could not serve get_state: ${undeclaredBeeswaxException('Invalid or unknown query handle: 1:2.\n', 'HY000').message} (Thrift type 0)`;
    assert.deepEqual(embeddedBeeswaxException(text), { message: 'Invalid or unknown query handle: 1:2.\n', sqlState: 'HY000' });
    assert.equal(embeddedBeeswaxException('Internal error processing get_state'), undefined);
  });
});
