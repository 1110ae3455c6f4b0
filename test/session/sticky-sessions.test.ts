import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { ErrorCode, ImpalaError, OutcomeUnknownError, SessionLostError, type SessionReopenedEvent } from '../../src';
import { PoolFixture, describeVariants, waitFor } from '../helpers/pool-fixtures';

const run = promisify(execFile);

async function failures(rounds: number, round: (i: number) => Promise<void>): Promise<number> {
  let failed = 0;
  for (let i = 0; i < rounds; i++) {
    try {
      await round(i);
    } catch (err) {
      assert.ok(err instanceof ImpalaError && err.code === ErrorCode.OBJECT_NOT_FOUND, `unexpected ${String(err)}`);
      failed++;
    }
  }
  return failed;
}

describeVariants('sticky sessions and DDL consistency (simulator)', function (v) {
  this.timeout(60_000);
  const fx = new PoolFixture(v);
  afterEach(() => fx.stop());

  it('with catalogLagMs 2000, CREATE then SELECT fails through plain roundrobin, never through withSession, ddl sync or an affinity key', async () => {
    await fx.start({ catalogLagMs: 2000 });
    const plain = fx.client({ balance: 'roundrobin' });
    const plainFailures = await failures(100, async (i) => {
      await plain.execute(`CREATE TABLE plain_${i} (a INT)`);
      await plain.query(`SELECT count(*) FROM plain_${i}`);
    });
    assert.ok(plainFailures >= 30, `the lag shows through plain calls: ${plainFailures}/100 failed`);

    const sessionFailures = await failures(100, (i) =>
      plain.withSession(async (s) => {
        await s.execute(`CREATE TABLE sess_${i} (a INT)`);
        await s.query(`SELECT count(*) FROM sess_${i}`);
      }),
    );
    assert.equal(sessionFailures, 0);

    const synced = fx.client({ balance: 'roundrobin', ddl: 'sync' });
    const syncFailures = await failures(100, async (i) => {
      await synced.execute(`CREATE TABLE sync_${i} (a INT)`);
      await synced.query(`SELECT count(*) FROM sync_${i}`);
    });
    assert.equal(syncFailures, 0);

    const keyed = fx.client({ balance: 'roundrobin' });
    const keyFailures = await failures(100, async (i) => {
      await keyed.execute(`CREATE TABLE keyed_${i} (a INT)`, { affinity: 'tenant-42' });
      await keyed.query(`SELECT count(*) FROM keyed_${i}`, { affinity: 'tenant-42' });
    });
    assert.equal(keyFailures, 0);
  });

  it('with catalogLagMs 2000, INSERT then SELECT misses the new row through plain roundrobin, never through withSession, SYNC_DDL or an affinity key', async () => {
    await fx.start({ catalogLagMs: 2000 });
    // The tables exist everywhere before the rounds: only the data lags here.
    await fx.cluster.seed('CREATE TABLE rows_plain (i INT); CREATE TABLE rows_sess (i INT); CREATE TABLE rows_sync (i INT); CREATE TABLE rows_keyed (i INT)');
    const misses = async (rounds: number, round: (i: number) => Promise<bigint>): Promise<number> => {
      let missed = 0;
      for (let i = 0; i < rounds; i++) if ((await round(i)) === 0n) missed++;
      return missed;
    };
    const count = (r: { rows: Array<Record<string, unknown>> }): bigint => r.rows[0]!.n as bigint;

    const plain = fx.client({ balance: 'roundrobin' });
    const plainMisses = await misses(60, async (i) => {
      await plain.execute(`INSERT INTO rows_plain VALUES (${i})`);
      return count(await plain.query(`SELECT count(*) AS n FROM rows_plain WHERE i = ${i}`));
    });
    assert.ok(plainMisses >= 20, `the data lag shows through plain calls: ${plainMisses}/60 reads missed the row just inserted`);

    const sessionMisses = await misses(60, (i) =>
      plain.withSession(async (s) => {
        await s.execute(`INSERT INTO rows_sess VALUES (${i})`);
        return count(await s.query(`SELECT count(*) AS n FROM rows_sess WHERE i = ${i}`));
      }),
    );
    assert.equal(sessionMisses, 0, 'read-your-writes on a pinned session');

    const syncMisses = await misses(60, async (i) => {
      await plain.execute(`INSERT INTO rows_sync VALUES (${i})`, { queryOptions: { SYNC_DDL: 'true' } });
      return count(await plain.query(`SELECT count(*) AS n FROM rows_sync WHERE i = ${i}`));
    });
    assert.equal(syncMisses, 0, 'SYNC_DDL makes an INSERT visible everywhere when it returns');

    const keyMisses = await misses(60, async (i) => {
      await plain.execute(`INSERT INTO rows_keyed VALUES (${i})`, { affinity: 'tenant-7' });
      return count(await plain.query(`SELECT count(*) AS n FROM rows_keyed WHERE i = ${i}`, { affinity: 'tenant-7' }));
    });
    assert.equal(keyMisses, 0);
  });

  it('an affinity key lands on the same coordinator from two processes; losing one of 3 moves only its keys (about a third of 1000)', async () => {
    await fx.start();
    const addresses = fx.addresses();
    const impala = fx.client({ balance: 'affinity' });
    const sample = Array.from({ length: 40 }, (_, i) => `tenant-${i}`);
    const mine: Record<string, string> = {};
    for (const k of sample) mine[k] = (await impala.query('SELECT 1', { affinity: k })).coordinator;
    const child = await run(process.execPath, ['--require', 'tsx/cjs', path.join(__dirname, '../helpers/affinity-child.ts'), addresses.join(','), sample.join(','), v.name], {
      timeout: 30_000,
    });
    assert.deepEqual(JSON.parse(child.stdout), mine);

    const keys = Array.from({ length: 1000 }, (_, i) => `key-${i}`);
    const map = async (): Promise<string[]> => {
      const out: string[] = new Array(keys.length);
      for (let i = 0; i < keys.length; i += 50) {
        await Promise.all(keys.slice(i, i + 50).map(async (k, j) => (out[i + j] = (await impala.query('SELECT 1', { affinity: k })).coordinator)));
      }
      return out;
    };
    const before = await map();
    const lost = fx.cluster.coordinators[1]!;
    await lost.kill();
    await impala.query('SELECT 1', { affinity: keys[before.indexOf(v.address(lost))]! }); // meets the dead coordinator, marks it down
    await waitFor(() => impala.stats().coordinators[1]!.state === 'down', 5000, 'coordinator marked down');
    const after = await map();
    let moved = 0;
    for (let i = 0; i < keys.length; i++) {
      if (before[i] === after[i]) continue;
      moved++;
      assert.equal(before[i], v.address(lost), `${keys[i]} moved from a live coordinator`);
    }
    assert.equal(moved, before.filter((c) => c === v.address(lost)).length);
    assert.ok(moved > 250 && moved < 420, `moved ${moved} of 1000`);
  });

  it(`a session whose socket is cut by dropIdle keeps its SET options and database${v.reattachable ? ', with no new server session' : ': a new Beeswax session with USE and SET replayed'}`, async () => {
    await fx.start({ coordinators: 1 });
    await fx.cluster.seed("CREATE SCHEMA sales; CREATE TABLE sales.orders AS SELECT 1 AS id");
    const impala = fx.client();
    const reopened: SessionReopenedEvent[] = [];
    impala.on('sessionReopened', (e) => reopened.push(e));
    const s = await impala.session();
    await s.execute('SET MEM_LIMIT=1g');
    await s.execute('USE sales');
    const sessionId = s.sessionId;
    const sessions = fx.cluster.stats()[0]!.openSessions;
    await fx.cluster.coordinators[0]!.dropIdle(300);
    await new Promise((r) => setTimeout(r, 700));
    assert.equal(fx.cluster.stats()[0]!.connections, 0, 'the idle socket was cut');
    const orders = await s.query('SELECT id FROM orders');
    assert.deepEqual(orders.rows, [{ id: 1 }]);
    const set = await s.query<{ option: string; value: string }>('SET');
    assert.equal(set.rows.find((r) => r.option === 'MEM_LIMIT')?.value, '1g');
    assert.deepEqual(s.state, { database: 'sales', options: { MEM_LIMIT: '1g' } });
    if (v.reattachable) {
      assert.equal(s.sessionId, sessionId);
      assert.equal(fx.cluster.stats()[0]!.openSessions, sessions);
      assert.deepEqual(reopened, []);
    } else {
      // Beeswax: session == connection; the session layer reconnected to the same coordinator and replayed USE and SET.
      assert.notEqual(s.sessionId, sessionId);
      assert.deepEqual(reopened.map((e) => [e.from, e.coordinator]), [[s.coordinator, s.coordinator]]);
      await waitFor(() => fx.cluster.stats()[0]!.openSessions === sessions, 3000, 'the cut session closed, the new one open');
    }
    await s.close();
  });

  describe('a session whose coordinator is killed', () => {
    it('fails with sessionLost by default', async () => {
      await fx.start();
      const impala = fx.client();
      const s = await impala.session({ affinity: 'k1' });
      await s.execute('SET MEM_LIMIT=2g');
      await fx.byAddress(s.coordinator).kill();
      const err = await s.query('SELECT 1').then(() => undefined, (e: unknown) => e);
      assert.ok(err instanceof SessionLostError, String(err));
      assert.equal(err.code, ErrorCode.SESSION_LOST);
      assert.match(err.message, /reopenOnFailover/);
      await assert.rejects(s.query('SELECT 1'), (e: unknown) => e instanceof SessionLostError);
      await s.close();
    });

    it('with reopenOnFailover: state replayed elsewhere, a SELECT in progress completes, an INSERT in progress is reported and not repeated', async () => {
      await fx.start();
      await fx.cluster.seed('CREATE SCHEMA app; CREATE TABLE app.audit (id BIGINT)');
      const impala = fx.client({ reopenOnFailover: true });
      const reopened: SessionReopenedEvent[] = [];
      impala.on('sessionReopened', (e) => reopened.push(e));

      const s = await impala.session();
      await s.execute('USE app');
      await s.execute('SET MEM_LIMIT=3g');
      const first = s.coordinator;
      const select = s.query('SELECT sleep(800) AS slept, count(*) AS n FROM audit');
      await waitFor(() => fx.cluster.stats()[fx.byAddress(first).index]!.openOperations > 0, 3000, 'the SELECT to start');
      await fx.byAddress(first).kill();
      const r = await select;
      assert.equal(r.rows[0]!.slept, true);
      assert.notEqual(s.coordinator, first);
      assert.equal(r.coordinator, s.coordinator);
      assert.equal(reopened.length, 1);
      assert.equal(reopened[0]!.from, first);
      assert.deepEqual(s.state, { database: 'app', options: { MEM_LIMIT: '3g' } });
      const set = await s.query<{ option: string; value: string }>('SET');
      assert.equal(set.rows.find((x) => x.option === 'MEM_LIMIT')?.value, '3g', 'SET replayed on the new coordinator');

      const second = s.coordinator;
      const insertSql = 'INSERT INTO audit SELECT 1 WHERE sleep(800)';
      const insert = s.execute(insertSql).then(() => undefined, (e: unknown) => e);
      // Wait for the INSERT itself: the SET query before it may still be closing in the background.
      await waitFor(() => fx.cluster.stats()[fx.byAddress(second).index]!.executed.some((e) => e.sql === insertSql), 3000, 'the INSERT to start');
      await fx.byAddress(second).kill();
      const err = await insert;
      assert.ok(err instanceof OutcomeUnknownError, String(err));
      assert.match(err.message, /may have run/);
      const executions = fx.cluster.stats().reduce((n, c) => n + c.executed.filter((e) => e.sql === insertSql).length, 0);
      assert.ok(executions <= 1, `INSERT executed ${executions} times`);
      assert.equal(reopened.length, 2, 'the session went on, on the third coordinator');
      const count = await s.query('SELECT count(*) AS n FROM audit');
      assert.ok(count.rows[0]!.n === 0n || count.rows[0]!.n === 1n);
      await s.close();
    });
  });

  describe('a session whose coordinator shuts down gracefully', () => {
    it('with reopenOnFailover: moves to another coordinator with its state, and the statement runs there', async () => {
      await fx.start();
      await fx.cluster.seed('CREATE SCHEMA app2; CREATE TABLE app2.t AS SELECT 5 AS v');
      const impala = fx.client({ reopenOnFailover: true });
      const reopened: SessionReopenedEvent[] = [];
      impala.on('sessionReopened', (e) => reopened.push(e));
      const s = await impala.session();
      await s.execute('USE app2');
      await s.execute('SET MEM_LIMIT=2g');
      const first = s.coordinator;
      await fx.byAddress(first).shutdown({ graceMs: 0, deadlineMs: 20_000 });
      const r = await s.query<{ v: number }>('SELECT v FROM t');
      assert.deepEqual(r.rows, [{ v: 5 }]);
      assert.notEqual(s.coordinator, first);
      assert.equal(r.coordinator, s.coordinator);
      assert.equal(r.attempts, 2);
      assert.deepEqual(reopened.map((e) => e.from), [first]);
      const set = await s.query<{ option: string; value: string }>('SET');
      assert.equal(set.rows.find((x) => x.option === 'MEM_LIMIT')?.value, '2g');
      await s.close();
    });

    it('without it: IMPALA_ERR_SESSION_LOST that says why', async () => {
      await fx.start();
      const impala = fx.client();
      const s = await impala.session();
      await fx.byAddress(s.coordinator).shutdown({ graceMs: 0, deadlineMs: 20_000 });
      const err = await s.query('SELECT 1').then(() => undefined, (e: unknown) => e);
      assert.ok(err instanceof SessionLostError, String(err));
      assert.match(err.message, /shut down/);
      await s.close();
    });
  });

  it('sessions and their operations are closed on the server after close()', async () => {
    await fx.start();
    const impala = fx.client();
    const sessions = await Promise.all([impala.session(), impala.session({ affinity: 'a' }), impala.session({ database: 'default', queryOptions: { MEM_LIMIT: '1g' } })]);
    await Promise.all(sessions.map((s) => s.query('SELECT 1')));
    await sessions[0]!.close();
    await impala.close();
    // Beeswax has no close-session RPC: the server ends the session when it sees the socket close.
    if (!v.reattachable) await waitFor(() => fx.cluster.stats().every((c) => c.openSessions === 0 && c.openOperations === 0), 3000, 'the server to see the sockets close');
    for (const c of fx.cluster.stats()) {
      assert.equal(c.openSessions, 0, `${c.address} sessions`);
      assert.equal(c.openOperations, 0, `${c.address} operations`);
    }
  });
});
