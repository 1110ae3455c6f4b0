import { strict as assert } from 'node:assert';
import { PoolFixture, describeVariants, loadLoop } from '../helpers/pool-fixtures';

describeVariants('pool: balancing across coordinators (simulator)', function (v) {
  this.timeout(30_000);
  const fx = new PoolFixture(v);
  beforeEach(() => fx.start());
  afterEach(() => fx.stop());

  it('leastconn puts 30 concurrent sleep queries 10±1 on each of 3 coordinators', async () => {
    const impala = fx.client({ balance: 'leastconn', maxConnectionsPerCoordinator: 12 });
    const results = await Promise.all(Array.from({ length: 30 }, () => impala.query('SELECT sleep(400) AS slept')));
    const per = new Map<string, number>();
    for (const r of results) per.set(r.coordinator, (per.get(r.coordinator) ?? 0) + 1);
    assert.equal(per.size, 3, `used ${[...per.keys()].join(', ')}`);
    for (const [c, n] of per) assert.ok(n >= 9 && n <= 11, `${c} got ${n}`);
    assert.equal(results[0]!.rows[0]!.slept, true);
  });

  it('p2c sends less traffic to a coordinator with added delay', async () => {
    const slow = fx.cluster.coordinators[2]!;
    await slow.setRpcDelay(40);
    const impala = fx.client({ balance: 'p2c' });
    const per = new Map<string, number>();
    const { errors } = await loadLoop(6, 2500, async () => {
      const r = await impala.query('SELECT 1 AS one');
      per.set(r.coordinator, (per.get(r.coordinator) ?? 0) + 1);
    });
    assert.deepEqual(errors, []);
    const slowCount = per.get(v.address(slow)) ?? 0;
    const fast = fx.cluster.coordinators.slice(0, 2).map((c) => per.get(v.address(c)) ?? 0);
    assert.ok(slowCount < Math.min(...fast) * 0.6, `slow ${slowCount} vs fast ${fast.join('/')}`);
    assert.ok(slowCount > 0, 'the slow coordinator still gets some traffic');
  });

  it('roundrobin visits every coordinator in turn', async () => {
    const impala = fx.client({ balance: 'roundrobin' });
    const seen: string[] = [];
    for (let i = 0; i < 6; i++) seen.push((await impala.query('SELECT 1')).coordinator);
    assert.equal(new Set(seen.slice(0, 3)).size, 3);
    assert.deepEqual(seen.slice(3), seen.slice(0, 3));
  });
});
