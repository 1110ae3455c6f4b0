import { strict as assert } from 'node:assert';
import { ConnectionLostError, RpcTimeoutError } from '../../src/errors';
import { CoordinatorPool, type CoordinatorPoolOptions } from '../../src/pool/coordinator-pool';
import { FakeChannel, FakeWorld, poolOptions, type FakeCoordinator, type FakeSession } from '../helpers/fake-sessions';

const ADDRESS = '10.0.0.1:21050';

/** A statement that never ends by itself (a long query, or a hung server): it ends when its signal fires or its channel is cut. */
const forever = (_sql: string, _s: FakeSession, signal: AbortSignal | undefined): Promise<void> =>
  new Promise((_, reject) => signal?.addEventListener('abort', () => reject(signal.reason)));

describe('liveness checks: a stalled call on a dead coordinator is cut, on a live one it goes on (fake timers)', () => {
  let world: FakeWorld;
  let server: FakeCoordinator;
  let pool: CoordinatorPool;

  beforeEach(() => {
    world = new FakeWorld();
    server = world.coordinator(ADDRESS);
  });
  afterEach(async () => {
    server.behaviour = 'up';
    server.ping = 'ok';
    await pool.close();
    world.restore();
  });

  function make(over: Partial<CoordinatorPoolOptions> = {}): CoordinatorPool {
    pool = new CoordinatorPool(poolOptions(ADDRESS, 0, over), world.deps());
    return pool;
  }

  /** Leases a session and starts a statement on it that never ends by itself; `spare` leaves another session idle. */
  async function stalledCall(spare = false): Promise<{ done: Promise<unknown>; session: FakeSession }> {
    const lease = await pool.acquire();
    if (spare) (await pool.acquire()).release();
    const session = lease.session as FakeSession;
    server.handler = forever;
    const done = session.query('SELECT sleep(3600000)').then(
      () => 'finished',
      (e: unknown) => e,
    );
    return { done, session };
  }

  it('a coordinator that stops answering: after one overrun point and one liveness bound, it is down and the call fails over', async () => {
    make();
    const { done, session } = await stalledCall(true);
    server.ping = 'hang';
    server.behaviour = 'hang';
    await world.clock.tick(999);
    assert.equal(pool.state, 'up', 'not yet at the overrun point');
    await world.clock.tick(1);
    assert.equal(pool.state, 'up', 'overran: the check is running');
    await world.clock.tick(999);
    assert.equal(pool.state, 'up');
    await world.clock.tick(1);
    assert.equal(pool.state, 'down');
    const err = await done;
    assert.ok(err instanceof ConnectionLostError, String(err));
    assert.equal(err.requestWritten, true);
    assert.match(err.message, /PingImpalaHS2Service got no answer within 1000 ms/);
    assert.equal(session.connection.closed, true);
    const down = world.log.of('coordinatorDown');
    assert.equal(down.length, 1);
    assert.ok(down[0]!.error instanceof RpcTimeoutError);
  });

  it('a call still waiting after a check found the coordinator alive is checked again: a hang later in that call is found', async () => {
    make();
    const { done } = await stalledCall(true);
    await world.clock.tick(1500);
    assert.equal(pool.state, 'up', 'the first check (at the overrun point) was answered');
    // The call's overrun hook has fired and will not fire again: only a later check sees this.
    server.ping = 'hang';
    server.behaviour = 'hang';
    await world.clock.tick(8000);
    assert.equal(pool.state, 'down');
    assert.ok((await done) instanceof ConnectionLostError);
  });

  it('names the RPC of the protocol its sessions speak: Beeswax is checked with PingImpalaService', async () => {
    server.protocol = 'beeswax';
    make();
    const { done } = await stalledCall(true);
    server.ping = 'hang';
    await world.clock.tick(2000);
    assert.equal(pool.state, 'down');
    assert.match(String(((await done) as Error).message), /PingImpalaService got no answer within 1000 ms/);
  });

  it('with no idle session to ping, the check opens one; a coordinator that accepts and never answers fails it', async () => {
    make();
    const { done } = await stalledCall();
    server.behaviour = 'hang';
    await world.clock.tick(2000);
    assert.equal(pool.state, 'down');
    assert.match(String(((await done) as Error).message), /OpenSession got no answer within 1000 ms/);
  });

  it('a legitimately long query on a coordinator that answers is never cut, and is checked ever less often', async () => {
    make();
    const { done } = await stalledCall(true);
    const idle = server.sessions[1]!;
    await world.clock.tick(60_000);
    assert.equal(pool.state, 'up');
    assert.equal(await Promise.race([done, Promise.resolve('still running')]), 'still running');
    // Checks at 1 s, then 1, 2, 4, 4, 4... s apart: about 16 in a minute, not 60.
    assert.ok(idle.pings >= 10 && idle.pings <= 20, `${idle.pings} pings in a minute`);
    assert.equal(world.log.of('coordinatorDown').length, 0);
  });

  it('a connect that gets no answer: waiting callers fail over after the check, naming the cause', async () => {
    make();
    server.behaviour = 'hang';
    const waiting = pool.acquire().then(
      () => 'acquired',
      (e: unknown) => e,
    );
    await world.clock.tick(2000);
    const err = await waiting;
    assert.ok(err instanceof RpcTimeoutError, String(err));
    assert.equal(err.coordinator, ADDRESS);
    assert.equal(pool.state, 'down');
  });

  it('the channel policy reports an overrun: a dead coordinator also gets that channel cut (a connect the pool cannot see yet)', async () => {
    make();
    (await pool.acquire()).release();
    const policy = server.policy!;
    assert.ok(policy, 'the pool installs a CallPolicy on the channels it opens');
    server.ping = 'hang';
    const connecting = new FakeChannel(ADDRESS, world.clock.now());
    policy.onOverrun!('OpenSession', connecting);
    await world.clock.tick(1000);
    assert.equal(pool.state, 'down');
    assert.equal(connecting.closed, true);
    assert.ok(connecting.destroyedWith instanceof RpcTimeoutError);
  });

  it('the channel policy: bounds from observed latency with a 1 s floor, FetchResults after FETCH_ROWS_TIMEOUT_MS, ExecuteStatement by rpcTimeoutMs', async () => {
    make({ fetchRowsTimeoutMs: 10_000 });
    (await pool.acquire()).release();
    const policy = server.policy!;
    assert.equal(policy.overrunMs!('GetOperationStatus'), 1000);
    assert.equal(policy.timeoutMs!('GetOperationStatus'), 3000);
    assert.equal(policy.timeoutMs!('FetchResults'), 13_000);
    assert.equal(policy.timeoutMs!('ExecuteStatement'), undefined);
    // A coordinator whose fast RPCs take 400-900 ms gets wider bounds.
    for (let i = 0; i < 50; i++) policy.observe!('GetOperationStatus', i % 2 ? 400 : 900);
    assert.ok(policy.overrunMs!('GetOperationStatus')! > 1000, `${policy.overrunMs!('GetOperationStatus')}`);
    // Slow FetchResults long-polls say nothing about the coordinator.
    const before = policy.overrunMs!('x');
    for (let i = 0; i < 50; i++) policy.observe!('FetchResults', 10_000);
    assert.equal(policy.overrunMs!('x'), before);
  });

  it('the channel policy knows the Beeswax names: get_state, close, PingImpalaService... are fast, fetch is a held fetch, query is ExecuteStatement', async () => {
    make({ fetchRowsTimeoutMs: 10_000 });
    (await pool.acquire()).release();
    const policy = server.policy!;
    for (const m of ['get_state', 'get_results_metadata', 'close', 'CloseInsert', 'PingImpalaService', 'Cancel', 'get_log']) assert.equal(policy.timeoutMs!(m), 3000, m);
    assert.equal(policy.timeoutMs!('fetch'), 13_000);
    assert.equal(policy.timeoutMs!('query'), undefined);
    for (let i = 0; i < 50; i++) policy.observe!('get_state', i % 2 ? 400 : 900);
    assert.ok(policy.overrunMs!('get_state')! > 1000, 'Beeswax status polls feed the latency estimate');
  });

  it('FETCH_ROWS_TIMEOUT_MS=0: FetchResults may wait as long as the query runs', async () => {
    make({ fetchRowsTimeoutMs: 0 });
    (await pool.acquire()).release();
    assert.ok(server.policy!.timeoutMs!('FetchResults')! >= 2 ** 31 - 1);
  });

  it('a server error answering the check proves the coordinator alive', async () => {
    make();
    const { done } = await stalledCall(true);
    server.restart(); // the idle session is forgotten: the ping gets "Invalid session id"
    await world.clock.tick(5000);
    assert.equal(pool.state, 'up');
    assert.equal(await Promise.race([done, Promise.resolve('still running')]), 'still running');
  });
});
