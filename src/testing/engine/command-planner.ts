/**
 * The statements the simulator answers itself, as an Impala coordinator would from
 * its catalog and session: SET, UNSET, USE, SHOW DATABASES/TABLES/CREATE TABLE,
 * DESCRIBE, INVALIDATE METADATA, REFRESH, COMPUTE STATS, DROP STATS.
 *
 * @internal
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { duckColumns } from './duck-columns';
import { impalaTypeTextOfDuck } from './impala-types';
import type { DuckColumn } from './plan-cache';
import { staticPlan, stringColumns, summaryPlan, type PlanEnv, type StatementPlan } from './plan-types';
import { duckTable } from './query-planner';
import { optionRows, validateOption } from './query-options';
import { analysisError, databaseNotFoundError, mapDuckDbError, tableNotFoundError } from './sql-errors';
import { duckIdent } from './sql-lexer';
import type { ParsedStatement } from './statement-parser';
import { qualify, type QualifiedName } from './token-cursor';

/** Where SHOW CREATE TABLE and DESCRIBE DATABASE say data lives (a plausible HDFS warehouse path). */
const WAREHOUSE = 'hdfs://localhost:20500/test-warehouse';

/**
 * Impala's SHOW pattern: `*` matches any run of characters, `|` separates
 * alternatives, matching is case-insensitive.
 */
