import { strict as assert } from 'node:assert';
import type { DuckDbSqlEngine } from '../../../src/testing/engine';
import { closeEngines, ctx, errorOf, openEngine, run, waitFor } from './engine-helpers';

/** Result column names and types of a statement as coordinator `c` in database `db` plans it. */
async function shape(engine: DuckDbSqlEngine, sql: string, c = 0, db = 'default'): Promise<string[]> {
  return (await run(engine, sql, ctx(c, db))).plan.columns.map((col) => `${col.name} ${col.type}`);
}

/** Runs `sql` and returns its rows. */
async function rows(engine: DuckDbSqlEngine, sql: string, c = 0, db = 'default'): Promise<unknown[][]> {
  return (await run(engine, sql, ctx(c, db))).rows;
}

/** Plan cache hits so far. */
function hits(engine: DuckDbSqlEngine): number {
  return engine.planCacheStats().hits;
}

describe('engine plan cache: a repeated query reuses its plan, never a stale one', function () {
  this.timeout(20_000);
  const opened: DuckDbSqlEngine[] = [];
  afterEach(() => closeEngines(opened));

  it('reuses the plan of the same text, database and catalog version, with the same columns, rows and delay', async () => {
    const engine = await openEngine(opened);
    await engine.seed("CREATE TABLE p AS SELECT range::INT AS id, 'n' || range AS name FROM range(5)");
    const first = await run(engine, 'SELECT id, name, sleep(5) FROM p WHERE id = 3');
    const before = hits(engine);
    const second = await run(engine, 'SELECT id, name, sleep(5) FROM p WHERE id = 3');
    assert.equal(hits(engine), before + 1, 'the second statement used the kept plan');
    assert.deepEqual(second.plan.columns, first.plan.columns);
    assert.equal(second.plan.delayMs, first.plan.delayMs);
    assert.equal(first.plan.delayMs, 5);
    assert.deepEqual(second.rows, first.rows);
    assert.deepEqual(second.rows, [[3, 'n3', true]]);
    // Other text or another session database is another plan.
    await run(engine, 'select id, name, sleep(5) from p where id = 3');
    assert.equal(hits(engine), before + 1);
  });

  it('ALTER TABLE, then the same statement: the new columns', async () => {
    const engine = await openEngine(opened);
    await run(engine, 'CREATE TABLE a (x INT)');
    await run(engine, 'INSERT INTO a VALUES (1)');
    assert.deepEqual(await shape(engine, 'SELECT * FROM a'), ['x INT']);
    assert.deepEqual(await shape(engine, 'SELECT * FROM a'), ['x INT']);
    await run(engine, 'ALTER TABLE a ADD COLUMNS (y STRING)');
    assert.deepEqual(await shape(engine, 'SELECT * FROM a'), ['x INT', 'y STRING']);
    assert.deepEqual(await rows(engine, 'SELECT * FROM a'), [[1, null]]);
  });

  it('a dropped table recreated with other columns: the new columns and types, on every coordinator', async () => {
    const engine = await openEngine(opened);
    await run(engine, 'CREATE TABLE d (x INT, y BIGINT)');
    await run(engine, 'INSERT INTO d VALUES (1, 2)');
    for (const c of [0, 1]) {
      assert.deepEqual(await shape(engine, 'SELECT * FROM d', c), ['x INT', 'y BIGINT']);
      assert.deepEqual(await shape(engine, 'SELECT * FROM d', c), ['x INT', 'y BIGINT']);
    }
    await run(engine, 'DROP TABLE d');
    assert.match(await errorOf(run(engine, 'SELECT * FROM d')), /Could not resolve table reference: 'd'/);
    await run(engine, 'CREATE TABLE d (x STRING, z DOUBLE, w BOOLEAN)');
    await run(engine, "INSERT INTO d VALUES ('s', 0.5, true)");
    for (const c of [0, 1]) {
      assert.deepEqual(await shape(engine, 'SELECT * FROM d', c), ['x STRING', 'z DOUBLE', 'w BOOLEAN']);
      assert.deepEqual(await rows(engine, 'SELECT * FROM d', c), [['s', 0.5, true]]);
    }
  });

  it('the same text in another database (USE) reads that database’s table', async () => {
    const engine = await openEngine(opened);
    await run(engine, 'CREATE DATABASE db1');
    await run(engine, 'CREATE DATABASE db2');
    await run(engine, 'CREATE TABLE db1.t (a INT)');
    await run(engine, 'CREATE TABLE db2.t (s STRING)');
    await run(engine, 'INSERT INTO db1.t VALUES (7)');
    await run(engine, "INSERT INTO db2.t VALUES ('seven')");
    for (let i = 0; i < 2; i++) {
      assert.deepEqual(await rows(engine, 'SELECT * FROM t', 0, 'db1'), [[7]]);
      assert.deepEqual(await rows(engine, 'SELECT * FROM t', 0, 'db2'), [['seven']]);
      assert.deepEqual(await rows(engine, 'SELECT current_database()', 0, 'db1'), [['db1']]);
      assert.deepEqual(await rows(engine, 'SELECT current_database()', 0, 'db2'), [['db2']]);
    }
    // USE through a statement changes the session database the next statement is keyed by.
    const use = await run(engine, 'USE db2', ctx(0, 'db1'));
    assert.equal(use.plan.sessionChanges?.database, 'db2');
    assert.deepEqual(await shape(engine, 'SELECT * FROM t', 0, 'db2'), ['s STRING']);
  });

  it('an INSERT on another coordinator within catalog lag: the old rows there until the change arrives', async () => {
    const engine = await openEngine(opened, { catalogLagMs: 300 });
    await engine.seed('CREATE TABLE l AS SELECT range AS i FROM range(3)');
    const count = 'SELECT count(*) FROM l';
    assert.deepEqual(await rows(engine, count, 1), [[3n]]);
    assert.deepEqual(await rows(engine, count, 1), [[3n]]);
    assert.deepEqual(await rows(engine, count, 0), [[3n]]);
    await run(engine, 'INSERT INTO l VALUES (10)', ctx(0));
    assert.deepEqual(await rows(engine, count, 0), [[4n]], 'the writer reads its write');
    assert.deepEqual(await rows(engine, count, 1), [[3n]], 'the other coordinator reads its version');
    assert.deepEqual(await rows(engine, count, 1), [[3n]]);
    await waitFor(async () => (await rows(engine, count, 1))[0]?.[0] === 4n, 5000);
    assert.deepEqual(await rows(engine, count, 2), [[4n]]);
    assert.equal(engine.stats().statements, 0);
    await waitFor(async () => engine.stats().snapshots === 0, 5000);
  });

  it('INVALIDATE METADATA and a coordinator restart bring the new data to a kept plan’s text at once', async () => {
    const engine = await openEngine(opened, { catalogLagMs: 60_000 });
    await engine.seed('CREATE TABLE v (i BIGINT)');
    const sum = 'SELECT coalesce(sum(i), 0) FROM v';
    for (const c of [1, 2]) {
      assert.deepEqual(await rows(engine, sum, c), [[0n]]);
      assert.deepEqual(await rows(engine, sum, c), [[0n]]);
    }
    await run(engine, 'INSERT INTO v VALUES (5)', ctx(0));
    assert.deepEqual(await rows(engine, sum, 1), [[0n]]);
    await run(engine, 'INVALIDATE METADATA', ctx(1));
    assert.deepEqual(await rows(engine, sum, 1), [[5n]]);
    assert.deepEqual(await rows(engine, sum, 2), [[0n]]);
    await engine.forgetCoordinator(2);
    assert.deepEqual(await rows(engine, sum, 2), [[5n]]);
  });

  it('DDL made on another coordinator within catalog lag: a kept plan answers as a fresh plan would', async () => {
    const engine = await openEngine(opened, { catalogLagMs: 60_000 });
    await run(engine, 'CREATE TABLE base (i INT, c CHAR(3))', ctx(0, 'default', { SYNC_DDL: '1' }));
    await run(engine, "INSERT INTO base VALUES (1, 'ab')", ctx(0, 'default', { SYNC_DDL: '1' }));
    const sql = 'SELECT * FROM base';
    // Trailing blanks make a text no plan was kept for: planned from scratch.
    let blanks = 0;
    const fresh = (): string => `${sql}${' '.repeat(++blanks)}`;
    const outcome = async (text: string, c: number): Promise<unknown> => {
      try {
        const r = await run(engine, text, ctx(c));
        return { columns: r.plan.columns, rows: r.rows };
      } catch (err) {
        return (err as Error).message;
      }
    };
    for (const c of [0, 1]) {
      assert.deepEqual(await outcome(sql, c), { columns: [{ name: 'i', type: 'INT' }, { name: 'c', type: 'CHAR', length: 3 }], rows: [[1, 'ab ']] });
    }
    const before = hits(engine);
    assert.deepEqual(await outcome(sql, 1), await outcome(fresh(), 1));
    assert.equal(hits(engine), before + 1);
    await run(engine, 'ALTER TABLE base ADD COLUMNS (extra BIGINT)', ctx(0));
    for (const c of [0, 1, 2]) assert.deepEqual(await outcome(sql, c), await outcome(fresh(), c), `coordinator ${c} after ALTER`);
    await run(engine, 'DROP TABLE base', ctx(0));
    for (const c of [0, 1, 2]) assert.deepEqual(await outcome(sql, c), await outcome(fresh(), c), `coordinator ${c} after DROP`);
    assert.match(String(await outcome(sql, 0)), /Could not resolve table reference: 'base'/);
  });

  it('a column type changed on another coordinator within catalog lag: each coordinator types by the catalog it knows', async () => {
    const engine = await openEngine(opened, { catalogLagMs: 60_000 });
    const sync = ctx(0, 'default', { SYNC_DDL: '1' });
    await run(engine, 'CREATE TABLE ch (c CHAR(3), n INT)', sync);
    await run(engine, "INSERT INTO ch VALUES ('ab', 1)", sync);
    for (const c of [0, 1]) assert.deepEqual(await shape(engine, 'SELECT c, n FROM ch', c), ['c CHAR', 'n INT']);
    await run(engine, 'ALTER TABLE ch CHANGE c c VARCHAR(5)', ctx(0));
    // Coordinator 0 reads the new declaration first; coordinator 1 must not be given it.
    const column = async (c: number): Promise<unknown> => (await run(engine, 'SELECT c, n FROM ch', ctx(c))).plan.columns[0];
    assert.deepEqual(await column(0), { name: 'c', type: 'VARCHAR', length: 5 });
    assert.deepEqual(await column(1), { name: 'c', type: 'CHAR', length: 3 });
    assert.deepEqual(await column(0), { name: 'c', type: 'VARCHAR', length: 5 });
  });

  it('seed() changing a table outside Impala: the same statement sees the new columns', async () => {
    const engine = await openEngine(opened);
    await engine.seed('CREATE TABLE s AS SELECT 1::INT AS a');
    assert.deepEqual(await shape(engine, 'SELECT * FROM s'), ['a INT']);
    assert.deepEqual(await shape(engine, 'SELECT * FROM s'), ['a INT']);
    await engine.seed("ALTER TABLE s ADD COLUMN b VARCHAR DEFAULT 'x'");
    assert.deepEqual(await shape(engine, 'SELECT * FROM s'), ['a INT', 'b STRING']);
    assert.deepEqual(await rows(engine, 'SELECT * FROM s'), [[1, 'x']]);
    // A column's type changed outside Impala: expressions over it are typed anew (other texts too).
    assert.deepEqual(await shape(engine, 'SELECT a + 1 AS n FROM s'), ['n BIGINT']);
    await engine.seed('ALTER TABLE s ALTER a TYPE DOUBLE');
    assert.deepEqual(await shape(engine, 'SELECT a + 1 AS n FROM s'), ['n DOUBLE']);
    assert.deepEqual(await shape(engine, 'SELECT a * 2 AS m FROM s'), ['m DOUBLE']);
  });

  it('a statement cancelled mid-stream leaves nothing behind: the same query runs again in full', async () => {
    const engine = await openEngine(opened);
    await engine.seed('CREATE TABLE big AS SELECT range AS i FROM range(100000)');
    const sql = 'SELECT i FROM big ORDER BY i';
    const plan = await engine.plan(sql, ctx());
    await engine.execute(plan.id);
    const batch = await engine.fetch(plan.id, 10);
    assert.equal(batch.rowCount, 10);
    await engine.cancel(plan.id);
    await engine.release(plan.id);
    const again = await run(engine, sql, ctx(), 50_000);
    assert.equal(again.rows.length, 100_000);
    assert.deepEqual(again.rows[99_999], [99_999n]);
    assert.deepEqual(engine.stats().connections.busy, 0);
  });

  it('a failed query is planned again each time (errors are not kept)', async () => {
    const engine = await openEngine(opened);
    const before = hits(engine);
    assert.match(await errorOf(run(engine, 'SELECT * FROM later')), /Could not resolve table reference: 'later'/);
    await run(engine, 'CREATE TABLE later (k INT)');
    assert.deepEqual(await shape(engine, 'SELECT * FROM later'), ['k INT']);
    assert.equal(hits(engine), before);
  });

  it('MAX_STATEMENT_LENGTH_BYTES applies to a kept plan’s text', async () => {
    const engine = await openEngine(opened);
    const sql = 'SELECT 12345 AS long_enough_label';
    await run(engine, sql);
    await run(engine, sql);
    const limited = ctx(0, 'default', { MAX_STATEMENT_LENGTH_BYTES: '10' });
    assert.match(await errorOf(run(engine, sql, limited)), /Statement length of 33 bytes exceeds the maximum statement length \(10 bytes\)/);
  });

  it('a query of literals only is computed once: later runs answer the same rows without DuckDB', async () => {
    const engine = await openEngine(opened);
    const sql = "SELECT 1, 'a' AS x, 2 + 3 UNION ALL SELECT 4, NULL, 6";
    const first = await run(engine, sql);
    assert.deepEqual(first.rows, [[1, 'a', 5], [4, null, 6]]);
    // The kept rows need no DuckDB connection, not even while the statement is open.
    const plan = await engine.plan(sql, ctx(1));
    assert.equal(engine.stats().connections.busy, 0);
    await engine.execute(plan.id);
    const one = await engine.fetch(plan.id, 1);
    const rest = await engine.fetch(plan.id, 10);
    await engine.release(plan.id);
    assert.deepEqual([one.rowCount, one.done, rest.rowCount, rest.done], [1, false, 1, true]);
    assert.deepEqual((await run(engine, sql)).rows, first.rows);
    assert.deepEqual((await run(engine, sql)).plan.columns, first.plan.columns);
    // A query that reads a table holds a connection from planning on.
    await engine.seed('CREATE TABLE c AS SELECT 1 AS i');
    const reads = await engine.plan('SELECT i FROM c', ctx());
    assert.equal(engine.stats().connections.busy, 1);
    await engine.release(reads.id);
  });

  it('functions and session values are evaluated on every run, kept plan or not', async () => {
    const engine = await openEngine(opened);
    const values = new Set<unknown>();
    for (let i = 0; i < 4; i++) values.add((await rows(engine, 'SELECT random()'))[0]?.[0]);
    assert.ok(values.size > 1, `random() gave ${[...values].join(', ')}`);
    await run(engine, 'CREATE DATABASE other');
    assert.deepEqual(await rows(engine, 'SELECT current_database()', 0, 'other'), [['other']]);
    assert.deepEqual(await rows(engine, 'SELECT current_database()', 0, 'default'), [['default']]);
    const ctxUser = (user: string) => ({ coordinator: 0, session: { database: 'default', options: {}, user }, overlay: {} });
    assert.deepEqual((await run(engine, 'SELECT user()', ctxUser('ann'))).rows, [['ann']]);
    assert.deepEqual((await run(engine, 'SELECT user()', ctxUser('bob'))).rows, [['bob']]);
  });
});
