/**
 * Planning of the statements DuckDB runs: queries, EXPLAIN, INSERT/UPSERT (with
 * Impala's PARTITION and OVERWRITE forms) and UPDATE/DELETE/MERGE.
 *
 * @internal
 */
import { DuckDBTypeId, type DuckDBConnection, type DuckDBPreparedStatement, type DuckDBType } from '@duckdb/node-api';
import createDebug from 'debug';
import { reportedOf } from './analysis/impala-type';
import { typeQuery } from './analysis/query-typing';
import type { CatalogView } from './catalog';
import { ConstantRows, prepareStatement, queryShape, templatePlan, type QueryTemplate } from './query-template';
import { rewriteTokens } from './dialect-rewrite';
import { declaredCharType, reportedType, type ReportedType } from './impala-types';
import { runDuckStatements, stringColumns, type PlanEnv, type StatementPlan } from './plan-types';
import { checkWritable } from './dml-targets';
import { analysisError, mapDuckDbError, tableNotFoundError, unresolvedTableError, writtenPath } from './sql-errors';
import { duckIdent, duckString } from './sql-lexer';
import { findTableReferences, nullLiteralNames, type TableReference } from './statement-scan';
import type { ParsedStatement } from './statement-parser';
import { qualify, type QualifiedName, type TokenCursor } from './token-cursor';
import type { SimColumn } from './types';

/** `"db"."table"` for DuckDB. */
export function duckTable(name: QualifiedName): string {
  return `${duckIdent(name.db)}.${duckIdent(name.name)}`;
}

/**
 * Fails with Impala's text for the first table this coordinator does not know:
 * `Could not resolve table reference: '<path as written>'` for tables read (and,
 * with `resolvedTargets`, for UPDATE/DELETE/MERGE targets, which Impala resolves
 * like FROM items), `Table does not exist: <db>.<table>` for INSERT targets.
 */
export function checkReferences(refs: readonly TableReference[], view: CatalogView, database: string, resolvedTargets = false): void {
  for (const ref of refs) {
    const q = qualify(ref.table, database);
    if (view.table(q.db, q.name) !== undefined) continue;
    throw ref.role === 'target' && !resolvedTargets ? tableNotFoundError(q.db, q.name) : unresolvedTableError(writtenPath(ref.table));
  }
}

/** Column names → declared CHAR/VARCHAR types of the tables read, when unambiguous. */
function declaredCharColumns(refs: readonly TableReference[], env: PlanEnv): Map<string, ReportedType> {
  const found = new Map<string, ReportedType | null>();
  for (const ref of refs) {
    const q = qualify(ref.table, env.database);
    for (const col of env.view.table(q.db, q.name)?.columns ?? []) {
      const type = declaredCharType(col.type);
      const seen = found.get(col.name);
      if (seen === undefined) found.set(col.name, type ?? null);
      else if (seen === null || type === undefined || seen.type !== type.type || seen.length !== type.length) found.set(col.name, null);
    }
  }
  return new Map([...found].filter((e): e is [string, ReportedType] => e[1] !== null));
}

/** Fails with Impala's ParseException when DuckDB cannot parse `sql`: Impala parses before it resolves names. */
async function parse(conn: DuckDBConnection, sql: string, database: string): Promise<void> {
  try {
    await conn.extractStatements(sql);
  } catch (err) {
    throw mapDuckDbError(err, { sql, database });
  }
}

const debug = createDebug('impala-ha:sim:typing');

/** Prepares the Impala-typed form of a query; undefined when DuckDB refuses it (the untyped form is then used). */
async function prepareTyped(conn: DuckDBConnection, sql: string): Promise<DuckDBPreparedStatement | undefined> {
  try {
    return await conn.prepare(sql);
  } catch (err) {
    debug('typed form refused, using DuckDB types: %s\n  %s', err instanceof Error ? err.message.split('\n')[0] : String(err), sql);
    return undefined;
  }
}

