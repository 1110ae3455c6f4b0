import { strict as assert } from 'node:assert';
import * as hive from 'hive-driver';
import { HIVE_FETCH_FIRST, HIVE_FETCH_NEXT } from './helpers/hive-driver';
import { eventually } from './helpers/hs2-client';
import { uniqueTable, useCluster } from './helpers/sim-fixture';

// hive-driver's own generated Thrift types (its TCLIService_types has V10 etc.).
const { TCLIService, TCLIService_types } = hive.thrift as { TCLIService: object; TCLIService_types: never };
const V10 = 9; // HIVE_CLI_SERVICE_PROTOCOL_V10, what hive-driver and Hive JDBC send; Impala answers V6.

interface HiveOperationLike {
  close(): Promise<unknown>;
}
interface HiveSessionLike {
  executeStatement(sql: string, options?: { runAsync?: boolean; confOverlay?: Record<string, string> }): Promise<HiveOperationLike>;
  getCatalogs(): Promise<HiveOperationLike>;
  getTableTypes(): Promise<HiveOperationLike>;
  getTypeInfo(): Promise<HiveOperationLike>;
  getFunctions(request: { functionName: string; catalogName?: string; schemaName?: string }): Promise<HiveOperationLike>;
  getSchemas(request: { schemaName?: string; catalogName?: string }): Promise<HiveOperationLike>;
  getTables(request: { schemaName?: string; tableName?: string; tableTypes?: string[] }): Promise<HiveOperationLike>;
  getColumns(request: { schemaName?: string; tableName?: string; columnName?: string }): Promise<HiveOperationLike>;
  close(): Promise<unknown>;
}

/**
 * Acceptance check from outside: hive-driver (lenchv/hive-driver 1.0.0), an HS2 client
 * we did not write, connects to a simulated coordinator and reads every common type.
 */
