import { strict as assert } from 'node:assert';
import { createClient, ErrorCode, ImpalaError, type CoordinatorDownEvent, type ImpalaClient, type RetriedEvent } from '../../src';
import { startBlackHole, type BlackHole } from '../helpers/black-hole';
import { PoolFixture, loadLoop, waitFor } from '../helpers/pool-fixtures';

/**
 * Issue 12: with DEFAULT options nothing stalls for long. These tests assert outcomes
 * (errors, attempts, states, events); the timings are measured by the failover bench.
 */
describe('default options never stall (simulator)', function () {
  this.timeout(90_000);
  const fx = new PoolFixture();
  let hole: BlackHole | undefined;
  const clients: ImpalaClient[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await hole?.stop();
    hole = undefined;
    await fx.stop();
  });

  /** A client with default options only (no test-speed settings). */
  function defaults(coordinators: string[]): ImpalaClient {
    const c = createClient({ coordinators });
    clients.push(c);
    return c;
  }

  it('a coordinator that stops answering under 8 query loops: no caller error; a liveness check marks it down and calls move on', async () => {
    await fx.start();
    const impala = defaults(fx.cluster.coordinators.map((c) => c.address));
    const victim = fx.cluster.coordinators[0]!;
    const downs: CoordinatorDownEvent[] = [];
    const retried: RetriedEvent[] = [];
    impala.on('coordinatorDown', (e) => downs.push(e));
    impala.on('retried', (e) => retried.push(e));
    setTimeout(() => void victim.hang(), 1500);
    const load = await loadLoop(8, 6000, () => impala.query('SELECT 42 AS answer'));
    await victim.resume();
    assert.deepEqual(load.errors.map((e) => e.message), []);
    const down = downs.find((d) => d.coordinator === victim.address);
    assert.ok(down, 'the hung coordinator was marked down');
    // By a liveness check (a ping or an open on another connection), not by rpcTimeoutMs (60 s).
    assert.ok(down.error instanceof ImpalaError && down.error.code === ErrorCode.RPC_TIMEOUT, `${down.error?.message}`);
    assert.match(down.error.message, /(PingImpalaHS2Service|OpenSession) got no answer within \d+ ms/);
    assert.ok(retried.every((r) => r.coordinator === victim.address), `retries from ${retried.map((r) => r.coordinator).join(', ')}`);
    assert.equal(impala.stats().coordinators.filter((c) => c.state !== 'up').length, 1);
  });

  it('a long query on a healthy coordinator runs to its end on its first attempt', async () => {
    await fx.start({ coordinators: 2 });
    const impala = defaults(fx.cluster.coordinators.map((c) => c.address));
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
    hole = await startBlackHole();
    const impala = defaults([hole.address, fx.cluster.coordinators[0]!.address]);
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
    const impala = defaults(fx.cluster.coordinators.map((c) => c.address));
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
      if (restarted && r.coordinator === victim.address) servedAfter++;
    });
    await chaos;
    assert.deepEqual(load.errors.map((e) => e.message), []);
    assert.deepEqual(ups, [victim.address]);
    assert.ok(servedAfter > 0, 'the restarted coordinator took traffic');
  });

  it('close() while a call waits on a server that never answers: the call ends with IMPALA_ERR_CLOSED and close() returns', async () => {
    hole = await startBlackHole();
    const impala = defaults([hole.address]);
    const call = impala.query('SELECT 1').then(
      () => undefined,
      (e: unknown) => e,
    );
    await waitFor(() => hole!.accepted > 0, 5000, 'the connect to the black hole');
    await impala.close();
    const err = await call;
    assert.ok(err instanceof ImpalaError, String(err));
    assert.equal(err.code, ErrorCode.CLOSED);
  });

  it('close() while a stream consumer has stopped reading: the stream ends with an error, not a short result', async () => {
    await fx.start({ coordinators: 1 });
    const impala = defaults(fx.cluster.coordinators.map((c) => c.address));
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
