import assert from 'node:assert/strict';
import type { DuckDbSqlEngine, EncodedColumn } from '../../../src/testing/engine';
import { closeEngines, columnValues, ctx, isNull, openEngine, run } from './engine-helpers';

/** The first column of a one-column query, with its metadata. */
async function single(engine: DuckDbSqlEngine, sql: string): Promise<{ column: EncodedColumn; meta: object; values: unknown[] }> {
  const result = await run(engine, sql);
  assert.equal(result.batches.length, 1);
  const column = result.batches[0]?.columns[0] as EncodedColumn;
  return { column, meta: result.plan.columns[0] as object, values: columnValues(column) };
}

describe('engine result types and encoding (protocol reference §2.9, §2.10)', () => {
  const opened: DuckDbSqlEngine[] = [];
  let engine: DuckDbSqlEngine;

  before(async () => {
    engine = await openEngine(opened);
  });

  after(async () => {
    await closeEngines(opened);
  });

  it('BOOLEAN → boolVal', async () => {
    const r = await single(engine, 'SELECT * FROM (VALUES (true), (NULL), (false)) v(b)');
    assert.deepEqual(r.meta, { name: 'b', type: 'BOOLEAN' });
    assert.equal(r.column.kind, 'boolVal');
    assert.deepEqual(r.column.values, [true, false, false]);
    assert.deepEqual(r.values, [true, null, false]);
  });

  it('TINYINT, SMALLINT, INT → byteVal, i16Val, i32Val with their extremes', async () => {
    const r = await run(engine, 'SELECT (-128)::TINYINT AS a, 32767::SMALLINT AS b, (-2147483648)::INTEGER AS c');
    assert.deepEqual(r.plan.columns.map((c) => c.type), ['TINYINT', 'SMALLINT', 'INT']);
    assert.deepEqual(r.batches[0]?.columns.map((c) => c.kind), ['byteVal', 'i16Val', 'i32Val']);
    assert.deepEqual(r.rows, [[-128, 32767, -2147483648]]);
  });

  it('BIGINT → i64Val as bigint, exact at ±2^63 extremes', async () => {
    const r = await single(engine, 'SELECT x::BIGINT AS x FROM (VALUES ((-9223372036854775808)::BIGINT), (9223372036854775807::BIGINT), (NULL)) v(x)');
    assert.deepEqual(r.meta, { name: 'x', type: 'BIGINT' });
    assert.equal(r.column.kind, 'i64Val');
    assert.deepEqual(r.column.values, [-(2n ** 63n), 2n ** 63n - 1n, 0n]);
    assert.deepEqual(r.values, [-(2n ** 63n), 2n ** 63n - 1n, null]);
  });

  it('FLOAT → doubleVal widened from single precision; DOUBLE keeps NaN and ±Infinity', async () => {
    const r = await run(engine, "SELECT 1.1::FLOAT AS f, 'NaN'::DOUBLE AS n, 'Infinity'::DOUBLE AS p, '-Infinity'::DOUBLE AS m");
    assert.deepEqual(r.plan.columns.map((c) => c.type), ['FLOAT', 'DOUBLE', 'DOUBLE', 'DOUBLE']);
    assert.ok(r.batches[0]?.columns.every((c) => c.kind === 'doubleVal'));
    const [f, n, p, m] = r.rows[0] as number[];
    assert.equal(f, 1.100000023841858);
    assert.ok(Number.isNaN(n));
    assert.equal(p, Number.POSITIVE_INFINITY);
    assert.equal(m, Number.NEGATIVE_INFINITY);
  });

  it('DECIMAL(p,s) → stringVal with exactly s fractional digits', async () => {
    const r = await single(engine, 'SELECT d::DECIMAL(10,2) AS d FROM (VALUES (1.5), (-0.05), (0), (NULL), (12345678.9)) v(d)');
    assert.deepEqual(r.meta, { name: 'd', type: 'DECIMAL', precision: 10, scale: 2 });
    assert.equal(r.column.kind, 'stringVal');
    assert.deepEqual(r.values, ['1.50', '-0.05', '0.00', null, '12345678.90']);
  });

  it('DECIMAL(38,s) and HUGEINT (reported as DECIMAL(38,0)) stay exact', async () => {
    const r = await run(engine, 'SELECT 12345678901234567890123456.789012::DECIMAL(38,12) AS d, 170141183460469231731687303715884105727::HUGEINT AS h');
    assert.deepEqual(r.plan.columns, [
      { name: 'd', type: 'DECIMAL', precision: 38, scale: 12 },
      { name: 'h', type: 'DECIMAL', precision: 38, scale: 0 },
    ]);
    assert.deepEqual(r.rows, [['12345678901234567890123456.789012000000', '170141183460469231731687303715884105727']]);
  });

  it('TIMESTAMP → stringVal, 19 characters or 9 fractional digits, nanoseconds kept', async () => {
    const r = await run(
      engine,
      "SELECT TIMESTAMP '2020-01-01 00:00:00' AS a, TIMESTAMP '2020-01-01 01:02:03.5' AS b, " +
        "TIMESTAMP_NS '2020-01-01 01:02:03.123456789' AS c, TIMESTAMP_MS '1999-12-31 23:59:59.999' AS d, " +
        "TIMESTAMP_S '1400-01-01 00:00:00' AS e, 'infinity'::TIMESTAMP AS f",
    );
    assert.ok(r.plan.columns.every((c) => c.type === 'TIMESTAMP'));
    assert.ok(r.batches[0]?.columns.every((c) => c.kind === 'stringVal'));
    assert.deepEqual(r.rows, [
      ['2020-01-01 00:00:00', '2020-01-01 01:02:03.500000000', '2020-01-01 01:02:03.123456789', '1999-12-31 23:59:59.999000000', '1400-01-01 00:00:00', null],
    ]);
  });

  it('DATE → stringVal YYYY-MM-DD', async () => {
    const r = await single(engine, "SELECT * FROM (VALUES (DATE '2024-02-29'), (NULL), (DATE '1400-01-01'), ('infinity'::DATE)) v(d)");
    assert.deepEqual(r.meta, { name: 'd', type: 'DATE' });
    assert.deepEqual(r.values, ['2024-02-29', null, '1400-01-01', null]);
  });

  it('STRING → stringVal as UTF-8 bytes', async () => {
    const r = await single(engine, "SELECT * FROM (VALUES ('héllo ✓'), (''), (NULL)) v(s)");
    assert.deepEqual(r.meta, { name: 's', type: 'STRING' });
    assert.deepEqual((r.column.values as Buffer[]).map((b) => [...b]), [[...Buffer.from('héllo ✓')], [], []]);
    assert.deepEqual(r.values, ['héllo ✓', '', null]);
  });

  it('BINARY → binaryVal raw bytes', async () => {
    const r = await single(engine, "SELECT * FROM (VALUES (unhex('00FF6162')), (NULL)) v(b)");
    assert.deepEqual(r.meta, { name: 'b', type: 'BINARY' });
    assert.equal(r.column.kind, 'binaryVal');
    assert.deepEqual(r.values, [Buffer.from([0, 255, 0x61, 0x62]), null]);
  });

  it('SELECT NULL → NULL type encoded as stringVal, all NULL', async () => {
    const r = await run(engine, 'SELECT NULL, NULL AS n2, 1 AS one');
    assert.deepEqual(r.plan.columns.map((c) => [c.name, c.type]), [['null', 'NULL'], ['n2', 'NULL'], ['one', 'TINYINT']]);
    assert.deepEqual(r.batches[0]?.columns.map((c) => c.kind), ['stringVal', 'stringVal', 'byteVal']);
    assert.deepEqual(r.rows, [[null, null, 1]]);
  });

  it('CHAR(n) and VARCHAR(n) columns keep the declared type; CHAR is right-padded', async () => {
    await run(engine, 'CREATE TABLE chars (c CHAR(5), v VARCHAR(8), s STRING)');
    await run(engine, "INSERT INTO chars VALUES ('ab', 'xy', 'z'), (NULL, NULL, NULL)");
    const r = await run(engine, 'SELECT c, v, s, upper(c) AS uc FROM chars');
    assert.deepEqual(r.plan.columns, [
      { name: 'c', type: 'CHAR', length: 5 },
      { name: 'v', type: 'VARCHAR', length: 8 },
      { name: 's', type: 'STRING' },
      { name: 'uc', type: 'STRING' },
    ]);
    assert.deepEqual(r.rows, [['ab   ', 'xy', 'z', 'AB'], [null, null, null, null]]);
  });

  it('types Impala lacks (unsigned, nested, UUID, INTERVAL) → STRING, nested as JSON', async () => {
    const r = await run(engine, "SELECT 200::UTINYINT AS u, [1, 2] AS l, {'a': 1, 'b': 'x'} AS s, map(['k'], [2]) AS m, INTERVAL 1 DAY AS i");
    assert.ok(r.plan.columns.every((c) => c.type === 'STRING'));
    assert.deepEqual(r.rows, [['200', '[1,2]', '{"a":1,"b":"x"}', '{"k":2}', '1 day']]);
  });

  it('sets NULL bits LSB-first at rows 7, 8, 15, 16, 63 and 64 with placeholders in values', async () => {
    const nullRows = [7, 8, 15, 16, 63, 64];
    const sql = `SELECT CASE WHEN i IN (${nullRows.join(', ')}) THEN NULL ELSE i END AS n, CASE WHEN i IN (${nullRows.join(', ')}) THEN NULL ELSE 'v' || i END AS s FROM range(65) t(i) ORDER BY i`;
    const r = await run(engine, sql);
    const [ints, strs] = r.batches[0]?.columns as [EncodedColumn, EncodedColumn];
    for (const column of [ints, strs]) {
      assert.equal(column.nulls.length, 9);
      for (let i = 0; i < 65; i++) assert.equal(isNull(column.nulls, i), nullRows.includes(i), `row ${i}`);
    }
    assert.deepEqual([...ints.nulls], [0b1000_0000, 0b1000_0001, 0b0000_0001, 0, 0, 0, 0, 0b1000_0000, 0b0000_0001]);
    assert.equal(ints.values.length, 65);
    assert.equal(ints.kind, 'i64Val');
    assert.equal(ints.values[7], 0n);
    assert.deepEqual(strs.values[64], Buffer.alloc(0));
  });

  it('sizes the bitmap ceil(rows/8) per batch, also across DuckDB chunks', async () => {
    const plan = await engine.plan('SELECT CASE WHEN i % 3 = 0 THEN NULL ELSE i END AS x FROM range(5000) t(i) ORDER BY i', ctx());
    try {
      await engine.execute(plan.id);
      let offset = 0;
      for (const size of [7, 2041, 3000]) {
        const batch = await engine.fetch(plan.id, size);
        assert.equal(batch.rowCount, Math.min(size, 5000 - offset));
        const column = batch.columns[0] as EncodedColumn;
        assert.equal(column.nulls.length, Math.ceil(batch.rowCount / 8));
        for (let i = 0; i < batch.rowCount; i++) assert.equal(isNull(column.nulls, i), (offset + i) % 3 === 0);
        offset += batch.rowCount;
      }
      assert.equal(offset, 5000);
    } finally {
      await engine.release(plan.id);
    }
  });
});
