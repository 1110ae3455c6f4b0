import { strict as assert } from 'node:assert';
import { ErrorCode, ImpalaError, NoCoordinatorError, OutcomeUnknownError, createClient } from '../../src';
import { FAST, PoolFixture, describeVariants, waitFor } from '../helpers/pool-fixtures';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function rejection(p: Promise<unknown>): Promise<ImpalaError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof ImpalaError, `not an ImpalaError: ${String(err)}`);
    return err;
  }
  assert.fail('expected a rejection');
}

describeVariants('pool: what is never lost or repeated (simulator)', function (v) {
  this.timeout(30_000);
  const fx = new PoolFixture(v);
  afterEach(() => fx.stop());

  /**
   * Makes coordinator 0 run the statement (ExecuteStatement / query is answered at
   * once), then hold the client's first status poll long enough for its idle cut to
   * drop the socket: the connection is lost after the statement was written and executed.
   */
  async function dropAfterExecuteIsWritten(): Promise<void> {
    const c = fx.cluster.coordinators[0]!;
    await c.setRpcDelay({ method: v.statusMethod, ms: 600 });
    await c.dropIdle(250);
  }

  const inserts = (sql: string): number => fx.cluster.stats().reduce((n, c) => n + c.executed.filter((e) => e.sql === sql).length, 0);

  it('DML whose socket drops after ExecuteStatement was written: the caller is told it may have run; it ran exactly once', async () => {
    await fx.start();
    await fx.cluster.seed('CREATE TABLE events (id BIGINT, note VARCHAR)');
    const impala = fx.client({ balance: 'roundrobin' });
    await dropAfterExecuteIsWritten();
    const sql = "INSERT INTO events VALUES (1, 'once')";
    const err = await rejection(impala.execute(sql));
    assert.ok(err instanceof OutcomeUnknownError, `${err.code}: ${err.message}`);
    assert.equal(err.code, ErrorCode.OUTCOME_UNKNOWN);
    assert.equal(err.mayHaveRun, true);
    assert.match(err.message, /may have run/);
    assert.equal((err.cause as ImpalaError).code, ErrorCode.CONNECTION_LOST);
    await waitFor(() => inserts(sql) >= 1, 3000, 'the INSERT to execute');
    await sleep(300);
    assert.equal(inserts(sql), 1, 'executed once, never retried');
    const rows = await impala.query('SELECT count(*) AS n FROM events');
    assert.equal(rows.rows[0]!.n, 1n);
  });

  it('the same DML marked idempotent is retried on another coordinator', async () => {
    await fx.start();
    await fx.cluster.seed('CREATE TABLE marks (id BIGINT)');
    const impala = fx.client({ balance: 'roundrobin' });
    await dropAfterExecuteIsWritten();
    const sql = 'INSERT INTO marks VALUES (7)';
    const res = await impala.execute(sql, { idempotent: true });
    assert.equal(res.attempts, 2);
    assert.notEqual(res.coordinator, fx.address(0));
    await waitFor(() => inserts(sql) === 2, 3000, 'both executions (the first ran before its socket was cut)');
  });

  it('all coordinators down: a prompt error naming every coordinator and its last error; works again when one returns', async () => {
    await fx.start();
    const impala = fx.client({ healthCheckIntervalMs: 100, rise: 1 });
    await impala.query('SELECT 1');
    for (const c of fx.cluster.coordinators) await c.kill();
    const err = await rejection(impala.query('SELECT 1'));
    assert.ok(err instanceof NoCoordinatorError, `${err.code}: ${err.message}`);
    for (const a of fx.addresses()) assert.ok(err.message.includes(a), `message names ${a}: ${err.message}`);
    assert.deepEqual([...err.errors.keys()], fx.addresses(), 'keyed by plain address');
    assert.deepEqual([...err.states.values()], ['down', 'down', 'down']);
    // Prompt: every coordinator failed on a refused connect (or the reset of its
    // pooled socket), none on a timeout that would have had to elapse first.
    for (const e of err.errors.values()) {
      assert.ok(e instanceof ImpalaError, 'each coordinator has its last error');
      assert.ok(e.code === ErrorCode.CONNECT_REFUSED || e.code === ErrorCode.CONNECTION_LOST, `${e.code}: ${e.message}`);
    }
    await fx.cluster.coordinators[1]!.restart();
    await waitFor(async () => {
      try {
        await impala.query('SELECT 1');
        return true;
      } catch {
        return false;
      }
    }, 5000, 'the client to work again');
    const r = await impala.query('SELECT 5 AS five');
    assert.equal(r.coordinator, fx.address(1));
  });

  it('a lone address (one coordinator or a proxy) is tried even while marked down, so recovery needs no probe', async () => {
    await fx.start({ coordinators: 1 });
    const only = fx.cluster.coordinators[0]!;
    const impala = fx.client({ healthCheckIntervalMs: 60_000, healthCheckMaxIntervalMs: 60_000 });
    await impala.query('SELECT 1');
    await only.kill();
    await rejection(impala.query('SELECT 1'));
    assert.equal(impala.stats().coordinators[0]!.state, 'down');
    await only.restart();
    const r = await impala.query('SELECT 9 AS nine');
    assert.deepEqual(r.rows, [{ nine: 9 }]);
  });

  it('with every coordinator failing, total attempts stay within the retry budget', async () => {
    await fx.start();
    const addresses = fx.addresses();
    for (const c of fx.cluster.coordinators) await c.kill();
    const impala = createClient({ coordinators: addresses, protocol: v.name, ...FAST, retries: 5, retryBudgetRatio: 0.2, retryBudgetMinPerSecond: 0.5, healthCheckIntervalMs: 60_000, healthCheckMaxIntervalMs: 60_000 });
    fx.clients.push(impala);
    let retries = 0;
    impala.on('retried', () => retries++);
    const requests = 100;
    const results = await Promise.allSettled(Array.from({ length: requests }, () => impala.query('SELECT 1')));
    assert.ok(results.every((r) => r.status === 'rejected'));
    // Budget: 20% of 100 requests + 0.5/s over the 10 s window = 25 retries, however many `retries` allows per request.
    assert.ok(retries <= 25, `${retries} retries`);
    assert.ok(retries >= 1, 'some retries happened');
    assert.equal(impala.stats().retryBudget.retries, retries);
  });

  it('after close() the simulator shows zero open sessions and operations', async () => {
    await fx.start();
    const impala = fx.client({ minIdlePerCoordinator: 1 });
    await Promise.all(Array.from({ length: 12 }, (_, i) => impala.query('SELECT ? AS i', { params: [i] })));
    const streamed: unknown[] = [];
    for await (const row of impala.stream('SELECT range AS r FROM range(100000)')) {
      streamed.push(row);
      if (streamed.length === 10) break;
    }
    assert.ok(fx.cluster.stats().some((c) => c.openSessions > 0));
    await impala.close();
    // Beeswax has no close-session RPC: the server ends the session when it sees the socket close.
    if (!v.reattachable) await waitFor(() => fx.cluster.stats().every((c) => c.openSessions === 0 && c.openOperations === 0), 3000, 'the server to see the sockets close');
    const stats = fx.cluster.stats();
    for (const c of stats) {
      assert.equal(c.openSessions, 0, `${c.address} sessions`);
      assert.equal(c.openOperations, 0, `${c.address} operations`);
    }
    await assert.rejects(impala.query('SELECT 1'), (e: unknown) => e instanceof ImpalaError && e.code === ErrorCode.CLOSED);
  });
});
