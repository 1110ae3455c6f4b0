/**
 * Planning of Impala DDL: analysis against what the coordinator knows (Impala's
 * "already exists" / "does not exist" texts), the DuckDB statements that do the
 * work, the `summary` row and the catalog changes to propagate.
 *
 * @internal
 */
import { PLAIN_TABLE, type CatalogChange, type DeclaredColumn, type TableInfo } from './catalog';
import type { ColumnDef, DdlStatement } from './ddl-parser';
import { rewriteTokens } from './dialect-rewrite';
import { runDuckStatements, summaryPlan, type PlanEnv, type StatementPlan } from './plan-types';
import { checkReferences, duckTable } from './query-planner';
import { analysisError, databaseNotFoundError, tableNotFoundError, unresolvedTableError, writtenPath } from './sql-errors';
import { duckIdent } from './sql-lexer';
import { findTableReferences } from './statement-scan';
import { qualify, type QualifiedName, type TableName, type TokenCursor } from './token-cursor';

function columnSql(col: ColumnDef): string {
  return `${duckIdent(col.name)} ${col.type.duck}${col.constraints === '' ? '' : ` ${col.constraints}`}`;
}

function declared(col: ColumnDef): DeclaredColumn {
  return { name: col.name, type: col.type.impala, comment: col.comment };
}

function requireDatabase(env: PlanEnv, db: string): void {
  if (!env.view.hasDatabase(db)) throw databaseNotFoundError(db);
}

/** The table as this coordinator knows it, or Impala's `Table does not exist`. */
function requireTable(env: PlanEnv, name: TableName): { q: QualifiedName; info: TableInfo } {
  const q = qualify(name, env.database);
  const info = env.view.table(q.db, q.name);
  if (info === undefined) throw tableNotFoundError(q.db, q.name);
  return { q, info };
}

/** A DDL statement that runs `statements` in DuckDB and answers `summary`. */
function duckDdl(env: PlanEnv, statements: readonly string[], summary: string, changes: readonly CatalogChange[]): StatementPlan {
  return summaryPlan(async (rc) => {
    await runDuckStatements((await rc.connection()).connection, statements, env.database);
    return { summary, changes };
  });
}

function noop(summary: string): StatementPlan {
  return summaryPlan(async () => ({ summary }));
}

function createTable(cur: TokenCursor, ddl: Extract<DdlStatement, { type: 'create-table' }>, env: PlanEnv): StatementPlan {
  const q = qualify(ddl.table, env.database);
  requireDatabase(env, q.db);
  if (env.view.table(q.db, q.name) !== undefined) {
    if (ddl.ifNotExists) return noop('Table already exists.');
    throw analysisError(`Table already exists: ${q.db}.${q.name}`);
  }
  const partitionDefs = ddl.partitionColumns.filter((p): p is ColumnDef => typeof p !== 'string');
  const partitionNames = ddl.partitionColumns.map((p) => (typeof p === 'string' ? p : p.name));
  const seen = new Set<string>();
  for (const name of [...ddl.columns.map((c) => c.name), ...partitionDefs.map((c) => c.name)]) {
    if (seen.has(name)) throw analysisError(`Duplicate column name: ${name}`);
    seen.add(name);
  }
  const base = { kind: 'TABLE' as const, partitionColumns: partitionNames, comment: ddl.comment, fileFormat: ddl.fileFormat };
  if (ddl.like !== undefined) {
    const source = requireTable(env, ddl.like);
    const info: TableInfo = { ...source.info, ...base, partitionColumns: source.info.partitionColumns, kind: 'TABLE' };
    return duckDdl(env, [`CREATE TABLE ${duckTable(q)} AS SELECT * FROM ${duckTable(source.q)} LIMIT 0`], 'Table has been created.', [
      { op: 'createTable', db: q.db, table: q.name, info },
    ]);
  }
  if (ddl.queryStart !== undefined) {
    checkReferences(findTableReferences(cur.sig.slice(ddl.queryStart)), env.view, env.database);
    const query = rewriteTokens(cur.tokensBetween(ddl.queryStart));
    const info: TableInfo = { ...PLAIN_TABLE, ...base };
    const create = `CREATE TABLE ${duckTable(q)} AS ${query.sql}`;
    const plan = summaryPlan(async (rc) => {
      const rows = await runDuckStatements((await rc.connection()).connection, [create], env.database);
      return { summary: `Inserted ${rows} row(s)`, changes: [{ op: 'createTable', db: q.db, table: q.name, info }] };
    });
    return { ...plan, delayMs: query.delayMs };
  }
  const defs = [...ddl.columns.map(columnSql), ...partitionDefs.map(columnSql), ...ddl.tableConstraints];
  const info: TableInfo = { ...base, columns: [...ddl.columns, ...partitionDefs].map(declared) };
  return duckDdl(env, [`CREATE TABLE ${duckTable(q)} (${defs.join(', ')})`], 'Table has been created.', [
    { op: 'createTable', db: q.db, table: q.name, info },
  ]);
}

