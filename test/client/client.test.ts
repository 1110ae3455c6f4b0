import { strict as assert } from 'node:assert';
import { ArgumentError, ErrorCode, ImpalaError, type RetriedEvent } from '../../src';
import { SessionState } from '../../src/session/session-state';
import { PoolFixture, waitFor } from '../helpers/pool-fixtures';

describe('client calls (simulator)', function () {
  this.timeout(30_000);
  const fx = new PoolFixture();
  before(async () => {
    await fx.start();
    await fx.cluster.seed('CREATE TABLE nums AS SELECT range AS n, CAST(range AS VARCHAR) AS s FROM range(30000)');
  });
  after(() => fx.stop());

  it('query returns exact values, columns, query id, coordinator and attempts', async () => {
    const impala = fx.client();
    const r = await impala.query<{ big: bigint; dec: string; ts: string; d: string; s: string; nothing: null }>(
      "SELECT CAST(9223372036854775807 AS BIGINT) AS big, CAST(-12.50 AS DECIMAL(10,2)) AS dec, CAST('2024-02-29 13:14:15.123456' AS TIMESTAMP) AS ts, CAST('2024-02-29' AS DATE) AS d, ? AS s, NULL AS nothing",
      { params: ["it's \\ fine\n"] },
    );
    assert.deepEqual(r.rows, [{ big: 9223372036854775807n, dec: '-12.50', ts: '2024-02-29 13:14:15.123456000', d: '2024-02-29', s: "it's \\ fine\n", nothing: null }]);
    assert.deepEqual(
      r.columns.map((c) => [c.name, c.type]),
      [
        ['big', 'BIGINT'],
        ['dec', 'DECIMAL'],
        ['ts', 'TIMESTAMP'],
        ['d', 'DATE'],
        ['s', 'STRING'],
        ['nothing', 'NULL'],
      ],
    );
    assert.equal(r.columns[1]!.precision, 10);
    assert.equal(r.columns[1]!.scale, 2);
    assert.match(r.queryId, /^[0-9a-f]{16}:[0-9a-f]{16}$/);
    assert.ok(fx.cluster.coordinators.some((c) => c.address === r.coordinator));
    assert.equal(r.attempts, 1);
  });

  it('stream delivers every row, and a cut reply before the first row is retried transparently', async () => {
    const impala = fx.client({ balance: 'roundrobin', fetchSize: 1000 });
    const retried: RetriedEvent[] = [];
    impala.on('retried', (e) => retried.push(e));
    await fx.cluster.coordinators[0]!.dropDuringFetch(1);
    let count = 0;
    let sum = 0n;
    const stream = impala.stream<{ n: bigint }>('SELECT n FROM nums');
    for await (const row of stream) {
      count++;
      sum += row.n;
    }
    assert.equal(count, 30000);
    assert.equal(sum, (29999n * 30000n) / 2n);
    assert.equal(stream.attempts, 2);
    assert.equal(retried.length, 1);
    assert.equal(retried[0]!.coordinator, fx.cluster.coordinators[0]!.address);
    assert.deepEqual(stream.columns?.map((c) => c.name), ['n']);
  });

  it('a cut reply after rows reached the caller is reported, not retried', async () => {
    const impala = fx.client({ balance: 'roundrobin', fetchSize: 1000 });
    let seen = 0;
    const err = await (async () => {
      try {
        for await (const _ of impala.stream('SELECT n FROM nums')) {
          if (++seen === 1) await fx.cluster.coordinators[0]!.dropDuringFetch(1);
        }
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    assert.ok(err instanceof ImpalaError, String(err));
    assert.equal(err.code, ErrorCode.CONNECTION_LOST);
    assert.ok(seen >= 1 && seen < 30000);
  });

  it('timeoutMs cancels the query and rejects with a query timeout; an AbortSignal aborts', async () => {
    const impala = fx.client();
    await assert.rejects(impala.query('SELECT sleep(60000)', { timeoutMs: 200 }), (e: unknown) => e instanceof ImpalaError && e.code === ErrorCode.QUERY_TIMEOUT);
    // Cancelled and closed on the server, not left running for its minute.
    await waitFor(() => fx.cluster.stats().every((c) => c.openOperations === 0), 15_000, 'the timed-out query to be cancelled and closed');
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    await assert.rejects(impala.query('SELECT sleep(5000)', { signal: ac.signal }), (e: unknown) => e instanceof ImpalaError && e.code === ErrorCode.ABORTED);
  });

  it('refuses SET and USE on pooled calls, and bad arguments, with typed errors', async () => {
    const impala = fx.client();
    assert.throws(() => impala.stream('SET MEM_LIMIT=1g'), (e: unknown) => e instanceof ArgumentError && /queryOptions/.test(e.message));
    await assert.rejects(impala.execute('USE other'), ArgumentError);
    await assert.rejects(impala.query(''), ArgumentError);
    await assert.rejects(impala.query('SELECT ?', { params: [] }), (e: unknown) => e instanceof ImpalaError && e.code === ErrorCode.INVALID_ARGUMENT);
  });

  it('passes per-call query options and reports server errors with their codes', async () => {
    const impala = fx.client();
    await assert.rejects(impala.query('SELECT 1', { queryOptions: { NOT_AN_OPTION: '1' } }), (e: unknown) => e instanceof ImpalaError && e.code === ErrorCode.INVALID_QUERY_OPTION);
    await assert.rejects(impala.query('SELECT * FROM no_such_table'), (e: unknown) => e instanceof ImpalaError && e.code === ErrorCode.OBJECT_NOT_FOUND && e.queryId !== undefined);
    const r = await impala.query('SELECT 1 AS one', { queryOptions: { MEM_LIMIT: '1g' }, rowMode: 'array' });
    assert.deepEqual(r.rows, [[1]]);
  });

  it('value options: the client\'s apply to calls with no options, with other options, and with the option left undefined; a call\'s own wins', async () => {
    const impala = fx.client({ rowMode: 'array', bigint: 'string' });
    const ac = new AbortController();
    for (let i = 0; i < 2; i++) {
      assert.deepEqual((await impala.query('SELECT 1 AS one')).rows, [[1]]);
      assert.deepEqual((await impala.query('SELECT ? AS one', { params: [1] })).rows, [[1]]);
      assert.deepEqual((await impala.query('SELECT count(*) AS n FROM (VALUES (1)) t (a)', { rowMode: undefined, signal: ac.signal })).rows, [['1']]);
      assert.deepEqual((await impala.query('SELECT 1 AS one', { rowMode: 'object' })).rows, [{ one: 1 }]);
      assert.deepEqual((await impala.query('SELECT count(*) AS n FROM (VALUES (1)) t (a)', { bigint: 'bigint' })).rows, [[1n]]);
    }
  });

  it('execute returns DML row counts; ddl sync adds SYNC_DDL to DDL only', async () => {
    const impala = fx.client({ ddl: 'sync' });
    await impala.execute('CREATE TABLE sync_probe (a INT)');
    const ins = await impala.execute('INSERT INTO sync_probe VALUES (1), (2), (3)');
    assert.equal(ins.rowsModified, 3n);
    const s = await impala.query<{ n: bigint }>('SELECT count(*) AS n FROM sync_probe');
    assert.equal(s.rows[0]!.n, 3n);
  });

  it('stats() counts requests and states per coordinator', async () => {
    const impala = fx.client();
    await Promise.all(Array.from({ length: 6 }, () => impala.query('SELECT 1')));
    const st = impala.stats();
    assert.equal(st.coordinators.length, 3);
    assert.equal(st.coordinators.reduce((n, c) => n + c.requests, 0), 6);
    assert.ok(st.coordinators.every((c) => c.state === 'up' && c.inFlight === 0));
    assert.equal(st.inFlight, 0);
  });
});

describe('SessionState', () => {
  it('tracks USE, SET (quoted or not), UNSET and empty SET, and replays them', () => {
    const s = new SessionState('default', { mem_limit: '1g' });
    assert.equal(s.apply('USE sales'), true);
    assert.equal(s.apply("SET REQUEST_POOL='etl'"), true);
    assert.equal(s.apply('set sync_ddl = 1;'), true);
    assert.equal(s.apply('SELECT 1'), false);
    assert.equal(s.apply('/* c */ UNSET mem_limit'), true);
    assert.equal(s.apply("SET SYNC_DDL=''"), true);
    assert.deepEqual(s.options, { REQUEST_POOL: 'etl' });
    assert.equal(s.database, 'sales');
    assert.deepEqual(s.replayStatements('default'), ['USE `sales`', "SET REQUEST_POOL='etl'"]);
  });
});
