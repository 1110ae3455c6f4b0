import { strict as assert } from 'node:assert';
import { Int64 } from 'thrift';
import { ErrorCode, hasCode } from '../../src/errors';
import * as I from '../../src/thrift/gen-nodejs/ImpalaService_types';
import * as T from '../../src/thrift/gen-nodejs/TCLIService_types';
import { startCluster } from '../../src/testing';
import { check, eventually, Hs2TestClient } from './helpers/hs2-client';
import { uniqueTable, useCluster } from './helpers/sim-fixture';

const QUERY_ID = /^[0-9a-f]{16}:[0-9a-f]{16}$/;

/** Prints a handle guid like Impala's PrintId (each 8-byte half little-endian). */
function printGuid(guid: Buffer): string {
  return `${guid.readBigUInt64LE(0).toString(16).padStart(16, '0')}:${guid.readBigUInt64LE(8).toString(16).padStart(16, '0')}`;
}

describe('simulator: Impala HS2 behaviour over a real socket', function () {
  this.timeout(20_000);
  const sim = useCluster({ coordinators: 1, fetchRowsTimeoutMs: 150 });

  describe('OpenSession', () => {
    it('clamps the protocol to V6 and returns every query option plus http_addr', async () => {
      const client = await sim.connect();
      const resp = await client.call(
        'OpenSession',
        new T.TOpenSessionReq({ client_protocol: 9 as T.TProtocolVersion, configuration: { 'set:hiveconf:MEM_LIMIT': '1g', 'set:hivevar:x': 'y' } }),
        T.TOpenSessionResp,
      );
      check('OpenSession', resp.status);
      assert.equal(resp.serverProtocolVersion, T.TProtocolVersion.HIVE_CLI_SERVICE_PROTOCOL_V6);
      const conf = resp.configuration ?? {};
      assert.equal(conf.MEM_LIMIT, '1g', 'set:hiveconf: prefix stripped and applied');
      assert.ok(Object.hasOwn(conf, 'SYNC_DDL'), 'all query options listed');
      assert.ok(!Object.hasOwn(conf, 'X') && !Object.hasOwn(conf, 'set:hivevar:x'), 'hivevars ignored');
      const c = sim.cluster.coordinators[0]!;
      assert.match(conf.http_addr ?? '', new RegExp(`^${c.host}:\\d+$`));
      assert.notEqual(conf.http_addr, c.address, 'http_addr names the web UI port, not the HS2 port');
      assert.equal(resp.sessionHandle?.sessionId.guid.length, 16);
      assert.equal(resp.sessionHandle?.sessionId.secret.length, 16);
    });

    it('a client asking for V5 gets V5 and row-oriented results (TRow / TColumnValue)', async () => {
      const client = await sim.connect();
      const resp = await client.call(
        'OpenSession',
        new T.TOpenSessionReq({ client_protocol: T.TProtocolVersion.HIVE_CLI_SERVICE_PROTOCOL_V5 }),
        T.TOpenSessionResp,
      );
      assert.equal(resp.serverProtocolVersion, T.TProtocolVersion.HIVE_CLI_SERVICE_PROTOCOL_V5);
      const op = await client.execute(resp.sessionHandle!, "SELECT CAST(7 AS INT) AS i, CAST(NULL AS STRING) AS n, 'x' AS s");
      await client.waitDone(op);
      const fetched = await client.fetchRaw(op);
      check('FetchResults', fetched.status);
      assert.equal(fetched.results!.columns, null);
      const row = fetched.results!.rows[0]!.colVals;
      assert.equal(row[0]!.i32Val!.value, 7);
      assert.equal(row[1]!.stringVal!.value, null, 'NULL is an unset value');
      assert.equal(row[2]!.stringVal!.value, 'x');
    });

    it('applies use:database to the session', async () => {
      const client = await sim.connect();
      const s = await client.openSession();
      await client.query(s, 'CREATE DATABASE IF NOT EXISTS sim_db1');
      const s2 = await client.openSession({ 'use:database': 'sim_db1' });
      const t = uniqueTable();
      await client.query(s2, `CREATE TABLE ${t} (a INT)`);
      const rows = await client.query(s, 'SHOW TABLES IN sim_db1');
      assert.ok(rows.some((r) => r[0] === t), `expected ${t} in sim_db1, got ${JSON.stringify(rows)}`);
    });
  });

  describe('statement timing', () => {
    it('ExecuteStatement returns before rows exist; states move PENDING/RUNNING to FINISHED', async () => {
      const client = await sim.connect();
      const s = await client.openSession();
      const started = Date.now();
      const op = await client.execute(s, 'SELECT sleep(600)');
      assert.ok(Date.now() - started < 400, 'ExecuteStatement did not wait for execution');
      const first = await client.status(op);
      assert.ok(
        [T.TOperationState.INITIALIZED_STATE, T.TOperationState.PENDING_STATE, T.TOperationState.RUNNING_STATE].includes(first.operationState!),
        `state right after submit: ${first.operationState}`,
      );
      const seen = new Set<number>([first.operationState!]);
      const done = await eventually(async () => {
        const st = await client.status(op);
        seen.add(st.operationState!);
        return st.operationState === T.TOperationState.FINISHED_STATE ? st : undefined;
      }, 'FINISHED');
      assert.equal(done.status.statusCode, T.TStatusCode.SUCCESS_STATUS);
      assert.ok(seen.has(T.TOperationState.RUNNING_STATE), `RUNNING observed (saw ${[...seen].join(',')})`);
      assert.ok(!seen.has(T.TOperationState.CANCELED_STATE) && !seen.has(T.TOperationState.CLOSED_STATE));
      assert.ok(Date.now() - started >= 550, 'FINISHED only after the sleep');
    });

    it('FetchResults answers STILL_EXECUTING with no results while rows are not ready', async () => {
      const client = await sim.connect();
      const s = await client.openSession();
      const op = await client.execute(s, 'SELECT sleep(700) AS slept');
      const t0 = Date.now();
      const early = await client.fetchRaw(op);
      assert.equal(early.status.statusCode, T.TStatusCode.STILL_EXECUTING_STATUS);
      assert.equal(early.hasMoreRows, true);
      assert.equal(early.results, null, 'results unset');
      assert.ok(Date.now() - t0 >= 120, 'the fetch waited about FETCH_ROWS_TIMEOUT_MS (150 ms) first');
      const rows = await client.fetchAll(op);
      assert.deepEqual(rows, [[true]]);
    });

    it('FETCH_ROWS_TIMEOUT_MS set in the session overrides the coordinator default', async () => {
      const client = await sim.connect();
      const s = await client.openSession({ FETCH_ROWS_TIMEOUT_MS: '2000' });
      const op = await client.execute(s, 'SELECT sleep(300)');
      const resp = await client.fetchRaw(op);
      check('FetchResults', resp.status);
      assert.equal(resp.results?.columns?.[0]?.boolVal?.values.length, 1, 'rows came in the same call');
    });

    it('query ids are printed the Impala way and end in 00000000', async () => {
      const client = await sim.connect();
      const s = await client.openSession();
      const op = await client.execute(s, 'SELECT 1');
      const qid = printGuid(op.operationId.guid);
      assert.match(qid, QUERY_ID);
      assert.ok(qid.endsWith('00000000'), qid);
      assert.deepEqual(op.operationId.secret, s.sessionId.secret, 'the operation secret is the session secret');
      assert.equal(op.operationType, T.TOperationType.EXECUTE_STATEMENT);
      assert.equal(op.hasResultSet, true);
      const execs = sim.cluster.stats()[0]!.executed;
      await eventually(() => sim.cluster.stats()[0]!.executed.some((e) => e.queryId === qid), 'the statement in the execution log');
      assert.ok(execs.length >= 0);
      assert.equal(sim.cluster.stats()[0]!.executed.find((e) => e.queryId === qid)?.sessionId, printGuid(s.sessionId.guid));
    });

    it('GetResultSetMetadata uses 0-based positions and DECIMAL qualifiers', async () => {
      const client = await sim.connect();
      const s = await client.openSession();
      const op = await client.execute(s, 'SELECT CAST(1.5 AS DECIMAL(10,2)) AS d, 7 AS i');
      const md = await client.metadata(op);
      const cols = md.schema!.columns;
      assert.deepEqual(cols.map((c) => [c.columnName, c.position]), [['d', 0], ['i', 1]]);
      const entry = cols[0]!.typeDesc.types[0]!.primitiveEntry!;
      assert.equal(entry.type, T.TTypeId.DECIMAL_TYPE);
      assert.equal(entry.typeQualifiers?.qualifiers.precision?.i32Value, 10);
      assert.equal(entry.typeQualifiers?.qualifiers.scale?.i32Value, 2);
      assert.deepEqual(await client.fetchAll(op), [['1.50', 7]]);
    });
  });

  describe('session state', () => {
    it('SET and USE persist for later statements of the session, not for other sessions', async () => {
      const client = await sim.connect();
      const s = await client.openSession();
      await client.query(s, 'CREATE DATABASE IF NOT EXISTS sim_db2');
      await client.query(s, 'USE sim_db2');
      await client.query(s, 'SET MEM_LIMIT=2g');
      const options = await client.query(s, 'SET');
      const mem = options.find((r) => String(r[0]).toUpperCase() === 'MEM_LIMIT');
      assert.equal(mem?.[1], '2g');
      const t = uniqueTable();
      await client.query(s, `CREATE TABLE ${t} (a INT)`);
      assert.ok((await client.query(s, 'SHOW TABLES')).some((r) => r[0] === t), 'USE changed the current database');
      const other = await client.openSession();
      const otherOptions = await client.query(other, 'SET');
      assert.notEqual(otherOptions.find((r) => String(r[0]).toUpperCase() === 'MEM_LIMIT')?.[1], '2g');
      assert.ok(!(await client.query(other, 'SHOW TABLES')).some((r) => r[0] === t));
    });

    it('SET takes effect inside ExecuteStatement, before the client polls', async () => {
      const client = await sim.connect();
      const s = await client.openSession();
      await client.execute(s, 'SET MEM_LIMIT=5g'); // not polled, not closed
      const options = await client.query(s, 'SET');
      assert.equal(options.find((r) => String(r[0]).toUpperCase() === 'MEM_LIMIT')?.[1], '5g');
    });

    it('SHOW and DESCRIBE return their result sets', async () => {
      const client = await sim.connect();
      const s = await client.openSession();
      const t = uniqueTable();
      await client.query(s, `CREATE TABLE ${t} (id BIGINT, name STRING, price DECIMAL(10,2))`);
      const described = await client.query(s, `DESCRIBE ${t}`);
      assert.deepEqual(described.map((r) => [r[0], r[1]]), [['id', 'bigint'], ['name', 'string'], ['price', 'decimal(10,2)']]);
      const dbs = await client.query(s, 'SHOW DATABASES');
      assert.ok(dbs.some((r) => r[0] === 'default'));
    });

    it('DML reports rows_modified through CloseImpalaOperation', async () => {
      const client = await sim.connect();
      const s = await client.openSession();
      const t = uniqueTable();
      await client.query(s, `CREATE TABLE ${t} (a INT)`);
      const op = await client.execute(s, `INSERT INTO ${t} VALUES (1), (2), (3)`);
      assert.equal(op.hasResultSet, false);
      await client.waitDone(op);
      const closed = await client.closeOperation(op);
      check('CloseImpalaOperation', closed.status);
      const n = closed.dml_result?.rows_modified[''];
      assert.ok(n instanceof Int64);
      assert.equal(n.toNumber(), 3);
    });
  });

  describe('errors with Impala texts', () => {
    it('unknown table: ERROR_STATUS wrapped as Query <id> failed, sqlState HY000', async () => {
      const client = await sim.connect();
      const s = await client.openSession();
      const resp = await client.executeRaw(s, 'SELECT * FROM no_such_table');
      assert.equal(resp.status.statusCode, T.TStatusCode.ERROR_STATUS);
      assert.equal(resp.status.sqlState, 'HY000');
      assert.match(resp.status.errorMessage!, /^Query [0-9a-f]{16}:[0-9a-f]{16} failed:\nAnalysisException: Could not resolve table reference: 'no_such_table'\n$/);
      assert.equal(resp.operationHandle, null);
    });

    it('invalid session: Invalid session id: <sid>', async () => {
      const client = await sim.connect();
      const s = await client.openSession();
      check('CloseSession', await client.closeSession(s));
      const resp = await client.executeRaw(s, 'SELECT 1');
      assert.equal(resp.status.statusCode, T.TStatusCode.ERROR_STATUS);
      assert.equal(resp.status.errorMessage, `Invalid session id: ${printGuid(s.sessionId.guid)}\n`);
      const forged = new T.TSessionHandle({ sessionId: new T.THandleIdentifier({ guid: s.sessionId.guid, secret: Buffer.alloc(16) }) });
      assert.match((await client.ping(forged)).status.errorMessage!, /^Invalid session id: /);
    });

    it('invalid handle: closing twice gives Invalid or unknown query handle: <qid>.', async () => {
      const client = await sim.connect();
      const s = await client.openSession();
      const op = await client.execute(s, 'SELECT 1');
      await client.waitDone(op);
      check('close', (await client.closeOperation(op)).status);
      const again = await client.closeOperation(op);
      assert.equal(again.status.statusCode, T.TStatusCode.ERROR_STATUS);
      assert.equal(again.status.errorMessage, `Invalid or unknown query handle: ${printGuid(op.operationId.guid)}.\n`);
      const st = await client.status(op);
      assert.equal(st.status.statusCode, T.TStatusCode.ERROR_STATUS);
      assert.equal(st.operationState, T.TOperationState.ERROR_STATE);
    });

    it('a handle with the wrong secret: Query id <qid> not found.', async () => {
      const client = await sim.connect();
      const s = await client.openSession();
      const op = await client.execute(s, 'SELECT 1');
      const forged = new T.TOperationHandle({ ...op, operationId: new T.THandleIdentifier({ guid: op.operationId.guid, secret: Buffer.alloc(16, 1) }) });
      assert.equal((await client.status(forged)).status.errorMessage, `Query id ${printGuid(op.operationId.guid)} not found.\n`);
    });

    it('cancel: ERROR_STATE with detail Cancelled, the query stays registered until closed', async () => {
      const client = await sim.connect();
      const s = await client.openSession();
      const op = await client.execute(s, 'SELECT sleep(5000)');
      check('CancelOperation', (await client.cancel(op)).status);
      const st = await client.waitDone(op);
      assert.equal(st.status.statusCode, T.TStatusCode.SUCCESS_STATUS);
      assert.equal(st.operationState, T.TOperationState.ERROR_STATE);
      assert.match(st.errorMessage!, /^Query [0-9a-f:]{33} failed:\nCancelled\n$/);
      check('CancelOperation again', (await client.cancel(op)).status);
      check('CloseImpalaOperation', (await client.closeOperation(op)).status);
    });

    it('an invalid confOverlay option is refused, an unsupported orientation is HYC00', async () => {
      const client = await sim.connect();
      const s = await client.openSession();
      const bad = await client.executeRaw(s, 'SELECT 1', { NOT_AN_OPTION: '1' });
      assert.equal(bad.status.errorMessage, 'Invalid query option: NOT_AN_OPTION\n');
      const op = await client.execute(s, 'SELECT 1');
      const resp = await client.fetchRaw(op, 10, T.TFetchOrientation.FETCH_PRIOR);
      assert.equal(resp.status.errorMessage, 'Unsupported operation');
      assert.equal(resp.status.sqlState, 'HYC00');
    });

    it('a fetch error unregisters the query', async () => {
      const client = await sim.connect();
      const s = await client.openSession();
      const op = await client.execute(s, 'SELECT sleep(5000)');
      await client.cancel(op);
      const resp = await client.fetchRaw(op);
      assert.match(resp.status.errorMessage!, /Cancelled/);
      assert.match((await client.status(op)).status.errorMessage!, /^Invalid or unknown query handle/);
    });

    it('with errorWrapper false errors are bare (Impala <= 4.4)', async () => {
      // A second cluster in this suite, started and stopped here.
      const old = await startCluster({ coordinators: 1, errorWrapper: false, version: '4.4.0' });
      try {
        const c = old.coordinators[0]!;
        const client = await Hs2TestClient.connect({ host: c.host, port: c.port });
        try {
          const s = await client.openSession();
          const resp = await client.executeRaw(s, 'SELECT * FROM missing_t');
          assert.equal(resp.status.errorMessage, "AnalysisException: Could not resolve table reference: 'missing_t'\n");
          const info = await client.call('GetInfo', new T.TGetInfoReq({ sessionHandle: s, infoType: T.TGetInfoType.CLI_DBMS_VER }), T.TGetInfoResp);
          assert.equal(info.infoValue.stringValue, '4.4.0');
        } finally {
          await client.close();
        }
      } finally {
        await old.stop();
      }
    });
  });

  describe('other RPCs', () => {
    it('GetInfo, PingImpalaHS2Service, GetLog, GetRuntimeProfile, GetExecSummary', async () => {
      const client = await sim.connect();
      const s = await client.openSession();
      const name = await client.call('GetInfo', new T.TGetInfoReq({ sessionHandle: s, infoType: T.TGetInfoType.CLI_SERVER_NAME }), T.TGetInfoResp);
      assert.equal(name.infoValue.stringValue, 'Impala');
      const other = await client.call('GetInfo', new T.TGetInfoReq({ sessionHandle: s, infoType: T.TGetInfoType.CLI_MAX_DRIVER_CONNECTIONS }), T.TGetInfoResp);
      assert.equal(other.status.errorMessage, 'Unsupported operation');
      const ping = await client.ping(s);
      check('Ping', ping.status);
      assert.match(ping.version!, /^impalad version 4\.5\.0 RELEASE \(build [0-9a-f]+\)$/);
      assert.match(ping.webserver_address!, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.ok(ping.timestamp instanceof Int64);

      const op = await client.execute(s, 'SELECT 1');
      await client.waitDone(op);
      const log = await client.log(op);
      assert.match(log.log, /^Query [0-9a-f:]{33} 100% Complete \(1 out of 1\)\n$/);
      const profile = await client.call('GetRuntimeProfile', new I.TGetRuntimeProfileReq({ operationHandle: op, sessionHandle: s }), I.TGetRuntimeProfileResp);
      assert.match(profile.profile!, new RegExp(`^Query \\(id=${printGuid(op.operationId.guid)}\\):`));
      assert.match(profile.profile!, /Sql Statement: SELECT 1/);
      assert.match(profile.profile!, /\n {4}User: anonymous\n/, 'no username and no SASL: anonymous');
      await client.closeOperation(op);
      // Closed queries stay in the query log for profiles and summaries.
      const summary = await client.call('GetExecSummary', new I.TGetExecSummaryReq({ operationHandle: op, sessionHandle: s }), I.TGetExecSummaryResp);
      check('GetExecSummary', summary.status);
      assert.equal(summary.summary?.state, I.TExecState.FINISHED);
      const unknown = new T.TOperationHandle({ ...op, operationId: new T.THandleIdentifier({ guid: Buffer.alloc(16, 7), secret: op.operationId.secret }) });
      const missing = await client.call('GetRuntimeProfile', new I.TGetRuntimeProfileReq({ operationHandle: unknown, sessionHandle: s }), I.TGetRuntimeProfileResp);
      assert.match(missing.status.errorMessage!, /^Query id [0-9a-f:]{33} not found\.\n$/);
    });

    it('GetOperationStatus with an empty guid reads FINISHED', async () => {
      const client = await sim.connect();
      const empty = new T.TOperationHandle({
        operationId: new T.THandleIdentifier({ guid: Buffer.alloc(0), secret: Buffer.alloc(0) }),
        operationType: T.TOperationType.EXECUTE_STATEMENT,
        hasResultSet: false,
      });
      const st = await client.status(empty);
      assert.equal(st.status.statusCode, T.TStatusCode.SUCCESS_STATUS);
      assert.equal(st.operationState, T.TOperationState.FINISHED_STATE);
    });

    it('an unknown method gets a TApplicationException and the connection stays usable', async () => {
      const client = await sim.connect();
      await assert.rejects(
        client.call('GetQueryId', new T.TGetSchemasReq({ sessionHandle: await client.openSession() }), T.TGetSchemasResp),
        (err: unknown) => hasCode(err, ErrorCode.THRIFT_APPLICATION),
      );
      const s = await client.openSession();
      assert.deepEqual(await client.query(s, 'SELECT 2'), [[2]]);
    });

    it('GetTables lists tables with the metadata column names', async () => {
      const client = await sim.connect();
      const s = await client.openSession();
      const t = uniqueTable('meta');
      await client.query(s, `CREATE TABLE ${t} (a INT)`);
      const loggedBefore = sim.cluster.stats()[0]!.executed.length;
      const resp = await client.call('GetTables', new T.TGetTablesReq({ sessionHandle: s, schemaName: 'default', tableName: 'meta%' }), T.TGetTablesResp);
      check('GetTables', resp.status);
      const op = resp.operationHandle!;
      assert.equal(op.operationType, T.TOperationType.GET_TABLES);
      const md = await client.metadata(op);
      assert.deepEqual(md.schema!.columns.map((c) => c.columnName), ['TABLE_CAT', 'TABLE_SCHEM', 'TABLE_NAME', 'TABLE_TYPE', 'REMARKS']);
      await client.waitDone(op);
      const rows = await client.fetchAll(op);
      assert.ok(rows.some((r) => r[1] === 'default' && r[2] === t && r[3] === 'TABLE'), JSON.stringify(rows));
      assert.equal(sim.cluster.stats()[0]!.executed.length, loggedBefore, 'the statements behind GetTables are not logged');
    });

    it('GetSchemas and GetColumns describe databases and columns', async () => {
      const client = await sim.connect();
      const s = await client.openSession();
      const t = uniqueTable('cols');
      await client.query(s, `CREATE TABLE ${t} (id BIGINT, price DECIMAL(10,2))`);
      const schemas = await client.call('GetSchemas', new T.TGetSchemasReq({ sessionHandle: s }), T.TGetSchemasResp);
      check('GetSchemas', schemas.status);
      assert.ok((await client.fetchAll(schemas.operationHandle!)).some((r) => r[0] === 'default'));
      const cols = await client.call('GetColumns', new T.TGetColumnsReq({ sessionHandle: s, schemaName: 'default', tableName: t }), T.TGetColumnsResp);
      check('GetColumns', cols.status);
      const md = await client.metadata(cols.operationHandle!);
      assert.equal(md.schema!.columns[1]!.columnName, 'TABLE_MD');
      const rows = await client.fetchAll(cols.operationHandle!);
      // COLUMN_NAME, DATA_TYPE (java.sql.Types), TYPE_NAME, COLUMN_SIZE, DECIMAL_DIGITS, ORDINAL_POSITION
      assert.deepEqual(rows.map((r) => [r[3], r[4], r[5], r[6], r[8], r[16]]), [
        ['id', -5, 'BIGINT', 19, 0, 1],
        ['price', 3, 'DECIMAL', 10, 2, 2],
      ]);
    });

    it('FetchResults hands out a large result in batches with 0-row end', async () => {
      const client = await sim.connect();
      const s = await client.openSession();
      const t = uniqueTable('big');
      await client.query(s, `CREATE TABLE ${t} (n BIGINT)`);
      await client.query(s, `INSERT INTO ${t} VALUES ${Array.from({ length: 2500 }, (_, i) => `(${i})`).join(', ')}`);
      const op = await client.execute(s, `SELECT n FROM ${t} ORDER BY n`);
      await client.waitDone(op);
      const sizes: number[] = [];
      let offset = 0;
      for (;;) {
        const resp = await client.fetchRaw(op, 1000);
        check('FetchResults', resp.status);
        assert.equal(Number(resp.results!.startRowOffset), offset);
        const n = resp.results!.columns![0]!.i64Val!.values.length;
        sizes.push(n);
        offset += n;
        if (resp.hasMoreRows !== true) break;
      }
      assert.equal(offset, 2500);
      assert.ok(sizes.every((n) => n <= 1000), JSON.stringify(sizes));
    });
  });
});
