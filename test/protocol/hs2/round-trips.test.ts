import { strict as assert } from 'node:assert';
import * as sinon from 'sinon';
import { Connection } from '../../../src/connection';
import { ConnectError, ConnectionLostError, ErrorCode, ImpalaError } from '../../../src/errors';
import { CoordinatorSession, type CoordinatorSessionOptions } from '../../../src/protocol/hs2';
import * as rpc from '../../../src/protocol/hs2/hs2-rpc';
import { Operation, type OperationHost } from '../../../src/protocol/hs2/operation';
import * as I from '../../../src/thrift/gen-nodejs/ImpalaService_types';
import * as T from '../../../src/thrift/gen-nodejs/TCLIService_types';
import { startScriptedHs2Server, type ScriptedHs2Server } from '../../helpers/scripted-hs2-server';

/** Resolves when `cond` holds, checking after each turn of the event loop (bounded by turns, not time). */
async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 100_000; i++) {
    if (cond()) return;
    await new Promise((r) => setImmediate(r));
  }
  assert.fail(`never happened: ${what}`);
}

/** True when `cond` stays false for `turns` turns of the event loop. */
async function stillFalseAfter(cond: () => boolean, turns = 200): Promise<boolean> {
  for (let i = 0; i < turns; i++) {
    if (cond()) return false;
    await new Promise((r) => setImmediate(r));
  }
  return !cond();
}

