import assert from 'node:assert/strict';
import { SimSqlError, type DuckDbSqlEngine } from '../../../src/testing/engine';
import { closeEngines, ctx, errorOf, openEngine, run } from './engine-helpers';

describe('engine statements (protocol reference §2.6, §5)', () => {
  const opened: DuckDbSqlEngine[] = [];
  let engine: DuckDbSqlEngine;

  beforeEach(async () => {
    engine = await openEngine(opened);
  });

  afterEach(async () => {
    assert.deepEqual(engine.stats().statements, 0, 'every statement released');
    await closeEngines(opened);
  });

  describe('query options', () => {
    it('SET lists REGULAR options as option/value/level with session and overlay values', async () => {
      const r = await run(engine, 'SET', ctx(0, 'default', { MEM_LIMIT: '1g' }, { SYNC_DDL: 'true' }));
      assert.equal(r.plan.kind, 'set');
      assert.deepEqual(r.plan.columns.map((c) => c.name), ['option', 'value', 'level']);
      const byName = new Map(r.rows.map((row) => [row[0], row]));
      assert.deepEqual(byName.get('MEM_LIMIT'), ['MEM_LIMIT', '1g', 'REGULAR']);
      assert.deepEqual(byName.get('SYNC_DDL'), ['SYNC_DDL', 'true', 'REGULAR']);
      assert.ok(r.rows.every((row) => row[2] === 'REGULAR'));
    });

    it('SET ALL also lists advanced and development options', async () => {
      const r = await run(engine, 'SET ALL');
      const levels = new Set(r.rows.map((row) => row[2]));
      assert.ok(levels.has('ADVANCED') && levels.has('DEVELOPMENT') && levels.has('REGULAR'));
      const names = r.rows.map((row) => row[0]);
      for (const option of ['SPOOL_QUERY_RESULTS', 'FETCH_ROWS_TIMEOUT_MS', 'RETRY_FAILED_QUERIES', 'LONG_POLLING_TIME_MS', 'NUM_ROWS_PRODUCED_LIMIT', 'CLIENT_IDENTIFIER', 'BATCH_SIZE']) {
        assert.ok(names.includes(option), option);
      }
    });

    it('SET k=v answers zero rows and returns the session change, key case-insensitive', async () => {
      const r = await run(engine, "set sync_ddl = 'true'");
      assert.equal(r.plan.hasResultSet, true);
      assert.equal(r.rows.length, 0);
      assert.deepEqual(r.plan.sessionChanges, { options: { SYNC_DDL: 'true' } });
      assert.deepEqual((await run(engine, 'SET MEM_LIMIT=2g')).plan.sessionChanges, { options: { MEM_LIMIT: '2g' } });
    });

    it("refuses an unknown option in SET and in the overlay with Impala's text", async () => {
      assert.equal(await errorOf(engine.plan('SET no_such_option=1', ctx())), 'Invalid query option: no_such_option');
      assert.equal(await errorOf(engine.plan('SELECT 1', ctx(0, 'default', {}, { BOGUS: '1' }))), 'Invalid query option: BOGUS');
      await run(engine, 'SELECT 1', ctx(0, 'default', {}, { 'impala.resultset.cache.size': '100' }));
    });

    it('UNSET resets one option or every session option', async () => {
      assert.deepEqual((await run(engine, 'UNSET mem_limit')).plan.sessionChanges, { options: { MEM_LIMIT: '' } });
      const all = await run(engine, 'UNSET ALL', ctx(0, 'default', { MEM_LIMIT: '1g', SYNC_DDL: '1' }));
      assert.deepEqual(all.plan.sessionChanges, { options: { MEM_LIMIT: '', SYNC_DDL: '' } });
    });

    it('lists every option with its default for OpenSession', () => {
      const defaults = engine.defaultQueryOptions();
      assert.equal(defaults['SYNC_DDL'], 'false');
      assert.equal(defaults['FETCH_ROWS_TIMEOUT_MS'], '10000');
      assert.equal(defaults['SPOOL_QUERY_RESULTS'], 'true');
      assert.equal(defaults['MAX_STATEMENT_LENGTH_BYTES'], '16777216');
    });
  });

  describe('databases, USE, SHOW, DESCRIBE', () => {
    it('USE has no result set and changes the session database; unknown databases fail', async () => {
      await run(engine, "CREATE DATABASE sales COMMENT 'money'");
      const r = await run(engine, 'USE sales');
      assert.equal(r.plan.kind, 'use');
      assert.equal(r.plan.hasResultSet, false);
      assert.deepEqual(r.plan.sessionChanges, { database: 'sales' });
      assert.equal(await errorOf(engine.plan('USE nowhere', ctx())), 'AnalysisException: Database does not exist: nowhere');
    });

    it('SHOW DATABASES lists name and comment, filtered by pattern', async () => {
      await run(engine, "CREATE DATABASE sales COMMENT 'money'");
      const all = await run(engine, 'SHOW DATABASES');
      assert.deepEqual(all.plan.columns.map((c) => c.name), ['name', 'comment']);
      assert.deepEqual(all.rows, [
        ['_impala_builtins', 'System database for Impala builtin functions'],
        ['default', 'Default Hive database'],
        ['sales', 'money'],
      ]);
      assert.deepEqual((await run(engine, "SHOW SCHEMAS LIKE 'sal*|def*'")).rows.map((r) => r[0]), ['default', 'sales']);
    });

    it('SHOW TABLES lists the session or named database, with Impala patterns', async () => {
      await engine.seed('CREATE TABLE alpha (a INT); CREATE TABLE beta (b INT); CREATE SCHEMA other; CREATE TABLE other.gamma (g INT)');
      assert.deepEqual((await run(engine, 'SHOW TABLES')).rows, [['alpha'], ['beta']]);
      assert.deepEqual((await run(engine, "SHOW TABLES LIKE 'B*'")).rows, [['beta']]);
      assert.deepEqual((await run(engine, 'SHOW TABLES IN other')).rows, [['gamma']]);
      assert.deepEqual((await run(engine, 'SHOW TABLES', ctx(0, 'other'))).rows, [['gamma']]);
      assert.equal(await errorOf(engine.plan('SHOW TABLES IN nope', ctx())), 'AnalysisException: Database does not exist: nope');
    });

    it('DESCRIBE prints name, Impala type (lower case) and comment', async () => {
      await run(engine, "CREATE TABLE d (id BIGINT COMMENT 'key', price DECIMAL(10,2), code CHAR(3), tag VARCHAR(20), s STRING, ts TIMESTAMP) PARTITIONED BY (day DATE)");
      await engine.seed('CREATE TABLE seeded (i INTEGER, f FLOAT, b BLOB, l INTEGER[])');
      const r = await run(engine, 'DESCRIBE d');
      assert.equal(r.plan.kind, 'describe');
      assert.deepEqual(r.plan.columns.map((c) => c.name), ['name', 'type', 'comment']);
      assert.deepEqual(r.rows, [
        ['id', 'bigint', 'key'],
        ['price', 'decimal(10,2)', ''],
        ['code', 'char(3)', ''],
        ['tag', 'varchar(20)', ''],
        ['s', 'string', ''],
        ['ts', 'timestamp', ''],
        ['day', 'date', ''],
      ]);
      assert.deepEqual((await run(engine, 'DESCRIBE default.seeded')).rows.map((row) => row[1]), ['int', 'float', 'binary', 'array<int>']);
      assert.equal(await errorOf(engine.plan('DESCRIBE ghost', ctx())), "AnalysisException: Could not resolve path: 'default.ghost'");
    });

    it('DESCRIBE DATABASE and SHOW CREATE TABLE', async () => {
      assert.deepEqual((await run(engine, 'DESCRIBE DATABASE default')).rows[0]?.[0], 'default');
      await run(engine, "CREATE TABLE sc (a INT, b STRING) PARTITIONED BY (p INT) COMMENT 'c' STORED AS PARQUET");
      const text = (await run(engine, 'SHOW CREATE TABLE sc')).rows[0]?.[0] as string;
      assert.match(text, /^CREATE TABLE default\.sc \(\n {2}a INT,\n {2}b STRING\n\)\nPARTITIONED BY \(\n {2}p INT\n\)\nCOMMENT 'c'\nSTORED AS PARQUET\n/);
    });
  });

  describe('DDL', () => {
    it("accepts Impala's storage clauses and answers one summary row", async () => {
      const r = await run(
        engine,
        "CREATE EXTERNAL TABLE IF NOT EXISTS `events` (id INT COMMENT 'the id', name STRING, PRIMARY KEY (id)) " +
          "PARTITIONED BY (year INT, month INT) SORT BY (id) COMMENT 'events table' " +
          "ROW FORMAT DELIMITED FIELDS TERMINATED BY ',' LINES TERMINATED BY '\\n' " +
          "WITH SERDEPROPERTIES ('a'='b') STORED AS TEXTFILE LOCATION '/warehouse/events' CACHED IN 'pool' WITH REPLICATION = 3 " +
          "TBLPROPERTIES ('transactional'='false');",
      );
      assert.equal(r.plan.kind, 'ddl');
      assert.deepEqual(r.plan.columns, [{ name: 'summary', type: 'STRING' }]);
      assert.deepEqual(r.rows, [['Table has been created.']]);
      assert.deepEqual((await run(engine, 'DESCRIBE events')).rows.map((row) => row[0]), ['id', 'name', 'year', 'month']);
      assert.deepEqual((await run(engine, 'CREATE TABLE IF NOT EXISTS events (x INT)')).rows, [['Table already exists.']]);
      assert.equal(await errorOf(engine.plan('CREATE TABLE events (x INT)', ctx())), 'AnalysisException: Table already exists: default.events');
    });

    it('accepts Kudu-style tables and UPSERT replaces rows by primary key', async () => {
      await run(engine, 'CREATE TABLE kv (k BIGINT PRIMARY KEY ENCODING PLAIN_ENCODING COMPRESSION LZ4, v STRING) PARTITION BY HASH (k) PARTITIONS 4 STORED AS KUDU');
      assert.equal((await run(engine, "UPSERT INTO kv VALUES (1, 'a'), (2, 'b')")).rowsModified, 2n);
      assert.equal((await run(engine, "UPSERT INTO kv VALUES (1, 'z')")).rowsModified, 1n);
      assert.deepEqual((await run(engine, 'SELECT k, v FROM kv ORDER BY k')).rows, [[1n, 'z'], [2n, 'b']]);
    });

    it('CREATE TABLE AS SELECT reports inserted rows; LIKE copies the schema', async () => {
      await engine.seed('CREATE TABLE src AS SELECT range AS i FROM range(3)');
      assert.deepEqual((await run(engine, 'CREATE TABLE copy1 STORED AS PARQUET AS SELECT i, i * 2 AS j FROM src')).rows, [['Inserted 3 row(s)']]);
      assert.deepEqual((await run(engine, 'CREATE TABLE empty1 LIKE copy1 STORED AS PARQUET')).rows, [['Table has been created.']]);
      assert.deepEqual((await run(engine, 'SELECT count(*) FROM empty1')).rows, [[0n]]);
      assert.deepEqual((await run(engine, 'DESCRIBE empty1')).rows.map((row) => row[0]), ['i', 'j']);
    });

    it('ALTER TABLE rename, add/drop/change columns, and storage-only changes', async () => {
      await run(engine, 'CREATE TABLE a1 (x INT)');
      assert.deepEqual((await run(engine, 'ALTER TABLE a1 RENAME TO a2')).rows, [['Renaming was successful.']]);
      assert.deepEqual((await run(engine, 'ALTER TABLE a2 ADD COLUMNS (y STRING, z DECIMAL(4,1))')).rows, [['New column(s) have been added to the table.']]);
      assert.deepEqual((await run(engine, 'ALTER TABLE a2 DROP COLUMN y')).rows, [['Column has been dropped.']]);
      assert.deepEqual((await run(engine, 'ALTER TABLE a2 CHANGE z zz DECIMAL(6,1)')).rows, [['Column has been altered.']]);
      assert.deepEqual((await run(engine, "ALTER TABLE a2 SET TBLPROPERTIES ('k'='v')")).rows, [['Updated table.']]);
      assert.deepEqual((await run(engine, 'DESCRIBE a2')).rows, [['x', 'int', ''], ['zz', 'decimal(6,1)', '']]);
      assert.equal(await errorOf(engine.plan('SELECT * FROM a1', ctx())), "AnalysisException: Could not resolve table reference: 'a1'");
    });

    it('views, TRUNCATE, DROP with and without IF EXISTS', async () => {
      await engine.seed('CREATE TABLE base AS SELECT range AS i FROM range(4)');
      assert.deepEqual((await run(engine, 'CREATE VIEW v1 AS SELECT i FROM base WHERE i > 1')).rows, [['View has been created.']]);
      assert.deepEqual((await run(engine, 'SELECT count(*) FROM v1')).rows, [[2n]]);
      assert.equal(await errorOf(engine.plan('DROP TABLE v1', ctx())), 'AnalysisException: DROP TABLE not allowed on a view: default.v1');
      assert.deepEqual((await run(engine, 'DROP VIEW v1')).rows, [['View has been dropped.']]);
      assert.deepEqual((await run(engine, 'TRUNCATE TABLE base')).rows, [['Table has been truncated.']]);
      assert.deepEqual((await run(engine, 'SELECT count(*) FROM base')).rows, [[0n]]);
      assert.deepEqual((await run(engine, 'DROP TABLE base PURGE')).rows, [['Table has been dropped.']]);
      assert.deepEqual((await run(engine, 'DROP TABLE IF EXISTS base')).rows, [['Table does not exist.']]);
      assert.equal(await errorOf(engine.plan('DROP TABLE base', ctx())), 'AnalysisException: Table does not exist: default.base');
    });

    it('CREATE DATABASE, tables in it, DROP DATABASE CASCADE', async () => {
      assert.deepEqual((await run(engine, "CREATE DATABASE IF NOT EXISTS db1 COMMENT 'x' LOCATION '/w'")).rows, [['Database has been created.']]);
      await run(engine, 'CREATE TABLE db1.t (a INT)');
      assert.match(await errorOf(run(engine, 'DROP DATABASE db1')), /Database db1 is not empty/);
      assert.deepEqual((await run(engine, 'DROP DATABASE db1 CASCADE')).rows, [['Database has been dropped.']]);
      assert.equal(await errorOf(engine.plan('SELECT * FROM db1.t', ctx())), "AnalysisException: Could not resolve table reference: 'db1.t'");
      assert.equal(await errorOf(engine.plan('DROP DATABASE default', ctx())), 'AnalysisException: Cannot drop default database.');
    });

    it('COMPUTE STATS, INVALIDATE METADATA and REFRESH answer summaries', async () => {
      await run(engine, 'CREATE TABLE st (a INT, b STRING) PARTITIONED BY (p INT)');
      await run(engine, "INSERT INTO st PARTITION (p) VALUES (1, 'x', 10), (2, 'y', 20), (3, 'z', 20)");
      assert.deepEqual((await run(engine, 'COMPUTE STATS st')).rows, [['Updated 2 partition(s) and 2 column(s).']]);
      assert.deepEqual((await run(engine, 'COMPUTE INCREMENTAL STATS st')).plan.kind, 'ddl');
      assert.deepEqual((await run(engine, 'INVALIDATE METADATA')).rows, [['Metadata of all tables has been invalidated.']]);
      assert.deepEqual((await run(engine, 'INVALIDATE METADATA st')).rows, [['Table metadata has been invalidated.']]);
      assert.deepEqual((await run(engine, 'REFRESH default.st')).rows, [['Table has been refreshed.']]);
      assert.equal(await errorOf(engine.plan('REFRESH ghost', ctx())), 'AnalysisException: Table does not exist: default.ghost');
    });

    it('EXPLAIN answers one STRING column "Explain String"', async () => {
      await engine.seed('CREATE TABLE ex (a INT)');
      const r = await run(engine, 'EXPLAIN SELECT a, count(*) FROM ex GROUP BY a');
      assert.equal(r.plan.kind, 'explain');
      assert.deepEqual(r.plan.columns, [{ name: 'Explain String', type: 'STRING' }]);
      assert.ok(r.rows.length > 5);
      assert.match(r.rows[0]?.[0] as string, /^Max Per-Host Resource Reservation/);
    });
  });

  describe('DML', () => {
    beforeEach(async () => {
      await run(engine, 'CREATE TABLE m (id INT, name STRING) PARTITIONED BY (p INT) STORED AS PARQUET');
    });

    it('INSERT has no result set and reports the rows inserted', async () => {
      const r = await run(engine, "INSERT INTO TABLE m VALUES (1, 'a', 1), (2, 'b', 1), (3, NULL, 2)");
      assert.equal(r.plan.kind, 'dml');
      assert.equal(r.plan.hasResultSet, false);
      assert.deepEqual(r.plan.columns, []);
      assert.equal(r.rowsModified, 3n);
    });

    it('INSERT ... PARTITION puts static partition values into the partition column', async () => {
      assert.equal((await run(engine, "INSERT INTO m PARTITION (p=7) SELECT 1, 'x' UNION ALL SELECT 2, 'y'")).rowsModified, 2n);
      assert.equal((await run(engine, "INSERT INTO m (name, id) PARTITION (p=8) VALUES ('z', 3)")).rowsModified, 1n);
      assert.deepEqual((await run(engine, 'SELECT id, name, p FROM m ORDER BY id')).rows, [[1, 'x', 7], [2, 'y', 7], [3, 'z', 8]]);
    });

    it('INSERT OVERWRITE replaces a static partition, or the whole table', async () => {
      await run(engine, "INSERT INTO m VALUES (1, 'a', 1), (2, 'b', 2)");
      assert.equal((await run(engine, "INSERT OVERWRITE m PARTITION (p=1) SELECT 10, 'new'")).rowsModified, 1n);
      assert.deepEqual((await run(engine, 'SELECT id, p FROM m ORDER BY id')).rows, [[2, 2], [10, 1]]);
      assert.equal((await run(engine, "INSERT OVERWRITE TABLE m SELECT 99, 'only', 3")).rowsModified, 1n);
      assert.deepEqual((await run(engine, 'SELECT id FROM m')).rows, [[99]]);
    });

    it('UPDATE and DELETE (with or without FROM) report changed rows on a Kudu table', async () => {
      await run(engine, 'CREATE TABLE k (id INT PRIMARY KEY, name STRING, p INT) STORED AS KUDU');
      await run(engine, "INSERT INTO k VALUES (1, 'a', 1), (2, 'b', 1), (3, 'c', 2)");
      assert.equal((await run(engine, "UPDATE k SET name = 'q' WHERE p = 1")).rowsModified, 2n);
      assert.equal((await run(engine, 'DELETE k WHERE id = 1')).rowsModified, 1n);
      assert.equal((await run(engine, 'DELETE FROM k WHERE id > 100')).rowsModified, 0n);
      assert.deepEqual((await run(engine, 'SELECT id, name FROM k ORDER BY id')).rows, [[2, 'q'], [3, 'c']]);
    });

    it('refuses UPDATE, DELETE, UPSERT and MERGE on tables Impala cannot modify that way, with its texts', async () => {
      await run(engine, 'CREATE TABLE ice (id INT, name STRING) STORED BY ICEBERG');
      const neither = 'AnalysisException: Impala only supports modifying Kudu and Iceberg tables, but the following table is neither: default.m';
      assert.equal(await errorOf(engine.plan("UPDATE m SET name = 'x'", ctx())), neither);
      assert.equal(await errorOf(engine.plan('DELETE FROM m WHERE id = 1', ctx())), neither);
      assert.equal(await errorOf(engine.plan('DELETE m', ctx())), neither);
      assert.equal(await errorOf(engine.plan("UPSERT INTO m VALUES (1, 'a', 1)", ctx())), 'AnalysisException: UPSERT is only supported for Kudu tables');
      assert.equal(await errorOf(engine.plan("UPSERT INTO ice VALUES (1, 'a')", ctx())), 'AnalysisException: UPSERT is only supported for Kudu tables');
      assert.equal(
        await errorOf(engine.plan('MERGE INTO m USING ice s ON m.id = s.id WHEN MATCHED THEN DELETE', ctx())),
        'AnalysisException: Target table must be an Iceberg table: default.m',
      );
      // Iceberg tables take DELETE and UPDATE.
      await run(engine, "INSERT INTO ice VALUES (1, 'a'), (2, 'b')");
      assert.equal((await run(engine, 'DELETE FROM ice WHERE id = 1')).rowsModified, 1n);
      assert.equal((await run(engine, "UPDATE ice SET name = 'z'")).rowsModified, 1n);
      assert.deepEqual((await run(engine, 'SELECT id, name FROM ice')).rows, [[2, 'z']]);
      // A missing target is named as written.
      assert.equal(await errorOf(engine.plan('DELETE FROM ghost', ctx())), "AnalysisException: Could not resolve table reference: 'ghost'");
    });

    it('INSERT OVERWRITE t SELECT ... FROM t writes the rows it read, not an empty table', async () => {
      await run(engine, "INSERT INTO m VALUES (1, 'a', 1), (2, 'b', 1), (3, 'c', 2)");
      assert.equal((await run(engine, 'INSERT OVERWRITE m SELECT id * 10, name, p FROM m WHERE id > 1')).rowsModified, 2n);
      assert.deepEqual((await run(engine, 'SELECT id, name, p FROM m ORDER BY id')).rows, [[20, 'b', 1], [30, 'c', 2]]);
      // With a static partition only that partition is replaced, again from what it held.
      assert.equal((await run(engine, 'INSERT OVERWRITE m PARTITION (p=1) SELECT id + 1, name FROM m WHERE p = 1')).rowsModified, 1n);
      assert.deepEqual((await run(engine, 'SELECT id, p FROM m ORDER BY id')).rows, [[21, 1], [30, 2]]);
    });

    it('refuses a missing target with Table does not exist, a missing source with Could not resolve', async () => {
      assert.equal(await errorOf(engine.plan('INSERT INTO ghost VALUES (1)', ctx())), 'AnalysisException: Table does not exist: default.ghost');
      assert.equal(await errorOf(engine.plan('INSERT INTO m SELECT * FROM ghost', ctx())), "AnalysisException: Could not resolve table reference: 'ghost'");
    });
  });

  describe('errors', () => {
    it("answers Impala's ParseException with the line, a caret and what was found", async () => {
      const message = await errorOf(engine.plan('SELEC 1', ctx()));
      assert.match(message, /^ParseException: Syntax error in line 1:\nSELEC 1\n\^\nEncountered: IDENTIFIER\nExpected: ALTER, /);
      // Impala parses before it resolves names: a syntax error wins over an unknown table.
      const inner = await errorOf(engine.plan('SELECT a\nFROM FROM ghost', ctx()));
      assert.match(inner, /^ParseException: Syntax error in line 2:\nFROM FROM ghost\n {5}\^\nEncountered: FROM\n/);
    });

    it('names unknown tables, columns and functions the way Impala does, with sqlState HY000', async () => {
      const err = await engine.plan('SELECT * FROM nowhere', ctx()).catch((e: unknown) => e);
      assert.ok(err instanceof SimSqlError);
      assert.equal(err.sqlState, 'HY000');
      assert.equal(err.message, "AnalysisException: Could not resolve table reference: 'nowhere'");
      assert.equal(await errorOf(engine.plan('SELECT * FROM other.nowhere', ctx())), "AnalysisException: Could not resolve table reference: 'other.nowhere'");
      await engine.seed('CREATE TABLE known (a INT)');
      assert.equal(await errorOf(engine.plan('SELECT b FROM known', ctx())), "AnalysisException: Could not resolve column/field reference: 'b'");
      assert.equal(await errorOf(engine.plan('SELECT frob(1)', ctx())), 'AnalysisException: default.frob() unknown for database default. Currently this db has 0 functions.');
    });

    it('reports runtime errors when the statement executes', async () => {
      const plan = await engine.plan("SELECT CAST(s AS INT) FROM (VALUES ('1'), ('x')) v(s)", ctx());
      try {
        assert.match(await errorOf(engine.execute(plan.id)), /Could not convert string 'x' to INT32/);
      } finally {
        await engine.release(plan.id);
      }
    });

    it('enforces MAX_STATEMENT_LENGTH_BYTES', async () => {
      const sql = `SELECT '${'x'.repeat(1100)}'`;
      assert.equal(
        await errorOf(engine.plan(sql, ctx(0, 'default', {}, { MAX_STATEMENT_LENGTH_BYTES: '1k' }))),
        `Statement length of ${sql.length} bytes exceeds the maximum statement length (1024 bytes)`,
      );
      // Impala's lower bound for the option is 1024 bytes.
      assert.equal(
        await errorOf(engine.plan('SELECT 1', ctx(0, 'default', {}, { MAX_STATEMENT_LENGTH_BYTES: '50' }))),
        'Invalid value for query option MAX_STATEMENT_LENGTH_BYTES: 50 is not in range [1024, 2147483647]',
      );
    });

    it('refuses Impala statements the simulator does not implement with a clear message', async () => {
      assert.equal(await errorOf(engine.plan('SHOW FUNCTIONS', ctx())), 'AnalysisException: SHOW FUNCTIONS is not supported by the Impala simulator');
      assert.equal(await errorOf(engine.plan("LOAD DATA INPATH '/x' INTO TABLE t", ctx())), 'AnalysisException: LOAD is not supported by the Impala simulator');
    });
  });

  describe('dialect end to end', () => {
    it('runs backticks, double-quoted strings, escapes, default.t and hints', async () => {
      await engine.seed('CREATE TABLE "Quoted" (id INTEGER, "select" VARCHAR)');
      await run(engine, "INSERT INTO `default`.`quoted` VALUES (1, \"it's\"), (2, 'tab\\there')");
      const r = await run(engine, 'SELECT /* +straight_join */ q.id, q.`select` FROM default.quoted q JOIN [BROADCAST] default.quoted q2 ON q.id = q2.id ORDER BY q.id');
      assert.deepEqual(r.rows, [[1, "it's"], [2, 'tab\there']]);
    });

    it('labels result columns in lower case like Impala', async () => {
      const r = await run(engine, 'SELECT 1 AS MixedCase, count(*) FROM range(2)');
      assert.deepEqual(r.plan.columns.map((c) => c.name), ['mixedcase', 'count(*)']);
    });
  });
});
