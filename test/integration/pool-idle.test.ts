import { strict as assert } from 'node:assert';
import { createClient, type ConnectionValidatedEvent } from '../../src';
import { FAST, PoolFixture, describeVariants, waitFor } from '../helpers/pool-fixtures';
import { haproxyBinary, startHaproxy, type Haproxy } from '../helpers/haproxy';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describeVariants('pool: idle connections cut by a proxy (simulator)', function (v) {
  this.timeout(30_000);
  const fx = new PoolFixture(v);
  afterEach(() => fx.stop());

  it(`dropIdle(500) then a query after 1 s idle: no caller error; ${v.reattachable ? 'no new server session' : 'the cut session is replaced by a new one'}`, async () => {
    await fx.start({ coordinators: 1 });
    const impala = fx.client();
    const validated: ConnectionValidatedEvent[] = [];
    impala.on('connectionValidated', (e) => validated.push(e));
    const first = await impala.query('SELECT 1 AS one');
    const sessionsBefore = fx.cluster.stats()[0]!.openSessions;
    await fx.cluster.coordinators[0]!.dropIdle(500);
    await sleep(1000);
    assert.equal(fx.cluster.stats()[0]!.connections, 0, 'the simulator cut the idle socket');
    const second = await impala.query('SELECT 2 AS two');
    assert.deepEqual(second.rows, [{ two: 2 }]);
    assert.equal(first.attempts, 1);
    assert.equal(second.attempts, 1);
    const log = fx.cluster.stats()[0]!.executed;
    if (v.reattachable) {
      assert.equal(fx.cluster.stats()[0]!.openSessions, sessionsBefore, 'no new HS2 session');
      assert.equal(log.at(-1)!.sessionId, log.at(-2)!.sessionId, 'both queries ran in the same HS2 session');
      assert.deepEqual(
        validated.map((e) => e.how),
        [v.idleCutValidation],
      );
    } else {
      // Beeswax: the cut ended the server session with its socket; the pool dropped the
      // dead unit and the query ran on a new connection, which is a new session.
      assert.notEqual(log.at(-1)!.sessionId, log.at(-2)!.sessionId, 'the second query ran in a new Beeswax session');
      assert.deepEqual(validated, []);
      await waitFor(() => fx.cluster.stats()[0]!.openSessions === sessionsBefore, 3000, 'one session open again, not two');
    }
  });

  describe('through a real HAProxy with timeout client 1s', () => {
    let proxy: Haproxy | undefined;
    before(function () {
      const bin = haproxyBinary();
      if (!bin.path) {
        console.log(`      skipped: ${bin.reason}`);
        this.skip();
      }
    });
    afterEach(async () => {
      await proxy?.stop();
      proxy = undefined;
    });

    it('the query after 2 s idle succeeds', async () => {
      await fx.start({ coordinators: 1 });
      proxy = await startHaproxy({ backends: fx.addresses(), timeoutClient: '1s', balance: 'leastconn', mode: v.proxyMode });
      const impala = createClient({ coordinators: [proxy.address], protocol: v.name, ...FAST });
      fx.clients.push(impala);
      const validated: ConnectionValidatedEvent[] = [];
      impala.on('connectionValidated', (e) => validated.push(e));
      await impala.query('SELECT 1');
      const sessions = fx.cluster.stats()[0]!.openSessions;
      await sleep(2000);
      const r = await impala.query('SELECT 3 AS three');
      assert.deepEqual(r.rows, [{ three: 3 }]);
      assert.equal(r.attempts, 1);
      assert.equal(r.coordinator, proxy.address);
      if (v.reattachable) {
        assert.deepEqual(validated.map((e) => e.how), [v.idleCutValidation], 'HAProxy had cut the idle socket; the same session carried on over a new one');
        assert.equal(fx.cluster.stats()[0]!.openSessions, sessions, 'no new HS2 session behind the proxy');
      } else {
        assert.deepEqual(validated, [], 'HAProxy had cut the idle socket; Beeswax cannot reattach, the pool opened a new connection');
        await waitFor(() => fx.cluster.stats()[0]!.openSessions === sessions, 3000, 'the cut Beeswax session closed, one new open');
      }
    });
  });
});
