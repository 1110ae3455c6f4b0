/**
 * Entry point of the simulator's Impala typing layer for queries: loads the
 * column types of the tables a query reads (Impala's declared types where the
 * catalog has them, else DuckDB's mapped to Impala's), analyzes the query and
 * assembles the DuckDB SQL with the typed select items spliced in.
 *
 * @internal
 */
import { DuckDBTypeId, type DuckDBConnection, type DuckDBType } from '@duckdb/node-api';
import { duckColumns } from '../duck-columns';
import type { DuckColumn } from '../plan-cache';
import { rewriteTokens } from '../dialect-rewrite';
import type { PlanEnv } from '../plan-types';
import { findTableReferences } from '../statement-scan';
import { qualify, type TokenCursor } from '../token-cursor';
import { Unsupported } from './expr-parser';
import { decimal, MAX_PRECISION, parseTypeText, T, type ImpalaType } from './impala-type';
import { QueryAnalyzer, type OutputColumn, type Splice } from './query-analyzer';
import type { ScopeColumn } from './query-scope';

/** A query typed by Impala's rules. */
export interface TypedQuery {
  /** DuckDB SQL computing Impala's values in Impala's types. */
  readonly duckSql: string;
  /** One per result column: label (undefined: keep DuckDB's) and type (undefined: derive from DuckDB's). */
  readonly columns: readonly OutputColumn[];
}

/** Impala's type for a DuckDB column type; undefined for types Impala lacks (unsigned, nested, TIME...). */
function impalaTypeOfDuck(type: DuckDBType): ImpalaType | undefined {
  switch (type.typeId) {
    case DuckDBTypeId.DECIMAL:
      return decimal(type.width, type.scale);
    case DuckDBTypeId.HUGEINT:
      return decimal(MAX_PRECISION, 0);
    case DuckDBTypeId.TIMESTAMP_S:
    case DuckDBTypeId.TIMESTAMP_MS:
    case DuckDBTypeId.TIMESTAMP_NS:
      return T.TIMESTAMP;
    default:
      return parseTypeText(type.toString());
  }
}

/**
 * Columns of the catalog tables a query reads: names and types from DuckDB (a
 * prepared `SELECT *`, much cheaper than scanning `duckdb_columns()`), with
 * Impala's declared types (from this coordinator's catalog) laid over where the
 * catalog has them.
 */
async function loadColumns(conn: DuckDBConnection, cur: TokenCursor, start: number, env: PlanEnv): Promise<Map<string, ScopeColumn[]>> {
  const tables = new Map<string, ScopeColumn[]>();
  for (const ref of findTableReferences(cur.sig.slice(start))) {
    const q = qualify(ref.table, env.database);
    const key = `${q.db}.${q.name}`;
    if (tables.has(key)) continue;
    let columns: readonly DuckColumn[];
    try {
      columns = await duckColumns(conn, q, env);
    } catch {
      continue;
    }
    const declared = env.view.table(q.db, q.name)?.columns ?? [];
    tables.set(
      key,
      columns.map(({ name, type }) => {
        const text = declared.find((c) => c.name === name)?.type;
        return { name, type: text === undefined ? impalaTypeOfDuck(type) : parseTypeText(text) };
      }),
    );
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
  // The analyzer moves the statement's cursor; planners after it expect it where it was.
  const saved = cur.pos;
  try {
    const tables = await loadColumns(conn, cur, start, env);
    const analyzer = new QueryAnalyzer(cur, (db, table) => tables.get(`${db}.${table}`), env.database);
    const columns = analyzer.query(start, cur.sig.length, new Map());
    return { duckSql: spliceSql(cur, start, analyzer.splices), columns };
  } catch (err) {
    if (err instanceof Unsupported) return undefined;
    throw err;
  } finally {
    cur.pos = saved;
  }
}
