import { strict as assert } from 'node:assert';
import { ImpalaError } from '../../../src/errors';
import { BeeswaxSession } from '../../../src/protocol/beeswax';
import { CoordinatorSession, type QueryCallOptions } from '../../../src/protocol/hs2';
import type { ColumnInfo } from '../../../src/protocol/hs2/result-metadata';
import type { ProtocolSession } from '../../../src/protocol';
import { startCluster, type SimCluster } from '../../../src/testing';

const NULL_ROWS = [7, 8, 15, 16, 63, 64];
const nullable = (expr: string): string => `CASE WHEN i IN (${NULL_ROWS.join(', ')}) THEN NULL ELSE ${expr} END`;

/** Every scalar type the simulator has, 70 rows, NULLs at nulls-bitmap byte boundaries, extremes included. */
const ALL_TYPES = `SELECT i,
  ${nullable('i % 2 = 0')} AS b,
  ${nullable("CASE i WHEN 1 THEN 127 WHEN 2 THEN -128 ELSE i - 60 END::TINYINT")} AS ti,
  ${nullable("CASE i WHEN 1 THEN 32767 WHEN 2 THEN -32768 ELSE -i * 300 END::SMALLINT")} AS si,
  ${nullable("CASE i WHEN 1 THEN 2147483647 WHEN 2 THEN -2147483648 ELSE i * 1000003 END::INTEGER")} AS ii,
  ${nullable("CASE i WHEN 1 THEN 9223372036854775807 WHEN 2 THEN -9223372036854775808 ELSE i * 10000000019 END::BIGINT")} AS bi,
  ${nullable("CASE i WHEN 3 THEN 'NaN'::FLOAT WHEN 4 THEN '-Infinity'::FLOAT WHEN 5 THEN 3.4028234e38::FLOAT ELSE (i / 7.0)::FLOAT END")} AS f,
  ${nullable("CASE i WHEN 3 THEN 'Infinity'::DOUBLE WHEN 4 THEN 1e-300 WHEN 5 THEN -1.5e300 WHEN 6 THEN 1.0 / 3 ELSE i * 1.25 END::DOUBLE")} AS d,
  ${nullable("(i * 1.5 - 50)::DECIMAL(10,2)")} AS dec2,
  ${nullable("CASE i WHEN 1 THEN 12345678901234567890123456.789012 ELSE -i / 1000 END::DECIMAL(38,12)")} AS dec38,
  ${nullable("CASE i WHEN 1 THEN 'héllo ✓' WHEN 2 THEN '' WHEN 3 THEN 'line\nbreak' ELSE concat('str-', i) END")} AS s,
  ${nullable("CASE i WHEN 1 THEN TIMESTAMP_NS '2020-01-01 01:02:03.123456789' WHEN 2 THEN TIMESTAMP_NS '1700-01-01 00:00:00' ELSE CAST(TIMESTAMP '2024-01-01 00:00:00' + to_seconds(i) AS TIMESTAMP_NS) END")} AS ts,
  ${nullable("DATE '2024-02-29' + i::INTEGER")} AS dt,
  ${nullable("unhex(printf('%02x00ff', i + 16))")} AS bin,
  NULL AS n
FROM range(70) t(i) ORDER BY i`;

const OPTION_SETS: QueryCallOptions[] = [
  {},
  { bigint: 'string', timestamp: 'date', date: 'date', strings: 'buffer', rowMode: 'array' },
  { bigint: 'string', rowMode: 'array', fetchSize: 9 },
];

/** What Beeswax's coarse type strings leave of a column: no precision/scale/length; VARCHAR reads as STRING. */
function coarse(c: ColumnInfo): ColumnInfo {
  return { name: c.name, position: c.position, type: c.type === 'VARCHAR' ? 'STRING' : c.type };
}