async function rejection(p: Promise<unknown>): Promise<ImpalaError> {
  const err = await p.then(
    () => assert.fail('expected a rejection'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof ImpalaError, `expected an ImpalaError, got ${String(err)}`);
  return err;
}

function gate(): { wait: Promise<void>; open: () => void } {
  let open!: () => void;
  const wait = new Promise<void>((r) => (open = r));
  return { wait, open };
}

const methods = (server: ScriptedHs2Server, list: 'calls' | 'arrivals' = 'calls'): string[] => server[list].map((c) => c.method).filter((m) => m !== 'OpenSession');

describe('HS2 round trips of a statement', () => {
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

  it('a query is ExecuteStatement, then GetResultSetMetadata and FetchResults in one round trip; its close is off the critical path', async () => {
    server.onExecute = () => ({ columns: [{ name: 'x', type: 'INT' }], rows: [[1]] });
    // The metadata reply waits until the FetchResults bytes are in: proof both left together.
    server.overrides.set('GetResultSetMetadata', async (req: T.TGetResultSetMetadataReq) => {
      await until(() => server.arrivals.some((c) => c.method === 'FetchResults'), 'the pipelined FetchResults arrived');
      return server.doGetResultSetMetadata(req);
    });
    const closing = gate();
    server.overrides.set('CloseImpalaOperation', async (req: I.TCloseImpalaOperationReq) => {
      await closing.wait;
      return server.doCloseImpalaOperation(req);
    });
    const s = await open();
    const r = await s.query('SELECT 1 AS x');
    assert.deepEqual(r.rows, [{ x: 1 }]);
    assert.deepEqual(r.columns, [{ name: 'x', type: 'INT', position: 0 }]);
    // The caller has its rows while the close is still being served.
    await server.waitForCall('CloseImpalaOperation');
    assert.equal(s.busy, true, 'the background close keeps the session busy');
    assert.deepEqual(methods(server), ['ExecuteStatement', 'GetResultSetMetadata', 'FetchResults', 'CloseImpalaOperation']);
    closing.open();
    await until(() => !s.busy, 'the close answered');
    assert.equal(server.callsOf('GetOperationStatus').length, 0);
  });

  it('the next read-only statement is written behind a background close, anything else waits for its reply', async () => {
    server.onExecute = (sql) => (sql.startsWith('INSERT') ? { rowsModified: { '': 1n } } : { columns: [{ name: 'x', type: 'INT' }], rows: [[1]] });
    let closing = gate();
    server.overrides.set('CloseImpalaOperation', async (req: I.TCloseImpalaOperationReq) => {
      await closing.wait;
      return server.doCloseImpalaOperation(req);
    });
    const executes = (): number => server.arrivals.filter((c) => c.method === 'ExecuteStatement').length;
    const s = await open();
    closing.open();
    await s.query('SELECT 1 AS x');
    await until(() => !s.busy, 'first close answered');

    closing = gate();
    await s.query(' /* hint */ (SELECT 1 AS x)');
    await server.waitForCall('CloseImpalaOperation', (c) => c !== server.callsOf('CloseImpalaOperation')[0]);
    const read = s.query('select 1 AS x');
    await until(() => executes() === 3, 'the SELECT was pipelined behind the held close');
    closing.open();
    assert.deepEqual((await read).rows, [{ x: 1 }]);

    closing = gate();
    await until(() => server.callsOf('CloseImpalaOperation').length === 3, 'the third close is being served');
    const dml = s.execute('INSERT INTO t VALUES (1)');
    assert.ok(await stillFalseAfter(() => executes() === 4), 'an INSERT must not be written before the close is answered');
    closing.open();
    assert.equal((await dml).rowsModified, 1n);
    await until(() => !s.busy, 'all closed');
  });

  it('a pipelined read counts as sent when the connection drops; a queued DML does not', async () => {
    server.onExecute = (sql) => (sql.startsWith('INSERT') ? { rowsModified: { '': 1n } } : { columns: [{ name: 'x', type: 'INT' }], rows: [[1]] });
    server.overrides.set('CloseImpalaOperation', () => new Promise(() => undefined));
    const executes = (): number => server.arrivals.filter((c) => c.method === 'ExecuteStatement').length;
    const a = await open();
    await a.query('SELECT 1 AS x');
    await server.waitForCall('CloseImpalaOperation');
    const pipelined = rejection(a.query('SELECT 2 AS x'));
    await until(() => executes() === 2, 'the pipelined SELECT arrived');
    const b = await open();
    await b.query('SELECT 1 AS x');
    await until(() => server.callsOf('CloseImpalaOperation').length === 2, 'the second close is held');
    const write = rejection(b.execute('INSERT INTO t VALUES (1)'));
    assert.ok(await stillFalseAfter(() => executes() === 4), 'the INSERT stays queued');
    server.dropConnections();
    const read = (await pipelined) as ConnectionLostError;
    const lostWrite = (await write) as ConnectionLostError;
    assert.equal(lostWrite.code, ErrorCode.CONNECTION_LOST);
    assert.equal(lostWrite.requestWritten, false);
    assert.equal(lostWrite.method, 'ExecuteStatement');
    assert.equal(read.code, ErrorCode.CONNECTION_LOST);
    assert.equal(read.requestWritten, true);
    assert.equal(read.method, 'ExecuteStatement');
  });

  it('a stream makes the same round trips', async () => {
    server.onExecute = () => ({ columns: [{ name: 'i', type: 'INT' }], rows: [[1], [2], [3]], batchSize: 2 });
    const s = await open({ fetchSize: 2 });
    const seen: number[] = [];
    for await (const row of s.stream<{ i: number }>('SELECT i FROM t')) seen.push(row.i);
    assert.deepEqual(seen, [1, 2, 3]);
    await until(() => !s.busy, 'the background close answered');
    assert.deepEqual(methods(server), ['ExecuteStatement', 'GetResultSetMetadata', 'FetchResults', 'FetchResults', 'CloseImpalaOperation']);
  });

  it('a failed query raises from FetchResults the same error as from an ERROR_STATE, and is closed', async () => {
    const failures = [
      ['Query 0000000000000001:0000000000000002 failed:\nMemory limit exceeded: Could not allocate memory while trying to increase reservation.\n', ErrorCode.MEMORY_LIMIT],
      ['Rejected query from pool root.default: queue full, limit=1, num_queued=1.\n', ErrorCode.ADMISSION_REJECTED],
      ['Cancelled\n', ErrorCode.CANCELLED],
      ['Query 0000000000000001:0000000000000002 failed:\nFailed to open HDFS file hdfs://nn/t/0.parq\n', undefined],
    ] as const;
    const s = await open();
    const hostFor = (sessionHandle: T.TSessionHandle): OperationHost => ({
      connection: s.connection,
      coordinator: s.coordinator,
      sessionHandle,
      cleanupTimeoutMs: 1000,
      pollMaxDelayMs: 10,
      track: () => undefined,
    });
    for (const [message] of failures) {
      server.onExecute = () => ({ columns: [{ name: 'a', type: 'INT' }], states: ['PENDING', 'ERROR'], errorMessage: message });
      const viaFetch = await rejection(s.query('SELECT a FROM t'));
      assert.equal(viaFetch.sqlState, 'HY000');
      assert.equal(viaFetch.coordinator, server.address);
      assert.match(viaFetch.queryId ?? '', /^[0-9a-f]{16}:[0-9a-f]{16}$/);
      // The same text through GetOperationStatus, as the status-polling flow met it.
      const executed = server.calls.filter((c) => c.method === 'ExecuteStatement').at(-1)!.req as unknown as T.TExecuteStatementReq;
      const op = await Operation.execute(hostFor(executed.sessionHandle), 'SELECT a FROM t');
      const viaStatus = await rejection(op.waitUntilFinished());
      assert.equal(viaFetch.code, viaStatus.code, message);
      assert.equal(viaFetch.message, viaStatus.message);
      assert.equal(viaFetch.retryable, viaStatus.retryable);
      await op.close();
    }
    assert.deepEqual(
      failures.map(([, code]) => code).filter((c) => c !== undefined),
      [ErrorCode.MEMORY_LIMIT, ErrorCode.ADMISSION_REJECTED, ErrorCode.CANCELLED],
    );
    await until(() => !s.busy, 'cleanups done');
    // Every failed query was closed (Impala had dropped it: the close counts as done).
    assert.equal(server.callsOf('CloseImpalaOperation').length, failures.length * 2);
  });

  it('a statement without a result set polls to FINISHED and waits for its close, which carries the row count', async () => {
    server.onExecute = () => ({ rowsModified: { '': 2n }, states: ['PENDING', 'RUNNING', 'FINISHED'] });
    const closing = gate();
    server.overrides.set('CloseImpalaOperation', async (req: I.TCloseImpalaOperationReq) => {
      await closing.wait;
      return server.doCloseImpalaOperation(req);
    });
    const s = await open();
    let settled = false;
    const q = s.query('INSERT INTO t VALUES (1), (2)').finally(() => (settled = true));
    await server.waitForCall('CloseImpalaOperation');
    assert.ok(await stillFalseAfter(() => settled), 'a DML query must wait for its close');
    closing.open();
    assert.deepEqual((await q).rows, []);
    const e = s.execute('INSERT INTO t VALUES (1), (2)');
    assert.equal((await e).rowsModified, 2n);
    assert.deepEqual(methods(server), [
      'ExecuteStatement', 'GetOperationStatus', 'GetOperationStatus', 'GetOperationStatus', 'CloseImpalaOperation',
      'ExecuteStatement', 'GetOperationStatus', 'GetOperationStatus', 'GetOperationStatus', 'CloseImpalaOperation',
    ]);
  });

  it('statusLongPollMs lets the server hold status polls (Impala 4.5+ LONG_POLLING_TIME_MS), so DML needs far fewer', async () => {
    server.onExecute = () => ({ rowsModified: { '': 1n }, settleAfterMs: 400 });
    const plain = await open({ pollMaxDelayMs: 20 });
    const held = await open({ pollMaxDelayMs: 20, statusLongPollMs: 5000 });
    const polls = (): number => server.callsOf('GetOperationStatus').length;
    await plain.execute('INSERT INTO t VALUES (1)');
    const withoutLongPoll = polls();
    await held.execute('INSERT INTO t VALUES (1)');
    const withLongPoll = polls() - withoutLongPoll;
    assert.ok(withoutLongPoll >= 4, `${withoutLongPoll} polls at most 20 ms apart over 400 ms`);
    assert.ok(withLongPoll <= 2, `${withLongPoll} polls with long polling`);
    const configs = server.callsOf('OpenSession').map((c) => (c.req as unknown as T.TOpenSessionReq).configuration);
    assert.deepEqual(configs, [{}, { LONG_POLLING_TIME_MS: '5000' }]);
    const bad = await rejection(CoordinatorSession.open({ host: '127.0.0.1', port: server.port, statusLongPollMs: -1 }));
    assert.equal(bad.code, ErrorCode.INVALID_ARGUMENT);
    assert.match(bad.message, /statusLongPollMs must be a positive number of milliseconds/);
  });

  it('connectTimeoutMs bounds connect and OpenSession together', async () => {
    server.overrides.set('OpenSession', () => new Promise(() => undefined));
    const started = performance.now();
    const err = await rejection(CoordinatorSession.open({ host: '127.0.0.1', port: server.port, connectTimeoutMs: 200 }));
    assert.ok(err instanceof ConnectError);
    assert.equal(err.code, ErrorCode.CONNECT_TIMEOUT);
    assert.equal(err.retryable, true);
    assert.equal(err.coordinator, server.address);
    assert.match(err.message, /opening a session did not complete within 200 ms \(connectTimeoutMs\)/);
    assert.ok(performance.now() - started >= 190);
    assert.equal(server.callsOf('OpenSession').length, 1);
    await until(() => server.sockets.size === 0, 'the socket was closed');
  });

  it('asks Impala to answer a held fetch within half a short FetchResults bound, unless told otherwise', async () => {
    await open({ rpcTimeoutMs: 3000 });
    await open({ callPolicy: { timeoutMs: (m) => (m === 'FetchResults' ? 8000 : undefined) } });
    await open({ rpcTimeoutMs: 3000, sessionQueryOptions: { fetch_rows_timeout_ms: '0' } });
    await open();
    const configs = server.callsOf('OpenSession').map((c) => (c.req as unknown as T.TOpenSessionReq).configuration);
    assert.deepEqual(configs, [{ FETCH_ROWS_TIMEOUT_MS: '1500' }, { FETCH_ROWS_TIMEOUT_MS: '4000' }, { fetch_rows_timeout_ms: '0' }, {}]);
  });

  describe('fetching again', () => {
    let clock: sinon.SinonFakeTimers | undefined;
    let conn: Connection;
    let host: OperationHost;

    beforeEach(async () => {
      conn = await Connection.open({ host: '127.0.0.1', port: server.port });
      const resp = await rpc.openSession(conn, new T.TOpenSessionReq({ client_protocol: T.TProtocolVersion.HIVE_CLI_SERVICE_PROTOCOL_V6 }));
      host = { connection: conn, coordinator: conn.address, sessionHandle: resp.sessionHandle!, cleanupTimeoutMs: 1000, pollMaxDelayMs: 100, track: () => undefined };
    });

    afterEach(async () => {
      clock?.restore();
      clock = undefined;
      await conn.close();
    });

    const fetches = (): number => server.arrivals.filter((c) => c.method === 'FetchResults').length;

    it('at once after the server held a FetchResults, after the poll backoff when it answered at once', async () => {
      server.fetchWaitMs = 500;
      server.onExecute = (sql) =>
        sql === 'held' ? { columns: [{ name: 'i', type: 'INT' }], rows: [[1]], settleAfterMs: 1200 } : { columns: [{ name: 'i', type: 'INT' }], rows: [[1]], fetchScript: ['still-executing', 'still-executing'] };
      // Faked before the statements start: the server times their settling on this clock too.
      clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
      const held = await Operation.execute(host, 'held');
      const quick = await Operation.execute(host, 'quick');

      // Impala-like: the server holds each fetch up to its wait; the client asks again at once.
      const a = held.fetchBatches(10);
      const first = a.next();
      await until(() => fetches() === 1, 'first fetch');
      await clock.tickAsync(500);
      await until(() => fetches() === 2, 'second fetch sent with no client-side wait');
      await clock.tickAsync(500);
      await until(() => fetches() === 3, 'third fetch sent with no client-side wait');
      await clock.tickAsync(200);
      const batch = await first;
      assert.equal(batch.done, false);
      assert.equal(held.rowsFetched, 1);
      await a.return(undefined);

      // A server answering STILL_EXECUTING at once is not hammered: 1 ms, then 2 ms.
      const b = quick.fetchBatches(10);
      const rows = b.next();
      await until(() => fetches() === 4, 'first fetch of the quick one');
      await until(() => conn.pendingCalls === 0, 'its STILL_EXECUTING reply came back');
      assert.ok(await stillFalseAfter(() => fetches() === 5), 'fetched again without waiting');
      await clock.tickAsync(1);
      await until(() => fetches() === 5, 'second fetch after 1 ms');
      await until(() => conn.pendingCalls === 0, 'its reply came back');
      await clock.tickAsync(1);
      assert.ok(await stillFalseAfter(() => fetches() === 6), 'fetched again before 2 ms');
      await clock.tickAsync(1);
      await until(() => fetches() === 6, 'third fetch after 2 ms more');
      assert.equal((await rows).done, false);
      await b.return(undefined);
    });
  });
});