function alterTable(ddl: Extract<DdlStatement, { type: 'alter-table' }>, env: PlanEnv): StatementPlan {
  // Impala resolves an ALTER TABLE target like a FROM item: the path as written.
  if (env.view.table(qualify(ddl.table, env.database).db, ddl.table.name) === undefined) throw unresolvedTableError(writtenPath(ddl.table));
  const { q, info } = requireTable(env, ddl.table);
  const action = ddl.action;
  const target = duckTable(q);
  const alter = (next: TableInfo): CatalogChange[] => [{ op: 'alterTable', db: q.db, table: q.name, info: next }];
  switch (action.kind) {
    case 'metadata-only':
      return noop(action.summary);
    case 'rename': {
      const to = qualify(action.to, q.db);
      if (to.db !== q.db) throw analysisError('Moving a table to another database is not supported by the Impala simulator');
      if (env.view.table(to.db, to.name) !== undefined) throw analysisError(`Table already exists: ${to.db}.${to.name}`);
      const verb = info.kind === 'VIEW' ? 'VIEW' : 'TABLE';
      return duckDdl(env, [`ALTER ${verb} ${target} RENAME TO ${duckIdent(to.name)}`], 'Renaming was successful.', [
        { op: 'dropTable', db: q.db, table: q.name },
        { op: 'createTable', db: to.db, table: to.name, info },
      ]);
    }
    case 'add-columns': {
      const ifNot = action.ifNotExists ? 'IF NOT EXISTS ' : '';
      const known = new Set(info.columns.map((c) => c.name));
      return duckDdl(
        env,
        action.columns.map((c) => `ALTER TABLE ${target} ADD COLUMN ${ifNot}${columnSql(c)}`),
        'New column(s) have been added to the table.',
        alter({ ...info, columns: [...info.columns, ...action.columns.filter((c) => !known.has(c.name)).map(declared)] }),
      );
    }
    case 'drop-column':
      return duckDdl(env, [`ALTER TABLE ${target} DROP COLUMN ${duckIdent(action.column)}`], 'Column has been dropped.', alter({
        ...info,
        columns: info.columns.filter((c) => c.name !== action.column),
      }));
    case 'change-column': {
      const statements: string[] = [];
      if (action.to.name !== action.column) {
        statements.push(`ALTER TABLE ${target} RENAME COLUMN ${duckIdent(action.column)} TO ${duckIdent(action.to.name)}`);
      }
      statements.push(`ALTER TABLE ${target} ALTER COLUMN ${duckIdent(action.to.name)} TYPE ${action.to.type.duck}`);
      const columns = info.columns.map((c) => (c.name === action.column ? declared(action.to) : c));
      return duckDdl(env, statements, 'Column has been altered.', alter({ ...info, columns }));
    }
  }
}