describe('simulator: hive-driver reads from a coordinator', function () {
  this.timeout(20_000);
  const sim = useCluster({ coordinators: 1 });
  const closers: Array<() => Promise<unknown> | unknown> = [];

  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await Promise.resolve(close()).catch(() => undefined);
  });

  async function connect(auth?: unknown): Promise<HiveSessionLike> {
    const c = sim.cluster.coordinators[0]!;
    const client = new hive.HiveClient(TCLIService, TCLIService_types);
    client.on('error', () => undefined);
    await client.connect({ host: c.host, port: c.port }, new hive.connections.TcpConnection(), (auth ?? new hive.auth.NoSaslAuthentication()) as never);
    closers.push(() => client.close());
    const session = (await client.openSession({ client_protocol: V10 })) as unknown as HiveSessionLike;
    closers.push(() => session.close());
    return session;
  }

  const utils = (): hive.HiveUtils => new hive.HiveUtils(TCLIService_types);

  /** Fetches every row of a finished operation, starting with `first` (hive-driver's orientation). */
  async function rowsOf(op: HiveOperationLike, first = HIVE_FETCH_NEXT): Promise<Array<Record<string, unknown>>> {
    const u = utils();
    await u.waitUntilReady(op as never, false, () => undefined);
    await u.fetchAll(op as never, first);
    const rows = u.getResult(op as never).getValue() as Array<Record<string, unknown>>;
    await op.close();
    return rows;
  }

  async function run(session: HiveSessionLike, sql: string): Promise<Array<Record<string, unknown>>> {
    return rowsOf(await session.executeStatement(sql, { runAsync: true }));
  }

  it('creates, fills and reads a table with INT, BIGINT, DOUBLE, DECIMAL, STRING, TIMESTAMP, DATE, BOOLEAN and NULLs', async () => {
    const session = await connect();
    await run(
      session,
      'CREATE TABLE hive_types (i INT, b BIGINT, d DOUBLE, dec DECIMAL(10,2), s STRING, ts TIMESTAMP, dt DATE, flag BOOLEAN)',
    );
    await run(
      session,
      "INSERT INTO hive_types VALUES (1, 9007199254740993, 1.5, 12345678.91, 'héllo', '2024-02-29 13:45:01.123456', '2024-02-29', true), " +
        "(-2, -5, -0.25, -0.05, '', '1970-01-01 00:00:00', '1970-01-01', false), " +
        '(NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)',
    );
    const rows = await run(session, 'SELECT i, b, d, dec, s, ts, dt, flag FROM hive_types ORDER BY i DESC NULLS LAST');
    assert.equal(rows.length, 3);
    const [first, second, nulls] = rows as [Record<string, unknown>, Record<string, unknown>, Record<string, unknown>];

    assert.equal(first.i, 1);
    assert.equal(second.i, -2);
    // hive-driver defect (protocol reference §6.3): BIGINT goes through node-int64's
    // toNumber() without allowImprecise, which returns Infinity for any value beyond
    // 2^53 (9007199254740993 here). Impala, and the simulator, sent the exact i64.
    assert.equal(first.b, Infinity);
    assert.equal(second.b, -5);
    assert.equal(first.d, 1.5);
    assert.equal(second.d, -0.25);
    // hive-driver defect: DECIMAL (sent by Impala as exact text '12345678.91') is turned
    // into a JS number with Number(); fine at this size, lossy beyond 15-17 digits.
    assert.equal(first.dec, 12345678.91);
    assert.equal(second.dec, -0.05);
    assert.equal(first.s, 'héllo');
    assert.equal(second.s, '');
    // TIMESTAMP and DATE are Impala's text (stringVal): 9 fractional digits when the
    // fraction is not zero (DuckDB stores microseconds, hence the trailing 000).
    assert.equal(first.ts, '2024-02-29 13:45:01.123456000');
    assert.equal(second.ts, '1970-01-01 00:00:00');
    assert.equal(first.dt, '2024-02-29');
    assert.equal(second.dt, '1970-01-01');
    assert.equal(first.flag, true);
    assert.equal(second.flag, false);
    // NULLs come from the nulls bitmap for every type.
    assert.deepEqual(nulls, { i: null, b: null, d: null, dec: null, s: null, ts: null, dt: null, flag: null });
  });

  describe('FETCH_FIRST (hive-driver fetches with it first by default)', () => {
    it('is refused without impala.resultset.cache.size, as Impala does', async () => {
      const session = await connect();
      const op = await session.executeStatement('SELECT 1 AS one', { runAsync: true });
      const err = await rowsOf(op, HIVE_FETCH_FIRST).then(() => undefined, (e: unknown) => e as { message?: string });
      assert.match(String(err?.message), /^Restarting of fetch requires enabling of query result caching\.\n$/);
    });

    it('reads and restarts when the statement enables the result cache', async () => {
      const session = await connect();
      const sql = 'SELECT range AS n FROM range(5) ORDER BY n';
      const op = await session.executeStatement(sql, { runAsync: true, confOverlay: { 'impala.resultset.cache.size': '10' } });
      const rows = await rowsOf(op, HIVE_FETCH_FIRST);
      assert.deepEqual(rows.map((r) => r.n), [0, 1, 2, 3, 4]);
    });
  });

  describe('metadata RPCs', () => {
    it('getCatalogs answers no rows; getTableTypes TABLE and VIEW', async () => {
      const session = await connect();
      assert.deepEqual(await rowsOf(await session.getCatalogs()), []);
      assert.deepEqual(await rowsOf(await session.getTableTypes()), [{ TABLE_TYPE: 'TABLE' }, { TABLE_TYPE: 'VIEW' }]);
    });

    it('getTypeInfo lists Impala types with JDBC type codes', async () => {
      const session = await connect();
      const types = await rowsOf(await session.getTypeInfo());
      const byName = new Map(types.map((t) => [t.TYPE_NAME, t]));
      assert.deepEqual([...byName.keys()].slice(0, 5), ['BOOLEAN', 'TINYINT', 'SMALLINT', 'INT', 'BIGINT']);
      assert.equal(byName.get('BIGINT')?.DATA_TYPE, -5);
      assert.equal(byName.get('BIGINT')?.PRECISION, 19);
      assert.equal(byName.get('BIGINT')?.NUM_PREC_RADIX, 10);
      assert.equal(byName.get('STRING')?.CASE_SENSITIVE, true);
      assert.equal(byName.get('STRING')?.UNSIGNED_ATTRIBUTE, true);
      assert.equal(byName.get('DECIMAL')?.DATA_TYPE, 3);
      assert.ok(byName.has('STRUCT') && byName.has('ARRAY') && byName.has('MAP'));
    });

    it('getFunctions lists built-ins for a JDBC pattern, none under a user schema', async () => {
      const session = await connect();
      const fns = await rowsOf(await session.getFunctions({ functionName: 'coalesce' }));
      assert.ok(fns.length > 1, JSON.stringify(fns));
      for (const f of fns) {
        assert.equal(f.FUNCTION_CAT, null);
        assert.equal(f.FUNCTION_SCHEM, '_impala_builtins');
        assert.equal(f.FUNCTION_NAME, 'coalesce');
        assert.equal(f.FUNCTION_TYPE, 1);
        assert.match(String(f.SPECIFIC_NAME), /^coalesce\(/);
      }
      const prefixed = await rowsOf(await session.getFunctions({ functionName: 'conc%' }));
      assert.deepEqual([...new Set(prefixed.map((f) => f.FUNCTION_NAME))].sort(), ['concat', 'concat_ws']);
      assert.deepEqual(await rowsOf(await session.getFunctions({ functionName: '%', schemaName: 'default' })), []);
    });

    it('getSchemas, getTables and getColumns match % and _ as JDBC wildcards and .* as a regex', async () => {
      const session = await connect();
      const t = uniqueTable('hd_meta');
      await run(session, `CREATE TABLE ${t} (id BIGINT COMMENT 'key', amount DECIMAL(12,2)) COMMENT 'orders'`);
      await run(session, `CREATE VIEW ${t}_v AS SELECT id FROM ${t}`);
      const schemas = await rowsOf(await session.getSchemas({ schemaName: 'def%' }));
      assert.deepEqual(schemas, [{ TABLE_SCHEM: 'default', TABLE_CATALOG: '' }]);
      assert.deepEqual((await rowsOf(await session.getSchemas({ schemaName: 'd_fault' }))).map((r) => r.TABLE_SCHEM), ['default']);
      assert.deepEqual((await rowsOf(await session.getSchemas({ schemaName: 'def.*' }))).map((r) => r.TABLE_SCHEM), ['default']);

      const tables = await rowsOf(await session.getTables({ schemaName: 'default', tableName: `${t}%` }));
      assert.deepEqual(tables, [
        { TABLE_CAT: '', TABLE_SCHEM: 'default', TABLE_NAME: t, TABLE_TYPE: 'TABLE', REMARKS: 'orders' },
        { TABLE_CAT: '', TABLE_SCHEM: 'default', TABLE_NAME: `${t}_v`, TABLE_TYPE: 'VIEW', REMARKS: '' },
      ]);
      const views = await rowsOf(await session.getTables({ schemaName: 'default', tableName: `${t}.*`, tableTypes: ['view'] }));
      assert.deepEqual(views.map((r) => r.TABLE_NAME), [`${t}_v`]);

      const columns = await rowsOf(await session.getColumns({ schemaName: 'default', tableName: t, columnName: 'a%' }));
      assert.equal(columns.length, 1);
      const [amount] = columns as [Record<string, unknown>];
      assert.equal(amount.TABLE_CAT, null);
      assert.equal(amount.TABLE_MD, 'default');
      assert.equal(amount.COLUMN_NAME, 'amount');
      assert.equal(amount.TYPE_NAME, 'DECIMAL');
      assert.equal(amount.COLUMN_SIZE, 12);
      assert.equal(amount.DECIMAL_DIGITS, 2);
      assert.equal(amount.ORDINAL_POSITION, 2);
    });
  });
});

