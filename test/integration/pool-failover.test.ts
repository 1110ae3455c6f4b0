import { strict as assert } from 'node:assert';
import type { CoordinatorDownEvent, CoordinatorUpEvent } from '../../src';
import { PoolFixture, describeVariants, loadLoop, waitFor } from '../helpers/pool-fixtures';

describeVariants('pool: coordinator failures (simulator)', function (v) {
  this.timeout(60_000);
  const fx = new PoolFixture(v);
  beforeEach(() => fx.start());
  afterEach(() => fx.stop());

  it('kill one of 3 under 8 concurrent SELECT loops for 10 s: zero caller errors, down at the first failure, back after restart with slow start', async () => {
    const impala = fx.client({ balance: 'leastconn' });
    const victim = fx.cluster.coordinators[1]!;
    const downs: CoordinatorDownEvent[] = [];
    const ups: Array<CoordinatorUpEvent & { weight: number }> = [];
    impala.on('coordinatorDown', (e) => downs.push(e));
    impala.on('coordinatorUp', (e) => ups.push({ ...e, weight: impala.stats().coordinators[1]!.weight }));
    const served = new Map<string, number>();
    let restartedAt = 0;
    let servedAfterRestart = 0;
    const chaos = (async () => {
      await new Promise((r) => setTimeout(r, 2500));
      await victim.kill();
      await new Promise((r) => setTimeout(r, 3000));
      await victim.restart();
      restartedAt = Date.now();
    })();
    const load = await loadLoop(8, 10_000, async (w, i) => {
      const r = await impala.query('SELECT count(*) AS n FROM range(?) t', { params: [1000 + ((w * 31 + i) % 500)] });
      served.set(r.coordinator, (served.get(r.coordinator) ?? 0) + 1);
      if (restartedAt && r.coordinator === v.address(victim)) servedAfterRestart++;
    });
    await chaos;
    assert.deepEqual(load.errors.map((e) => e.message), []);
    assert.ok(load.ok > 100, `only ${load.ok} queries ran`);
    const victimDowns = downs.filter((d) => d.coordinator === v.address(victim));
    assert.equal(victimDowns.length, 1, `coordinatorDown events: ${downs.map((d) => d.coordinator).join(', ')}`);
    assert.equal(victimDowns[0]!.previous, 'up', 'marked down straight from up, on its first failure');
    const up = ups.find((u) => u.coordinator === v.address(victim));
    assert.ok(up, 'coordinatorUp after restart');
    assert.ok(up.time.getTime() >= restartedAt, 'up only once restarted');
    assert.ok(up.weight < 1, `slow start weight at coming back: ${up.weight}`);
    assert.ok(servedAfterRestart > 0, 'the restarted coordinator serves again');
    for (const c of fx.cluster.coordinators) assert.ok((served.get(v.address(c)) ?? 0) > 0, `${v.address(c)} served nothing`);
  });

  it('hang one of 3 with short timeouts: read-only callers see no error, it is marked down and calls move away from it', async () => {
    const impala = fx.client({ rpcTimeoutMs: 800, connectTimeoutMs: 800, fall: 2 });
    const victim = fx.cluster.coordinators[0]!;
    const downs: string[] = [];
    const retriedFrom: string[] = [];
    impala.on('coordinatorDown', (e) => downs.push(e.coordinator));
    impala.on('retried', (e) => retriedFrom.push(e.coordinator));
    setTimeout(() => void victim.hang(), 1000);
    const load = await loadLoop(8, 5000, () => impala.query('SELECT 42 AS answer'));
    await victim.resume();
    assert.deepEqual(load.errors.map((e) => e.message), []);
    assert.ok(downs.includes(v.address(victim)), 'hung coordinator marked down');
    assert.ok(retriedFrom.length > 0 && retriedFrom.every((c) => c === v.address(victim)), `retries came from ${retriedFrom.join(', ')}`);
  });

  it('graceful shutdown of one: its in-flight queries finish, nothing new is sent there, no caller error', async () => {
    const impala = fx.client();
    const victim = fx.cluster.coordinators[2]!;
    const draining: string[] = [];
    impala.on('coordinatorDraining', (e) => draining.push(e.coordinator));
    // Long queries that are running on the victim when the shutdown starts.
    const long = Array.from({ length: 6 }, () => impala.query('SELECT sleep(1500) AS s'));
    const started = (): number => fx.cluster.stats().reduce((n, c) => n + c.executed.filter((e) => e.sql.includes('sleep(1500)')).length, 0);
    await waitFor(() => started() === 6, 5000, 'all long queries executing');
    assert.ok(fx.cluster.stats()[2]!.openOperations > 0, 'a long query runs on the victim');
    const executedBefore = fx.cluster.stats()[2]!.executed.length;
    await victim.shutdown({ graceMs: 0, deadlineMs: 20_000 });
    const load = await loadLoop(4, 2500, () => impala.query('SELECT 7 AS seven'));
    const longResults = await Promise.all(long);
    assert.deepEqual(load.errors.map((e) => e.message), []);
    assert.equal(longResults.length, 6);
    assert.ok(longResults.some((r) => r.coordinator === v.address(victim)), 'some long query ran on the victim and finished');
    assert.ok(draining.includes(v.address(victim)), 'coordinatorDraining emitted');
    const executedOnVictim = fx.cluster.stats()[2]!.executed.slice(executedBefore);
    assert.deepEqual(executedOnVictim.map((e) => e.sql), [], 'nothing new executed on the draining coordinator');
  });
});
