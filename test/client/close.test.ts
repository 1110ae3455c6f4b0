import { strict as assert } from 'node:assert';
import { ClosedError, ErrorCode, ImpalaClient, resolveOptions, type ClientOptions } from '../../src';
import { FakeWorld, type FakeSession } from '../helpers/fake-sessions';

const ADDRESSES = ['10.0.0.1:21050', '10.0.0.2:21050'];

/** A statement that ends only when its signal fires (a long query, or a server that never answers). */
const forever = (_sql: string, _s: FakeSession, signal: AbortSignal | undefined): Promise<void> =>
  new Promise((_, reject) => signal?.addEventListener('abort', () => reject(signal.reason)));

describe('close() is bounded whatever the servers do (fake coordinators, fake timers)', () => {
  let world: FakeWorld;
  beforeEach(() => {
    world = new FakeWorld();
  });
  afterEach(() => world.restore());

  function client(over: ClientOptions = {}): ImpalaClient {
    const { clock, random, openSession, openChannel } = world.deps();
    return new ImpalaClient(resolveOptions({ coordinators: ADDRESSES, ...over }), { clock, random, openSession, openChannel });
  }

  /** Starts close() and reports the fake time at which it resolved. */
  function closing(impala: ImpalaClient): { at: () => number | undefined } {
    let at: number | undefined;
    void impala.close().then(() => (at = world.clock.now()));
    return { at: () => at };
  }

  it('with nothing running, it closes every session on its server at once', async () => {
    const impala = client();
    await Promise.all([impala.query('SELECT 1'), impala.query('SELECT 2')]);
    const c = closing(impala);
    await world.clock.flush();
    assert.equal(c.at(), 0);
    for (const a of ADDRESSES) assert.equal(world.coordinator(a).known.size, 0, `${a} still has sessions`);
    await assert.rejects(impala.query('SELECT 1'), (e: unknown) => e instanceof ClosedError);
  });

  it('a call that does not finish is given most of the bound, then cancelled with IMPALA_ERR_CLOSED; close() ends by the bound', async () => {
    const impala = client();
    for (const a of ADDRESSES) world.coordinator(a).handler = forever;
    const call = impala.query('SELECT sleep(3600000)').then(
      () => 'finished',
      (e: unknown) => e,
    );
    await world.clock.flush();
    const c = closing(impala);
    await world.clock.tick(1499);
    assert.equal(await Promise.race([call, Promise.resolve('running')]), 'running', 'the call is given time to finish');
    await world.clock.tick(1);
    const err = await call;
    assert.ok(err instanceof ClosedError, String(err));
    assert.equal(err.code, ErrorCode.CLOSED);
    assert.match(err.message, /closeTimeoutMs \(2000 ms\)/);
    await world.clock.tick(500);
    assert.ok(c.at() !== undefined && c.at()! <= 2000, `closed at ${c.at()}`);
  });

  it('servers that never answer CloseSession: every connection is cut at the bound', async () => {
    const impala = client({ closeTimeoutMs: 1000 });
    await Promise.all([impala.query('SELECT 1'), impala.query('SELECT 2')]);
    for (const a of ADDRESSES) world.coordinator(a).closeBehaviour = 'hang';
    const c = closing(impala);
    await world.clock.tick(999);
    assert.equal(c.at(), undefined);
    await world.clock.tick(1);
    assert.equal(c.at(), 1000);
    const channels = ADDRESSES.flatMap((a) => world.coordinator(a).channels);
    assert.ok(channels.length > 0 && channels.every((ch) => ch.closed), 'every channel cut');
  });

  it('a session its user forgot to close is closed too', async () => {
    const impala = client();
    const s = await impala.session();
    await s.execute('SET MEM_LIMIT=1g');
    const c = closing(impala);
    await world.clock.flush();
    assert.equal(c.at(), 0);
    await assert.rejects(s.query('SELECT 1'), (e: unknown) => e instanceof ClosedError);
    for (const a of ADDRESSES) assert.equal(world.coordinator(a).known.size, 0, `${a} still has sessions`);
  });
});