export function showPatternMatcher(pattern: string | undefined): (name: string) => boolean {
  if (pattern === undefined) return () => true;
  const alternatives = pattern.split('|').map(
    (alt) => new RegExp(`^${alt.trim().split('*').map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i'),
  );
  return (name) => alternatives.some((re) => re.test(name));
}

interface DescribedColumn {
  readonly name: string;
  readonly type: string;
  readonly comment: string;
}

/** Columns of a table as DESCRIBE prints them: DuckDB's columns, Impala's declared types where known. */
async function describeColumns(conn: DuckDBConnection, q: QualifiedName, env: PlanEnv): Promise<DescribedColumn[]> {
  const declared = new Map((env.view.table(q.db, q.name)?.columns ?? []).map((c) => [c.name, c]));
  let columns: readonly DuckColumn[];
  try {
    columns = await duckColumns(conn, q, env);
  } catch (err) {
    throw mapDuckDbError(err, { sql: `SELECT * FROM ${duckTable(q)} LIMIT 0`, database: env.database });
  }
  return columns.map(({ name, type }) => {
    const known = declared.get(name);
    return { name, type: known?.type ?? impalaTypeTextOfDuck(type), comment: known?.comment ?? '' };
  });
}

function visibleTable(env: PlanEnv, q: QualifiedName): void {
  if (env.view.table(q.db, q.name) === undefined) throw tableNotFoundError(q.db, q.name);
}

async function showCreateTable(q: QualifiedName, env: PlanEnv): Promise<string> {
  const info = env.view.table(q.db, q.name);
  if (info === undefined) throw tableNotFoundError(q.db, q.name);
  const columns = await describeColumns((await env.connection()).connection, q, env);
  const parts = new Set(info.partitionColumns);
  const render = (c: DescribedColumn): string => `  ${c.name} ${c.type.toUpperCase()}${c.comment === '' ? '' : ` COMMENT '${c.comment}'`}`;
  if (info.kind === 'VIEW') return `CREATE VIEW ${q.db}.${q.name} AS\nSELECT * FROM ${q.db}.${q.name}`;
  const lines = [`CREATE TABLE ${q.db}.${q.name} (`, columns.filter((c) => !parts.has(c.name)).map(render).join(',\n'), ')'];
  if (parts.size > 0) lines.push(`PARTITIONED BY (\n${columns.filter((c) => parts.has(c.name)).map(render).join(',\n')}\n)`);
  if (info.comment !== '') lines.push(`COMMENT '${info.comment}'`);
  lines.push(`STORED AS ${info.fileFormat}`, `LOCATION '${WAREHOUSE}/${q.db === 'default' ? '' : `${q.db}.db/`}${q.name}'`);
  return lines.join('\n');
}

/** Plans a statement the simulator answers itself. */
export async function planCommand(stmt: ParsedStatement, env: PlanEnv): Promise<StatementPlan> {
  switch (stmt.type) {
    case 'set':
      return staticPlan('set', stringColumns('option', 'value', 'level'), optionRows(env.ctx, stmt.all));
    case 'set-option':
      // Impala checks the value when the statement runs, inside ExecuteStatement.
      validateOption(stmt.key, stmt.value);
      return staticPlan('set', stringColumns('option', 'value', 'level'), [], { options: { [stmt.key]: stmt.value } });
    case 'unset': {
      const keys = stmt.key === undefined ? Object.keys(env.ctx.session.options) : [stmt.key];
      return staticPlan('set', stringColumns('option', 'value', 'level'), [], {
        options: Object.fromEntries(keys.map((k) => [k.toUpperCase(), ''])),
      });
    }
    case 'use':
      if (!env.view.hasDatabase(stmt.db)) throw databaseNotFoundError(stmt.db);
      return staticPlan('use', [], [], { database: stmt.db });
    case 'show-databases': {
      const matches = showPatternMatcher(stmt.pattern);
      const rows = env.view.databases().filter((d) => matches(d.name)).map((d) => [d.name, d.comment]);
      return staticPlan('show', stringColumns('name', 'comment'), rows);
    }
    case 'show-tables': {
      const db = stmt.db ?? env.database;
      if (!env.view.hasDatabase(db)) throw databaseNotFoundError(db);
      const matches = showPatternMatcher(stmt.pattern);
      return staticPlan('show', stringColumns('name'), env.view.tables(db).filter(matches).map((t) => [t]));
    }
    case 'show-create-table': {
      const text = await showCreateTable(qualify(stmt.table, env.database), env);
      return staticPlan('show', stringColumns('result'), [[text]]);
    }
    case 'describe': {
      const q = qualify(stmt.table, env.database);
      if (env.view.table(q.db, q.name) === undefined) throw analysisError(`Could not resolve path: '${q.db}.${q.name}'`);
      const columns = await describeColumns((await env.connection()).connection, q, env);
      return staticPlan('describe', stringColumns('name', 'type', 'comment'), columns.map((c) => [c.name, c.type, c.comment]));
    }
    case 'describe-database': {
      const db = env.view.databases().find((d) => d.name === stmt.db);
      if (db === undefined) throw databaseNotFoundError(stmt.db);
      const location = `${WAREHOUSE}${db.name === 'default' ? '' : `/${db.name}.db`}`;
      return staticPlan('describe', stringColumns('name', 'location', 'comment'), [[db.name, location, db.comment]]);
    }
    case 'invalidate': {
      if (stmt.table !== undefined) {
        const q = qualify(stmt.table, env.database);
        if (env.latest.table(q.db, q.name) === undefined) throw analysisError(`Table not found: ${q.db}.${q.name}`);
      }
      return summaryPlan(async (rc) => {
        // Loading metadata brings the coordinator the catalog's current version (and so every earlier change).
        rc.catalog.catchUp(rc.coordinator);
        return { summary: stmt.table === undefined ? 'Metadata of all tables has been invalidated.' : 'Table metadata has been invalidated.' };
      });
    }
    case 'refresh': {
      visibleTable(env, qualify(stmt.table, env.database));
      return summaryPlan(async (rc) => {
        rc.catalog.catchUp(rc.coordinator);
        return { summary: 'Table has been refreshed.' };
      });
    }
    case 'compute-stats': {
      const q = qualify(stmt.table, env.database);
      visibleTable(env, q);
      const info = env.view.table(q.db, q.name);
      if (info?.kind === 'VIEW') throw analysisError(`COMPUTE STATS not supported for view: ${q.db}.${q.name}`);
      return summaryPlan(async (rc) => {
        const conn = (await rc.connection()).connection;
        const parts = info?.partitionColumns ?? [];
        const columns = (await describeColumns(conn, q, env)).filter((c) => !parts.includes(c.name)).length;
        let partitions = 1;
        if (parts.length > 0) {
          const sql = `SELECT count(*) FROM (SELECT DISTINCT ${parts.map(duckIdent).join(', ')} FROM ${duckTable(q)})`;
          partitions = Number((await (await conn.run(sql)).getRows())[0]?.[0] ?? 0);
        }
        return { summary: `Updated ${partitions} partition(s) and ${columns} column(s).` };
      });
    }
    case 'drop-stats': {
      visibleTable(env, qualify(stmt.table, env.database));
      return summaryPlan(async () => ({ summary: 'Stats have been dropped.' }));
    }
    default:
      throw new Error(`not a simulator command: ${stmt.type}`);
  }
}
