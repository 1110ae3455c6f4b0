import { strict as assert } from 'node:assert';
import { performance } from 'node:perf_hooks';
import { inspect } from 'node:util';
import { Connection } from '../../../src/connection';
import { ErrorCode, ImpalaError, QueryTimeoutError, ServerError } from '../../../src/errors';
import { connect, CoordinatorSession, guidToQueryId, type CoordinatorSessionOptions } from '../../../src/protocol/hs2';
import type { RowObject } from '../../../src/protocol/hs2/row-decoder';
import * as I from '../../../src/thrift/gen-nodejs/ImpalaService_types';
import * as T from '../../../src/thrift/gen-nodejs/TCLIService_types';
import { startScriptedHs2Server, type ScriptedHs2Server } from '../../helpers/scripted-hs2-server';
import type { ColumnSpec } from '../../helpers/scripted-rowset';

describe('CoordinatorSession', () => {
  let server: ScriptedHs2Server;
  const sessions: CoordinatorSession[] = [];

  const open = async (extra: Partial<CoordinatorSessionOptions> = {}): Promise<CoordinatorSession> => {
    const s = await CoordinatorSession.open({ host: '127.0.0.1', port: server.port, cleanupTimeoutMs: 1000, ...extra });
    sessions.push(s);
    return s;
  };

  beforeEach(async () => {
    server = await startScriptedHs2Server();
  });

  afterEach(async () => {
    await Promise.all(sessions.splice(0).map((s) => s.close()));
    await server.close();
  });

  async function rejection(p: Promise<unknown>): Promise<ImpalaError> {
    const err = await p.then(
      () => assert.fail('expected a rejection'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof ImpalaError, `expected an ImpalaError, got ${String(err)}`);
    return err;
  }

  describe('open', () => {
    it('opens a V6 session with the database, session options and user, and keeps http_addr as identity', async () => {
      const s = await open({ database: 'sales', sessionQueryOptions: { MEM_LIMIT: '2g' }, username: 'alice', password: 'pw-NOSASL' });
      const req = server.callsOf('OpenSession')[0]!.req as unknown as T.TOpenSessionReq;
      assert.equal(req.client_protocol, T.TProtocolVersion.HIVE_CLI_SERVICE_PROTOCOL_V6);
      assert.deepEqual(req.configuration, { MEM_LIMIT: '2g', 'use:database': 'sales' });
      assert.equal(req.username, 'alice');
      assert.equal(req.password, 'pw-NOSASL');
      assert.equal(s.serverProtocolVersion, T.TProtocolVersion.HIVE_CLI_SERVICE_PROTOCOL_V6);
      assert.match(s.sessionId, /^[0-9a-f]{16}:[0-9a-f]{16}$/);
      assert.equal(s.httpAddr, 'coordinator-1.example:25000');
      assert.equal(s.serverConfiguration.SYNC_DDL, '0');
      assert.equal(s.coordinator, server.address);
      assert.equal(s.busy, false);
      assert.equal(s.closed, false);
    });

    it('never shows the password in inspect output', async () => {
      const s = await open({ username: 'alice', password: 'top-secret-pw' });
      assert.doesNotMatch(inspect(s, { depth: 5 }), /top-secret-pw/);
      assert.match(inspect(s), /CoordinatorSession \{ coordinator: '127\.0\.0\.1:\d+', sessionId/);
    });

    it('refuses a server that negotiates a protocol below V6, closing what it opened', async () => {
      server.protocolVersion = T.TProtocolVersion.HIVE_CLI_SERVICE_PROTOCOL_V5;
      const err = await rejection(open());
      assert.equal(err.code, ErrorCode.PROTOCOL);
      assert.match(err.message, /negotiated HS2 protocol V5; impala-ha needs V6/);
      assert.equal(server.callsOf('CloseSession').length, 1);
      await waitFor(() => server.sockets.size === 0);
    });

    it('reports a refused connection as a connect error and a refused session as a server error', async () => {
      server.overrides.set('OpenSession', () => new T.TOpenSessionResp({ status: new T.TStatus({ statusCode: T.TStatusCode.ERROR_STATUS, errorMessage: 'Number of sessions for user bob exceeds coordinator limit 5' }), serverProtocolVersion: 5 }));
      const refused = await rejection(open());
      assert.equal(refused.family, 'server');
      assert.equal(refused.coordinator, server.address);
      const port = server.port;
      await server.close();
      const err = await rejection(CoordinatorSession.open({ host: '127.0.0.1', port }));
      assert.equal(err.code, ErrorCode.CONNECT_REFUSED);
      server = await startScriptedHs2Server();
    });

    it('validates its options with typed errors', async () => {
      for (const bad of [{ fetchSize: 0 }, { fetchSize: 1.5 }, { cleanupTimeoutMs: -1 }, { sessionQueryOptions: { A: {} as never } }, { database: '' }]) {
        const err = await rejection(open(bad));
        assert.equal(err.code, ErrorCode.INVALID_ARGUMENT, JSON.stringify(bad));
      }
      assert.equal(server.callsOf('OpenSession').length, 0);
    });

    it('connect() is the standalone entry point', async () => {
      const s = await connect({ host: '127.0.0.1', port: server.port });
      sessions.push(s);
      assert.ok(s instanceof CoordinatorSession);
    });
  });

  describe('query', () => {
    const allTypes: ColumnSpec[] = [
      { name: 'b', type: 'BOOLEAN' }, { name: 't', type: 'TINYINT' }, { name: 's', type: 'SMALLINT' }, { name: 'i', type: 'INT' }, { name: 'g', type: 'BIGINT' },
      { name: 'f', type: 'FLOAT' }, { name: 'd', type: 'DOUBLE' }, { name: 'dec', type: 'DECIMAL', precision: 38, scale: 10 }, { name: 'str', type: 'STRING' },
      { name: 'vc', type: 'VARCHAR', length: 8 }, { name: 'ch', type: 'CHAR', length: 3 }, { name: 'ts', type: 'TIMESTAMP' }, { name: 'dt', type: 'DATE' },
      { name: 'bin', type: 'BINARY' }, { name: 'n', type: 'NULL' },
    ];
    const nullRows = [7, 8, 15, 16, 63, 64];
    const valueOf = (r: number): unknown[] => [
      r % 2 === 0, (r % 256) - 128, -r, r * 1000, r === 1 ? 2n ** 63n - 1n : r === 2 ? -(2n ** 63n) : BigInt(r) * 10_000_000_000n,
      r === 3 ? NaN : r === 4 ? -Infinity : r / 4, r === 5 ? Infinity : r * 1.5, `${r}.0000000001`, r === 6 ? Buffer.from([0xc3, 0x28, 0xff]) : `str-${r}`,
      `v${r}`, 'ab ', `2024-01-01 00:00:${String(r % 60).padStart(2, '0')}.000000${String(r).padStart(3, '0')}`, '2024-02-29', Buffer.from([r, 0, 255]), null,
    ];
    const rows = Array.from({ length: 70 }, (_, r) => (nullRows.includes(r) ? allTypes.map(() => null) : valueOf(r)));

    it('returns every type exactly, including ±2^63 extremes and NULLs at bitmap boundaries of one 70-row batch', async () => {
      server.onExecute = () => ({ columns: allTypes, rows, batchSize: 70 });
      const s = await open();
      const r = await s.query('SELECT * FROM all_types');
      assert.equal(r.rows.length, 70);
      assert.equal(r.rowsFetched, 70);
      assert.equal(r.attempts, 1);
      assert.equal(r.coordinator, server.address);
      assert.match(r.queryId, /^[0-9a-f]{16}:[0-9a-f]{16}$/);
      assert.deepEqual(r.columns[7], { name: 'dec', type: 'DECIMAL', position: 7, precision: 38, scale: 10 });
      assert.deepEqual(r.columns[9], { name: 'vc', type: 'VARCHAR', position: 9, length: 8 });
      const row1 = r.rows[1] as RowObject;
      assert.equal(row1.g, 2n ** 63n - 1n);
      assert.equal((r.rows[2] as RowObject).g, -(2n ** 63n));
      assert.ok(Number.isNaN((r.rows[3] as RowObject).f));
      assert.equal((r.rows[4] as RowObject).f, -Infinity);
      assert.equal((r.rows[5] as RowObject).d, Infinity);
      assert.deepEqual(r.rows[10], {
        b: true, t: -118, s: -10, i: 10000, g: 100_000_000_000n, f: 2.5, d: 15, dec: '10.0000000001', str: 'str-10', vc: 'v10', ch: 'ab ',
        ts: '2024-01-01 00:00:10.000000010', dt: '2024-02-29', bin: Buffer.from([10, 0, 255]), n: null,
      });
      for (let i = 0; i < 70; i++) {
        const row = r.rows[i] as RowObject;
        for (const c of allTypes) {
          if (c.type === 'NULL') assert.equal(row[c.name], null);
          else if (nullRows.includes(i)) assert.equal(row[c.name], null, `row ${i} ${c.name}`);
          else assert.notEqual(row[c.name], null, `row ${i} ${c.name}`);
        }
      }
      assert.equal(server.callsOf('FetchResults').length, 1);
      // Operations are closed at the end, in the background; the session is busy until then.
      await server.waitForCall('CloseImpalaOperation');
      await waitFor(() => !s.busy);
      assert.equal(server.callsOf('CloseImpalaOperation').length, 1);
    });

    it('keeps non-UTF-8 strings as bytes with strings: buffer, and gives Dates on request, across batches', async () => {
      server.onExecute = () => ({ columns: allTypes, rows, batchSize: 20 });
      const s = await open();
      const r = await s.query<unknown[]>('SELECT * FROM all_types', { strings: 'buffer', timestamp: 'date', date: 'date', bigint: 'string', rowMode: 'array' });
      const row6 = r.rows[6]!;
      assert.deepEqual(row6[8], Buffer.from([0xc3, 0x28, 0xff]));
      assert.equal((row6[11] as Date).toISOString(), '2024-01-01T00:00:06.000Z');
      assert.equal((row6[12] as Date).toISOString(), '2024-02-29T00:00:00.000Z');
      assert.equal(r.rows[1]![4], '9223372036854775807');
      assert.equal(server.callsOf('FetchResults').length, 4);
      for (const i of nullRows) assert.ok(r.rows[i]!.every((v) => v === null), `row ${i} is all NULL`);
      assert.ok(r.rows[62]!.slice(0, 14).every((v) => v !== null));
    });

    it('reads a 100k-row result over many batches', async () => {
      const big = Array.from({ length: 100_000 }, (_, i) => [BigInt(i), `row-${i}`]);
      server.onExecute = () => ({ columns: [{ name: 'id', type: 'BIGINT' }, { name: 'name', type: 'STRING' }], rows: big, batchSize: 1024 });
      const s = await open({ fetchSize: 4096 });
      const r = await s.query<{ id: bigint; name: string }>('SELECT id, name FROM big');
      assert.equal(r.rows.length, 100_000);
      assert.equal(r.rows[0]!.id, 0n);
      assert.equal(r.rows[99_999]!.name, 'row-99999');
      assert.ok(r.rows.every((row, i) => row.id === BigInt(i)));
      assert.equal(server.callsOf('FetchResults').length, Math.ceil(100_000 / 1024));
    });

    it('keeps fetching through STILL_EXECUTING replies and 0-row batches', async () => {
      server.onExecute = () => ({ columns: [{ name: 'i', type: 'INT' }], rows: [[1], [2], [3]], batchSize: 2, fetchScript: ['still-executing', 'empty', 'still-executing', 'rows', 'empty'] });
      const s = await open();
      const r = await s.query('SELECT i FROM t');
      assert.deepEqual(r.rows, [{ i: 1 }, { i: 2 }, { i: 3 }]);
      assert.equal(server.callsOf('FetchResults').length, 6);
    });

    it('binds parameters client-side and sends per-statement query options in confOverlay', async () => {
      const s = await open();
      await s.query('SELECT * FROM t WHERE name = ? AND id > ?', { params: ["O'Brien", -5n], queryOptions: { MEM_LIMIT: '1g', SYNC_DDL: true as never } });
      const req = server.callsOf('ExecuteStatement')[0]!.req as unknown as T.TExecuteStatementReq;
      assert.equal(req.statement, "SELECT * FROM t WHERE name = 'O\\'Brien' AND id > (-5)");
      assert.deepEqual(req.confOverlay, { MEM_LIMIT: '1g', SYNC_DDL: 'true' });
    });

    it('rejects a wrong parameter count before sending anything', async () => {
      const s = await open();
      const err = await rejection(s.query('SELECT ?, ?', { params: [1] }));
      assert.equal(err.code, ErrorCode.INVALID_ARGUMENT);
      assert.match(err.message, /2 \? placeholders but 1 parameter/);
      assert.equal(server.callsOf('ExecuteStatement').length, 0);
    });

    it('maps Impala errors with the query id and coordinator and closes the failed operation', async () => {
      server.onExecute = (sql) =>
        sql.includes('missing')
          ? { executeError: "Query 1111111111111111:2222222200000000 failed:\nAnalysisException: Could not resolve table reference: 'db.missing'\n" }
          : { columns: [{ name: 'a', type: 'INT' }], states: ['PENDING', 'ERROR'], errorMessage: 'Rejected query from pool root.default: queue full, limit=1, num_queued=1.\n' };
      const s = await open();
      const analysis = await rejection(s.query('SELECT * FROM db.missing'));
      assert.equal(analysis.code, ErrorCode.OBJECT_NOT_FOUND);
      assert.equal(analysis.queryId, '1111111111111111:2222222200000000');
      assert.equal(analysis.coordinator, server.address);
      const admission = await rejection(s.query('SELECT a FROM t'));
      assert.ok(admission instanceof ServerError);
      assert.equal(admission.code, ErrorCode.ADMISSION_REJECTED);
      assert.equal(admission.retryable, true);
      assert.match(admission.queryId ?? '', /^[0-9a-f]{16}:[0-9a-f]{16}$/);
      assert.equal(server.callsOf('CloseImpalaOperation').length, 1);
      assert.equal(s.busy, false);
    });
    it('returns complete rows even when the final close fails, but not a DML outcome', async () => {
      const closeFails = () => new I.TCloseImpalaOperationResp({ status: new T.TStatus({ statusCode: T.TStatusCode.ERROR_STATUS, errorMessage: 'some transient close failure' }) });
      server.overrides.set('CloseImpalaOperation', closeFails);
      server.onExecute = (sql) => (sql.startsWith('SELECT') ? { columns: [{ name: 'a', type: 'INT' }], rows: [[1], [2]] } : { rowsModified: { '': 1n } });
      const s = await open();
      assert.deepEqual((await s.query('SELECT a FROM t')).rows, [{ a: 1 }, { a: 2 }]);
      const err = await rejection(s.execute('INSERT INTO t VALUES (1)'));
      assert.equal(err.code, ErrorCode.SERVER);
      assert.match(err.queryId ?? '', /^[0-9a-f]{16}:/);
    });

    it('sends nothing when the signal is already aborted', async () => {
      const s = await open();
      const err = await rejection(s.query('SELECT 1', { signal: AbortSignal.abort() }));
      assert.equal(err.code, ErrorCode.ABORTED);
      assert.equal(server.callsOf('ExecuteStatement').length, 0);
    });
  });

  describe('execute', () => {
    it('returns the DML row count without fetching', async () => {
      server.onExecute = () => ({ rowsModified: { '': 3n } });
      const s = await open();
      const r = await s.execute('INSERT INTO t VALUES (?), (?), (?)', { params: [1, 2, 3] });
      assert.deepEqual(r, { rowsModified: 3n, queryId: r.queryId, coordinator: server.address });
      assert.equal(server.callsOf('FetchResults').length, 0);
      assert.equal(server.callsOf('GetResultSetMetadata').length, 0);
    });

    it('runs DDL (which has a summary result set) to FINISHED and closes it without fetching', async () => {
      server.onExecute = () => ({ columns: [{ name: 'summary', type: 'STRING' }], rows: [['Table has been created.']], states: ['PENDING', 'RUNNING', 'FINISHED'] });
      const s = await open();
      const r = await s.execute('CREATE TABLE t (a INT)');
      assert.equal(r.rowsModified, undefined);
      assert.ok(!('rowsModified' in r));
      assert.equal(server.callsOf('FetchResults').length, 0);
      assert.equal(server.callsOf('GetOperationStatus').length, 3);
      assert.equal(server.callsOf('CloseImpalaOperation').length, 1);
    });
  });

  describe('stream', () => {
    it('holds at most one batch: the server never sends rows beyond the batch being consumed', async () => {
      const B = 100;
      const all = Array.from({ length: 1000 }, (_, i) => [i]);
      server.onExecute = () => ({ columns: [{ name: 'i', type: 'INT' }], rows: all, batchSize: B });
      const s = await open({ fetchSize: B });
      const stream = s.stream<{ i: number }>('SELECT i FROM t');
      assert.equal(stream.queryId, undefined);
      let seen = 0;
      for await (const row of stream) {
        assert.equal(row.i, seen);
        seen++;
        const op = [...server.operations.values()][0]!;
        assert.ok(op.rowsSent <= Math.ceil(seen / B) * B, `server sent ${op.rowsSent} rows while the caller had ${seen}`);
      }
      assert.equal(seen, 1000);
      assert.deepEqual(stream.columns, [{ name: 'i', type: 'INT', position: 0 }]);
      assert.match(stream.queryId!, /^[0-9a-f]{16}:[0-9a-f]{16}$/);
      await server.waitForCall('CloseImpalaOperation');
      await waitFor(() => !s.busy);
      assert.equal(server.callsOf('CloseImpalaOperation').length, 1);
      assert.equal(server.callsOf('CancelOperation').length, 0);
    });

    it('on break cancels and closes the operation on the server before the loop exits', async () => {
      server.onExecute = () => ({ columns: [{ name: 'i', type: 'INT' }], rows: Array.from({ length: 500 }, (_, i) => [i]), batchSize: 50 });
      const s = await open();
      let n = 0;
      for await (const _ of s.stream('SELECT i FROM t')) {
        void _;
        if (++n === 5) break;
      }
      const op = [...server.operations.values()][0]!;
      assert.equal(op.cancelled, true);
      assert.equal(op.closed, true);
      assert.equal(server.callsOf('CancelOperation').length, 1);
      assert.equal(server.callsOf('CloseImpalaOperation').length, 1);
      assert.equal(server.callsOf('FetchResults').length, 1);
      assert.equal(s.busy, false);
    });

    it('can be iterated once only, and checks arguments when created', async () => {
      const s = await open();
      assert.throws(() => s.stream('SELECT ?', { params: [] }), (e) => e instanceof ImpalaError && e.code === ErrorCode.INVALID_ARGUMENT);
      const stream = s.stream('SELECT 1');
      for await (const _ of stream) void _;
      assert.throws(() => stream[Symbol.asyncIterator](), TypeError);
    });
  });

  describe('cancel, abort and timeout', () => {
    it('cancel() reaches the server over a second connection while a FetchResults is held', async () => {
      server.onExecute = () => ({ columns: [{ name: 'i', type: 'INT' }], rows: [[1]], fetchScript: ['hold'] });
      const s = await open();
      const outcome = rejection(s.query('SELECT i FROM slow'));
      const fetch = await server.waitForCall('FetchResults');
      assert.equal(s.busy, true);
      assert.equal(await s.cancel(), 1);
      const err = await outcome;
      assert.equal(err.code, ErrorCode.CANCELLED);
      assert.match(err.queryId ?? '', /^[0-9a-f]{16}:[0-9a-f]{16}$/);
      const cancel = server.callsOf('CancelOperation')[0]!;
      assert.notEqual(cancel.connectionId, fetch.connectionId, 'cancel must not queue behind the held fetch');
      await server.waitForCall('CloseImpalaOperation');
      assert.equal(s.busy, false);
    });

    it('an AbortSignal during a held fetch cancels out of band and rejects promptly', async () => {
      server.onExecute = () => ({ columns: [{ name: 'i', type: 'INT' }], rows: [[1]], fetchScript: ['hold'] });
      const s = await open();
      const ac = new AbortController();
      const outcome = rejection(s.query('SELECT i FROM slow', { signal: ac.signal }));
      await server.waitForCall('FetchResults');
      const started = performance.now();
      ac.abort();
      const err = await outcome;
      assert.equal(err.code, ErrorCode.ABORTED);
      assert.ok(performance.now() - started < 1000);
      assert.match(err.queryId ?? '', /^[0-9a-f]{16}:/);
      await server.waitForCall('CloseImpalaOperation');
      assert.equal(server.callsOf('CancelOperation').length, 1);
    });

    it('timeoutMs cancels a query that keeps running and rejects with QueryTimeoutError', async () => {
      server.onExecute = () => ({ columns: [{ name: 'i', type: 'INT' }], states: ['RUNNING'] });
      const s = await open();
      const started = performance.now();
      // Long enough for ExecuteStatement to be answered first even on a loaded machine.
      const err = await rejection(s.query('SELECT sleep(100000)', { timeoutMs: 1000 }));
      const took = performance.now() - started;
      assert.ok(err instanceof QueryTimeoutError);
      assert.equal(err.timeoutMs, 1000);
      assert.equal(err.coordinator, server.address);
      assert.match(err.queryId ?? '', /^[0-9a-f]{16}:/);
      assert.ok(took >= 990, `took ${took} ms`);
      assert.ok(server.callsOf('FetchResults').length >= 2, 'the held fetch was answered STILL_EXECUTING and fetched again');
      await server.waitForCall('CloseImpalaOperation');
      assert.equal(server.callsOf('CancelOperation').length, 1);
      await waitFor(() => !s.busy);
    });

    it('aborting while ExecuteStatement is planning rejects at once and cleans up in the background', async () => {
      server.onExecute = () => ({ executeDelayMs: 200, states: ['RUNNING'] });
      const s = await open();
      const err = await rejection(s.execute('INSERT INTO t SELECT * FROM s', { signal: AbortSignal.timeout(30) }));
      assert.equal(err.code, ErrorCode.ABORTED);
      assert.equal(s.busy, true, 'cleanup still pending');
      await server.waitForCall('CloseImpalaOperation');
      await waitFor(() => !s.busy);
      assert.equal(server.callsOf('CancelOperation').length, 1);
    });
  });

  describe('ping, reattach and close', () => {
    it('ping() reports version, web UI address and latency', async () => {
      const s = await open();
      const p = await s.ping();
      assert.match(p.version, /^impalad version 4\.4\.0/);
      assert.equal(p.webserverAddress, 'http://127.0.0.1:25000');
      assert.ok(p.latencyMs >= 0 && p.latencyMs < 1000);
    });

    it('reattach() carries the same HS2 session over a new connection after a drop', async () => {
      const s = await open();
      const first = s.connection;
      server.dropConnections();
      await waitFor(() => first.closed);
      const conn = await Connection.open({ host: '127.0.0.1', port: server.port });
      s.reattach(conn);
      assert.equal(s.connection, conn);
      await s.ping();
      const opened = server.callsOf('OpenSession')[0]!;
      const ping = server.callsOf('PingImpalaHS2Service')[0]!;
      assert.notEqual(ping.connectionId, opened.connectionId, 'the ping came over the new connection');
      const guid = (ping.req as unknown as I.TPingImpalaHS2ServiceReq).sessionHandle.sessionId.guid;
      assert.equal(guidToQueryId(guid), s.sessionId, 'with the same session handle');
      assert.equal(server.callsOf('OpenSession').length, 1, 'no new session was opened');
      assert.equal(first.closed, true);
      server.onExecute = () => ({ columns: [{ name: 'a', type: 'INT' }], rows: [[7]] });
      assert.deepEqual((await s.query('SELECT 7')).rows, [{ a: 7 }]);
    });

    it('ping() after a coordinator restart reports the session as invalid', async () => {
      const s = await open();
      server.forgetEverything();
      const err = await rejection(s.ping());
      assert.equal(err.code, ErrorCode.INVALID_SESSION);
      assert.equal(err.coordinator, server.address);
    });

    it('close() sends CloseSession once, is idempotent, and refuses later calls', async () => {
      const s = await open();
      await Promise.all([s.close(), s.close()]);
      await s.close();
      assert.equal(server.callsOf('CloseSession').length, 1);
      assert.equal(s.closed, true);
      assert.equal(s.connection.closed, true);
      const err = await rejection(s.query('SELECT 1'));
      assert.equal(err.code, ErrorCode.CLOSED);
    });

    it('close() is bounded when the server never answers CloseSession', async () => {
      server.overrides.set('CloseSession', () => new Promise(() => undefined));
      const s = await open({ cleanupTimeoutMs: 150 });
      const started = performance.now();
      await s.close();
      const took = performance.now() - started;
      assert.ok(took < 2000, `close took ${took} ms`);
      assert.equal(s.connection.closed, true);
    });
  });
});

async function waitFor(cond: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
