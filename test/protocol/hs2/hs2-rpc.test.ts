import { strict as assert } from 'node:assert';
import { Connection } from '../../../src/connection';
import { ErrorCode, ImpalaError, ServerError } from '../../../src/errors';
import * as rpc from '../../../src/protocol/hs2/hs2-rpc';
import { toInt64 } from '../../../src/protocol/hs2/int64';
import * as I from '../../../src/thrift/gen-nodejs/ImpalaService_types';
import * as T from '../../../src/thrift/gen-nodejs/TCLIService_types';
import { RawRowSet } from '../../../src/protocol/hs2/raw-row-set';
import { columnsFromSchema } from '../../../src/protocol/hs2/result-metadata';
import { RowDecoder } from '../../../src/protocol/hs2/row-decoder';
import { startScriptedHs2Server, type ScriptedHs2Server } from '../../helpers/scripted-hs2-server';
import { schemaOf, type ColumnSpec } from '../../helpers/scripted-rowset';

const QID = '5c4f1d2e3a4b6c7d:8e9fa0b100000000';

describe('HS2 RPC wrappers', () => {
  let server: ScriptedHs2Server;
  let conn: Connection;
  let session: T.TSessionHandle;

  beforeEach(async () => {
    server = await startScriptedHs2Server();
    conn = await Connection.open({ host: '127.0.0.1', port: server.port });
    session = (await rpc.openSession(conn, new T.TOpenSessionReq({ client_protocol: T.TProtocolVersion.HIVE_CLI_SERVICE_PROTOCOL_V6 }))).sessionHandle!;
  });

  afterEach(async () => {
    await conn.close();
    await server.close();
  });

  const execute = (statement = 'SELECT 1') => rpc.executeStatement(conn, new T.TExecuteStatementReq({ sessionHandle: session, statement }));

  async function rejection(p: Promise<unknown>): Promise<ImpalaError> {
    const err = await p.then(
      () => assert.fail('expected a rejection'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof ImpalaError, `expected an ImpalaError, got ${String(err)}`);
    return err;
  }

  it('maps an ERROR_STATUS with the 4.5+ wrapper to a typed ServerError with query id, coordinator and SQLSTATE', async () => {
    server.onExecute = () => ({ executeError: `Query ${QID} failed:\nAnalysisException: Could not resolve table reference: 'db.t'\n\n` });
    const err = await rejection(execute());
    assert.ok(err instanceof ServerError);
    assert.equal(err.code, ErrorCode.OBJECT_NOT_FOUND);
    assert.equal(err.family, 'server');
    assert.equal(err.queryId, QID);
    assert.equal(err.coordinator, server.address);
    assert.equal(err.sqlState, 'HY000');
    assert.equal(err.detail, "AnalysisException: Could not resolve table reference: 'db.t'");
  });

  it('classifies the bare (≤4.4) texts too, and keeps retryability from the text', async () => {
    const cases: Array<[string, string, boolean]> = [
      ['Server is being shut down: shutdown grace period left: 2m, deadline left: 1h, queries registered on coordinator: 0, queries executing: 0, fragment instances: 0.\n', ErrorCode.SERVER_SHUTTING_DOWN, true],
      ['Rejected query from pool root.default: queue full, limit=10, num_queued=10.\n', ErrorCode.ADMISSION_REJECTED, true],
      ['ParseException: Syntax error in line 1:\nSELEC 1\n^\n', ErrorCode.ANALYSIS, false],
      ['Invalid query option: NOT_AN_OPTION\n', ErrorCode.INVALID_QUERY_OPTION, false],
    ];
    for (const [message, code, retryable] of cases) {
      server.onExecute = () => ({ executeError: message });
      const err = await rejection(execute());
      assert.equal(err.code, code, message);
      assert.equal(err.retryable, retryable, message);
      assert.equal(err.coordinator, server.address);
    }
  });

  it('treats SUCCESS_WITH_INFO as success', async () => {
    server.overrides.set('PingImpalaHS2Service', () => new I.TPingImpalaHS2ServiceResp({ status: new T.TStatus({ statusCode: T.TStatusCode.SUCCESS_WITH_INFO_STATUS, infoMessages: ['note'] }), version: 'v' }));
    const resp = await rpc.pingImpalaHS2Service(conn, new I.TPingImpalaHS2ServiceReq({ sessionHandle: session }));
    assert.equal(resp.version, 'v');
  });

  it('maps INVALID_HANDLE_STATUS to IMPALA_ERR_INVALID_HANDLE even without a known text', async () => {
    server.overrides.set('GetLog', () => new T.TGetLogResp({ status: new T.TStatus({ statusCode: T.TStatusCode.INVALID_HANDLE_STATUS }), log: '' }));
    const handle = (await execute()).operationHandle!;
    const err = await rejection(rpc.getLog(conn, new T.TGetLogReq({ operationHandle: handle }), { queryId: QID }));
    assert.equal(err.code, ErrorCode.INVALID_HANDLE);
    assert.equal(err.queryId, QID);
  });

  it('reports an invalid session by its text', async () => {
    server.forgetEverything();
    const err = await rejection(rpc.pingImpalaHS2Service(conn, new I.TPingImpalaHS2ServiceReq({ sessionHandle: session })));
    assert.equal(err.code, ErrorCode.INVALID_SESSION);
    assert.equal(err.retryable, true);
  });

  it('returns STILL_EXECUTING fetches and ERROR_STATE statuses instead of throwing', async () => {
    server.onExecute = (sql) => (sql === 'fails' ? { columns: [{ name: 'a', type: 'INT' }], states: ['ERROR'], errorMessage: 'boom' } : { columns: [{ name: 'a', type: 'INT' }], rows: [[1]], states: ['RUNNING'] });
    const failed = (await execute('fails')).operationHandle!;
    const status = await rpc.getOperationStatus(conn, new T.TGetOperationStatusReq({ operationHandle: failed }));
    assert.equal(status.operationState, T.TOperationState.ERROR_STATE);
    assert.equal(status.errorMessage, 'boom');
    const running = (await execute('runs')).operationHandle!;
    const fetch = await rpc.fetchResults(conn, new T.TFetchResultsReq({ operationHandle: running, orientation: T.TFetchOrientation.FETCH_NEXT, maxRows: toInt64(10) }));
    assert.equal(fetch.status.statusCode, T.TStatusCode.STILL_EXECUTING_STATUS);
    assert.equal(fetch.results, undefined);
  });

  it('reads FetchResults rows straight from the reply bytes, still valid after the connection reused its buffer', async () => {
    const columns: ColumnSpec[] = [{ name: 'g', type: 'BIGINT' }, { name: 's', type: 'STRING' }, { name: 'b', type: 'BINARY' }];
    const rows = Array.from({ length: 25 }, (_, i) => [i % 5 === 0 ? null : BigInt(i) * 2n ** 58n, `row-${i}-é`, Buffer.from([i, 255 - i])]);
    server.onExecute = () => ({ columns, rows, batchSize: 10 });
    const operationHandle = (await execute()).operationHandle!;
    const req = new T.TFetchResultsReq({ operationHandle, orientation: T.TFetchOrientation.FETCH_NEXT, maxRows: toInt64(10) });
    const replies = [];
    for (let i = 0; i < 3; i++) replies.push(await rpc.fetchResults(conn, req));
    assert.deepEqual(replies.map((r) => r.hasMoreRows), [true, true, false]);
    // Decode only now: every later reply went through the same receive buffer.
    const decoder = new RowDecoder(columnsFromSchema(schemaOf(columns)), { rowMode: 'array' });
    const decoded = replies.flatMap((r) => {
      assert.ok(r.results instanceof RawRowSet);
      return decoder.decode(r.results);
    });
    assert.deepEqual(decoded, rows);
  });

  it('keeps a TApplicationException a ProtocolError, with the connection still usable', async () => {
    server.overrides.set('GetExecSummary', () => Promise.reject(new Error('no such thing here')));
    const handle = (await execute()).operationHandle!;
    const err = await rejection(rpc.getExecSummary(conn, new I.TGetExecSummaryReq({ operationHandle: handle, sessionHandle: session }), { queryId: QID }));
    assert.equal(err.code, ErrorCode.THRIFT_APPLICATION);
    assert.equal(err.family, 'protocol');
    assert.equal(err.queryId, QID);
    assert.equal(err.coordinator, server.address);
    const ok = await rpc.pingImpalaHS2Service(conn, new I.TPingImpalaHS2ServiceReq({ sessionHandle: session }));
    assert.match(ok.version ?? '', /impalad version/);
  });

  it('reports a reply without a status as a protocol error', () => {
    assert.throws(
      () => rpc.checkStatus(undefined, 'CloseSession', 'h:1', QID),
      (e) => e instanceof ImpalaError && e.code === ErrorCode.PROTOCOL && e.queryId === QID && /h:1 answered CloseSession without a status/.test(e.message),
    );
  });

  it('names the coordinator and query id on transport errors', async () => {
    server.overrides.set('GetLog', () => new Promise(() => undefined));
    const handle = (await execute()).operationHandle!;
    const err = await rejection(rpc.getLog(conn, new T.TGetLogReq({ operationHandle: handle }), { queryId: QID, timeoutMs: 100 }));
    assert.equal(err.code, ErrorCode.RPC_TIMEOUT);
    assert.equal(err.queryId, QID);
    assert.equal(err.coordinator, server.address);
  });
});
