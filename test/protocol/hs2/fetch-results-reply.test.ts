import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import fc from 'fast-check';
import { TBinaryProtocol, TBufferedTransport, TCompactProtocol } from 'thrift';
import type { TProtocol } from 'thrift';
import { ImpalaError } from '../../../src/errors';
import { FetchResultsReply, type RowBatch } from '../../../src/protocol/hs2/fetch-results-reply';
import { int64ToBigInt } from '../../../src/protocol/hs2/int64';
import { batchRowCount } from '../../../src/protocol/hs2/operation';
import { RawRowSet } from '../../../src/protocol/hs2/raw-row-set';
import { columnsFromSchema } from '../../../src/protocol/hs2/result-metadata';
import { RowDecoder } from '../../../src/protocol/hs2/row-decoder';
import type { ValueOptions } from '../../../src/protocol/hs2/value-options';
import * as T from '../../../src/thrift/gen-nodejs/TCLIService_types';
import { nullsBitmap, schemaOf, type ColumnSpec } from '../../helpers/scripted-rowset';
import { BOUNDARY_NULLS, caseArb, KINDS, pad, utf8 } from './fetch-reply-arbitraries';
import { writeReply, type MemberName, type WireColumn, type WireReply } from './fetch-reply-writer';

/** Reads `bytes` (one TFetchResultsResp struct) with `Resp`, as Connection does, and checks all of it was consumed. */
function read<R>(bytes: Buffer, Resp: new () => R, protocol: 'binary' | 'compact' = 'binary'): R {
  const transport = new TBufferedTransport() as unknown as { inBuf: Buffer; readCursor: number; writeCursor: number };
  transport.inBuf = bytes;
  transport.readCursor = 0;
  transport.writeCursor = bytes.length;
  const t = transport as unknown as TBufferedTransport;
  const input: TProtocol = protocol === 'binary' ? new TBinaryProtocol(t) : new TCompactProtocol(t);
  const resp = new Resp();
  (resp as unknown as { read(p: TProtocol): void }).read(input);
  assert.equal(transport.readCursor, bytes.length, 'the reader must consume exactly the struct');
  return resp;
}

type Outcome = { rows: unknown } | { error: { type: string; code: string | undefined; message: string } };

function outcome(decode: () => unknown): Outcome {
  try {
    return { rows: decode() };
  } catch (err) {
    const e = err as Error;
    return { error: { type: e.constructor.name, code: err instanceof ImpalaError ? err.code : undefined, message: e.message } };
  }
}

/** Every combination of value options (48). */
const ALL_OPTIONS: ValueOptions[] = [];
for (const bigint of ['bigint', 'number', 'string'] as const)
  for (const timestamp of ['string', 'date'] as const)
    for (const date of ['string', 'date'] as const)
      for (const strings of ['string', 'buffer'] as const)
        for (const rowMode of ['object', 'array'] as const) ALL_OPTIONS.push({ bigint, timestamp, date, strings, rowMode });

