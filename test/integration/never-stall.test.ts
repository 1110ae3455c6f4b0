import { strict as assert } from 'node:assert';
import { createClient, ErrorCode, ImpalaError, type CoordinatorDownEvent, type ImpalaClient, type RetriedEvent } from '../../src';
import { startBlackHole, type BlackHole } from '../helpers/black-hole';
import { PoolFixture, describeVariants, loadLoop, waitFor, type PoolVariant } from '../helpers/pool-fixtures';

/**
 * Issue 12: with DEFAULT options nothing stalls for long. These tests assert outcomes
 * (errors, attempts, states, events); the timings are measured by the failover bench.
 */
describeVariants('default options never stall (simulator)', function (v) {
  this.timeout(90_000);
  const fx = new PoolFixture(v);
  const t = harness(fx, v);
  const defaults = t.defaults;

  it('a coordinator that stops answering under 8 query loops: no caller error; a liveness check marks it down and calls move on', async () => {
    await fx.start();
    const impala = defaults(fx.addresses());
    const victim = fx.cluster.coordinators[0]!;
    const downs: CoordinatorDownEvent[] = [];
    const retried: RetriedEvent[] = [];
    impala.on('coordinatorDown', (e) => downs.push(e));
    impala.on('retried', (e) => retried.push(e));
    setTimeout(() => void victim.hang(), 1500);
    const load = await loadLoop(8, 6000, () => impala.query('SELECT 42 AS answer'));
    await victim.resume();
    assert.deepEqual(load.errors.map((e) => e.message), []);
    const down = downs.find((d) => d.coordinator === v.address(victim));
    assert.ok(down, 'the hung coordinator was marked down');
    // By a liveness check (a ping or an open on another connection), not by rpcTimeoutMs (60 s).
    assert.ok(down.error instanceof ImpalaError && down.error.code === ErrorCode.RPC_TIMEOUT, `${down.error?.message}`);
    assert.match(down.error.message, /(PingImpalaHS2Service|OpenSession|PingImpalaService) got no answer within \d+ ms/);
    assert.ok(retried.every((r) => r.coordinator === v.address(victim)), `retries from ${retried.map((r) => r.coordinator).join(', ')}`);
    assert.equal(impala.stats().coordinators.filter((c) => c.state !== 'up').length, 1);
  });

  it('a long query on a healthy coordinator runs to its end on its first attempt', async () => {
    await fx.start({ coordinators: 2 });
    const impala = defaults(fx.addresses());
    const retried: RetriedEvent[] = [];
    const downs: CoordinatorDownEvent[] = [];
    impala.on('retried', (e) => retried.push(e));
    impala.on('coordinatorDown', (e) => downs.push(e));
    // Longer than FETCH_ROWS_TIMEOUT_MS (10 s) and than any liveness bound.
    const r = await impala.query<{ slept: boolean }>('SELECT sleep(12000) AS slept');
    assert.deepEqual(r.rows, [{ slept: true }]);
    assert.equal(r.attempts, 1);
    assert.deepEqual(retried, []);
    assert.deepEqual(downs, []);
  });

  it('a server that accepts connections and never answers, beside a healthy one: no caller error, it is marked down with its cause', async () => {
    await fx.start({ coordinators: 1 });
    const hole = await t.blackHole();
    const impala = defaults([hole.address, fx.address(0)]);
    const load = await loadLoop(8, 5000, () => impala.query('SELECT 1 AS one'));
    assert.deepEqual(load.errors.map((e) => e.message), []);
    assert.ok(hole.accepted > 0, 'the black hole was tried');
    const [bad, good] = impala.stats().coordinators;
    assert.equal(bad!.state, 'down');
    assert.match(bad!.lastError ?? '', /got no answer within \d+ ms from 127\.0\.0\.1/);
    assert.equal(good!.state, 'up');
    // close() returns although the black hole never answers anything.
    await impala.close();
    assert.equal(impala.stats().closed, true);
  });

  it('a killed coordinator is probed while it refuses connections and serves again once restarted', async () => {
    await fx.start();
    const impala = defaults(fx.addresses());
    const victim = fx.cluster.coordinators[2]!;
    const ups: string[] = [];
    impala.on('coordinatorUp', (e) => ups.push(e.coordinator));
    let restarted = false;
    let servedAfter = 0;
    const chaos = (async () => {
      await new Promise((r) => setTimeout(r, 1000));
      await victim.kill();
      // Long enough that a doubling probe backoff would be at several seconds by now.
      await new Promise((r) => setTimeout(r, 4000));
      await victim.restart();
      restarted = true;
    })();
    const load = await loadLoop(8, 8000, async () => {
      const r = await impala.query('SELECT 1 AS one');
      if (restarted && r.coordinator === v.address(victim)) servedAfter++;
    });
    await chaos;
    assert.deepEqual(load.errors.map((e) => e.message), []);
    assert.deepEqual(ups, [v.address(victim)]);
    assert.ok(servedAfter > 0, 'the restarted coordinator took traffic');
  });

});

describe('default options never stall: close() (simulator)', function () {
  this.timeout(90_000);
  const fx = new PoolFixture();
  const t = harness(fx);
  const defaults = t.defaults;

  it('close() while a call waits on a server that never answers: the call ends with IMPALA_ERR_CLOSED and close() returns', async () => {
    const hole = await t.blackHole();
    const impala = defaults([hole.address]);
    const call = impala.query('SELECT 1').then(
      () => undefined,
      (e: unknown) => e,
    );
    await waitFor(() => hole.accepted > 0, 5000, 'the connect to the black hole');
    await impala.close();
    const err = await call;
    assert.ok(err instanceof ImpalaError, String(err));
    assert.equal(err.code, ErrorCode.CLOSED);
  });

  it('close() while a stream consumer has stopped reading: the stream ends with an error, not a short result', async () => {
    await fx.start({ coordinators: 1 });
    const impala = defaults(fx.addresses());
    const it = impala.stream<{ r: bigint }>('SELECT range AS r FROM range(1000000)', { fetchSize: 1000 })[Symbol.asyncIterator]();
    assert.equal((await it.next()).done, false);
    await impala.close();
    let rows = 1;
    const err = await (async () => {
      try {
        for (;;) {
          const next = await it.next();
          if (next.done) return undefined;
          rows++;
        }
      } catch (e) {
        return e;
      }
    })();
    assert.ok(err instanceof ImpalaError && err.code === ErrorCode.CLOSED, `after ${rows} rows: ${String(err)}`);
    assert.ok(rows < 1_000_000);
  });
});

/** Clients with default options only (no test-speed settings) over the variant's protocol, black holes, and their cleanup. */
function harness(fx: PoolFixture, v?: PoolVariant): { defaults(coordinators: string[]): ImpalaClient; blackHole(): Promise<BlackHole> } {
  const clients: ImpalaClient[] = [];
  const holes: BlackHole[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await Promise.all(holes.splice(0).map((h) => h.stop()));
    await fx.stop();
  });
  return {
    defaults(coordinators) {
      const c = createClient({ coordinators, ...(v ? { protocol: v.name } : {}) });
      clients.push(c);
      return c;
    },
    async blackHole() {
      const h = await startBlackHole();
      holes.push(h);
      return h;
    },
  };
}