/**
 * The same outside check over HS2 HTTP: hive-driver's HttpConnection (thrift's node
 * HTTP client) with Basic authentication against a coordinator's HTTP port; it keeps
 * the `impala.auth` cookie the simulator issues and sends it back.
 */
describe('simulator: hive-driver reads from a coordinator over HTTP', function () {
  this.timeout(20_000);
  const sim = useCluster({ coordinators: 1, users: { hive: 'hive-pw' } });
  const closers: Array<() => Promise<unknown> | unknown> = [];

  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await Promise.resolve(close()).catch(() => undefined);
  });

  it('opens a session, runs a query and reads its rows through HttpConnection + PlainHttpAuthentication, using the auth cookie', async () => {
    const c = sim.cluster.coordinators[0]!;
    const client = new hive.HiveClient(TCLIService, TCLIService_types);
    client.on('error', () => undefined);
    await client.connect(
      { host: c.host, port: c.httpPort, options: { path: '/cliservice' } } as never,
      new hive.connections.HttpConnection(),
      new hive.auth.PlainHttpAuthentication({ username: 'hive', password: 'hive-pw' }) as never,
    );
    closers.push(() => client.close());
    const session = (await client.openSession({ client_protocol: V10 })) as unknown as HiveSessionLike;
    closers.push(() => session.close());
    const utils = new hive.HiveUtils(TCLIService_types);
    const op = await session.executeStatement("SELECT 42 AS answer, 'over http' AS via", { runAsync: true });
    await utils.waitUntilReady(op as never, false, () => undefined);
    await utils.fetchAll(op as never, HIVE_FETCH_NEXT);
    const rows = utils.getResult(op as never).getValue() as Array<Record<string, unknown>>;
    await op.close();
    assert.deepEqual(rows, [{ answer: 42, via: 'over http' }]);
    const http = sim.cluster.stats()[0]!.http;
    assert.equal(http.unauthorized, 0);
    assert.equal(http.credentialsAccepted, 1, 'Basic checked once');
    assert.ok(http.cookieAccepted >= 3, `later requests authenticated by the cookie: ${JSON.stringify(http)}`);
  });

  it('is refused with a wrong password (401, which thrift reports as an error event)', async () => {
    const c = sim.cluster.coordinators[0]!;
    const client = new hive.HiveClient(TCLIService, TCLIService_types);
    const errors: unknown[] = [];
    client.on('error', (e: unknown) => errors.push(e));
    await client.connect({ host: c.host, port: c.httpPort } as never, new hive.connections.HttpConnection(), new hive.auth.PlainHttpAuthentication({ username: 'hive', password: 'wrong' }) as never);
    closers.push(() => client.close());
    const before = sim.cluster.stats()[0]!.http.unauthorized;
    // thrift's HTTP client emits the bad status and never settles the call itself.
    void client.openSession({ client_protocol: V10 }).catch(() => undefined);
    await eventually(() => errors.length > 0, 'the 401 to reach hive-driver', 10_000);
    assert.match(String(errors[0]), /401/);
    assert.equal(sim.cluster.stats()[0]!.http.unauthorized, before + 1);
  });
});
