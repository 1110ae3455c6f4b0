import { strict as assert } from 'node:assert';
import { ImpalaClient, resolveOptions, type SessionReopenedEvent } from '../../src';
import { FakeWorld } from '../helpers/fake-sessions';

const ADDRESS = '10.0.0.1:21050';

describe('pinned session repair after an idle cut (fake coordinator, fake timers)', () => {
  let world: FakeWorld;
  beforeEach(() => {
    world = new FakeWorld();
  });
  afterEach(() => world.restore());

  function client(): ImpalaClient {
    const { clock, random, openSession, openChannel } = world.deps();
    return new ImpalaClient(resolveOptions({ coordinators: [ADDRESS] }), { clock, random, openSession, openChannel });
  }

  it('a session that outlives its channel (HS2) carries on over a new channel: same server session, nothing replayed', async () => {
    const impala = client();
    const s = await impala.session();
    await s.execute('SET MEM_LIMIT=1g');
    const id = s.sessionId;
    const server = world.coordinator(ADDRESS);
    server.sessions[0]!.connection.destroy(new Error('proxy idle cut'));
    await s.query('SELECT 1');
    assert.equal(s.sessionId, id);
    assert.equal(server.sessions.length, 1);
    assert.deepEqual(server.sessions[0]!.statements, ['SET MEM_LIMIT=1g', 'SELECT 1']);
    await impala.close();
  });

  it('a session that ends with its channel (Beeswax) gets a new one on the same coordinator with USE and SET replayed', async () => {
    const impala = client();
    const reopened: SessionReopenedEvent[] = [];
    impala.on('sessionReopened', (e) => reopened.push(e));
    const server = world.coordinator(ADDRESS);
    server.reattachable = false;
    const s = await impala.session();
    await s.execute('USE sales');
    await s.execute('SET MEM_LIMIT=1g');
    const first = s.sessionId;
    server.sessions[0]!.connection.destroy(new Error('proxy idle cut'));
    const r = await s.query('SELECT 1');
    assert.equal(r.attempts, 1);
    assert.notEqual(s.sessionId, first);
    assert.equal(s.coordinator, ADDRESS);
    assert.deepEqual(server.sessions.at(-1)!.statements, ['USE `sales`', "SET MEM_LIMIT='1g'", 'SELECT 1']);
    assert.deepEqual(reopened.map((e) => [e.from, e.coordinator]), [[ADDRESS, ADDRESS]]);
    assert.deepEqual(s.state, { database: 'sales', options: { MEM_LIMIT: '1g' } });
    await impala.close();
  });
});
