import { strict as assert } from 'node:assert';
import * as T from '../../src/thrift/gen-nodejs/TCLIService_types';
import { eventually } from './helpers/hs2-client';
import { uniqueTable, useCluster } from './helpers/sim-fixture';

const LAG_MS = 400;

describe('simulator: catalog lag between coordinators', function () {
  this.timeout(20_000);
  const sim = useCluster({ coordinators: 2, catalogLagMs: LAG_MS });

  it('DDL on one coordinator is invisible on another until catalogLagMs, with Impala\'s error meanwhile', async () => {
    const a = await sim.connect(0);
    const b = await sim.connect(1);
    const sa = await a.openSession();
    const sb = await b.openSession();
    const t = uniqueTable('lag');
    const created = Date.now();
    await a.query(sa, `CREATE TABLE ${t} (x INT)`);
    assert.deepEqual(await a.query(sa, `SELECT count(*) FROM ${t}`), [[0n]], 'visible at once where it was created');
    const early = await b.executeRaw(sb, `SELECT * FROM ${t}`);
    assert.equal(early.status.statusCode, T.TStatusCode.ERROR_STATUS);
    assert.match(early.status.errorMessage!, new RegExp(`AnalysisException: Could not resolve table reference: '${t}'`));
    await eventually(async () => (await b.executeRaw(sb, `SELECT * FROM ${t}`)).status.statusCode === T.TStatusCode.SUCCESS_STATUS, 'the table on coordinator 1');
    const visibleAfter = Date.now() - created;
    assert.ok(visibleAfter >= LAG_MS - 50, `visible on the other coordinator after ${visibleAfter} ms`);
  });

  it('with SYNC_DDL the DDL is visible everywhere when it returns', async () => {
    const a = await sim.connect(0);
    const b = await sim.connect(1);
    const sa = await a.openSession();
    const sb = await b.openSession();
    const t = uniqueTable('sync');
    await a.query(sa, `CREATE TABLE ${t} (x INT)`, { SYNC_DDL: 'true' });
    assert.deepEqual(await b.query(sb, `SELECT count(*) FROM ${t}`), [[0n]]);
    // Also as a session option set with SET.
    const t2 = uniqueTable('sync');
    await a.query(sa, 'SET SYNC_DDL=1');
    await a.query(sa, `CREATE TABLE ${t2} (x INT)`);
    assert.deepEqual(await b.query(sb, `SELECT count(*) FROM ${t2}`), [[0n]]);
  });
});

/** Inserts a row through coordinator 0 and checks coordinator 1 sees it only after the lag. */
async function checkInsertLag(sim: ReturnType<typeof useCluster>): Promise<void> {
  const a = await sim.connect(0);
  const b = await sim.connect(1);
  const sa = await a.openSession();
  const sb = await b.openSession();
  const t = uniqueTable('data');
  await a.query(sa, `CREATE TABLE ${t} (x INT)`, { SYNC_DDL: 'true' });
  const inserted = Date.now();
  await a.query(sa, `INSERT INTO ${t} VALUES (1), (2)`);
  assert.deepEqual(await a.query(sa, `SELECT count(*) FROM ${t}`), [[2n]], 'read-your-writes where it ran');
  assert.deepEqual(await b.query(sb, `SELECT count(*) FROM ${t}`), [[0n]], 'the other coordinator lists the old files');
  await eventually(async () => (await b.query(sb, `SELECT count(*) FROM ${t}`))[0]?.[0] === 2n, 'the rows on coordinator 1');
  assert.ok(Date.now() - inserted >= LAG_MS - 50, `visible on the other coordinator after ${Date.now() - inserted} ms`);
  // SYNC_DDL: the INSERT returns once every coordinator has it.
  await a.query(sa, `INSERT INTO ${t} VALUES (3)`, { SYNC_DDL: 'true' });
  assert.deepEqual(await b.query(sb, `SELECT count(*) FROM ${t}`), [[3n]]);
}

describe('simulator: INSERT data lag between coordinators', function () {
  this.timeout(20_000);
  const sim = useCluster({ coordinators: 2, catalogLagMs: LAG_MS });

  it('new rows reach another coordinator with the catalog update, or at once with SYNC_DDL', () => checkInsertLag(sim));

  it('REFRESH on the other coordinator loads the new rows at once', async () => {
    const a = await sim.connect(0);
    const b = await sim.connect(1);
    const sa = await a.openSession();
    const sb = await b.openSession();
    const t = uniqueTable('refresh');
    await a.query(sa, `CREATE TABLE ${t} (x INT)`, { SYNC_DDL: 'true' });
    await a.query(sa, `INSERT INTO ${t} VALUES (1)`);
    await b.query(sb, `REFRESH ${t}`);
    assert.deepEqual(await b.query(sb, `SELECT count(*) FROM ${t}`), [[1n]]);
  });
});

describe('simulator: INSERT data lag with coordinators as child processes', function () {
  this.timeout(30_000);
  const sim = useCluster({ coordinators: 2, catalogLagMs: LAG_MS, processes: true });

  it('new rows reach another coordinator process with the catalog update, or at once with SYNC_DDL', () => checkInsertLag(sim));
});