/** Impala's label for a result column: lower case, with DuckDB's internal names for Impala spellings. */
function impalaColumnName(duckName: string): string {
  return duckName.toLowerCase().replaceAll('count_star()', 'count(*)');
}

interface PreparedQuery {
  readonly duckSql: string;
  /** See {@link queryShape}. */
  readonly small: boolean;
  readonly constant: boolean;
  readonly delayMs: number;
  readonly prepared: DuckDBPreparedStatement;
  readonly columns: SimColumn[];
  /** DuckDB's type of each column. */
  readonly types: DuckDBType[];
}

/**
 * Rewrites, checks and prepares the query in significant tokens `[start, end)`,
 * typed and labelled by Impala's rules where the analyzer models it.
 */
async function prepareQuery(cur: TokenCursor, start: number, env: PlanEnv): Promise<PreparedQuery> {
  const sig = cur.sig.slice(start);
  const rewritten = rewriteTokens(cur.tokensBetween(start));
  const conn = (await env.connection()).connection;
  await parse(conn, rewritten.sql, env.database);
  const refs = findTableReferences(sig);
  checkReferences(refs, env.view, env.database);
  const typed = await typeQuery(conn, cur, start, env);
  const typedPrepared = typed === undefined ? undefined : await prepareTyped(conn, typed.duckSql);
  const duckSql = typedPrepared === undefined ? rewritten.sql : (typed as NonNullable<typeof typed>).duckSql;
  const prepared = typedPrepared ?? (await prepareStatement(conn, duckSql, env.database));
  const nulls = nullLiteralNames(sig);
  const declared = declaredCharColumns(refs, env);
  const labels = typed?.columns.length === prepared.columnCount ? typed.columns : undefined;
  const columns: SimColumn[] = [];
  const types: DuckDBType[] = [];
  for (let i = 0; i < prepared.columnCount; i++) {
    const duckName = impalaColumnName(prepared.columnName(i));
    const type = prepared.columnType(i);
    const impalaType = typedPrepared === undefined ? undefined : labels?.[i]?.type;
    let reported = impalaType === undefined ? reportedType(type) : reportedOf(impalaType);
    if (impalaType === undefined && type.typeId === DuckDBTypeId.INTEGER && nulls.has(duckName)) reported = { type: 'NULL' };
    else if (impalaType === undefined && type.typeId === DuckDBTypeId.VARCHAR) reported = declared.get(duckName) ?? reported;
    columns.push({ name: labels?.[i]?.label ?? duckName, ...reported });
    types.push(type);
  }
  return { duckSql, ...queryShape(sig), delayMs: rewritten.delayMs, prepared, columns, types };
}

/**
 * A query (SELECT / WITH / VALUES) streamed from DuckDB, planned from its text;
 * the plan cache keeps what was decided.
 *
 * @param snapshots - the snapshots the (already redirected) tokens read.
 */
export async function planQuery(cur: TokenCursor, env: PlanEnv, snapshots: readonly string[]): Promise<StatementPlan> {
  const q = await prepareQuery(cur, 0, env);
  const template: QueryTemplate = {
    duckSql: q.duckSql,
    small: q.small,
    delayMs: q.delayMs,
    columns: q.columns,
    types: q.types,
    snapshots,
    constant: q.constant ? new ConstantRows() : undefined,
  };
  env.cache?.store(env.view.version, template);
  const kept = env.cache?.keep(await env.connection(), q.duckSql, q.prepared) ?? false;
  return templatePlan(template, q.prepared, kept, env);
}

/** The DuckDB work of an INSERT / UPSERT, validated by DuckDB at plan time. */
interface InsertWork {
  readonly target: QualifiedName;
  /** Run in one transaction; the last one's count is the rows inserted. */
  readonly statements: string[];
  /** The INSERT as one statement (what EXPLAIN shows). */
  readonly insert: string;
  /** Run after `statements` whatever happened (drops the staging table of an OVERWRITE). */
  readonly cleanup: string | undefined;
  readonly delayMs: number;
}

