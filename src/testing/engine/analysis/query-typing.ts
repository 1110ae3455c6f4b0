/**
 * Entry point of the simulator's Impala typing layer for queries: loads the
 * column types of the tables a query reads (Impala's declared types where the
 * catalog has them, else DuckDB's mapped to Impala's), analyzes the query and
 * assembles the DuckDB SQL with the typed select items spliced in.
 *
 * @internal
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { rewriteTokens } from '../dialect-rewrite';
import type { PlanEnv } from '../plan-types';
import { duckString } from '../sql-lexer';
import { findTableReferences } from '../statement-scan';
import { qualify, type TokenCursor } from '../token-cursor';
import { Unsupported } from './expr-parser';
import { parseTypeText } from './impala-type';
import { QueryAnalyzer, type OutputColumn, type Splice } from './query-analyzer';
import type { ScopeColumn } from './query-scope';

/** A query typed by Impala's rules. */
export interface TypedQuery {
  /** DuckDB SQL computing Impala's values in Impala's types. */
  readonly duckSql: string;
  /** One per result column: label (undefined: keep DuckDB's) and type (undefined: derive from DuckDB's). */
  readonly columns: readonly OutputColumn[];
}

/** Columns of the catalog tables a query reads, from DuckDB with Impala's declared types laid over. */
async function loadColumns(conn: DuckDBConnection, cur: TokenCursor, start: number, env: PlanEnv): Promise<Map<string, ScopeColumn[]>> {
  const names = new Map<string, { db: string; name: string }>();
  for (const ref of findTableReferences(cur.sig.slice(start))) {
    const q = qualify(ref.table, env.database);
    names.set(`${q.db}.${q.name}`, q);
  }
  const tables = new Map<string, ScopeColumn[]>();
  if (names.size === 0) return tables;
  const where = [...names.values()].map((q) => `(lower(schema_name) = ${duckString(q.db)} AND lower(table_name) = ${duckString(q.name)})`).join(' OR ');
  const result = await conn.run(
    `SELECT lower(schema_name), lower(table_name), lower(column_name), data_type FROM duckdb_columns() WHERE database_name = current_database() AND (${where}) ORDER BY column_index`,
  );
  for (const [db, table, column, dataType] of (await result.getRows()) as Array<[string, string, string, string]>) {
    const key = `${db}.${table}`;
    const declared = env.view.table(db, table)?.columns.find((c) => c.name === column)?.type;
    const list = tables.get(key) ?? [];
    list.push({ name: column, type: parseTypeText(declared ?? dataType) });
    tables.set(key, list);
  }
  return tables;
}

/** DuckDB SQL of the tokens from `start`, with the splices in place of their ranges and the dialect rewritten elsewhere. */
function spliceSql(cur: TokenCursor, start: number, splices: readonly Splice[]): string {
  const sorted = [...splices].sort((x, y) => x.start - y.start);
  const parts: string[] = [];
  let pos = start;
  for (const s of sorted) {
    if (s.start < pos) throw new Unsupported('overlapping rewrites');
    if (s.start > pos) parts.push(rewriteTokens(cur.tokensBetween(pos, s.start)).sql);
    parts.push(s.sql);
    pos = s.end;
  }
  if (pos < cur.sig.length) parts.push(rewriteTokens(cur.tokensBetween(pos)).sql);
  return parts.filter((p) => p !== '').join(' ');
}

/**
 * Types the query in significant tokens `[start, end)` after Impala's rules.
 *
 * @returns undefined when the query has a shape the analyzer does not model (the
 *   caller keeps DuckDB's types and names for it).
 * @throws SimSqlError - Impala's AnalysisException for mistakes Impala refuses at analysis.
 */
export async function typeQuery(conn: DuckDBConnection, cur: TokenCursor, start: number, env: PlanEnv): Promise<TypedQuery | undefined> {
  try {
    const tables = await loadColumns(conn, cur, start, env);
    const analyzer = new QueryAnalyzer(cur, (db, table) => tables.get(`${db}.${table}`), env.database);
    const columns = analyzer.query(start, cur.sig.length, new Map());
    return { duckSql: spliceSql(cur, start, analyzer.splices), columns };
  } catch (err) {
    if (err instanceof Unsupported) return undefined;
    throw err;
  }
}