async function failure(p: Promise<unknown>): Promise<ImpalaError> {
  const err = await p.then(
    () => assert.fail('expected a rejection'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof ImpalaError, String(err));
  return err;
}

describe('HS2 and Beeswax give the same values and the same errors (simulator)', function () {
  this.timeout(60_000);
  let cluster: SimCluster;
  let hs2: CoordinatorSession;
  let bees: BeeswaxSession;

  before(async () => {
    cluster = await startCluster({ coordinators: 1, fetchRowsTimeoutMs: 2000 });
    const c = cluster.coordinators[0]!;
    hs2 = await CoordinatorSession.open({ host: c.host, port: c.port });
    bees = await BeeswaxSession.open({ host: c.host, port: c.beeswaxPort });
    await hs2.execute('CREATE TABLE texts (c CHAR(5), v VARCHAR(8), s STRING)');
    await hs2.execute("INSERT INTO texts VALUES ('ab', 'xy', 'z'), (NULL, NULL, NULL), ('', '', 'tail  ')");
  });
  after(async () => {
    await Promise.allSettled([hs2?.close(), bees?.close()]);
    await cluster?.stop();
  });

  async function both(sql: string, options: QueryCallOptions = {}): Promise<void> {
    const [a, b] = await Promise.all([hs2.query(sql, options), bees.query(sql, options)]);
    assert.deepEqual(b.rows, a.rows, `${sql} with ${JSON.stringify(options)}`);
    assert.deepEqual(b.columns, a.columns.map(coarse));
  }

  it('every scalar type, NULLs at bitmap boundaries and ±extremes, under every value option', async () => {
    for (const options of OPTION_SETS) await both(ALL_TYPES, options);
    const r = await bees.query(ALL_TYPES);
    const h = await hs2.query(ALL_TYPES);
    assert.deepEqual(
      h.columns.map((c) => c.type),
      ['BIGINT', 'BOOLEAN', 'TINYINT', 'SMALLINT', 'INT', 'BIGINT', 'FLOAT', 'DOUBLE', 'DECIMAL', 'DECIMAL', 'STRING', 'TIMESTAMP', 'DATE', 'BINARY', 'NULL'],
    );
    assert.equal(r.rows.length, 70);
    assert.equal(r.rows[1]!.ts, '2020-01-01 01:02:03.123456789');
    assert.equal(r.rows[1]!.bi, 2n ** 63n - 1n);
    assert.ok(Number.isNaN(r.rows[3]!.f));
    for (const i of NULL_ROWS) assert.ok(Object.entries(r.rows[i]!).every(([k, v]) => k === 'i' || v === null), `row ${i} is NULL`);
  });

  it('CHAR (padded), VARCHAR, STRING from a table, and nested values as JSON text', async () => {
    await both('SELECT c, v, s FROM texts ORDER BY s NULLS LAST');
    await both('SELECT c, v, s FROM texts ORDER BY s NULLS LAST', { strings: 'buffer' });
    await both("SELECT [1, 2] AS l, {'a': 1, 'b': 'x'} AS st, map(['k'], [2]) AS m, 200::UTINYINT AS u");
  });

  it('BIGINT as number when every value is safe', async () => {
    await both('SELECT range * 1000 AS n FROM range(5000)', { bigint: 'number' });
  });

  it('DECIMAL keeps Impala\'s scale as text over both, though Beeswax does not report precision and scale', async () => {
    const [a, b] = await Promise.all([hs2.query('SELECT 1.5::DECIMAL(9,3) AS d'), bees.query('SELECT 1.5::DECIMAL(9,3) AS d')]);
    assert.deepEqual(a.rows, [{ d: '1.500' }]);
    assert.deepEqual(b.rows, a.rows);
    assert.deepEqual(a.columns[0], { name: 'd', type: 'DECIMAL', position: 0, precision: 9, scale: 3 });
    assert.deepEqual(b.columns[0], { name: 'd', type: 'DECIMAL', position: 0 });
  });

  it('known difference: a DOUBLE that needs 17 digits reads as its 16-digit text over Beeswax', async () => {
    const sql = 'SELECT 0.1::DOUBLE + 0.2::DOUBLE AS d';
    assert.deepEqual((await hs2.query(sql)).rows, [{ d: 0.30000000000000004 }]);
    assert.deepEqual((await bees.query(sql)).rows, [{ d: 0.3 }]);
  });

  it('known difference: a STRING value "NULL" reads as null over Beeswax', async () => {
    assert.deepEqual((await hs2.query("SELECT 'NULL' AS s")).rows, [{ s: 'NULL' }]);
    assert.deepEqual((await bees.query("SELECT 'NULL' AS s")).rows, [{ s: null }]);
  });

  describe('errors carry the same codes', () => {
    /** Runs `run` over both protocols; the codes and retryability match, and the texts unless Impala's differ. */
    async function sameCode(run: (s: ProtocolSession) => Promise<unknown>, sameText = true): Promise<string> {
      const [a, b] = await Promise.all([failure(run(hs2)), failure(run(bees))]);
      assert.equal(b.code, a.code, `HS2 ${a.code}: ${a.message} / Beeswax ${b.code}: ${b.message}`);
      if (sameText) assert.equal(b.message, a.message);
      assert.equal(b.retryable, a.retryable);
      return a.code;
    }

    it('analysis, unknown table, invalid option, runtime failure', async () => {
      assert.equal(await sameCode((s) => s.query('SELECT * FROM missing_table')), 'IMPALA_ERR_OBJECT_NOT_FOUND');
      assert.equal(await sameCode((s) => s.query('SELEC 1')), 'IMPALA_ERR_ANALYSIS');
      // Impala words this one differently: Beeswax aggregates under "Errors parsing query options".
      assert.equal(await sameCode((s) => s.query('SELECT 1', { queryOptions: { NOT_AN_OPTION: '1' } }), false), 'IMPALA_ERR_INVALID_QUERY_OPTION');
      // A conversion that fails while rows are produced (the simulator's runtime-failure path).
      await sameCode((s) => s.query("SELECT CAST(s AS INT) AS v FROM (VALUES ('1'), ('x')) t(s)"));
    });

    it('cancel, timeout', async () => {
      assert.equal(await sameCode((s) => s.query('SELECT sleep(20000)', { timeoutMs: 100 })), 'IMPALA_ERR_QUERY_TIMEOUT');
      assert.equal(
        await sameCode(async (s) => {
          const q = s.query('SELECT sleep(20000)');
          // q may reject (Cancelled) while the loop below still awaits cancel(): handled here, checked by sameCode.
          q.catch(() => undefined);
          // cancel() counts the running statements it reached: 0 until the statement was submitted.
          const deadline = Date.now() + 10_000;
          while ((await s.cancel()) === 0) {
            if (Date.now() > deadline) throw new Error('the statement was never submitted');
            await new Promise((r) => setTimeout(r, 5));
          }
          return q;
        }),
        'IMPALA_ERR_CANCELLED',
      );
    });

    it('admission rejected and admission timeout', async () => {
      const c = cluster.coordinators[0]!;
      try {
        await c.setAdmission({ maxRunning: 0, maxQueued: 0 });
        assert.equal(await sameCode((s) => s.query('SELECT 1')), 'IMPALA_ERR_ADMISSION_REJECTED');
        await c.setAdmission({ maxRunning: 0, maxQueued: 5, queueTimeoutMs: 100 });
        assert.equal(await sameCode((s) => s.query('SELECT 1')), 'IMPALA_ERR_ADMISSION_TIMEOUT');
      } finally {
        await c.setAdmission(null);
      }
    });

    it('graceful shutdown (last: the coordinator goes away)', async () => {
      await cluster.coordinators[0]!.shutdown({ graceMs: 60_000, deadlineMs: 60_000 });
      // The text counts down the grace period, so it differs by the time between the two calls.
      assert.equal(await sameCode((s) => s.query('SELECT 1'), false), 'IMPALA_ERR_SERVER_SHUTTING_DOWN');
    });
  });
});