/** Staging table of INSERT OVERWRITE, per DuckDB connection. */
const OVERWRITE_STAGING = 'temp.__impala_overwrite';

async function insertStatements(cur: TokenCursor, stmt: Extract<ParsedStatement, { type: 'insert' }>, env: PlanEnv): Promise<InsertWork> {
  const body = rewriteTokens(cur.tokensBetween(stmt.bodyStart));
  const conn = (await env.connection()).connection;
  await parse(conn, body.sql, env.database);
  const target = qualify(stmt.target, env.database);
  const info = env.view.table(target.db, target.name);
  if (info === undefined) throw tableNotFoundError(target.db, target.name);
  if (info.kind === 'VIEW') throw analysisError(`Impala does not support inserting into views: ${target.db}.${target.name}`);
  if (stmt.mode === 'upsert') checkWritable('UPSERT', target, info);
  checkReferences(findTableReferences(cur.sig.slice(stmt.bodyStart)), env.view, env.database);
  let columns = stmt.columns;
  let select = body.sql;
  const statics = stmt.partition.filter((p) => p.value !== undefined);
  const valueSql = (range: readonly [number, number]): string => rewriteTokens(cur.tokensBetween(range[0], range[1])).sql;
  if (stmt.partition.length > 0) {
    // Partition columns are the table's last columns; static values are appended to each row.
    const partNames = new Set(stmt.partition.map((p) => p.name));
    const tableColumns = await columnNames(conn, target);
    const base = columns ?? tableColumns.filter((c) => !partNames.has(c));
    columns = [...base, ...stmt.partition.filter((p) => p.value === undefined).map((p) => p.name), ...statics.map((p) => p.name)];
    if (statics.length > 0) {
      select = `SELECT __impala_src.*, ${statics.map((p) => valueSql(p.value as [number, number])).join(', ')} FROM (${body.sql}) AS __impala_src`;
    }
  }
  const verb = stmt.mode === 'upsert' && (await hasPrimaryKey(conn, target)) ? 'INSERT OR REPLACE INTO' : 'INSERT INTO';
  const columnList = columns === undefined ? '' : ` (${columns.map(duckIdent).join(', ')})`;
  const insert = `${verb} ${duckTable(target)}${columnList} ${select}`;
  (await prepareStatement(conn, insert, env.database)).destroySync();
  const work = { target, insert, delayMs: body.delayMs };
  if (stmt.mode !== 'overwrite') return { ...work, statements: [insert], cleanup: undefined };
  // The rows to write are computed before the old ones go: INSERT OVERWRITE t
  // SELECT ... FROM t reads t as it was. A static PARTITION replaces that
  // partition only; otherwise the whole table.
  const where = statics.map((p) => `${duckIdent(p.name)} = ${valueSql(p.value as [number, number])}`).join(' AND ');
  return {
    ...work,
    statements: [
      `CREATE OR REPLACE TEMP TABLE ${OVERWRITE_STAGING.slice('temp.'.length)} AS ${select}`,
      `DELETE FROM ${duckTable(target)}${where === '' ? '' : ` WHERE ${where}`}`,
      `${verb} ${duckTable(target)}${columnList} SELECT * FROM ${OVERWRITE_STAGING}`,
    ],
    cleanup: `DROP TABLE IF EXISTS ${OVERWRITE_STAGING}`,
  };
}

async function columnNames(conn: DuckDBConnection, table: QualifiedName): Promise<string[]> {
  const result = await conn.run(
    `SELECT column_name FROM duckdb_columns() WHERE database_name = system.main.current_database() AND schema_name = ${duckString(table.db)} AND table_name = ${duckString(table.name)} ORDER BY column_index`,
  );
  return (await result.getRows()).map((r) => String(r[0]));
}

