/**
 * Testing your own code against the simulator with mocha: one cluster for the file,
 * a client per test, faults on demand. Run:
 * `npm run build && npx mocha --no-config -r tsx/cjs examples/mocha-simulator.spec.ts`
 */
import { strict as assert } from 'node:assert';
import { createClient, ErrorCode, type ImpalaClient } from 'impala-ha';
import { startCluster, type SimCluster } from 'impala-ha/testing';

/** The code under test: your data access function. */
async function topRegions(impala: ImpalaClient, limit: number): Promise<{ region: bigint; total: bigint }[]> {
  const r = await impala.query<{ region: bigint; total: bigint }>('SELECT region, CAST(sum(amount) AS BIGINT) AS total FROM sales GROUP BY region ORDER BY total DESC LIMIT ?', { params: [limit] });
  return r.rows;
}

describe('topRegions (against a simulated 3-coordinator cluster)', function () {
  this.timeout(30_000);
  let cluster: SimCluster;
  let impala: ImpalaClient;

  before(async () => {
    cluster = await startCluster({ coordinators: 3 });
    await cluster.seed('CREATE TABLE sales AS SELECT range AS id, range % 4 AS region, range AS amount FROM range(100)');
  });
  after(() => cluster.stop());
  beforeEach(() => {
    impala = createClient(`${cluster.url}?healthCheckIntervalMs=100`);
  });
  afterEach(async () => {
    await impala.close();
    // Bring every coordinator back for the next test.
    await Promise.all(cluster.coordinators.filter((c) => !c.up).map((c) => c.restart()));
  });

  it('returns the biggest regions first', async () => {
    assert.deepEqual(await topRegions(impala, 2), [
      { region: 3n, total: 1275n },
      { region: 2n, total: 1250n },
    ]);
  });

  it('keeps answering while a coordinator is killed', async () => {
    await cluster.coordinators[0]!.kill();
    for (let i = 0; i < 6; i++) assert.equal((await topRegions(impala, 1)).length, 1);
  });

  it('reports a bad table with a stable code', async () => {
    await assert.rejects(impala.query('SELECT * FROM nowhere'), { code: ErrorCode.OBJECT_NOT_FOUND });
  });
});
