/**
 * DuckDB's columns of a table (names and types), read with a prepared
 * `SELECT * ... LIMIT 0` (much cheaper than scanning `duckdb_columns()`) and kept in
 * the plan cache for the schema epoch.
 *
 * @internal
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { DuckColumn } from './plan-cache';
import type { PlanEnv } from './plan-types';
import { duckIdent } from './sql-lexer';
import type { QualifiedName } from './token-cursor';

/**
 * DuckDB's columns of `q`, names lower case.
 *
 * @throws what DuckDB's prepare throws (no such table...), untranslated.
 */
export async function duckColumns(conn: DuckDBConnection, q: QualifiedName, env: PlanEnv): Promise<readonly DuckColumn[]> {
  const kept = env.cache?.duckColumns(q.db, q.name);
  if (kept !== undefined) return kept;
  const prepared = await conn.prepare(`SELECT * FROM ${duckIdent(q.db)}.${duckIdent(q.name)} LIMIT 0`);
  try {
    const columns = Array.from({ length: prepared.columnCount }, (_, i) => ({ name: prepared.columnName(i).toLowerCase(), type: prepared.columnType(i) }));
    env.cache?.keepDuckColumns(q.db, q.name, columns);
    return columns;
  } finally {
    prepared.destroySync();
  }
}
