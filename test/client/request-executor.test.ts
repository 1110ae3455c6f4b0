import { strict as assert } from 'node:assert';
import { ConnectionLostError, NoCoordinatorError, OutcomeUnknownError } from '../../src/errors';
import { RequestExecutor, type RequestSpec } from '../../src/client/request-executor';
import { Cluster } from '../../src/pool/cluster';
import { CoordinatorPool } from '../../src/pool/coordinator-pool';
import { RetryBudget } from '../../src/retry/retry-budget';
import { FakeWorld, poolOptions, type FakeSession } from '../helpers/fake-sessions';

const ADDRESSES = ['10.0.0.1:21050', '10.0.0.2:21050', '10.0.0.3:21050'];

describe('RequestExecutor (fake coordinators, fake timers)', () => {
  let world: FakeWorld;
  let cluster: Cluster;
  let executor: RequestExecutor;

  beforeEach(() => {
    world = new FakeWorld();
    const deps = world.deps();
    cluster = new Cluster(
      ADDRESSES.map((a, i) => new CoordinatorPool(poolOptions(a, i), deps)),
      'roundrobin',
      deps.random,
    );
    const budget = new RetryBudget({}, () => world.clock.now());
    executor = new RequestExecutor(cluster, { retries: 2, baseDelayMs: 10, maxDelayMs: 100 }, { budget, clock: world.clock, random: deps.random, emit: deps.emit });
  });
  afterEach(async () => {
    await cluster.close();
    world.restore();
  });

  const spec = (over: Partial<RequestSpec> = {}): RequestSpec => ({ kind: 'read', idempotent: false, affinity: undefined, label: "'SELECT 1'", signal: undefined, timeoutMs: 0, ...over });
  const run = (s: RequestSpec) => executor.run(s, async (session, attempt) => {
    attempt.progress.statementSent = true;
    return (await session.query('SELECT 1')).coordinator;
  });

  it('a refused coordinator: the call moves to another one, the refused one is marked down, every lease goes back', async () => {
    world.coordinator(ADDRESSES[0]!).behaviour = 'refuse';
    const done = run(spec());
    await world.clock.tick(200);
    const r = await done;
    assert.equal(r.attempts, 2);
    assert.notEqual(r.value, ADDRESSES[0]);
    assert.equal(cluster.pools[0]!.state, 'down');
    assert.deepEqual(world.log.of('failedOver').map((e) => e.from), [ADDRESSES[0]]);
    assert.equal(cluster.pools[0]!.stats().retries, 0, 'the client counts retries per coordinator from the retried event');
    assert.ok(cluster.pools.every((p) => p.stats().inUse === 0 && p.stats().inFlight === 0));
  });

  it('a DML statement whose connection is lost after it was sent is not retried, and the broken connection is not pooled', async () => {
    world.coordinator(ADDRESSES[0]!).handler = async (_sql, session) => {
      session.connection.destroy(new Error('reset'));
      throw new ConnectionLostError('lost while waiting', true, { method: 'GetOperationStatus', coordinator: ADDRESSES[0] });
    };
    const err = await run(spec({ kind: 'dml', label: "'INSERT'" })).catch((e: unknown) => e);
    assert.ok(err instanceof OutcomeUnknownError);
    assert.equal(cluster.pools[0]!.stats().open, 0);
    const executed = [...world.coordinators.values()].flatMap((c) => c.sessions.flatMap((s: FakeSession) => s.statements));
    assert.deepEqual(executed, ['SELECT 1'], 'ran once');
  });

  it('every coordinator down: after the retries, a NoCoordinatorError naming each one', async () => {
    for (const a of ADDRESSES) world.coordinator(a).behaviour = 'refuse';
    const done = run(spec()).catch((e: unknown) => e);
    await world.clock.tick(1000);
    const err = await done;
    assert.ok(err instanceof NoCoordinatorError, String(err));
    assert.deepEqual([...err.errors.keys()], ADDRESSES);
    assert.ok([...err.states.values()].every((s) => s === 'down'));
  });
});