async function hasPrimaryKey(conn: DuckDBConnection, table: QualifiedName): Promise<boolean> {
  const result = await conn.run(
    `SELECT count(*) FROM duckdb_constraints() WHERE database_name = system.main.current_database() AND schema_name = ${duckString(table.db)} AND table_name = ${duckString(table.name)} AND constraint_type = 'PRIMARY KEY'`,
  );
  return Number((await result.getRows())[0]?.[0] ?? 0) > 0;
}

/** INSERT / UPSERT: no result set, `rowsModified` from DuckDB. */
export async function planInsert(cur: TokenCursor, stmt: Extract<ParsedStatement, { type: 'insert' }>, env: PlanEnv): Promise<StatementPlan> {
  const work = await insertStatements(cur, stmt, env);
  return {
    kind: 'dml',
    hasResultSet: false,
    columns: [],
    delayMs: work.delayMs,
    writes: work.target,
    run: async (rc) => {
      const conn = (await rc.connection()).connection;
      try {
        return { rowsModified: await runDuckStatements(conn, work.statements, env.database) };
      } finally {
        if (work.cleanup !== undefined) await conn.run(work.cleanup).catch(() => undefined);
      }
    },
  };
}

/** UPDATE / DELETE / MERGE, passed to DuckDB after the dialect rewrite. */
export async function planDml(cur: TokenCursor, verb: 'UPDATE' | 'DELETE' | 'MERGE', env: PlanEnv): Promise<StatementPlan> {
  let { sql, delayMs } = rewriteTokens(cur.all);
  // Impala allows DELETE without FROM.
  if (verb === 'DELETE' && !cur.isWord('FROM')) sql = `DELETE FROM ${rewriteTokens(cur.tokensBetween(1)).sql}`;
  const conn = (await env.connection()).connection;
  await parse(conn, sql, env.database);
  const refs = findTableReferences(cur.sig);
  checkReferences(refs, env.view, env.database, true);
  const targetRef = refs.find((r) => r.role === 'target');
  let writes: QualifiedName | undefined;
  if (targetRef !== undefined) {
    writes = qualify(targetRef.table, env.database);
    checkWritable(verb, writes, env.view.table(writes.db, writes.name));
  }
  (await prepareStatement(conn, sql, env.database)).destroySync();
  return {
    kind: 'dml',
    hasResultSet: false,
    columns: [],
    delayMs,
    ...(writes === undefined ? {} : { writes }),
    run: async (rc) => ({ rowsModified: await runDuckStatements((await rc.connection()).connection, [sql], env.database) }),
  };
}

/** EXPLAIN: one STRING column `Explain String`, Impala's header lines over DuckDB's plan. */
export async function planExplain(cur: TokenCursor, stmt: Extract<ParsedStatement, { type: 'explain' }>, env: PlanEnv): Promise<StatementPlan> {
  let target: string;
  if (stmt.inner.type === 'insert') {
    target = (await insertStatements(cur, stmt.inner, env)).insert;
  } else {
    const q = await prepareQuery(cur, stmt.start, env);
    q.prepared.destroySync();
    target = q.duckSql;
  }
  return {
    kind: 'explain',
    hasResultSet: true,
    columns: stringColumns('Explain String'),
    delayMs: 0,
    run: async (rc) => {
      const conn = (await rc.connection()).connection;
      let plan: string;
      try {
        const rows = await (await conn.run(`EXPLAIN ${target}`)).getRows();
        plan = rows.map((r) => String(r[1] ?? '')).join('\n');
      } catch (err) {
        throw mapDuckDbError(err, { sql: target, database: env.database });
      }
      const lines = ['Max Per-Host Resource Reservation: Memory=0B Threads=1', 'Per-Host Resource Estimates: Memory=10MB', '', 'PLAN-ROOT SINK', '|'];
      lines.push(...plan.split('\n').filter((l) => l.trim() !== ''));
      return { rows: lines.map((l) => [l]) };
    },
  };
}
