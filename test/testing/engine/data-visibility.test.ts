import { strict as assert } from 'node:assert';
import type { DuckDbSqlEngine } from '../../../src/testing/engine';
import { closeEngines, ctx, openEngine, run, waitFor } from './engine-helpers';

const LAG_MS = 300;

/** `SELECT count(*)` of a table as coordinator `c` sees it. */
async function count(engine: DuckDbSqlEngine, table: string, c: number): Promise<bigint> {
  return (await run(engine, `SELECT count(*) FROM ${table}`, ctx(c))).rows[0]?.[0] as bigint;
}

describe('engine data visibility: writes reach other coordinators with the catalog (protocol reference §5.3)', function () {
  this.timeout(20_000);
  const opened: DuckDbSqlEngine[] = [];
  afterEach(() => closeEngines(opened));

  it('an INSERT is seen at once where it ran and elsewhere only after catalogLagMs', async () => {
    const engine = await openEngine(opened, { catalogLagMs: LAG_MS });
    await engine.seed('CREATE TABLE t AS SELECT range AS i FROM range(3)');
    const started = performance.now();
    assert.equal((await run(engine, 'INSERT INTO t VALUES (10), (11)', ctx(0))).rowsModified, 2n);
    assert.equal(await count(engine, 't', 0), 5n, 'read-your-writes on the coordinator that wrote');
    assert.equal(await count(engine, 't', 1), 3n, 'another coordinator still lists the old files');
    // Qualified names, aliases and joins read the same version.
    assert.deepEqual((await run(engine, 'SELECT max(x.i) FROM default.t x', ctx(1))).rows, [[2n]]);
    assert.deepEqual((await run(engine, 'SELECT count(*) FROM t JOIN t t2 ON t.i = t2.i WHERE t.i >= 0', ctx(1))).rows, [[3n]]);
    const waited = await waitFor(async () => (await count(engine, 't', 1)) === 5n, 5000);
    assert.ok(performance.now() - started >= LAG_MS - 20, `visible elsewhere after ${waited} ms of polling`);
  });

  it('a later write on the lagging coordinator goes to the table, and both writes arrive in order', async () => {
    const engine = await openEngine(opened, { catalogLagMs: LAG_MS });
    await engine.seed('CREATE TABLE w (i BIGINT)');
    await run(engine, 'INSERT INTO w VALUES (1)', ctx(0));
    // Coordinator 1 has not seen row 1; its own insert is written next to it and brings it up to date.
    await run(engine, 'INSERT INTO w VALUES (2)', ctx(1));
    assert.deepEqual((await run(engine, 'SELECT i FROM w ORDER BY i', ctx(1))).rows, [[1n], [2n]]);
    assert.deepEqual((await run(engine, 'SELECT i FROM w ORDER BY i', ctx(2))).rows, []);
    await waitFor(async () => (await count(engine, 'w', 2)) === 2n, 5000);
  });

  it('INSERT ... SELECT and CTAS on a lagging coordinator copy the rows it knows', async () => {
    const engine = await openEngine(opened, { catalogLagMs: LAG_MS });
    await engine.seed('CREATE TABLE src AS SELECT range AS i FROM range(2); CREATE TABLE dst (i BIGINT)');
    await run(engine, 'INSERT INTO src VALUES (100)', ctx(0));
    assert.equal((await run(engine, 'INSERT INTO dst SELECT i FROM src', ctx(1))).rowsModified, 2n);
    // Coordinator 1's own write brought it the catalog up to its version (the topic is ordered): use another.
    assert.deepEqual((await run(engine, 'CREATE TABLE copied AS SELECT * FROM src', ctx(2))).rows, [['Inserted 2 row(s)']]);
    assert.equal(await count(engine, 'src', 1), 3n);
  });

  it('with SYNC_DDL the INSERT returns once every coordinator has it', async () => {
    const engine = await openEngine(opened, { catalogLagMs: 5000, syncDdlDelayMs: 50 });
    await engine.seed('CREATE TABLE s (i BIGINT)');
    await run(engine, 'INSERT INTO s VALUES (1)', ctx(0, 'default', { SYNC_DDL: 'true' }));
    assert.equal(await count(engine, 's', 1), 1n);
    assert.equal(await count(engine, 's', 2), 1n);
  });

  it('REFRESH and INVALIDATE METADATA bring a coordinator the new data at once', async () => {
    const engine = await openEngine(opened, { catalogLagMs: 5000 });
    await engine.seed('CREATE TABLE r (i BIGINT)');
    await run(engine, 'INSERT INTO r VALUES (1)', ctx(0));
    assert.equal(await count(engine, 'r', 1), 0n);
    await run(engine, 'REFRESH r', ctx(1));
    assert.equal(await count(engine, 'r', 1), 1n);
    assert.equal(await count(engine, 'r', 2), 0n);
    await run(engine, 'INVALIDATE METADATA', ctx(2));
    assert.equal(await count(engine, 'r', 2), 1n);
  });

  it('TRUNCATE, INSERT OVERWRITE, UPDATE and DELETE lag the same way', async () => {
    const engine = await openEngine(opened, { catalogLagMs: 5000 });
    await run(engine, 'CREATE TABLE k (id INT PRIMARY KEY, v STRING) STORED AS KUDU', ctx(0, 'default', { SYNC_DDL: '1' }));
    await run(engine, "INSERT INTO k VALUES (1, 'a'), (2, 'b')", ctx(0, 'default', { SYNC_DDL: '1' }));
    await run(engine, "UPDATE k SET v = 'z' WHERE id = 1", ctx(0));
    await run(engine, 'DELETE FROM k WHERE id = 2', ctx(0));
    assert.deepEqual((await run(engine, 'SELECT id, v FROM k ORDER BY id', ctx(1))).rows, [[1, 'a'], [2, 'b']]);
    assert.deepEqual((await run(engine, 'SELECT id, v FROM k ORDER BY id', ctx(0))).rows, [[1, 'z']]);
    await engine.seed('CREATE TABLE o AS SELECT range AS i FROM range(4)');
    await run(engine, 'INSERT OVERWRITE o SELECT 7', ctx(0));
    assert.equal(await count(engine, 'o', 1), 4n);
    await run(engine, 'TRUNCATE TABLE o', ctx(0));
    assert.equal(await count(engine, 'o', 0), 0n);
    assert.equal(await count(engine, 'o', 1), 4n);
  });

  it('drops a snapshot once every coordinator has the write and nothing reads it', async () => {
    const engine = await openEngine(opened, { catalogLagMs: LAG_MS });
    await engine.seed('CREATE TABLE g (i BIGINT)');
    await run(engine, 'INSERT INTO g VALUES (1)', ctx(0));
    assert.equal(engine.stats().snapshots, 1);
    // A statement planned on the lagging coordinator keeps reading its version past the lag.
    const held = await engine.plan('SELECT count(*) FROM g', ctx(1));
    await new Promise((r) => setTimeout(r, LAG_MS + 50));
    await run(engine, 'SELECT 1', ctx(2));
    assert.equal(engine.stats().snapshots, 1, 'still read by the planned statement');
    await engine.execute(held.id);
    assert.deepEqual((await engine.fetch(held.id, 10)).columns[0]?.values, [0n]);
    await engine.release(held.id);
    await waitFor(async () => engine.stats().snapshots === 0, 5000);
  });

  it('without catalog lag writes are visible everywhere at once and take no snapshot', async () => {
    const engine = await openEngine(opened);
    await engine.seed('CREATE TABLE z (i BIGINT)');
    await run(engine, 'INSERT INTO z VALUES (1)', ctx(0));
    assert.equal(await count(engine, 'z', 1), 1n);
    assert.equal(engine.stats().snapshots, 0);
  });
});
