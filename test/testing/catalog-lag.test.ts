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