/** Plans one DDL statement. */
export function planDdl(cur: TokenCursor, ddl: DdlStatement, env: PlanEnv): StatementPlan {
  switch (ddl.type) {
    case 'create-database': {
      if (env.view.hasDatabase(ddl.name)) {
        if (ddl.ifNotExists) return noop('Database already exists.');
        throw analysisError(`Database already exists: ${ddl.name}`);
      }
      return duckDdl(env, [`CREATE SCHEMA ${duckIdent(ddl.name)}`], 'Database has been created.', [
        { op: 'createDatabase', db: ddl.name, comment: ddl.comment },
      ]);
    }
    case 'drop-database': {
      if (ddl.name === 'default') throw analysisError('Cannot drop default database.');
      if (ddl.name === env.database) throw analysisError(`Cannot drop current default database: ${ddl.name}`);
      if (!env.view.hasDatabase(ddl.name)) {
        if (ddl.ifExists) return noop('Database does not exist.');
        throw databaseNotFoundError(ddl.name);
      }
      return duckDdl(env, [`DROP SCHEMA ${duckIdent(ddl.name)}${ddl.cascade ? ' CASCADE' : ''}`], 'Database has been dropped.', [
        { op: 'dropDatabase', db: ddl.name },
      ]);
    }
    case 'create-table':
      return createTable(cur, ddl, env);
    case 'create-view':
    case 'alter-view': {
      const q = qualify(ddl.view, env.database);
      requireDatabase(env, q.db);
      const existing = env.view.table(q.db, q.name);
      if (ddl.type === 'create-view' && existing !== undefined) {
        if (ddl.ifNotExists) return noop('View already exists.');
        throw analysisError(`Table already exists: ${q.db}.${q.name}`);
      }
      if (ddl.type === 'alter-view' && existing === undefined) throw tableNotFoundError(q.db, q.name);
      if (ddl.type === 'alter-view' && ddl.renameTo !== undefined) {
        return alterTable({ type: 'alter-table', table: ddl.view, action: { kind: 'rename', to: ddl.renameTo } }, env);
      }
      const start = ddl.queryStart as number;
      checkReferences(findTableReferences(cur.sig.slice(start)), env.view, env.database);
      const query = rewriteTokens(cur.tokensBetween(start)).sql;
      const columns = ddl.type === 'create-view' && ddl.columns !== undefined ? ` (${ddl.columns.map(duckIdent).join(', ')})` : '';
      const verb = ddl.type === 'create-view' ? 'CREATE VIEW' : 'CREATE OR REPLACE VIEW';
      const info: TableInfo = { ...PLAIN_TABLE, kind: 'VIEW', comment: ddl.type === 'create-view' ? ddl.comment : existing?.comment ?? '' };
      return duckDdl(env, [`${verb} ${duckTable(q)}${columns} AS ${query}`], ddl.type === 'create-view' ? 'View has been created.' : 'View has been altered.', [
        { op: 'createTable', db: q.db, table: q.name, info },
      ]);
    }
    case 'drop-table': {
      const q = qualify(ddl.table, env.database);
      const info = env.view.table(q.db, q.name);
      const noun = ddl.view ? 'View' : 'Table';
      if (info === undefined) {
        if (ddl.ifExists) return noop(`${noun} does not exist.`);
        throw tableNotFoundError(q.db, q.name);
      }
      if (ddl.view && info.kind !== 'VIEW') throw analysisError(`DROP VIEW not allowed on a table: ${q.db}.${q.name}`);
      if (!ddl.view && info.kind === 'VIEW') throw analysisError(`DROP TABLE not allowed on a view: ${q.db}.${q.name}`);
      return duckDdl(env, [`DROP ${ddl.view ? 'VIEW' : 'TABLE'} ${duckTable(q)}`], `${noun} has been dropped.`, [
        { op: 'dropTable', db: q.db, table: q.name },
      ]);
    }
    case 'truncate': {
      const q = qualify(ddl.table, env.database);
      const info = env.view.table(q.db, q.name);
      if (info === undefined) {
        if (ddl.ifExists) return noop('Table does not exist.');
        throw tableNotFoundError(q.db, q.name);
      }
      if (info.kind === 'VIEW') throw analysisError(`TRUNCATE TABLE not supported on non-HDFS table: ${q.db}.${q.name}`);
      // Emptying the table is a data change: other coordinators see the rows until it reaches them.
      return { ...duckDdl(env, [`DELETE FROM ${duckTable(q)}`], 'Table has been truncated.', []), writes: q };
    }
    case 'alter-table':
      return alterTable(ddl, env);
    case 'comment-on':
      return noop(ddl.target === 'DATABASE' ? 'Updated database.' : 'Updated table.');
  }
}
