import { strict as assert } from 'node:assert';
import * as T from '../../src/thrift/gen-nodejs/TCLIService_types';
import { startCluster } from '../../src/testing';
import { check, decodeRowSet, Hs2TestClient, type Cell } from './helpers/hs2-client';
import { uniqueTable, useCluster } from './helpers/sim-fixture';

const QID = '[0-9a-f]{16}:[0-9a-f]{16}';
const CACHE = 'impala.resultset.cache.size';

/** Rows of one FetchResults, checked for success. */
async function fetchOnce(client: Hs2TestClient, op: T.TOperationHandle, maxRows: number, first = false): Promise<{ rows: Cell[][]; offset: number; more: boolean }> {
  const resp = await client.fetchRaw(op, maxRows, first ? T.TFetchOrientation.FETCH_FIRST : T.TFetchOrientation.FETCH_NEXT);
  check('FetchResults', resp.status);
  return { rows: decodeRowSet(resp.results!), offset: Number(resp.results!.startRowOffset), more: resp.hasMoreRows === true };
}

describe('simulator: Impala semantics over HS2', function () {
  this.timeout(20_000);
  const sim = useCluster({ coordinators: 1 });

  describe('query option values (protocol reference §2.5, §2.6)', () => {
    it('SET with a value Impala refuses fails the statement with its text, wrapped as a query failure', async () => {
      const client = await sim.connect();
      const s = await client.openSession();
      const resp = await client.executeRaw(s, 'SET MEM_LIMIT=lots');
      assert.equal(resp.status.statusCode, T.TStatusCode.ERROR_STATUS);
      assert.match(resp.status.errorMessage!, new RegExp(`^Query ${QID} failed:\\nFailed to parse query option 'MEM_LIMIT': lots\\n$`));
      const range = await client.executeRaw(s, 'SET BATCH_SIZE=70000');
      assert.match(range.status.errorMessage!, /Invalid value for query option BATCH_SIZE: 70000 is not in range \[0, 65536\]\n$/);
      const level = await client.executeRaw(s, 'SET EXPLAIN_LEVEL=loud');
      assert.match(level.status.errorMessage!, /Invalid explain level: 'loud'\. Valid values are MINIMAL\(0\), STANDARD\(1\), EXTENDED\(2\), VERBOSE\(3\)\.\n$/);
      // The session keeps its value; valid forms are taken.
      await client.query(s, 'SET MEM_LIMIT=2gb');
      const set = await client.query(s, 'SET');
      assert.equal(set.find((r) => r[0] === 'MEM_LIMIT')?.[1], '2gb');
    });

    it('a refused confOverlay value fails ExecuteStatement before the query exists: bare text', async () => {
      const client = await sim.connect();
      const s = await client.openSession();
      const before = sim.cluster.stats()[0]!.openOperations;
      const resp = await client.executeRaw(s, 'SELECT 1', { MEM_LIMIT: 'lots' });
      assert.equal(resp.status.errorMessage, "Failed to parse query option 'MEM_LIMIT': lots\n");
      assert.equal(resp.operationHandle, null);
      const timeout = await client.executeRaw(s, 'SELECT 1', { QUERY_TIMEOUT_S: '-1' });
      assert.equal(timeout.status.errorMessage, 'Invalid value for query option QUERY_TIMEOUT_S: Value must be non-negative: -1\n');
      assert.equal(sim.cluster.stats()[0]!.openOperations, before);
    });

    it('OpenSession ignores a refused value silently and keeps the default', async () => {
      const client = await sim.connect();
      const resp = await client.openSessionRaw({ MEM_LIMIT: 'lots', EXPLAIN_LEVEL: 'verbose' });
      check('OpenSession', resp.status);
      assert.equal(resp.configuration?.MEM_LIMIT, '0');
      assert.equal(resp.configuration?.EXPLAIN_LEVEL, 'verbose');
    });
  });

  describe('FETCH_FIRST and the result cache (protocol reference §2.9)', () => {
    it('FETCH_FIRST without impala.resultset.cache.size is refused, even first; the query stays usable', async () => {
      const client = await sim.connect();
      const s = await client.openSession();
      const op = await client.execute(s, 'SELECT range AS n FROM range(3)');
      await client.waitDone(op);
      const refused = await client.fetchRaw(op, 10, T.TFetchOrientation.FETCH_FIRST);
      assert.equal(refused.status.statusCode, T.TStatusCode.ERROR_STATUS);
      assert.equal(refused.status.errorMessage, 'Restarting of fetch requires enabling of query result caching.\n');
      assert.deepEqual((await fetchOnce(client, op, 10)).rows, [[0n], [1n], [2n]]);
      check('close', (await client.closeOperation(op)).status);
    });

    it('with a cache big enough, FETCH_FIRST restarts at row 0, serving cached rows then new ones in one call', async () => {
      const client = await sim.connect();
      const s = await client.openSession();
      const op = await client.execute(s, 'SELECT range AS n FROM range(30) ORDER BY n', { [CACHE]: '29' });
      await client.waitDone(op);
      assert.deepEqual((await fetchOnce(client, op, 7)).rows.map((r) => r[0]), [0n, 1n, 2n, 3n, 4n, 5n, 6n]);
      const restarted = await fetchOnce(client, op, 12, true);
      assert.equal(restarted.offset, 0);
      assert.deepEqual(restarted.rows.map((r) => r[0]), Array.from({ length: 12 }, (_, i) => BigInt(i)));
      assert.equal(restarted.more, true);
      // Fetching past the 29-row limit drops the cache: restarting is no longer possible.
      const rest = await fetchOnce(client, op, 100);
      assert.equal(rest.offset, 12);
      assert.equal(rest.rows.length, 18);
      const exceeded = await client.fetchRaw(op, 10, T.TFetchOrientation.FETCH_FIRST);
      assert.equal(exceeded.status.errorMessage, 'The query result cache exceeded its limit of 29 rows. Restarting the fetch is not possible.\n');
      const end = await fetchOnce(client, op, 10);
      assert.deepEqual([end.rows.length, end.more], [0, false]);
      check('close', (await client.closeOperation(op)).status);
    });

    it('results of other statements are cached whole, whatever the size', async () => {
      const client = await sim.connect();
      const s = await client.openSession();
      await client.query(s, `CREATE TABLE ${uniqueTable('cached')} (a INT)`);
      const op = await client.execute(s, 'SHOW TABLES', { [CACHE]: '1' });
      await client.waitDone(op);
      const all = await fetchOnce(client, op, 1000);
      assert.ok(all.rows.length >= 1);
      assert.deepEqual((await fetchOnce(client, op, 1000, true)).rows, all.rows);
    });

    it('refuses a size that is not a number, and one above Impala maximum of 100000', async () => {
      const client = await sim.connect();
      const s = await client.openSession();
      const before = sim.cluster.stats()[0]!.openOperations;
      const bad = await client.executeRaw(s, 'SELECT 1', { [CACHE]: 'bad_number' });
      assert.equal(bad.status.errorMessage, "Invalid value 'bad_number' for 'impala.resultset.cache.size' option.\n");
      const big = await client.executeRaw(s, 'SELECT 1', { [CACHE]: '100001' });
      assert.equal(big.status.errorMessage, "Requested result-cache size of 100001 exceeds Impala's maximum of 100000.\n");
      assert.equal(sim.cluster.stats()[0]!.openOperations, before, 'no query left registered');
      // The key is matched exactly, as Impala does; in capitals it is an unknown option.
      const upper = await client.executeRaw(s, 'SELECT 1', { [CACHE.toUpperCase()]: '10' });
      assert.equal(upper.status.errorMessage, 'Invalid query option: IMPALA.RESULTSET.CACHE.SIZE\n');
    });
  });

  describe('session functions', () => {
    it('current_database() is the session database and user() the session user', async () => {
      const client = await sim.connect();
      const s = await client.openSession({ 'use:database': 'default' }, 'alice');
      assert.deepEqual(await client.query(s, 'SELECT current_database(), user(), effective_user(), logged_in_user()'), [['default', 'alice', 'alice', 'alice']]);
      await client.query(s, 'CREATE DATABASE IF NOT EXISTS sem_db');
      await client.query(s, 'USE sem_db');
      assert.deepEqual(await client.query(s, 'SELECT current_database()'), [['sem_db']]);
      const anon = await client.openSession();
      assert.deepEqual(await client.query(anon, 'SELECT user()'), [['anonymous']]);
    });
  });

  describe('metadata RPCs (protocol reference §2.14)', () => {
    async function metadataRows(client: Hs2TestClient, method: string, req: object, Resp: new () => { status: T.TStatus; operationHandle?: T.TOperationHandle | null }): Promise<Cell[][]> {
      const resp = await client.call(method, req, Resp);
      check(method, resp.status);
      const op = resp.operationHandle!;
      // Impala runs metadata operations inside the RPC: FINISHED at once.
      assert.equal((await client.status(op)).operationState, T.TOperationState.FINISHED_STATE);
      return client.fetchAll(op);
    }

    it('GetTypeInfo, GetCatalogs, GetTableTypes and GetFunctions answer with their operation types', async () => {
      const client = await sim.connect();
      const s = await client.openSession();
      const ti = await client.call('GetTypeInfo', new T.TGetTypeInfoReq({ sessionHandle: s }), T.TGetTypeInfoResp);
      assert.equal(ti.operationHandle?.operationType, T.TOperationType.GET_TYPE_INFO);
      const md = await client.metadata(ti.operationHandle!);
      assert.deepEqual(md.schema!.columns.map((c) => c.columnName).slice(0, 4), ['TYPE_NAME', 'DATA_TYPE', 'PRECISION', 'LITERAL_PREFIX']);
      assert.equal(md.schema!.columns[7]!.typeDesc.types[0]!.primitiveEntry!.type, T.TTypeId.BOOLEAN_TYPE);
      assert.deepEqual(await metadataRows(client, 'GetCatalogs', new T.TGetCatalogsReq({ sessionHandle: s }), T.TGetCatalogsResp), []);
      assert.deepEqual(await metadataRows(client, 'GetTableTypes', new T.TGetTableTypesReq({ sessionHandle: s }), T.TGetTableTypesResp), [['TABLE'], ['VIEW']]);
      const fns = await metadataRows(client, 'GetFunctions', new T.TGetFunctionsReq({ sessionHandle: s, functionName: 'upper' }), T.TGetFunctionsResp);
      assert.deepEqual(fns, [[null, '_impala_builtins', 'upper', '', 1, 'upper(STRING)']]);
    });

    it('patterns: % and _ are wildcards, .* is a regex, matching is case-sensitive, a bare * is refused', async () => {
      const client = await sim.connect();
      const s = await client.openSession();
      const schemas = (pattern: string): Promise<Cell[][]> =>
        metadataRows(client, 'GetSchemas', new T.TGetSchemasReq({ sessionHandle: s, schemaName: pattern }), T.TGetSchemasResp);
      assert.deepEqual(await schemas('de%'), [['default', '']]);
      assert.deepEqual(await schemas('_efault'), [['default', '']]);
      assert.deepEqual(await schemas('def.*'), [['default', '']]);
      assert.deepEqual(await schemas('DEFAULT'), []);
      assert.deepEqual(await schemas('%builtins'), [['_impala_builtins', '']]);
      const star = await client.call('GetSchemas', new T.TGetSchemasReq({ sessionHandle: s, schemaName: '*' }), T.TGetSchemasResp);
      assert.equal(star.status.statusCode, T.TStatusCode.ERROR_STATUS);
      assert.match(star.status.errorMessage!, /^PatternSyntaxException: /);
      // A catalog name other than empty or % finds nothing: Hive has no catalogs.
      assert.deepEqual(await metadataRows(client, 'GetSchemas', new T.TGetSchemasReq({ sessionHandle: s, catalogName: 'hive' }), T.TGetSchemasResp), []);
      const tables = await metadataRows(client, 'GetTables', new T.TGetTablesReq({ sessionHandle: s, schemaName: 'default', tableName: '%', tableTypes: ['MATERIALIZED_VIEW'] }), T.TGetTablesResp);
      assert.deepEqual(tables, [], 'a type list naming neither TABLE nor VIEW');
    });
  });

  describe('errorWrapper (Impala ≤ 4.4 vs 4.5+)', () => {
    it('GetLog reports a failure bare without the wrapper, as GetOperationStatus does', async () => {
      const old = await startCluster({ coordinators: 1, errorWrapper: false, version: '4.4.0' });
      try {
        const c = old.coordinators[0]!;
        const client = await Hs2TestClient.connect({ host: c.host, port: c.port });
        try {
          const s = await client.openSession();
          const op = await client.execute(s, 'SELECT sleep(5000)');
          await client.cancel(op);
          const st = await client.waitDone(op);
          assert.equal(st.errorMessage, 'Cancelled\n');
          assert.match((await client.log(op)).log, new RegExp(`^Query ${QID}: 0% Complete \\(0 out of 1\\)\nCancelled\n$`));
        } finally {
          await client.close();
        }
      } finally {
        await old.stop();
      }
    });
  });
});
