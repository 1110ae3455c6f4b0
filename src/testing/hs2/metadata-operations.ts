import type { SessionState, SimColumn } from '../engine/types';
import type { EngineAccess } from '../engine-access';
import { isEmptyPattern, jdbcPatternMatcher, type NameMatcher } from './jdbc-pattern';
import { encode, int, smallint, str, type Cell, type MetadataResult } from './metadata-result';

export type { MetadataResult } from './metadata-result';

/**
 * The catalog's metadata operations (GetSchemas, GetTables, GetColumns) with
 * Impala's columns (protocol reference §2.14), values and matching
 * (MetadataOp.java): schema, table and column names are JDBC patterns (see
 * {@link jdbcPatternMatcher}); a catalog other than empty or `%` finds nothing,
 * since Hive has no catalogs. What a coordinator lists is what it knows now, so
 * catalog lag shows here too.
 *
 * @internal
 */

/** Where a metadata operation looks: the coordinator's catalog, as the session sees it. */
export interface MetadataScope {
  readonly engine: EngineAccess;
  readonly coordinator: number;
  readonly session: SessionState;
}

/** GetSchemas: `TABLE_SCHEM`, `TABLE_CATALOG` (always `''`). */
export function getSchemas(scope: MetadataScope, catalogPattern?: string | null, schemaPattern?: string | null): MetadataResult {
  const columns = [str('TABLE_SCHEM'), str('TABLE_CATALOG')];
  const schemas = jdbcPatternMatcher(schemaPattern);
  return {
    columns,
    produce: async () => {
      if (!isEmptyPattern(catalogPattern)) return encode(columns, []);
      return encode(columns, (await databases(scope, schemas)).map((db) => [db, '']));
    },
  };
}

/**
 * GetTables: `TABLE_CAT` (`''`), `TABLE_SCHEM`, `TABLE_NAME`, `TABLE_TYPE` (TABLE or
 * VIEW), `REMARKS` (the table comment). `tableTypes` filters by type, any case; a
 * list naming neither TABLE nor VIEW finds nothing.
 */
export function getTables(
  scope: MetadataScope,
  catalogPattern?: string | null,
  schemaPattern?: string | null,
  tablePattern?: string | null,
  tableTypes?: readonly string[] | null,
): MetadataResult {
  const columns = [str('TABLE_CAT'), str('TABLE_SCHEM'), str('TABLE_NAME'), str('TABLE_TYPE'), str('REMARKS')];
  const schemas = jdbcPatternMatcher(schemaPattern);
  const tables = jdbcPatternMatcher(tablePattern);
  const types = tableTypes === undefined || tableTypes === null || tableTypes.length === 0 ? undefined : new Set(tableTypes.map((t) => t.toUpperCase()));
  return {
    columns,
    produce: async () => {
      if (!isEmptyPattern(catalogPattern) || (types !== undefined && !types.has('TABLE') && !types.has('VIEW'))) return encode(columns, []);
      const rows: Cell[][] = [];
      for (const [db, table] of await listTables(scope, schemas, tables)) {
        const { type, comment } = await tableDetails(scope, db, table);
        if (types === undefined || types.has(type)) rows.push(['', db, table, type, comment]);
      }
      return encode(columns, rows);
    },
  };
}

/** GetColumns, with Impala's column names (`TABLE_MD`, sic) and values (TABLE_CAT NULL, ORDINAL_POSITION from 1). */
export function getColumns(
  scope: MetadataScope,
  catalogPattern?: string | null,
  schemaPattern?: string | null,
  tablePattern?: string | null,
  columnPattern?: string | null,
): MetadataResult {
  const columns = [
    str('TABLE_CAT'), str('TABLE_MD'), str('TABLE_NAME'), str('COLUMN_NAME'), int('DATA_TYPE'), str('TYPE_NAME'),
    int('COLUMN_SIZE'), int('BUFFER_LENGTH'), int('DECIMAL_DIGITS'), int('NUM_PREC_RADIX'), int('NULLABLE'), str('REMARKS'),
    str('COLUMN_DEF'), int('SQL_DATA_TYPE'), int('SQL_DATETIME_SUB'), int('CHAR_OCTET_LENGTH'), int('ORDINAL_POSITION'),
    str('IS_NULLABLE'), str('SCOPE_CATALOG'), str('SCOPE_SCHEMA'), str('SCOPE_TABLE'), smallint('SOURCE_DATA_TYPE'),
    str('IS_AUTO_INCREMENT'),
  ] satisfies SimColumn[];
  const schemas = jdbcPatternMatcher(schemaPattern);
  const tables = jdbcPatternMatcher(tablePattern);
  const colMatch = jdbcPatternMatcher(columnPattern);
  return {
    columns,
    produce: async () => {
      if (!isEmptyPattern(catalogPattern)) return encode(columns, []);
      const rows: Cell[][] = [];
      for (const [db, table] of await listTables(scope, schemas, tables)) {
        const described = await runInternal(scope, `DESCRIBE \`${db}\`.\`${table}\``);
        described.forEach(([name = '', type = '', comment = ''], i) => {
          if (!colMatch(name)) return;
          const { code, typeName, size, digits, radix } = jdbcType(type);
          rows.push([null, db, table, name, code, typeName, size, null, digits, radix, 1, comment, null, null, null, null, i + 1, 'YES', null, null, null, null, 'NO']);
        });
      }
      return encode(columns, rows);
    },
  };
}

