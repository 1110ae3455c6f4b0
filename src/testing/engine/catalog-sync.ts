/**
 * Brings the simulated catalog in line with what DuckDB actually holds, for
 * objects created or dropped outside Impala DDL (seeded tables, an existing
 * database file).
 *
 * @internal
 */
import type { DuckDBInstance } from '@duckdb/node-api';
import { PLAIN_TABLE, type Catalog, type CatalogChange } from './catalog';

// DuckDB's own schemas are not Impala databases.
const OWN_SCHEMAS = `schema_name NOT IN ('main', 'information_schema', 'pg_catalog')`;

/**
 * Records, as visible on every coordinator at once, each schema/table/view DuckDB
 * has and the catalog lacks, and drops each the catalog has and DuckDB lacks.
 *
 * @param comments - comments for databases created now, by name.
 */
export async function syncCatalogWithDuckDb(instance: DuckDBInstance, catalog: Catalog, comments: ReadonlyMap<string, string> = new Map()): Promise<void> {
  const conn = await instance.connect();
  let schemaRows: unknown[][];
  let objectRows: unknown[][];
  try {
    const where = `database_name = system.main.current_database() AND ${OWN_SCHEMAS}`;
    schemaRows = await (await conn.run(`SELECT schema_name FROM duckdb_schemas() WHERE ${where}`)).getRows();
    objectRows = await (
      await conn.run(
        `SELECT schema_name, table_name, 'table' FROM duckdb_tables() WHERE ${where} AND NOT temporary ` +
          `UNION ALL SELECT schema_name, view_name, 'view' FROM duckdb_views() WHERE ${where} AND NOT internal AND NOT temporary`,
      )
    ).getRows();
  } finally {
    conn.closeSync();
  }
  // Impala names are lower case; DuckDB resolves identifiers case-insensitively.
  const lower = (v: unknown): string => String(v).toLowerCase();
  const latest = catalog.latest();
  const changes: CatalogChange[] = [];
  const schemas = new Set(schemaRows.map((r) => lower(r[0])));
  for (const db of schemas) {
    if (!latest.hasDatabase(db)) changes.push({ op: 'createDatabase', db, comment: comments.get(db) ?? '' });
  }
  for (const { name } of latest.databases()) {
    if (!schemas.has(name)) changes.push({ op: 'dropDatabase', db: name });
  }
  const objects = new Set<string>();
  for (const row of objectRows) {
    const [db, table, kind] = row.map(lower) as [string, string, string];
    objects.add(`${db}.${table}`);
    if (latest.table(db, table) === undefined) {
      changes.push({ op: 'createTable', db, table, info: { ...PLAIN_TABLE, kind: kind === 'view' ? 'VIEW' : 'TABLE' } });
    }
  }
  for (const { name: db } of latest.databases()) {
    if (!schemas.has(db)) continue;
    for (const table of latest.tables(db)) {
      if (!objects.has(`${db}.${table}`)) changes.push({ op: 'dropTable', db, table });
    }
  }
  if (changes.length > 0) catalog.recordEverywhere(changes);
}
