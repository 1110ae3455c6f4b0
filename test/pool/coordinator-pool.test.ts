import { strict as assert } from 'node:assert';
import { ConnectError, ConnectionLostError, ErrorCode, serverError } from '../../src/errors';
import { CoordinatorPool, type CoordinatorPoolOptions } from '../../src/pool/coordinator-pool';
import { connectionAfterFailure } from '../../src/pool/lease';
import { FakeWorld, poolOptions, type FakeCoordinator, type FakeSession } from '../helpers/fake-sessions';

const ADDRESS = '10.0.0.1:21050';

describe('CoordinatorPool (fake sessions, fake timers)', () => {
  let world: FakeWorld;
  let server: FakeCoordinator;
  let pools: CoordinatorPool[];

  beforeEach(() => {
    world = new FakeWorld();
    server = world.coordinator(ADDRESS);
    pools = [];
  });
  afterEach(async () => {
    await Promise.all(pools.map((p) => p.close()));
    world.restore();
  });

  function pool(over: Partial<CoordinatorPoolOptions> = {}): CoordinatorPool {
    const p = new CoordinatorPool(poolOptions(ADDRESS, 0, over), world.deps());
    pools.push(p);
    return p;
  }

  it('counts a request as in flight from the moment acquire is called until the lease is released, exactly once', async () => {
    const p = pool({ maxConnections: 1 });
    const first = await p.acquire();
    assert.equal(p.view.inFlight, 1);
    const second = p.acquire();
    assert.equal(p.view.inFlight, 2, 'counted synchronously, while still waiting for a connection');
    first.release();
    first.release();
    const lease = await second;
    assert.equal(p.view.inFlight, 1, 'a second release does nothing');
    lease.release();
    assert.equal(p.view.inFlight, 0);
    assert.equal(p.stats().idle, 1);
  });

  it('pings a unit idle longer than validateAfterIdleMs before lending it, not a fresh one', async () => {
    const p = pool();
    const first = await p.acquire();
    const s = first.session as FakeSession;
    first.release();
    await world.clock.tick(100);
    (await p.acquire()).release();
    assert.equal(s.pings, 0);
    await world.clock.tick(600);
    (await p.acquire()).release();
    assert.equal(s.pings, 1);
    assert.deepEqual(world.log.of('connectionValidated').map((e) => e.how), ['ping']);
  });

  it('reattaches the same server session over a new channel when the idle channel was cut', async () => {
    const p = pool();
    const lease = await p.acquire();
    const s = lease.session as FakeSession;
    const oldChannel = s.connection;
    lease.release();
    oldChannel.destroy(new Error('proxy idle cut'));
    await world.clock.tick(1000);
    const again = await p.acquire();
    assert.equal(again.session, s, 'the same session');
    assert.notEqual(s.connection, oldChannel, 'on a new channel');
    assert.equal(server.sessions.length, 1, 'no new server session');
    assert.deepEqual(world.log.of('connectionValidated').map((e) => e.how), ['reattached']);
    again.release();
  });

  it('a cut channel to a restarted coordinator: the session is gone, the pool is cleared, the caller gets a new session', async () => {
    const p = pool();
    const lease = await p.acquire();
    const s = lease.session as FakeSession;
    lease.release();
    s.connection.destroy(new Error('reset'));
    server.restart();
    await world.clock.tick(1000);
    const again = await p.acquire();
    assert.notEqual(again.session, s);
    assert.equal(world.log.of('poolCleared').length, 1);
    assert.match(world.log.of('poolCleared')[0]!.reason, /restarted/);
    again.release();
  });

  it('a refused connect marks the coordinator down at once, clears the pool and emits coordinatorDown', async () => {
    const p = pool();
    const held = await p.acquire();
    server.behaviour = 'refuse';
    const held2 = p.acquire();
    await assert.rejects(held2, (e: unknown) => e instanceof ConnectError && e.code === ErrorCode.CONNECT_REFUSED);
    assert.equal(p.state, 'down');
    assert.equal(p.selectable, false);
    assert.equal(world.log.of('coordinatorDown').length, 1);
    assert.equal(world.log.of('coordinatorDown')[0]!.previous, 'up');
    assert.equal(p.stats().generation, 1);
    held.release();
    await world.clock.flush();
    assert.deepEqual(world.log.of('connectionClosed').map((e) => e.reason), ['stale'], 'the stale unit is closed on return');
  });

  it('a lease released after a lost connection closes the unit and closes the server session over a new channel', async () => {
    const p = pool();
    const lease = await p.acquire();
    const s = lease.session as FakeSession;
    s.connection.destroy(new Error('reset'));
    lease.release({ error: new ConnectionLostError('lost', true, { method: 'FetchResults' }) });
    await world.clock.flush();
    assert.deepEqual(server.remotelyClosed, [s.sessionId]);
    assert.equal(p.stats().open, 0);
  });

  it('an aborted request never returns its session to the pool', async () => {
    const p = pool();
    const lease = await p.acquire();
    lease.release({ error: new Error('aborted'), aborted: true });
    await world.clock.flush();
    assert.equal(p.stats().open, 0);
    assert.equal(p.state, 'up', 'an abort says nothing about the coordinator');
  });

  it('keepalive pings quiet idle units on an unref\'d timer', async () => {
    const p = pool({ keepAliveIntervalMs: 1000 });
    const lease = await p.acquire();
    const s = lease.session as FakeSession;
    lease.release();
    await world.clock.tick(1500);
    assert.ok(s.pings >= 1, `pings: ${s.pings}`);
    assert.equal(world.clock.refd.size, 0, 'nothing keeps the process alive');
  });

  it('probes a refusing coordinator every 250 ms; the probe that finds it back brings it up (rise 1) and its session serves the next call', async () => {
    const p = pool();
    server.behaviour = 'refuse';
    await assert.rejects(p.acquire());
    assert.equal(p.state, 'down');
    await world.clock.tick(5000);
    server.behaviour = 'up';
    const opens = server.opens;
    await world.clock.tick(250);
    assert.equal(p.state, 'up');
    assert.equal(world.log.of('coordinatorUp').length, 1);
    assert.equal(p.stats().idle, 1, 'the probe session joined the pool');
    (await p.acquire()).release();
    assert.equal(server.opens, opens + 1, 'no new connection for the first call after recovery');
  });
});

describe('connectionAfterFailure', () => {
  let world: FakeWorld;
  afterEach(() => world.restore());

  it('says reuse after a server answer, reconnect after a transport failure, discard when the session is gone', async () => {
    world = new FakeWorld();
    const s = await world.coordinator(ADDRESS).openSession();
    assert.equal(connectionAfterFailure(serverError('AnalysisException: nope'), s), 'reuse');
    assert.equal(connectionAfterFailure(serverError('Invalid session id: 1'), s), 'discard');
    assert.equal(connectionAfterFailure(serverError('Server is being shut down: x'), s), 'discard');
    assert.equal(connectionAfterFailure(new ConnectionLostError('lost', true), s), 'reconnect');
    assert.equal(connectionAfterFailure(new Error('a bug'), s), 'reconnect');
    s.connection.destroy();
    assert.equal(connectionAfterFailure(serverError('AnalysisException: nope'), s), 'reconnect', 'a closed channel is never reused');
    await s.close();
    assert.equal(connectionAfterFailure(new ConnectionLostError('lost', true), s), 'discard');
  });
});
