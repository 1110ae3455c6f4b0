import { strict as assert } from 'node:assert';
import { Connection } from '../../../src/connection';
import { ErrorCode, ImpalaError, QueryTimeoutError } from '../../../src/errors';
import { nextPollDelay } from '../../../src/protocol/hs2/call-guard';
import * as rpc from '../../../src/protocol/hs2/hs2-rpc';
import { batchRowCount, Operation, type OperationHost } from '../../../src/protocol/hs2/operation';
import * as I from '../../../src/thrift/gen-nodejs/ImpalaService_types';
import * as T from '../../../src/thrift/gen-nodejs/TCLIService_types';
import { toInt64 } from '../../../src/protocol/hs2/int64';
import { startScriptedHs2Server, type ScriptedHs2Server } from '../../helpers/scripted-hs2-server';

describe('Operation', () => {
  let server: ScriptedHs2Server;
  let conn: Connection;
  let host: OperationHost;
  let background: Promise<unknown>[];

  beforeEach(async () => {
    server = await startScriptedHs2Server();
    conn = await Connection.open({ host: '127.0.0.1', port: server.port });
    const resp = await rpc.openSession(conn, new T.TOpenSessionReq({ client_protocol: T.TProtocolVersion.HIVE_CLI_SERVICE_PROTOCOL_V6 }));
    background = [];
    host = {
      connection: conn,
      coordinator: conn.address,
      sessionHandle: resp.sessionHandle!,
      cleanupTimeoutMs: 1000,
      pollMaxDelayMs: 100,
      track: (p) => background.push(p),
    };
  });

  afterEach(async () => {
    await Promise.allSettled(background);
    await conn.close();
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

  it('polls through INITIALIZED, PENDING and RUNNING to FINISHED', async () => {
    server.onExecute = () => ({ states: ['INITIALIZED', 'PENDING', 'RUNNING', 'FINISHED'] });
    const op = await Operation.execute(host, 'INSERT INTO t VALUES (1)');
    assert.match(op.queryId, /^[0-9a-f]{16}:[0-9a-f]{8}00000000$/);
    assert.equal(op.hasResultSet, false);
    await op.waitUntilFinished();
    assert.equal(op.state, 'finished');
    assert.equal(server.callsOf('GetOperationStatus').length, 4);
  });

  it('backs off from 1 ms doubling to the cap while the query runs', async () => {
    assert.deepEqual([0, 1, 2, 64, 100].map((d) => nextPollDelay(d, 100)), [1, 2, 4, 100, 100]);
    server.onExecute = () => ({ states: ['RUNNING'] });
    const op = await Operation.execute(host, 'SELECT sleep(1000)');
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(), 600);
    await rejection(op.waitUntilFinished(ac.signal));
    clearTimeout(timer);
    const polls = server.callsOf('GetOperationStatus').map((c) => c.at);
    // 1+2+...+64 ms then 100 ms steps: about 12 polls in 600 ms, not hundreds.
    assert.ok(polls.length >= 5 && polls.length <= 20, `${polls.length} polls`);
    const gaps = polls.slice(1).map((t, i) => t - polls[i]!);
    assert.ok(gaps.at(-1)! >= 90, `last gap ${gaps.at(-1)} ms should be near the 100 ms cap`);
  });

  it('raises the server error of an ERROR_STATE with the query id and coordinator', async () => {
    server.onExecute = () => ({
      states: ['PENDING', 'ERROR'],
      errorMessage: 'Query 0000000000000001:0000000000000002 failed:\nAdmission for query exceeded timeout 60000ms in pool root.default. Queued reason: queue is not empty (size 4); queued queries are executed first.\n\n',
    });
    const op = await Operation.execute(host, 'SELECT 1');
    const err = await rejection(op.waitUntilFinished());
    assert.equal(err.code, ErrorCode.ADMISSION_TIMEOUT);
    assert.equal(err.retryable, true);
    assert.equal(err.coordinator, server.address);
    assert.equal(err.sqlState, 'HY000');
    // The operation's own id (its handle) is the one reported.
    assert.equal(err.queryId, op.queryId);
    assert.match(err.message, /^Admission for query exceeded timeout 60000ms/);
    assert.equal(op.state, 'failed');
  });

  it('fetches through STILL_EXECUTING replies and 0-row batches until hasMoreRows is false', async () => {
    const rows = Array.from({ length: 25 }, (_, i) => [i]);
    server.onExecute = () => ({ columns: [{ name: 'i', type: 'INT' }], rows, batchSize: 10, fetchScript: ['still-executing', 'empty', 'rows', 'empty', 'still-executing'] });
    const op = await Operation.execute(host, 'SELECT i FROM t');
    await op.waitUntilFinished();
    assert.deepEqual(await op.metadata(), [{ name: 'i', type: 'INT', position: 0 }]);
    const sizes: number[] = [];
    for await (const batch of op.fetchBatches(100)) sizes.push(batchRowCount(batch));
    assert.deepEqual(sizes, [10, 10, 5]);
    assert.equal(op.rowsFetched, 25);
    // 5 scripted steps (1 of them with rows) + 2 more row batches.
    assert.equal(server.callsOf('FetchResults').length, 7);
    assert.equal(Number((server.callsOf('FetchResults')[0]!.req as { maxRows: { toNumber(): number } }).maxRows.toNumber()), 100);
  });

  it('returns the DML row count summed over partitions as a bigint', async () => {
    server.onExecute = () => ({ rowsModified: { 'p=1': 2n ** 40n, 'p=2': 3n } });
    const op = await Operation.execute(host, 'INSERT INTO t PARTITION (p) SELECT * FROM s');
    await op.waitUntilFinished();
    assert.deepEqual(await op.close(), { rowsModified: 2n ** 40n + 3n });
    assert.equal(op.state, 'closed');
    // Closing again reuses the first result, no second RPC.
    assert.deepEqual(await op.close(), { rowsModified: 2n ** 40n + 3n });
    assert.equal(server.callsOf('CloseImpalaOperation').length, 1);
  });

  it('counts an unknown handle on close as closed for a query, not for DML', async () => {
    server.onExecute = (sql) => (sql.startsWith('SELECT') ? { columns: [{ name: 'a', type: 'INT' }], rows: [[1]] } : {});
    const query = await Operation.execute(host, 'SELECT 1');
    const dml = await Operation.execute(host, 'INSERT INTO t VALUES (1)');
    server.forgetEverything();
    assert.deepEqual(await query.close(), {});
    const err = await rejection(dml.close());
    assert.equal(err.code, ErrorCode.INVALID_HANDLE);
    assert.equal(err.queryId, dml.queryId);
  });

  it('treats a fetch error as the end of the query and still closes cleanly', async () => {
    server.onExecute = () => ({ columns: [{ name: 'a', type: 'INT' }], rows: [[1]], fetchError: 'Memory limit exceeded: the query could not allocate\n' });
    const op = await Operation.execute(host, 'SELECT a FROM big');
    await op.waitUntilFinished();
    await op.metadata();
    const err = await rejection((async () => {
      for await (const _ of op.fetchBatches(10)) void _;
    })());
    assert.equal(err.code, ErrorCode.MEMORY_LIMIT);
    assert.equal(err.queryId, op.queryId);
    assert.deepEqual(await op.close(), {});
  });

  it('on abort while waiting sends CancelOperation, then rejects with AbortedError', async () => {
    server.onExecute = () => ({ states: ['RUNNING'] });
    const op = await Operation.execute(host, 'SELECT sleep(100000)');
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error('user gave up')), 30);
    const err = await rejection(op.waitUntilFinished(ac.signal));
    assert.equal(err.code, ErrorCode.ABORTED);
    assert.equal(err.queryId, op.queryId);
    assert.equal(err.coordinator, server.address);
    assert.equal((err.cause as Error).message, 'user gave up');
    assert.equal(server.callsOf('CancelOperation').length, 1);
  });

  it('keeps a QueryTimeoutError reason as it is', async () => {
    server.onExecute = () => ({ states: ['RUNNING'] });
    const op = await Operation.execute(host, 'SELECT sleep(100000)');
    const ac = new AbortController();
    setTimeout(() => ac.abort(new QueryTimeoutError(30)), 30);
    const err = await rejection(op.waitUntilFinished(ac.signal));
    assert.ok(err instanceof QueryTimeoutError);
    assert.equal(err.queryId, op.queryId);
  });

  it('rejects at once when aborted during ExecuteStatement and cleans up when the handle arrives', async () => {
    server.onExecute = () => ({ executeDelayMs: 150, states: ['RUNNING'] });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 20);
    const err = await rejection(Operation.execute(host, 'SELECT 1', { signal: ac.signal }));
    assert.equal(err.code, ErrorCode.ABORTED);
    assert.equal(server.operations.size, 0, 'rejected before ExecuteStatement was answered');
    assert.equal(background.length, 1);
    await background[0];
    assert.equal(server.callsOf('CancelOperation').length, 1);
    assert.equal(server.callsOf('CloseImpalaOperation').length, 1);
  });

  it('reads the log, the runtime profile and the exec summary', async () => {
    const summary = new I.TExecSummary({
      state: I.TExecState.RUNNING,
      nodes: [new I.TPlanNodeExecSummary({ node_id: 0, fragment_idx: 0, label: '00:SCAN HDFS', label_detail: 'db.t', num_children: 0, exec_stats: [new I.TExecStats({ cardinality: toInt64(2n ** 60n), latency_ns: toInt64(5) })] })],
      is_queued: false,
    });
    server.onExecute = () => ({ log: 'Query x: 50% Complete (1 out of 2)\n', profile: 'Query (id=x):\n  Summary:', summary });
    const op = await Operation.execute(host, 'SELECT 1');
    assert.equal(await op.log(), 'Query x: 50% Complete (1 out of 2)\n');
    assert.equal(await op.profile(), 'Query (id=x):\n  Summary:');
    const s = await op.summary();
    assert.equal(s.state, 'RUNNING');
    assert.deepEqual(s.nodes[0], { nodeId: 0, fragmentIndex: 0, label: '00:SCAN HDFS', labelDetail: 'db.t', childCount: 0, instances: [{ cardinality: 2n ** 60n, latencyNs: 5n }] });
    const profileReq = server.callsOf('GetRuntimeProfile')[0]!.req as { sessionHandle?: unknown; format?: number };
    assert.ok(profileReq.sessionHandle, 'GetRuntimeProfile carries the session handle');
    assert.equal(profileReq.format, I.TRuntimeProfileFormat.STRING);
  });
});
