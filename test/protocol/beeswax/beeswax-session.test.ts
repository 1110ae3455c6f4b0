import { strict as assert } from 'node:assert';
import { inspect } from 'node:util';
import { Connection } from '../../../src/connection';
import { ArgumentError, ErrorCode, ImpalaError, ProtocolError, QueryTimeoutError, ServerError } from '../../../src/errors';
import { BeeswaxSession } from '../../../src/protocol/beeswax';
import { CoordinatorSession, type CoordinatorSessionOptions } from '../../../src/protocol/hs2';
import { openProtocolSession } from '../../../src/protocol';
import { startCluster, type SimCluster } from '../../../src/testing';
import { eventually } from '../../testing/helpers/hs2-client';

async function rejection(p: Promise<unknown>): Promise<ImpalaError> {
  const err = await p.then(
    () => assert.fail('expected a rejection'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof ImpalaError, `expected an ImpalaError, got ${String(err)}`);
  return err;
}

/** Counts the RPCs a session sends, by method (wraps the real channel's call; the network stays real). */
function countCalls(s: BeeswaxSession): Map<string, number> {
  const counts = new Map<string, number>();
  const conn = s.connection;
  const call = conn.call.bind(conn);
  conn.call = ((method: string, ...rest: Parameters<typeof call> extends [string, ...infer R] ? R : never) => {
    counts.set(method, (counts.get(method) ?? 0) + 1);
    return call(method, ...rest);
  }) as typeof conn.call;
  return counts;
}

describe('BeeswaxSession (simulator)', function () {
  this.timeout(30_000);
  let cluster: SimCluster;
  const sessions: Array<{ close(): Promise<void> }> = [];

  before(async () => {
    cluster = await startCluster({ coordinators: 2, fetchRowsTimeoutMs: 2000, catalogLagMs: 60_000 });
    await cluster.seed('CREATE TABLE big AS SELECT range AS id, concat(\'row-\', range) AS name FROM range(100000)');
  });
  after(async () => {
    await cluster.stop();
  });
  afterEach(async () => {
    await Promise.all(sessions.splice(0).map((s) => s.close().catch(() => undefined)));
    for (const c of cluster.coordinators) {
      await c.setRpcDelay(0);
      await c.dropIdle(0);
    }
  });

  const target = (i = 0): { host: string; port: number } => ({ host: cluster.coordinators[i]!.host, port: cluster.coordinators[i]!.beeswaxPort });
  const open = async (extra: Partial<CoordinatorSessionOptions> = {}, i = 0): Promise<BeeswaxSession> => {
    const s = await BeeswaxSession.open({ ...target(i), cleanupTimeoutMs: 2000, ...extra });
    sessions.push(s);
    return s;
  };

  describe('open', () => {
    it('pings the coordinator for its identity, the same one HS2 reports', async () => {
      const s = await open();
      const hs2 = await CoordinatorSession.open({ host: cluster.coordinators[0]!.host, port: cluster.coordinators[0]!.port });
      sessions.push(hs2);
      assert.equal(s.protocol, 'beeswax');
      assert.equal(s.reattachable, false);
      assert.equal(s.httpAddr, hs2.httpAddr);
      assert.match(s.serverVersion, /^impalad version 4\.5\.0/);
      assert.match(s.sessionId, /^[0-9a-f]{16}:[0-9a-f]{16}$/);
      assert.equal(s.coordinator, cluster.coordinators[0]!.beeswaxAddress);
      assert.equal(s.busy, false);
    });

    it("applies database (USE) and session options (SET), ignoring option names Impala does not know, as HS2's OpenSession does", async () => {
      await cluster.seed('CREATE SCHEMA IF NOT EXISTS sales; CREATE TABLE IF NOT EXISTS sales.orders AS SELECT 1 AS id');
      const s = await open({ database: 'sales', sessionQueryOptions: { MEM_LIMIT: '2g', NOT_AN_OPTION: 'x' } });
      assert.deepEqual((await s.query('SELECT id FROM orders')).rows, [{ id: 1 }]);
      const set = await s.query<{ option: string; value: string }>('SET');
      assert.equal(set.rows.find((r) => r.option === 'MEM_LIMIT')?.value, '2g');
    });

    it('is what openProtocolSession gives for protocol beeswax', async () => {
      const s = await openProtocolSession({ ...target(), protocol: 'beeswax' });
      sessions.push(s);
      assert.ok(s instanceof BeeswaxSession);
    });

    it('fails clearly: an unknown database, a refused port, an HS2 port, an HTTP transport', async () => {
      const before = cluster.stats()[0]!.connections;
      const missing = await rejection(open({ database: 'no_such_db' }));
      assert.equal(missing.code, ErrorCode.OBJECT_NOT_FOUND);
      await eventually(() => cluster.stats()[0]!.connections === before, 'the failed open to close its connection');
      const hs2Port = await rejection(BeeswaxSession.open({ host: '127.0.0.1', port: cluster.coordinators[0]!.port, connectTimeoutMs: 2000 }));
      assert.ok(hs2Port instanceof ProtocolError && /does not speak Beeswax/.test(hs2Port.message), hs2Port.message);
      const stopped = await startCluster({ coordinators: 1 });
      const port = stopped.coordinators[0]!.beeswaxPort;
      await stopped.stop();
      assert.equal((await rejection(BeeswaxSession.open({ host: '127.0.0.1', port }))).code, ErrorCode.CONNECT_REFUSED);
      await assert.rejects(BeeswaxSession.open({ ...target(), transport: 'http' }), ArgumentError);
      await assert.rejects(BeeswaxSession.open({ ...target(), fetchSize: 0 }), ArgumentError);
    });
  });

  describe('query and execute', () => {
    it('reads a 100k-row result over many batches', async () => {
      const s = await open({ fetchSize: 7000 });
      const calls = countCalls(s);
      const r = await s.query<{ id: bigint; name: string }>('SELECT id, name FROM big ORDER BY id');
      assert.equal(r.rows.length, 100_000);
      assert.equal(r.rowsFetched, 100_000);
      assert.ok(r.rows.every((row, i) => row.id === BigInt(i) && row.name === `row-${i}`));
      assert.deepEqual(r.columns, [
        { name: 'id', type: 'BIGINT', position: 0 },
        { name: 'name', type: 'STRING', position: 1 },
      ]);
      assert.equal(calls.get('fetch'), Math.ceil(100_000 / 7000));
      assert.equal(calls.get('close'), 1);
      assert.equal(cluster.stats()[0]!.openOperations, 0);
    });

    it('binds parameters client-side and sends query options as Query.configuration', async () => {
      const s = await open();
      const r = await s.query('SELECT ? AS name, ? AS n', { params: ["O'Brien", -5n], queryOptions: { MEM_LIMIT: '1g' } });
      assert.deepEqual(r.rows, [{ name: "O'Brien", n: -5 }]);
      const err = await rejection(s.query('SELECT 1', { queryOptions: { NOT_AN_OPTION: '1' } }));
      assert.equal(err.code, ErrorCode.INVALID_QUERY_OPTION);
      assert.match(err.message, /Invalid query option: NOT_AN_OPTION/);
    });

    it('per-statement options reach the server: SYNC_DDL makes a table visible on the other coordinator at once', async () => {
      const s0 = await open({}, 0);
      const s1 = await open({}, 1);
      await s0.execute('CREATE TABLE synced (a INT)', { queryOptions: { SYNC_DDL: 'true' } });
      await s0.execute('CREATE TABLE lagging (a INT)');
      assert.deepEqual((await s1.query('SELECT count(*) AS n FROM synced')).rows, [{ n: 0n }]);
      assert.equal((await rejection(s1.query('SELECT count(*) FROM lagging'))).code, ErrorCode.OBJECT_NOT_FOUND);
    });

    it('execute() returns the DML count from CloseInsert and fetches nothing', async () => {
      const s = await open();
      await s.execute('CREATE TABLE dml_target (a INT)');
      const calls = countCalls(s);
      const r = await s.execute('INSERT INTO dml_target VALUES (?), (?), (?)', { params: [1, 2, 3] });
      assert.equal(r.rowsModified, 3n);
      assert.match(r.queryId, /^[0-9a-f]{16}:[0-9a-f]{16}$/);
      assert.equal(calls.get('CloseInsert'), 1);
      assert.equal(calls.get('fetch'), undefined);
      assert.equal((await s.execute('SELECT 1')).rowsModified, undefined);
      assert.deepEqual((await s.query('SELECT count(*) AS n FROM dml_target')).rows, [{ n: 3n }]);
    });

    it('maps errors to the same codes as HS2, with query id, coordinator and SQLSTATE, and leaves no query registered', async () => {
      const s = await open();
      const analysis = await rejection(s.query('SELECT * FROM missing_table'));
      assert.ok(analysis instanceof ServerError);
      assert.equal(analysis.code, ErrorCode.OBJECT_NOT_FOUND);
      assert.equal(analysis.sqlState, '42000');
      assert.equal(analysis.coordinator, s.coordinator);
      assert.match(analysis.queryId ?? '', /^[0-9a-f]{16}:[0-9a-f]{16}$/);
      const parse = await rejection(s.query('SELEC 1'));
      assert.equal(parse.code, ErrorCode.ANALYSIS);
      await eventually(() => cluster.stats()[0]!.openOperations === 0, 'no registered query left');
    });

    it('sends nothing when the signal is already aborted', async () => {
      const s = await open();
      const calls = countCalls(s);
      assert.equal((await rejection(s.query('SELECT 1', { signal: AbortSignal.abort() }))).code, ErrorCode.ABORTED);
      assert.equal(calls.size, 0);
    });
  });

  describe('stream', () => {
    it('holds at most one batch: the next fetch is sent only when the consumer gets there', async () => {
      const s = await open({ fetchSize: 100 });
      const calls = countCalls(s);
      const stream = s.stream<{ id: bigint }>('SELECT id FROM big WHERE id < 1000 ORDER BY id');
      let seen = 0;
      for await (const row of stream) {
        assert.equal(row.id, BigInt(seen));
        seen++;
        const fetches = calls.get('fetch') ?? 0;
        assert.ok(fetches <= Math.ceil(seen / 100), `${fetches} fetches while the caller had ${seen} rows`);
      }
      assert.equal(seen, 1000);
      assert.deepEqual(stream.columns, [{ name: 'id', type: 'BIGINT', position: 0 }]);
      assert.match(stream.queryId!, /^[0-9a-f]{16}:[0-9a-f]{16}$/);
      assert.equal(calls.get('Cancel'), undefined);
    });

    it('on break cancels and closes the query on the server before the loop exits', async () => {
      const s = await open({ fetchSize: 50 });
      let n = 0;
      for await (const _ of s.stream('SELECT id FROM big')) {
        void _;
        if (++n === 5) break;
      }
      assert.equal(cluster.stats()[0]!.openOperations, 0);
      assert.equal(s.busy, false);
    });
  });

  describe('cancel, abort and timeout', () => {
    it('cancel() goes over a second connection: it completes while a get_state is still held on the first', async () => {
      await cluster.coordinators[0]!.setRpcDelay({ method: 'get_state', ms: 3000 });
      const s = await open();
      let settled = false;
      const outcome = rejection(s.query('SELECT sleep(20000) AS s')).finally(() => (settled = true));
      await eventually(() => s.busy && s.connection.pendingCalls === 1, 'the first get_state to be on the wire');
      assert.equal(await s.cancel(), 1);
      assert.equal(settled, false, 'Cancel did not queue behind the held get_state');
      const err = await outcome;
      assert.equal(err.code, ErrorCode.CANCELLED);
      assert.match(err.queryId ?? '', /^[0-9a-f]{16}:[0-9a-f]{16}$/);
      await eventually(() => cluster.stats()[0]!.openOperations === 0 && !s.busy, 'the cancelled query to be closed');
    });

    it('an AbortSignal cancels on the server and rejects with IMPALA_ERR_ABORTED', async () => {
      const s = await open();
      const ac = new AbortController();
      const outcome = rejection(s.query('SELECT sleep(20000)', { signal: ac.signal }));
      // busy: the client holds the query handle (the server registers it before answering).
      await eventually(() => s.busy && cluster.stats()[0]!.openOperations === 1, 'the query to be submitted');
      ac.abort();
      const err = await outcome;
      assert.equal(err.code, ErrorCode.ABORTED);
      assert.match(err.queryId ?? '', /^[0-9a-f]{16}:/);
      await eventually(() => cluster.stats()[0]!.openOperations === 0, 'the query to be closed');
    });

    it('timeoutMs cancels a running query and rejects with QueryTimeoutError', async () => {
      const s = await open();
      const err = await rejection(s.query('SELECT sleep(20000)', { timeoutMs: 200 }));
      assert.ok(err instanceof QueryTimeoutError);
      assert.equal(err.timeoutMs, 200);
      assert.equal(err.coordinator, s.coordinator);
      await eventually(() => cluster.stats()[0]!.openOperations === 0 && !s.busy, 'the query to be closed');
    });
  });

  describe('ping, reattach and close', () => {
    it('ping() reports version, web UI address and latency', async () => {
      const s = await open();
      const p = await s.ping();
      assert.match(p.version, /^impalad version 4\.5\.0/);
      assert.equal(p.webserverAddress, `http://${s.httpAddr}`);
      assert.ok(p.latencyMs >= 0);
    });

    it('cannot reattach: it destroys the offered connection and says why', async () => {
      const s = await open();
      const conn = await Connection.open(target());
      assert.throws(() => s.reattach(conn), (err: unknown) => err instanceof ArgumentError && /end with their connection/.test(err.message));
      await eventually(() => conn.closed, 'the offered connection to be destroyed');
      await s.closeRemotely(conn, 100);
    });

    it('the server closes the session and its queries when the connection closes', async () => {
      const before = cluster.stats()[0]!.openSessions;
      const s = await open();
      assert.equal(cluster.stats()[0]!.openSessions, before + 1);
      const running = rejection(s.query('SELECT sleep(20000)'));
      await eventually(() => cluster.stats()[0]!.openOperations === 1, 'the query to run');
      s.connection.destroy();
      assert.equal((await running).family, 'connection');
      await eventually(() => cluster.stats()[0]!.openSessions === before && cluster.stats()[0]!.openOperations === 0, 'session and query closed');
    });

    it('close() is idempotent, ends the server session and refuses later calls; inspect shows no secret', async () => {
      const secure = await startCluster({ coordinators: 1, users: { alice: 'secret-pw-123' } });
      try {
        const c = secure.coordinators[0]!;
        const s = await BeeswaxSession.open({ host: c.host, port: c.beeswaxPort, auth: { mechanism: 'PLAIN', username: 'alice', password: 'secret-pw-123' } });
        assert.doesNotMatch(inspect(s, { depth: 5 }), /secret-pw-123/);
        assert.deepEqual((await s.query('SELECT 1 AS one')).rows, [{ one: 1 }]);
        await Promise.all([s.close(), s.close()]);
        assert.equal(s.closed, true);
        assert.equal(s.connection.closed, true);
        assert.equal((await rejection(s.query('SELECT 1'))).code, ErrorCode.CLOSED);
        await eventually(() => secure.stats()[0]!.openSessions === 0, 'the server to close the session');
        const wrong = await rejection(BeeswaxSession.open({ host: c.host, port: c.beeswaxPort, auth: { mechanism: 'PLAIN', username: 'alice', password: 'nope' } }));
        assert.equal(wrong.code, ErrorCode.AUTH_FAILED);
      } finally {
        await secure.stop();
      }
    });
  });
});