async function databases(scope: MetadataScope, matches: NameMatcher): Promise<string[]> {
  return (await runInternal(scope, 'SHOW DATABASES')).map((r) => r[0] ?? '').filter(matches);
}

async function listTables(scope: MetadataScope, schemas: NameMatcher, tables: NameMatcher): Promise<Array<[string, string]>> {
  const out: Array<[string, string]> = [];
  for (const db of await databases(scope, schemas)) {
    for (const [table = ''] of await runInternal(scope, `SHOW TABLES IN \`${db}\``)) if (tables(table)) out.push([db, table]);
  }
  return out;
}

/** TABLE or VIEW and the table comment, read from SHOW CREATE TABLE. */
async function tableDetails(scope: MetadataScope, db: string, table: string): Promise<{ type: string; comment: string }> {
  const [[text = ''] = []] = await runInternal(scope, `SHOW CREATE TABLE \`${db}\`.\`${table}\``);
  const comment = /^COMMENT '(.*)'$/m.exec(text)?.[1] ?? '';
  return { type: text.startsWith('CREATE VIEW') ? 'VIEW' : 'TABLE', comment };
}

/** Runs a statement for the simulator's own use (not logged) and returns its rows as text. */
async function runInternal(scope: MetadataScope, sql: string): Promise<string[][]> {
  const { engine, coordinator, session } = scope;
  const plan = await engine.plan(sql, { coordinator, session: { ...session, options: { ...session.options } }, overlay: {} });
  try {
    await engine.execute(plan.id, { sql, sessionId: '', queryId: '', internal: true });
    const rows: string[][] = [];
    for (;;) {
      const batch = await engine.fetch(plan.id, 1024);
      for (let i = 0; i < batch.rowCount; i++) rows.push(batch.columns.map((c) => String(c.kind === 'stringVal' || c.kind === 'binaryVal' ? Buffer.from(c.values[i]!).toString() : c.values[i])));
      if (batch.done) return rows;
    }
  } finally {
    await engine.release(plan.id);
  }
}

/** java.sql.Types code, sizes and radix for an Impala type name as DESCRIBE prints it (`decimal(10,2)`). */
function jdbcType(type: string): { code: number; typeName: string; size: number | null; digits: number | null; radix: number | null } {
  const m = /^(\w+)(?:\((\d+)(?:,\s*(\d+))?\))?/.exec(type.trim().toLowerCase());
  const base = m?.[1] ?? 'string';
  const p = m?.[2] === undefined ? null : Number(m[2]);
  const s = m?.[3] === undefined ? null : Number(m[3]);
  const table: Record<string, [number, number | null, number | null]> = {
    boolean: [16, null, null], tinyint: [-6, 3, 0], smallint: [5, 5, 0], int: [4, 10, 0], bigint: [-5, 19, 0],
    float: [6, 7, null], double: [8, 15, null], string: [12, 2147483647, null], timestamp: [93, 29, 9], date: [91, 10, null],
    decimal: [3, p, s], varchar: [12, p, null], char: [1, p, null], binary: [-2, 2147483647, null],
  };
  const [code, size, digits] = table[base] ?? [12, null, null];
  const numeric = ['tinyint', 'smallint', 'int', 'bigint', 'float', 'double', 'decimal'].includes(base);
  return { code, typeName: base.toUpperCase(), size, digits, radix: numeric ? 10 : null };
}
