import { strict as assert } from 'node:assert';
import { AcquireTimeoutError, ClosedError, ConnectError, ErrorCode } from '../../src/errors';
import type { ConnectionCloseReason } from '../../src/events';
import type { PooledUnit } from '../../src/pool/pooled-unit';
import { SessionPool, type SessionPoolHooks, type SessionPoolSettings } from '../../src/pool/session-pool';
import { FakeWorld, type FakeCoordinator } from '../helpers/fake-sessions';

const ADDRESS = '10.0.0.1:21050';

describe('SessionPool (fake sessions, fake timers)', () => {
  let world: FakeWorld;
  let server: FakeCoordinator;
  let retired: Array<{ unit: PooledUnit; reason: ConnectionCloseReason }>;
  let createFailures: Error[];
  let checks: Array<(unit: PooledUnit) => true | ConnectionCloseReason>;

  beforeEach(() => {
    world = new FakeWorld();
    server = world.coordinator(ADDRESS);
    retired = [];
    createFailures = [];
    checks = [];
  });
  afterEach(() => world.restore());

  function pool(over: Partial<SessionPoolSettings> = {}): SessionPool {
    const hooks: SessionPoolHooks = {
      create: () => server.openSession(),
      quickCheck: () => (checks.length > 0 ? undefined : true),
      check: async (unit) => (checks.length > 0 ? checks.shift()!(unit) : true),
      retire: async (unit, reason) => {
        retired.push({ unit, reason });
        await unit.session.close();
      },
      createFailed: (err) => createFailures.push(err),
      describeState: () => 'coordinator up',
    };
    return new SessionPool({ address: ADDRESS, maxConnections: 2, minIdle: 0, acquireTimeoutMs: 1000, idleTimeoutMs: 0, maxLifetimeMs: 0, ...over }, hooks, world.clock, () => 0.5);
  }

  it('opens on demand up to the limit, then lends what is given back, most recently used first', async () => {
    const p = pool();
    const a = await p.acquire();
    const b = await p.acquire();
    assert.equal(server.opens, 2);
    const third = p.acquire();
    await world.clock.flush();
    assert.equal(p.waiting, 1, 'the third caller waits: the limit is 2');
    p.release(a);
    assert.equal(await third, a, 'the caller in line gets the unit given back');
    p.release(b);
    p.release(a);
    assert.equal(await p.acquire(), a, 'most recently returned first');
    assert.equal(server.opens, 2);
  });

  it('a failed open fails only the callers no other open can serve (one failed connect = one attempt)', async () => {
    const p = pool({ maxConnections: 3 });
    server.behaviour = 'refuse';
    const results = await Promise.allSettled([p.acquire(), p.acquire()]);
    assert.deepEqual(
      results.map((r) => r.status === 'rejected' && (r.reason as ConnectError).code),
      [ErrorCode.CONNECT_REFUSED, ErrorCode.CONNECT_REFUSED],
    );
    assert.equal(server.opens, 2, 'one open per caller, no retry loop');
    assert.equal(createFailures.length, 2);
    assert.equal(p.size, 0);
  });

  it('acquire times out with a message naming the coordinator, what is in use, the pending connect and its age', async () => {
    const p = pool({ maxConnections: 1 });
    server.behaviour = 'hang';
    const pending = p.acquire().then(
      () => assert.fail('resolved'),
      (e: unknown) => e,
    );
    await world.clock.tick(999);
    assert.equal(p.waiting, 1);
    await world.clock.tick(1);
    const err = await pending;
    assert.ok(err instanceof AcquireTimeoutError);
    assert.equal(err.code, ErrorCode.ACQUIRE_TIMEOUT);
    assert.equal(err.coordinator, ADDRESS);
    assert.match(err.message, /no connection to 10\.0\.0\.1:21050 became available within 1000 ms/);
    assert.match(err.message, /0 of 1 connections in use/);
    assert.match(err.message, /1 connect\(s\) pending, the oldest for 1000 ms without an answer/);
    assert.match(err.message, /coordinator up/);
  });

  it('an acquire timeout after a failed connect names that error and keeps it as the cause', async () => {
    const p = pool({ maxConnections: 1 });
    server.behaviour = 'refuse';
    await assert.rejects(p.acquire(), (e: unknown) => e instanceof ConnectError);
    await world.clock.tick(300);
    server.behaviour = 'hang';
    const waiting = p.acquire().catch((e: unknown) => e);
    await world.clock.tick(1000);
    const err = (await waiting) as AcquireTimeoutError;
    assert.ok(err instanceof AcquireTimeoutError);
    assert.match(err.message, /last connect error 1300 ms ago: IMPALA_ERR_CONNECT_REFUSED: connection to 10\.0\.0\.1:21050 refused/);
    assert.ok(err.cause instanceof ConnectError);
  });

  it('a unit that fails its check is retired and the caller gets another one', async () => {
    const p = pool();
    const a = await p.acquire();
    p.release(a);
    checks.push(() => 'validationFailed');
    const b = await p.acquire();
    assert.notEqual(b, a);
    assert.deepEqual(
      retired.map((r) => [r.unit, r.reason]),
      [[a, 'validationFailed']],
    );
  });

  it('an aborted waiter leaves the line with the abort reason', async () => {
    const p = pool({ maxConnections: 1 });
    const held = await p.acquire();
    const ac = new AbortController();
    const waiting = p.acquire(ac.signal).catch((e: unknown) => e);
    await world.clock.flush();
    ac.abort(new Error('stop'));
    assert.equal(((await waiting) as Error).message, 'stop');
    assert.equal(p.waiting, 0);
    p.release(held);
    assert.equal(p.idle, 1);
  });

  it('clear() retires idle units now and lent ones when they come back', async () => {
    const p = pool();
    const a = await p.acquire();
    const b = await p.acquire();
    p.release(a);
    p.clear();
    await world.clock.flush();
    assert.deepEqual(retired.map((r) => r.reason), ['stale']);
    p.release(b);
    await world.clock.flush();
    assert.deepEqual(retired.map((r) => r.reason), ['stale', 'stale']);
    assert.equal(p.size, 0);
  });

  it('cut() destroys every channel, lent ones too, and fails waiting callers with the cause', async () => {
    const p = pool({ maxConnections: 1 });
    const a = await p.acquire();
    const waiting = p.acquire().catch((e: unknown) => e);
    await world.clock.flush();
    const cause = new Error('no answer to a liveness check');
    p.cut(cause);
    assert.equal(await waiting, cause);
    assert.equal(a.session.connection.closed, true);
    assert.equal((a.session.connection as unknown as { destroyedWith: Error }).destroyedWith, cause);
  });

  it('a caller whose unit was being checked when the pool was cut moves on with the cut\'s error, not a new connect there', async () => {
    const p = pool();
    p.release(await p.acquire());
    const opens = server.opens;
    // The idle unit needs a (slow) check, which fails; the pool is cut meanwhile.
    checks.push(() => 'validationFailed');
    const waiting = p.acquire().catch((e: unknown) => e);
    const cause = new Error('no answer to a liveness check');
    p.cut(cause);
    assert.equal(await waiting, cause);
    await world.clock.flush();
    assert.equal(server.opens, opens, 'no connect to the coordinator that was given up on');
  });

  it('retires idle units above minIdle after idleTimeoutMs, with an unref\'d timer', async () => {
    const p = pool({ maxConnections: 3, minIdle: 1, idleTimeoutMs: 5000 });
    await world.clock.flush();
    assert.equal(p.size, 1, 'minIdle opened at start');
    const units = [await p.acquire(), await p.acquire(), await p.acquire()];
    for (const u of units) p.release(u);
    assert.ok(world.clock.unrefd.size >= 1, 'eviction timer unref\'d');
    assert.equal(world.clock.refd.size, 0, 'no timer keeps the process alive while idle');
    await world.clock.tick(4999);
    assert.equal(p.idle, 3);
    await world.clock.tick(1);
    assert.equal(p.idle, 1, 'kept minIdle');
    assert.deepEqual(retired.map((r) => r.reason), ['idle', 'idle']);
  });

  it('retires a unit past its lifetime when it comes back', async () => {
    const p = pool({ maxLifetimeMs: 10_000 });
    const a = await p.acquire();
    await world.clock.tick(10_000);
    p.release(a);
    await world.clock.flush();
    assert.deepEqual(retired.map((r) => r.reason), ['lifetime']);
  });

  it('close() fails waiting callers, retires idle units, refuses new acquires and retires lent ones on return', async () => {
    const p = pool({ maxConnections: 1 });
    const a = await p.acquire();
    const waiting = p.acquire().catch((e: unknown) => e);
    await world.clock.flush();
    const closing = p.close();
    assert.ok((await waiting) instanceof ClosedError);
    await assert.rejects(p.acquire(), ClosedError);
    p.release(a);
    await closing;
    assert.deepEqual(retired.map((r) => r.reason), ['poolClosed']);
  });
});
