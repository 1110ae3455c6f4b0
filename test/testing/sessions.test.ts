import { strict as assert } from 'node:assert';
import * as T from '../../src/thrift/gen-nodejs/TCLIService_types';
import { check, eventually } from './helpers/hs2-client';
import { useCluster } from './helpers/sim-fixture';

const DISCONNECTED_TIMEOUT_MS = 400;

describe('simulator: sessions and connections', function () {
  this.timeout(20_000);
  const sim = useCluster({ coordinators: 2, disconnectedSessionTimeoutMs: DISCONNECTED_TIMEOUT_MS });

  it('a session and its open query survive a reconnect to the same coordinator', async () => {
    const first = await sim.connect(0);
    const s = await first.openSession();
    await first.query(s, 'SET MEM_LIMIT=3g');
    const op = await first.execute(s, 'SELECT 42 AS answer');
    await first.waitDone(op);
    await first.close();
    await eventually(() => sim.cluster.stats()[0]!.connections === 0, 'the server to see the close');

    const second = await sim.connect(0);
    assert.deepEqual(await second.fetchAll(op), [[42]], 'the operation handle still works');
    const options = await second.query(s, 'SET');
    assert.equal(options.find((r) => String(r[0]).toUpperCase() === 'MEM_LIMIT')?.[1], '3g', 'session options kept');
    check('CloseSession', await second.closeSession(s));
  });

  it('a disconnected session is closed after disconnectedSessionTimeoutMs', async () => {
    const client = await sim.connect(0);
    const s = await client.openSession();
    const op = await client.execute(s, 'SELECT sleep(10000)');
    const before = sim.cluster.stats()[0]!;
    assert.ok(before.openSessions >= 1 && before.openOperations >= 1);
    await client.close();
    const closedAt = Date.now();
    await eventually(() => sim.cluster.stats()[0]!.openSessions === before.openSessions - 1, 'the session to expire', 5000);
    assert.ok(Date.now() - closedAt >= DISCONNECTED_TIMEOUT_MS - 50, 'not before the timeout');
    assert.equal(sim.cluster.stats()[0]!.openOperations, before.openOperations - 1, 'its query was closed too');
    const again = await sim.connect(0);
    const resp = await again.executeRaw(s, 'SELECT 1');
    assert.match(resp.status.errorMessage!, /^Invalid session id: [0-9a-f]{16}:[0-9a-f]{16}\n$/);
    assert.match((await again.status(op)).status.errorMessage!, /^Invalid or unknown query handle/);
  });

  it('another coordinator does not know the session', async () => {
    const a = await sim.connect(0);
    const b = await sim.connect(1);
    const s = await a.openSession();
    const resp = await b.executeRaw(s, 'SELECT 1');
    assert.equal(resp.status.statusCode, T.TStatusCode.ERROR_STATUS);
    assert.match(resp.status.errorMessage!, /^Invalid session id: /);
  });

  it('a restart loses every session: Invalid session id on the new incarnation', async () => {
    const c = sim.cluster.coordinators[1]!;
    const client = await sim.connect(1);
    const s = await client.openSession();
    const port = c.port;
    await c.restart();
    assert.equal(c.port, port, 'same port');
    assert.equal(c.up, true);
    const fresh = await sim.connect(1);
    const resp = await fresh.executeRaw(s, 'SELECT 1');
    assert.match(resp.status.errorMessage!, /^Invalid session id: /);
    assert.equal(sim.cluster.stats()[1]!.openSessions, 0);
  });

  it('stats count sessions, operations and connections, and drop back to zero when closed', async () => {
    const c = sim.cluster.coordinators[1]!;
    const base = sim.cluster.stats()[1]!;
    const client = await sim.connect(1);
    const s = await client.openSession();
    const op = await client.execute(s, 'SELECT 1');
    const during = sim.cluster.stats()[1]!;
    assert.equal(during.address, c.address);
    assert.equal(during.connections, base.connections + 1);
    assert.equal(during.openSessions, base.openSessions + 1);
    assert.equal(during.openOperations, base.openOperations + 1);
    await client.waitDone(op);
    await client.closeOperation(op);
    await client.closeSession(s);
    await client.close();
    await eventually(() => {
      const after = sim.cluster.stats()[1]!;
      return after.connections === base.connections && after.openSessions === base.openSessions && after.openOperations === base.openOperations;
    }, 'counts back to the baseline');
    const executed = sim.cluster.stats()[1]!.executed.filter((e) => e.sql === 'SELECT 1');
    assert.ok(executed.length >= 1);
    assert.ok(executed.every((e) => typeof e.at === 'number' && e.at <= Date.now()));
  });
});