describe('FetchResultsReply (rows read straight from the reply bytes)', () => {
  it('gives the same rows as the generated reader for any reply and every value option (property)', function () {
    this.timeout(60_000);
    fc.assert(
      fc.property(caseArb, (c) => {
        const specs: ColumnSpec[] = c.kinds.map((k, i) => ({ name: `c${i}`, type: KINDS[k]!.type, ...(KINDS[k]!.type === 'DECIMAL' ? { precision: 38, scale: 6 } : {}) }));
        const columns = columnsFromSchema(schemaOf(specs));
        const reply: WireReply = { status: c.status, results: { startRowOffset: c.startRowOffset, columns: c.columns }, reversed: c.reversed, extras: c.extras };
        if (c.hasMoreRows !== undefined) reply.hasMoreRows = c.hasMoreRows;
        const bytes = writeReply(reply);
        const message = Buffer.from(bytes);
        const fast = read(message, FetchResultsReply);
        assert.ok(fast.results instanceof RawRowSet);
        // The connection reuses its receive buffer: nothing read may point into it.
        message.fill(0xee);
        const generatedOnce = read(bytes, T.TFetchResultsResp);
        assert.deepEqual(fast.status, generatedOnce.status);
        assert.equal(fast.hasMoreRows, generatedOnce.hasMoreRows ?? undefined);
        assert.equal(fast.results.startRowOffset, int64ToBigInt(generatedOnce.results!.startRowOffset));
        assert.equal(batchRowCount(fast.results), batchRowCount(generatedOnce.results!));

        for (const options of ALL_OPTIONS) {
          // The generated path converts its arrays in place: read afresh for each decode.
          const generated = read(bytes, T.TFetchResultsResp);
          const expected = outcome(() => new RowDecoder(columns, options).decode(generated.results!));
          const actual = outcome(() => new RowDecoder(columns, options).decode(fast.results!));
          assert.deepEqual(actual, expected, `options ${JSON.stringify(options)}`);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('decodes every scalar type at the NULL boundaries 7/8/15/16/63/64 exactly', () => {
    const n = 70;
    const isNull = Array.from({ length: n }, (_, i) => BOUNDARY_NULLS.has(i) || i === 69);
    const nulls = nullsBitmap(isNull);
    const col = (member: MemberName, f: (i: number) => unknown): WireColumn => ({ member, values: Array.from({ length: n }, (_, i) => f(i)), nulls });
    const specs: ColumnSpec[] = [
      { name: 'g', type: 'BIGINT' }, { name: 'i', type: 'INT' }, { name: 'd', type: 'DOUBLE' }, { name: 's', type: 'STRING' },
      { name: 'dec', type: 'DECIMAL', precision: 5, scale: 2 }, { name: 'ts', type: 'TIMESTAMP' }, { name: 'b', type: 'BOOLEAN' }, { name: 'dt', type: 'DATE' },
    ];
    const bytes = writeReply({
      status: new T.TStatus({ statusCode: T.TStatusCode.SUCCESS_STATUS }),
      hasMoreRows: true,
      results: {
        startRowOffset: 0n,
        columns: [
          col('i64Val', (i) => (i % 2 ? 2n ** 63n - 1n - BigInt(i) : -(2n ** 63n) + BigInt(i))),
          col('i32Val', (i) => i - 35),
          col('doubleVal', (i) => (i === 1 ? NaN : i === 2 ? -Infinity : i / 3)),
          col('stringVal', (i) => (i === 3 ? Buffer.from([0x61, 0xff, 0x62]) : utf8(`név-${i}`))),
          col('stringVal', (i) => utf8(`${i}.5${i % 10}`)),
          col('stringVal', (i) => utf8(`2024-02-29 23:59:${pad(i % 60, 2)}.123456789`)),
          col('boolVal', (i) => i % 3 === 0),
          col('stringVal', (i) => utf8(`2024-03-${pad(1 + (i % 28), 2)}`)),
        ],
      },
    });
    const reply = read(bytes, FetchResultsReply);
    const rows = new RowDecoder(columnsFromSchema(schemaOf(specs))).decode(reply.results!) as Array<Record<string, unknown>>;
    assert.equal(rows.length, n);
    assert.equal(reply.hasMoreRows, true);
    rows.forEach((row, i) => {
      if (isNull[i]) return assert.deepEqual(Object.values(row), Array(8).fill(null), `row ${i}`);
      assert.equal(row.g, i % 2 ? 2n ** 63n - 1n - BigInt(i) : -(2n ** 63n) + BigInt(i));
      assert.equal(row.i, i - 35);
      assert.ok(Object.is(row.d, i === 1 ? NaN : i === 2 ? -Infinity : i / 3));
      assert.equal(row.s, i === 3 ? 'a\ufffdb' : `név-${i}`);
      assert.equal(row.dec, `${i}.5${i % 10}`);
      assert.equal(row.ts, `2024-02-29 23:59:${pad(i % 60, 2)}.123456789`);
      assert.equal(row.b, i % 3 === 0);
      assert.equal(row.dt, `2024-03-${pad(1 + (i % 28), 2)}`);
    });
  });

  it('copies Buffer values out of the batch, so keeping one does not keep the batch', () => {
    const values = [Buffer.from([0, 1, 2]), Buffer.from([0xff]), Buffer.alloc(0)];
    const reply = read(
      writeReply({
        status: new T.TStatus({ statusCode: 0 }),
        results: { startRowOffset: 0n, columns: [{ member: 'binaryVal', values, nulls: nullsBitmap([false, false, false]) }, { member: 'stringVal', values, nulls: nullsBitmap([false, true, false]) }] },
      }),
      FetchResultsReply,
    );
    const rowSet = reply.results as RawRowSet;
    const rows = new RowDecoder(columnsFromSchema(schemaOf([{ name: 'bin', type: 'BINARY' }, { name: 's', type: 'STRING' }])), { strings: 'buffer', rowMode: 'array' }).decode(rowSet);
    rowSet.bytes.fill(0xee);
    assert.deepEqual(rows, [[values[0], values[0]], [values[1], null], [values[2], values[2]]]);
  });

  it('returns STILL_EXECUTING replies with results unset, keeping the status', () => {
    const status = new T.TStatus({ statusCode: T.TStatusCode.STILL_EXECUTING_STATUS, infoMessages: ['waiting'] });
    const reply = read(writeReply({ status, hasMoreRows: true }), FetchResultsReply);
    assert.equal(reply.results, undefined);
    assert.equal(reply.hasMoreRows, true);
    assert.deepEqual(reply.status, status);
  });

  it('keeps every status field of an error reply', () => {
    const status = new T.TStatus({ statusCode: T.TStatusCode.ERROR_STATUS, infoMessages: ['a', 'b'], sqlState: 'HY000', errorCode: 0, errorMessage: 'Invalid or unknown query handle: 1:2.' });
    const reply = read(writeReply({ status, extras: [{ level: 'resp', kind: 'map', first: true }] }), FetchResultsReply);
    assert.deepEqual(reply.status, status);
    assert.equal(reply.hasMoreRows, undefined);
    assert.equal(reply.results, undefined);
  });

  it('decodes a 0-row batch to no rows', () => {
    const columns: WireColumn[] = [
      { member: 'i64Val', values: [], nulls: Buffer.alloc(0) },
      { member: 'stringVal', values: [], nulls: Buffer.alloc(0) },
    ];
    const reply = read(writeReply({ status: new T.TStatus({ statusCode: 0 }), hasMoreRows: true, results: { startRowOffset: 10240n, columns } }), FetchResultsReply);
    const rowSet = reply.results as RawRowSet;
    assert.equal(rowSet.rowCount, 0);
    assert.equal(rowSet.startRowOffset, 10240n);
    assert.deepEqual(new RowDecoder(columnsFromSchema(schemaOf([{ name: 'a', type: 'BIGINT' }, { name: 'b', type: 'STRING' }]))).decode(rowSet), []);
  });

  it('rejects row-oriented results like the generated path, and accepts an empty one', () => {
    const columns = columnsFromSchema(schemaOf([{ name: 'a', type: 'INT' }]));
    const rowBased = read(writeReply({ status: new T.TStatus({ statusCode: 0 }), results: { startRowOffset: 0n, rowCount: 2 } }), FetchResultsReply);
    assert.equal(batchRowCount(rowBased.results!), 2);
    assert.throws(() => new RowDecoder(columns).decode(rowBased.results!), (e: unknown) => e instanceof ImpalaError && /row-oriented/.test(e.message));
    const empty = read(writeReply({ status: new T.TStatus({ statusCode: 0 }), results: { startRowOffset: 0n, rowCount: 0 } }), FetchResultsReply);
    assert.deepEqual(new RowDecoder(columns).decode(empty.results!), []);
  });

  it('gives the same rows where code generation is disallowed (no compiled text or row builders)', () => {
    const specs: ColumnSpec[] = [{ name: 's', type: 'STRING' }, { name: 'ts', type: 'TIMESTAMP' }, { name: 'g', type: 'BIGINT' }];
    const texts = ['', 'short', 'x'.repeat(40), 'héllo', '2024-02-29 23:59:59.123456789'];
    const bytes = writeReply({
      status: new T.TStatus({ statusCode: 0 }),
      results: {
        startRowOffset: 0n,
        columns: [
          { member: 'stringVal', values: texts.map(utf8), nulls: nullsBitmap(texts.map((_, i) => i === 1)) },
          { member: 'stringVal', values: texts.map(() => utf8('2024-02-29 23:59:59')), nulls: nullsBitmap(texts.map(() => false)) },
          { member: 'i64Val', values: texts.map((_, i) => -(2n ** 63n) + BigInt(i)), nulls: nullsBitmap(texts.map(() => false)) },
        ],
      },
    });
    const decodeHere = (): string => {
      const rows = new RowDecoder(columnsFromSchema(schemaOf(specs)), { bigint: 'string' }).decode(read(bytes, FetchResultsReply).results!);
      return JSON.stringify(rows);
    };
    const src = path.resolve(__dirname, '../../../src/protocol/hs2');
    const script = `
      try { new Function(''); process.exit(3); } catch {}
      const { TBinaryProtocol, TBufferedTransport } = require('thrift');
      const { FetchResultsReply } = require(${JSON.stringify(path.join(src, 'fetch-results-reply.ts'))});
      const { RowDecoder } = require(${JSON.stringify(path.join(src, 'row-decoder.ts'))});
      const bytes = Buffer.from(process.env.REPLY, 'base64');
      const t = new TBufferedTransport();
      t.inBuf = bytes; t.readCursor = 0; t.writeCursor = bytes.length;
      const reply = new FetchResultsReply();
      reply.read(new TBinaryProtocol(t));
      process.stdout.write(JSON.stringify(new RowDecoder(JSON.parse(process.env.COLUMNS), { bigint: 'string' }).decode(reply.results)));`;
    const child = spawnSync(process.execPath, ['--disallow-code-generation-from-strings', '--require', 'tsx/cjs', '-e', script], {
      cwd: process.cwd(),
      env: { ...process.env, REPLY: bytes.toString('base64'), COLUMNS: JSON.stringify(columnsFromSchema(schemaOf(specs))) },
      encoding: 'utf8',
      timeout: 30_000,
    });
    assert.equal(child.status, 0, child.stderr);
    assert.equal(child.stdout, decodeHere());
  });

  it('falls back to the generated TRowSet over another protocol (compact), with the same rows', () => {
    const specs: ColumnSpec[] = [{ name: 'g', type: 'BIGINT' }, { name: 's', type: 'STRING' }];
    const reply: WireReply = {
      status: new T.TStatus({ statusCode: 0 }),
      hasMoreRows: false,
      results: {
        startRowOffset: 0n,
        columns: [
          { member: 'i64Val', values: [2n ** 63n - 1n, 0n], nulls: nullsBitmap([false, true]) },
          { member: 'stringVal', values: [utf8('x'), utf8('')], nulls: nullsBitmap([false, false]) },
        ],
      },
      extras: [{ level: 'rowSet', kind: 'struct', first: false }],
    };
    const compact = read(writeReply(reply, 'compact'), FetchResultsReply, 'compact');
    const batch: RowBatch = compact.results!;
    assert.ok(!(batch instanceof RawRowSet));
    const decoder = new RowDecoder(columnsFromSchema(schemaOf(specs)));
    assert.deepEqual(decoder.decode(batch), [{ g: 2n ** 63n - 1n, s: 'x' }, { g: null, s: '' }]);
    assert.deepEqual(decoder.decode(read(writeReply(reply), FetchResultsReply).results!), [{ g: 2n ** 63n - 1n, s: 'x' }, { g: null, s: '' }]);
  });
});
