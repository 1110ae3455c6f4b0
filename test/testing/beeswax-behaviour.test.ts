import { strict as assert } from 'node:assert';
import { Connection } from '../../src/connection';
import { ArgumentError, ConfigError, ErrorCode, hasCode, ImpalaError, ProtocolError, ServerError } from '../../src/errors';
import { BeeswaxArgs, resultClass, structOf } from '../../src/protocol/beeswax/beeswax-calls';
import * as rpc from '../../src/protocol/beeswax/beeswax-rpc';
import * as B from '../../src/thrift/gen-nodejs/beeswax_types';
import * as I from '../../src/thrift/gen-nodejs/ImpalaService_types';
import { startCluster, type SimCoordinator } from '../../src/testing';
import { eventually } from './helpers/hs2-client';
import { useCluster } from './helpers/sim-fixture';

const SHUTDOWN_TEXT = /^Server is being shut down: shutdown grace period left: [0-9hms]+, deadline left: [0-9hms]+, queries registered on coordinator: \d+, queries executing: \d+, fragment instances: \d+\.\n$/;

function texts(batch: { rowCount: number; row(i: number): Buffer }): string[] {
  return Array.from({ length: batch.rowCount }, (_, i) => batch.row(i).toString());
}

async function failure(p: Promise<unknown>): Promise<ImpalaError> {
  const err = await p.then(
    () => assert.fail('expected a rejection'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof ImpalaError, String(err));
  return err;
}

describe('simulator: the Beeswax front end as Impala serves it', function () {
  this.timeout(30_000);
  const sim = useCluster({ coordinators: 2, fetchRowsTimeoutMs: 300 });
  const conns = new Set<Connection>();

  const connect = async (c: SimCoordinator = sim.cluster.coordinators[0]!): Promise<Connection> => {
    const conn = await Connection.open({ host: c.host, port: c.beeswaxPort, connectTimeoutMs: 5000, rpcTimeoutMs: 10_000 });
    conns.add(conn);
    return conn;
  };
  const submit = (conn: Connection, sql: string, configuration: string[] = [], user = ''): Promise<string> =>
    rpc.query(conn, new B.Query({ query: sql, configuration, hadoop_user: user })).then((h) => h.id);

  afterEach(async () => {
    await Promise.all([...conns].map((c) => c.close().catch(() => undefined)));
    conns.clear();
    for (const c of sim.cluster.coordinators) {
      await c.resume();
      await c.setRpcDelay(0);
      await c.dropIdle(0);
      await c.refuseConnections(0);
      await c.dropDuringFetch(0);
      await c.setAdmission(null);
      if (!c.up) await c.restart();
    }
  });

  it('query, get_state, get_results_metadata (type strings, tab delimiter), fetch with start_row, close', async () => {
    const conn = await connect();
    const id = await submit(conn, "SELECT 1 AS a, 'x' AS b, 2.5::DECIMAL(4,1) AS c, DATE '2024-01-02' AS d FROM range(3)");
    assert.match(id, /^[0-9a-f]{16}:[0-9a-f]{8}00000000$/);
    await eventually(async () => (await rpc.getState(conn, id)) === B.QueryState.FINISHED, 'FINISHED');
    const md = await rpc.getResultsMetadata(conn, id);
    assert.deepEqual(md.schema.fieldSchemas.map((f) => [f.name, f.type]), [['a', 'tinyint'], ['b', 'string'], ['c', 'decimal'], ['d', 'date']]);
    assert.equal(md.delim, '\t');
    const first = await rpc.fetch(conn, id, 2);
    assert.deepEqual([first.ready, first.hasMore, first.startRow, first.columns], [true, true, 0, ['tinyint', 'string', 'decimal', 'date']]);
    assert.deepEqual(texts(first.rows), ['1\tx\t2.5\t2024-01-02', '1\tx\t2.5\t2024-01-02']);
    const second = await rpc.fetch(conn, id, 2);
    assert.deepEqual([second.rows.rowCount, second.hasMore, second.startRow], [1, false, 2]);
    await rpc.close(conn, id);
    assert.equal(sim.cluster.stats()[0]!.openOperations, 0);
  });

  it('fetch answers ready=false while the query runs past FETCH_ROWS_TIMEOUT_MS, and refuses start_over', async () => {
    const conn = await connect();
    const id = await submit(conn, 'SELECT sleep(1500) AS s');
    const early = await rpc.fetch(conn, id, 10);
    assert.deepEqual([early.ready, early.hasMore, early.rows.rowCount], [false, true, 0]);
    const handle = new B.QueryHandle({ id, log_context: id });
    const Results = resultClass(structOf(B.Results), { notFound: 1, beeswax: 2 });
    const raw = await conn.call('fetch', new BeeswaxArgs('fetch', [{ id: 1, type: 'struct', value: handle }, { id: 2, type: 'bool', value: true }]), Results);
    assert.equal(raw.error?.message, 'Does not support start over');
    assert.equal(raw.error?.SQLState, 'HYC00');
    assert.equal(raw.notFound, false);
  });

  it('never throws QueryNotFoundException: an unknown handle is a BeeswaxException, undeclared ones inside a TApplicationException', async () => {
    const conn = await connect();
    const unknown = '00000000000000aa:00000000000000bb';
    const closeErr = await failure(rpc.close(conn, unknown));
    assert.ok(closeErr instanceof ServerError && closeErr.code === ErrorCode.INVALID_HANDLE && closeErr.sqlState === 'HY000');
    assert.equal(closeErr.message, `Invalid or unknown query handle: ${unknown}.`);
    const Raw = resultClass(structOf(B.ResultsMetadata), { notFound: 1 });
    const raw = await failure(conn.call('get_results_metadata', new BeeswaxArgs('get_results_metadata', [{ id: 1, type: 'struct', value: new B.QueryHandle({ id: unknown, log_context: '' }) }]), Raw));
    assert.ok(raw instanceof ProtocolError && raw.code === ErrorCode.THRIFT_APPLICATION);
    assert.match(raw.message, /TException - service has thrown: BeeswaxException\(message=Invalid or unknown query handle: 00000000000000aa:00000000000000bb\.\n, log_context=, .*SQLState=HY000\)/s);
    assert.equal((await failure(rpc.getState(conn, unknown))).code, ErrorCode.INVALID_HANDLE);
    assert.equal((await failure(rpc.cancel(conn, unknown))).code, ErrorCode.INVALID_HANDLE);
    assert.equal(await rpc.getLog(conn, unknown), '');
    assert.ok(!conn.closed, 'the connection stays usable');
  });

  it('echo, dump_config, get_default_configuration, ResetCatalog/ResetTable, PingImpalaService', async () => {
    const conn = await connect();
    assert.equal(await rpc.echo(conn, 'hello ✓'), 'hello ✓');
    assert.equal(await rpc.dumpConfig(conn), '');
    const config = await rpc.getDefaultConfiguration(conn, false);
    const mem = config.find((v) => v.key === 'MEM_LIMIT');
    assert.deepEqual([mem?.value, mem?.level], ['0', B.TQueryOptionLevel.REGULAR]);
    assert.ok(config.length > 20);
    const reset = await rpc.resetCatalog(conn);
    assert.deepEqual([reset.status_code, reset.error_msgs], [I.TErrorCode.NOT_IMPLEMENTED_ERROR, ['Deprecated RPC; please update your client']]);
    const Status = resultClass(structOf(I.TImpalaStatus));
    const table = await conn.call('ResetTable', new BeeswaxArgs('ResetTable', [{ id: 1, type: 'struct', value: new I.TResetTableReq({ db_name: 'default', table_name: 't' }) }]), Status);
    assert.equal(table.success?.status_code, I.TErrorCode.NOT_IMPLEMENTED_ERROR);
    const ping = await rpc.pingImpalaService(conn);
    assert.match(ping.version, /^impalad version 4\.5\.0 RELEASE/);
    assert.match(ping.webserver_address, /^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('configuration strings overlay options per query; bad pairs and unknown names are refused', async () => {
    const conn = await connect();
    const id = await submit(conn, 'SELECT 1', ['mem_limit=1g,sync_ddl=true', 'REQUEST_POOL=etl']);
    await rpc.close(conn, id);
    const err = await failure(submit(conn, 'SELECT 1', ['nope=1', 'bad']));
    assert.equal(err.code, ErrorCode.INVALID_QUERY_OPTION);
    assert.equal((err as ServerError).serverMessage, "Errors parsing query options\nInvalid query option: nope\nInvalid configuration option 'bad'.\n");
  });

  it('errors: analysis in query (42000, Query <id> failed wrapper), runtime failure through fetch and get_log, CloseInsert of a failed query', async () => {
    const conn = await connect();
    const analysis = await failure(submit(conn, 'SELECT * FROM nowhere'));
    assert.ok(analysis instanceof ServerError);
    assert.equal(analysis.sqlState, '42000');
    assert.match(analysis.serverMessage, /^Query [0-9a-f]{16}:[0-9a-f]{16} failed:\nAnalysisException: Could not resolve table reference: 'nowhere'\n$/);
    // A conversion that fails while rows are produced (the simulator's runtime-failure path).
    const id = await submit(conn, "SELECT CAST(s AS INT) AS v FROM (VALUES ('1'), ('x')) t(s)");
    await eventually(async () => (await rpc.getState(conn, id)) === B.QueryState.EXCEPTION, 'EXCEPTION');
    assert.match(await rpc.getLog(conn, id), new RegExp(`^Query ${id} failed:\\n`));
    const fetchErr = await failure(rpc.fetch(conn, id, 10));
    assert.equal(fetchErr.queryId, id);
    assert.equal((await failure(rpc.getState(conn, id))).code, ErrorCode.INVALID_HANDLE, 'a fetch error unregisters the query');
    const id2 = await submit(conn, "SELECT CAST(s AS INT) AS v FROM (VALUES ('1'), ('y')) t(s)");
    await eventually(async () => (await rpc.getState(conn, id2)) === B.QueryState.EXCEPTION, 'EXCEPTION');
    assert.match((await failure(rpc.closeInsert(conn, id2))).message, /Could not convert|Conversion Error/i);
  });

  it('CloseInsert returns DML counts keyed by partition ("" unpartitioned) and nothing for a query; Cancel and close work from another connection', async () => {
    const conn = await connect();
    const other = await connect();
    const ddl = await submit(conn, 'CREATE TABLE bx_dml (a INT)');
    await eventually(async () => (await rpc.getState(conn, ddl)) === B.QueryState.FINISHED, 'DDL finished');
    await rpc.close(conn, ddl);
    const dml = await submit(conn, 'INSERT INTO bx_dml VALUES (1), (2)');
    await eventually(async () => (await rpc.getState(conn, dml)) === B.QueryState.FINISHED, 'DML finished');
    const counts = await rpc.closeInsert(conn, dml);
    assert.deepEqual(Object.entries(counts.rows_modified).map(([k, v]) => [k, Number(v)]), [['', 2]]);
    const sel = await submit(conn, 'SELECT 1');
    await eventually(async () => (await rpc.getState(conn, sel)) === B.QueryState.FINISHED, 'SELECT finished');
    assert.deepEqual((await rpc.closeInsert(conn, sel)).rows_modified, {});
    const slow = await submit(conn, 'SELECT sleep(20000)');
    await rpc.cancel(other, slow);
    assert.equal(await rpc.getState(conn, slow), B.QueryState.EXCEPTION);
    assert.match((await failure(rpc.fetch(conn, slow, 1))).message, /^Cancelled/);
    const another = await submit(conn, 'SELECT sleep(20000)');
    await rpc.close(other, another);
    assert.equal(sim.cluster.stats()[0]!.openOperations, 0);
  });

  it('executeAndWait blocks until finished; explain returns the plan text; profile and summary name a Beeswax session and its user', async () => {
    const conn = await connect();
    const QueryResult = resultClass(structOf(B.QueryHandle), { beeswax: 1 });
    const waited = await conn.call(
      'executeAndWait',
      new BeeswaxArgs('executeAndWait', [{ id: 1, type: 'struct', value: new B.Query({ query: 'SELECT sleep(200) AS s', configuration: [], hadoop_user: 'bob' }) }, { id: 2, type: 'string', value: 'ctx-1' }]),
      QueryResult,
    );
    const id = waited.success!.id;
    assert.equal(waited.success!.log_context, 'ctx-1');
    assert.equal(await rpc.getState(conn, id), B.QueryState.FINISHED);
    const profile = await rpc.getRuntimeProfile(conn, id);
    assert.match(profile, /Session Type: BEESWAX/);
    assert.match(profile, /User: bob/);
    assert.equal((await rpc.getExecSummary(conn, id)).state, I.TExecState.FINISHED);
    const Explain = resultClass(structOf(B.QueryExplanation), { beeswax: 1 });
    const plan = await conn.call('explain', new BeeswaxArgs('explain', [{ id: 1, type: 'struct', value: new B.Query({ query: 'SELECT 1', configuration: [], hadoop_user: '' }) }]), Explain);
    assert.ok((plan.success?.textual ?? '').length > 0);
    const missing = await failure(rpc.getRuntimeProfile(conn, '00000000000000aa:00000000000000bb'));
    assert.match(missing.message, /^GetRuntimeProfile error: Query id 00000000000000aa:00000000000000bb not found\./);
  });

  it('one session per connection: opened at connect, closed with its queries when the connection closes; USE and SET stay on their connection', async () => {
    const before = sim.cluster.stats()[0]!.openSessions;
    const a = await connect();
    const b = await connect();
    await eventually(() => sim.cluster.stats()[0]!.openSessions === before + 2, 'two sessions at connect');
    const setId = await submit(a, 'SET MEM_LIMIT=3g');
    await rpc.close(a, setId);
    const show = async (conn: Connection): Promise<string> => {
      const id = await submit(conn, 'SET');
      await eventually(async () => (await rpc.getState(conn, id)) === B.QueryState.FINISHED, 'SET finished');
      const rows = (await rpc.fetch(conn, id, 1000)).rows;
      await rpc.close(conn, id);
      return texts(rows).join('\n');
    };
    assert.match(await show(a), /^MEM_LIMIT\t3g\t/m);
    assert.doesNotMatch(await show(b), /^MEM_LIMIT\t3g\t/m);
    await submit(a, 'SELECT sleep(20000)');
    await eventually(() => sim.cluster.stats()[0]!.openOperations === 1, 'a running query');
    await a.close();
    await eventually(() => sim.cluster.stats()[0]!.openSessions === before + 1 && sim.cluster.stats()[0]!.openOperations === 0, 'session and its query closed');
  });

  describe('faults', () => {
    it('shutdown: query refused with the shutdown text (SQLSTATE 42000), ping still answered, running queries finish', async () => {
      const c = sim.cluster.coordinators[1]!;
      const conn = await connect(c);
      const running = await submit(conn, 'SELECT sleep(300) AS x');
      await c.shutdown({ deadlineMs: 10_000 });
      const refused = await failure(submit(conn, 'SELECT 1'));
      assert.ok(refused instanceof ServerError && refused.code === ErrorCode.SERVER_SHUTTING_DOWN);
      assert.equal(refused.sqlState, '42000');
      assert.match(refused.serverMessage, SHUTDOWN_TEXT);
      await rpc.pingImpalaService(conn);
      await eventually(async () => (await rpc.getState(conn, running)) === B.QueryState.FINISHED, 'the running query to finish');
      assert.deepEqual(texts((await rpc.fetch(conn, running, 10)).rows), ['true']);
      await rpc.close(conn, running);
      await c.waitUntilDown(5000);
    });

    it('kill resets Beeswax connections; restart serves on the same Beeswax port', async () => {
      const c = sim.cluster.coordinators[1]!;
      const port = c.beeswaxPort;
      const conn = await connect(c);
      const id = await submit(conn, 'SELECT sleep(5000)');
      const pending = rpc.fetch(conn, id, 10).then(() => undefined, (e: unknown) => e);
      await c.kill();
      assert.ok(hasCode(await pending, ErrorCode.CONNECTION_LOST));
      await c.restart();
      assert.equal(c.beeswaxPort, port);
      assert.equal(await rpc.echo(await connect(c), 'back'), 'back');
    });

    it('dropIdle cuts idle Beeswax connections (and their sessions); refuseConnections resets new ones', async () => {
      const c = sim.cluster.coordinators[0]!;
      const conn = await connect(c);
      await c.dropIdle(150);
      await eventually(() => conn.closed, 'the idle connection to be cut', 5000);
      await c.dropIdle(0);
      await c.refuseConnections(1);
      await assert.rejects(connect(c).then((x) => rpc.echo(x, 'x')), (e: unknown) => e instanceof ImpalaError && (e.family === 'connect' || e.family === 'connection'));
      assert.equal(await rpc.echo(await connect(c), 'ok'), 'ok');
    });

    it('setRpcDelay and dropDuringFetch act on Beeswax methods by name; hang freezes the front end', async () => {
      const c = sim.cluster.coordinators[0]!;
      const conn = await connect(c);
      const id = await submit(conn, 'SELECT range FROM range(5000)');
      await eventually(async () => (await rpc.getState(conn, id)) === B.QueryState.FINISHED, 'FINISHED');
      await c.dropDuringFetch(1);
      assert.equal((await failure(rpc.fetch(conn, id, 5000))).code, ErrorCode.CONNECTION_LOST, 'the reply was cut and the connection reset');
      const slow = await connect(c);
      await c.setRpcDelay({ method: 'echo', ms: 5000 });
      assert.equal((await failure(rpc.echo(slow, 'x', { timeoutMs: 200 }))).code, ErrorCode.RPC_TIMEOUT);
      await c.setRpcDelay(0);
      const frozen = await connect(c);
      await c.hang();
      assert.equal((await failure(rpc.echo(frozen, 'x', { timeoutMs: 200 }))).code, ErrorCode.RPC_TIMEOUT);
    });

    it('admission limits apply to Beeswax queries with Impala\'s texts', async () => {
      const c = sim.cluster.coordinators[0]!;
      const conn = await connect(c);
      await c.setAdmission({ maxRunning: 0, maxQueued: 0 });
      const id = await submit(conn, 'SELECT 1');
      await eventually(async () => (await rpc.getState(conn, id)) === B.QueryState.EXCEPTION, 'EXCEPTION');
      const err = await failure(rpc.fetch(conn, id, 1));
      assert.equal(err.code, ErrorCode.ADMISSION_REJECTED);
      assert.match(err.message, /^Rejected query from pool default-pool: queue full, limit=0, num_queued=0\./);
    });
  });
});

describe('simulator: Beeswax from child-process coordinators (processes: true)', function () {
  this.timeout(30_000);
  const sim = useCluster({ coordinators: 1, processes: true });

  it('serves Beeswax from the child; SIGKILL resets its connections; restart keeps the Beeswax port', async () => {
    const c = sim.cluster.coordinators[0]!;
    assert.ok(c.pid !== undefined && c.beeswaxPort > 0 && c.beeswaxPort !== c.port);
    assert.equal(sim.cluster.urlFor('beeswax'), `impala://${c.beeswaxAddress}/default?protocol=beeswax`);
    const conn = await Connection.open({ host: c.host, port: c.beeswaxPort, rpcTimeoutMs: 10_000 });
    try {
      const id = await rpc.query(conn, new B.Query({ query: 'SELECT 40 + 2 AS x', configuration: [], hadoop_user: '' })).then((h) => h.id);
      await eventually(async () => (await rpc.getState(conn, id)) === B.QueryState.FINISHED, 'FINISHED');
      assert.deepEqual(texts((await rpc.fetch(conn, id, 10)).rows), ['42']);
      assert.equal((await sim.cluster.refreshStats())[0]!.openSessions, 1);
      const slow = await rpc.query(conn, new B.Query({ query: 'SELECT sleep(10000)', configuration: [], hadoop_user: '' })).then((h) => h.id);
      const pending = rpc.fetch(conn, slow, 10).then(() => undefined, (e: unknown) => e);
      await eventually(() => conn.pendingCalls === 1, 'the fetch to be on the wire');
      const port = c.beeswaxPort;
      await c.kill();
      assert.ok(hasCode(await pending, ErrorCode.CONNECTION_LOST));
      await c.restart();
      assert.equal(c.beeswaxPort, port);
    } finally {
      await conn.close();
    }
    const fresh = await Connection.open({ host: c.host, port: c.beeswaxPort });
    try {
      assert.equal(await rpc.echo(fresh, 'back'), 'back');
    } finally {
      await fresh.close();
    }
  });
});

describe('simulator: Beeswax ports and URLs', () => {
  it('refuses a beeswaxBasePort that overlaps the HS2 or HTTP ports, and urlFor a protocol it does not serve', async () => {
    await assert.rejects(startCluster({ coordinators: 3, basePort: 40000, beeswaxBasePort: 40002 }), (e: unknown) => e instanceof ConfigError && /beeswaxBasePort .*HS2 ports from basePort 40000/.test(e.message));
    await assert.rejects(
      startCluster({ coordinators: 3, httpBasePort: 40000, beeswaxBasePort: 39998 }),
      (e: unknown) => e instanceof ConfigError && /httpBasePort .*Beeswax ports from beeswaxBasePort 39998/.test(e.message),
    );
    const cluster = await startCluster({ coordinators: 1 });
    try {
      assert.throws(() => cluster.urlFor('odbc' as never), (e: unknown) => e instanceof ArgumentError && /'hs2', 'hs2-http' or 'beeswax'/.test(e.message));
      assert.equal(cluster.urlFor('hs2'), cluster.url);
      assert.equal(cluster.urlFor('hs2-http'), `impala+http://${cluster.coordinators[0]!.httpAddress}/default`);
    } finally {
      await cluster.stop();
    }
  });
});
