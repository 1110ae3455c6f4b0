import { strict as assert } from 'node:assert';
import { ErrorCode, hasCode, ImpalaError } from '../../src/errors';
import * as I from '../../src/thrift/gen-nodejs/ImpalaService_types';
import * as T from '../../src/thrift/gen-nodejs/TCLIService_types';
import { check, eventually, Hs2TestClient } from './helpers/hs2-client';
import { uniqueTable, useCluster } from './helpers/sim-fixture';

const SHUTDOWN_TEXT =
  /^Server is being shut down: shutdown grace period left: [0-9hms]+, deadline left: [0-9hms]+, queries registered on coordinator: \d+, queries executing: \d+, fragment instances: \d+\.\n$/;

function isConnectionError(err: unknown): boolean {
  return hasCode(err, ErrorCode.CONNECTION_LOST) || hasCode(err, ErrorCode.CONNECTION_CLOSED);
}

/** Settles within `ms`? (without failing the test if it does not) */
async function settlesWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  let done = false;
  void p.then(
    () => (done = true),
    () => (done = true),
  );
  await new Promise((r) => setTimeout(r, ms));
  return done;
}

describe('simulator: faults as a client observes them', function () {
  this.timeout(30_000);
  const sim = useCluster({ coordinators: 3, fetchRowsTimeoutMs: 3000 });

  afterEach(async () => {
    // Every test leaves the cluster whole for the next one.
    for (const c of sim.cluster.coordinators) {
      await c.resume();
      await c.setRpcDelay(0);
      await c.dropIdle(0);
      await c.refuseConnections(0);
      await c.dropDuringFetch(0);
      await c.setAdmission(null);
      if (!c.up) await c.restart();
    }
  });

  it('kill(): the pending call sees its connection reset, new connects are refused, restart() serves again', async () => {
    const c = sim.cluster.coordinators[0]!;
    const client = await sim.connect(c);
    const s = await client.openSession();
    const op = await client.execute(s, 'SELECT sleep(5000)');
    const pending = client.fetchRaw(op).then(
      () => undefined,
      (err: unknown) => err,
    );
    await eventually(() => sim.cluster.stats()[0]!.openOperations === 1, 'the query to be registered');
    await c.kill();
    assert.equal(c.up, false);
    const err = await pending;
    assert.ok(hasCode(err, ErrorCode.CONNECTION_LOST) && (err as { requestWritten?: boolean }).requestWritten === true, String(err));
    await assert.rejects(Hs2TestClient.connect({ host: c.host, port: c.port }), (err: unknown) => hasCode(err, ErrorCode.CONNECT_REFUSED));
    const stats = sim.cluster.stats()[0]!;
    assert.deepEqual([stats.up, stats.openSessions, stats.openOperations, stats.connections], [false, 0, 0, 0]);
    assert.ok(stats.executed.some((e) => e.sql === 'SELECT sleep(5000)'), 'the execution log outlives the kill');
    await c.restart();
    const fresh = await sim.connect(c);
    assert.deepEqual(await fresh.query(await fresh.openSession(), 'SELECT 1'), [[1]]);
  });

  it('hang(): connects succeed but nothing is answered until resume()', async () => {
    const c = sim.cluster.coordinators[1]!;
    const client = await sim.connect(c);
    const s = await client.openSession();
    await c.hang();
    const call = client.query(s, 'SELECT 5');
    assert.equal(await settlesWithin(call, 300), false, 'no answer while hung');
    const late = await sim.connect(c); // the kernel still accepts
    const lateSession = late.openSession();
    assert.equal(await settlesWithin(lateSession, 100), false);
    await c.resume();
    assert.deepEqual(await call, [[5]]);
    await lateSession;
  });

  it('hang(): a client with an RPC timeout gives up; the call is never answered', async () => {
    const c = sim.cluster.coordinators[1]!;
    const client = await sim.connect(c);
    const s = await client.openSession();
    await c.hang();
    const started = Date.now();
    await assert.rejects(
      client.call('PingImpalaHS2Service', new I.TPingImpalaHS2ServiceReq({ sessionHandle: s }), I.TPingImpalaHS2ServiceResp, 250),
      (err: unknown) => hasCode(err, ErrorCode.RPC_TIMEOUT),
    );
    assert.ok(Date.now() - started >= 240);
  });

  it('shutdown(): new work is refused with Impala\'s text, running queries finish, then the coordinator exits', async () => {
    const c = sim.cluster.coordinators[2]!;
    const client = await sim.connect(c);
    const s = await client.openSession();
    const running = await client.execute(s, 'SELECT sleep(400) AS x');
    await c.shutdown({ deadlineMs: 10_000 });
    const refused = await client.executeRaw(s, 'SELECT 1');
    assert.equal(refused.status.statusCode, T.TStatusCode.ERROR_STATUS);
    assert.match(refused.status.errorMessage!, SHUTDOWN_TEXT);
    assert.match(refused.status.errorMessage!, /queries registered on coordinator: 1,/);
    assert.match((await client.openSessionRaw()).status.errorMessage!, SHUTDOWN_TEXT);
    const info = await client.call('GetInfo', new T.TGetInfoReq({ sessionHandle: s, infoType: T.TGetInfoType.CLI_SERVER_NAME }), T.TGetInfoResp);
    assert.match(info.status.errorMessage!, SHUTDOWN_TEXT);
    check('Ping during shutdown', (await client.ping(s)).status);
    assert.equal(c.up, true, 'still up while a query is registered');
    assert.deepEqual(await client.fetchAll(running), [[true]], 'the running query finishes and can be fetched');
    check('close', (await client.closeOperation(running)).status);
    await c.waitUntilDown(5000);
    assert.equal(c.up, false);
    await assert.rejects(Hs2TestClient.connect({ host: c.host, port: c.port }), (err: unknown) => hasCode(err, ErrorCode.CONNECT_REFUSED));
  });

  it('shutdown(): the deadline ends it even with a query still registered', async () => {
    const c = sim.cluster.coordinators[2]!;
    const client = await sim.connect(c);
    const s = await client.openSession();
    await client.execute(s, 'SELECT sleep(10000)');
    const started = Date.now();
    await c.shutdown({ graceMs: 100, deadlineMs: 300 });
    await c.waitUntilDown(5000);
    assert.ok(Date.now() - started >= 280, 'not before the deadline');
    await eventually(() => client.conn.closed, 'the client to see its connection closed');
  });

  it('dropIdle(ms): idle connections are closed like a proxy does, busy ones stay', async () => {
    const c = sim.cluster.coordinators[0]!;
    const idle = await sim.connect(c);
    const busy = await sim.connect(c);
    const s = await busy.openSession();
    const closed = new Promise<Error | undefined>((resolve) => idle.conn.on('close', resolve));
    await c.dropIdle(200);
    const started = Date.now();
    const deadline = started + 600;
    while (Date.now() < deadline) {
      check('Ping', (await busy.ping(s)).status);
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(idle.conn.closed, true, 'the idle connection was closed');
    const err = await closed;
    assert.ok(err === undefined || !(err instanceof ImpalaError) || isConnectionError(err));
    assert.equal(busy.conn.closed, false, 'the active one is still open');
    await c.dropIdle(0);
    await new Promise((r) => setTimeout(r, 300));
    check('Ping after dropIdle(0)', (await busy.ping(s)).status);
  });

  it('setRpcDelay(): one method is slowed; a client that gives up still has its statement executed', async () => {
    const c = sim.cluster.coordinators[0]!;
    const client = await sim.connect(c);
    const s = await client.openSession();
    await c.setRpcDelay({ method: 'ExecuteStatement', ms: 400 });
    const t0 = Date.now();
    check('Ping', (await client.ping(s)).status);
    assert.ok(Date.now() - t0 < 300, 'other methods are not delayed');
    const t = uniqueTable('delay');
    await client.query(s, `CREATE TABLE ${t} (a INT)`);
    assert.ok(Date.now() - t0 >= 400, 'ExecuteStatement was delayed');
    const insert = `INSERT INTO ${t} VALUES (1)`;
    await assert.rejects(
      client.call('ExecuteStatement', new T.TExecuteStatementReq({ sessionHandle: s, statement: insert }), T.TExecuteStatementResp, 150),
      (err: unknown) => hasCode(err, ErrorCode.RPC_TIMEOUT),
    );
    await eventually(() => sim.cluster.stats()[0]!.executed.some((e) => e.sql === insert), 'the abandoned INSERT to run anyway');
    await c.setRpcDelay(0);
    const other = await sim.connect(c);
    const t1 = Date.now();
    assert.deepEqual(await other.query(await other.openSession(), `SELECT count(*) FROM ${t}`), [[1n]]);
    assert.ok(Date.now() - t1 < 300, 'delay cleared');
  });

  it('refuseConnections(n): the next n connections are reset, then connects work again', async () => {
    const c = sim.cluster.coordinators[1]!;
    await c.refuseConnections(2);
    for (let i = 0; i < 2; i++) {
      const attempt = Hs2TestClient.connect({ host: c.host, port: c.port }).then(async (cl) => {
        try {
          await cl.openSession();
        } finally {
          await cl.close();
        }
      });
      await assert.rejects(attempt, (err: unknown) => isConnectionError(err) || hasCode(err, ErrorCode.CONNECT_FAILED), `attempt ${i + 1}`);
    }
    const ok = await sim.connect(c);
    check('OpenSession', (await ok.openSessionRaw()).status);
  });

  it('dropDuringFetch(): the connection is reset mid-reply; the rows of that batch are gone', async () => {
    const c = sim.cluster.coordinators[2]!;
    const client = await sim.connect(c);
    const s = await client.openSession();
    const t = uniqueTable('drop');
    await client.query(s, `CREATE TABLE ${t} (n INT)`);
    await client.query(s, `INSERT INTO ${t} VALUES ${Array.from({ length: 30 }, (_, i) => `(${i})`).join(',')}`);
    const op = await client.execute(s, `SELECT n FROM ${t} ORDER BY n`);
    await client.waitDone(op);
    await c.dropDuringFetch();
    await assert.rejects(client.fetchRaw(op, 10), (err: unknown) => hasCode(err, ErrorCode.CONNECTION_LOST) && (err as { requestWritten?: boolean }).requestWritten === true);
    // The session and the query survive on the coordinator: reconnect and go on.
    const again = await sim.connect(c);
    const next = await again.fetchRaw(op, 10);
    check('FetchResults', next.status);
    assert.equal(Number(next.results!.startRowOffset), 10, 'the dropped batch was consumed');
    assert.deepEqual(next.results!.columns![0]!.i32Val!.values, [10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
  });

  it('admission: queue, queue timeout and queue-full rejection with Impala\'s texts', async () => {
    const c = sim.cluster.coordinators[0]!;
    const client = await sim.connect(c);
    const s = await client.openSession();
    await c.setAdmission({ maxRunning: 1, maxQueued: 1, queueTimeoutMs: 300 });
    const running = await client.execute(s, 'SELECT sleep(1500)');
    await eventually(async () => (await client.status(running)).operationState === T.TOperationState.RUNNING_STATE, 'the first query to run');
    const queued = await client.execute(s, 'SELECT 2');
    const rejected = await client.execute(s, 'SELECT 3');
    const rej = await client.waitDone(rejected);
    assert.equal(rej.operationState, T.TOperationState.ERROR_STATE);
    assert.match(rej.errorMessage!, /failed:\nRejected query from pool default-pool: queue full, limit=1, num_queued=1\.\n$/);
    assert.equal((await client.status(queued)).operationState, T.TOperationState.PENDING_STATE);
    assert.match((await client.log(queued)).log, /Admission result : Queued\nLatest admission queue reason : number of running queries 1 is at or over limit 1\.\n/);
    const timedOut = await client.waitDone(queued);
    assert.equal(timedOut.operationState, T.TOperationState.ERROR_STATE);
    assert.match(
      timedOut.errorMessage!,
      /failed:\nAdmission for query exceeded timeout 300ms in pool default-pool\. Queued reason: number of running queries 1 is at or over limit 1\. Additional Details: /,
    );
    const log = sim.cluster.stats()[0]!.executed.map((e) => e.sql);
    assert.ok(!log.includes('SELECT 2') && !log.includes('SELECT 3'), 'rejected queries never executed');
    await client.cancel(running);
  });

  it('admission: a queued query runs when the running one finishes', async () => {
    const c = sim.cluster.coordinators[0]!;
    const client = await sim.connect(c);
    const s = await client.openSession();
    await c.setAdmission({ maxRunning: 1, maxQueued: 5, queueTimeoutMs: 10_000 });
    const first = await client.execute(s, 'SELECT sleep(300)');
    const second = await client.execute(s, 'SELECT 22');
    await eventually(async () => (await client.status(second)).operationState === T.TOperationState.PENDING_STATE, 'the second query to queue');
    await client.waitDone(first);
    assert.deepEqual(await client.fetchAll(first), [[true]]);
    const done = await client.waitDone(second);
    assert.equal(done.operationState, T.TOperationState.FINISHED_STATE);
    assert.deepEqual(await client.fetchAll(second), [[22]]);
  });
});
