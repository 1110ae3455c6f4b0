import type { EncodedColumn, SessionState, SimColumn } from '../engine/types';
import type { EngineAccess } from '../engine-access';

/** A metadata result built in place: column descriptions and the producer of its rows. */
export interface MetadataResult {
  columns: SimColumn[];
  produce: () => Promise<EncodedColumn[]>;
}

type Cell = string | number | null;

const str = (name: string): SimColumn => ({ name, type: 'STRING' });
const int = (name: string): SimColumn => ({ name, type: 'INT' });

/** GetSchemas: `TABLE_SCHEM`, `TABLE_CATALOG` (protocol reference §2.14). */
export function getSchemas(engine: EngineAccess, coordinator: number, session: SessionState, schemaPattern?: string): MetadataResult {
  const columns = [str('TABLE_SCHEM'), str('TABLE_CATALOG')];
  return {
    columns,
    produce: async () => {
      const dbs = (await runInternal(engine, 'SHOW DATABASES', coordinator, session)).map((r) => r[0] ?? '');
      return encode(columns, dbs.filter(matcher(schemaPattern)).map((db) => [db, '']));
    },
  };
}

/** GetTables: `TABLE_CAT`, `TABLE_SCHEM`, `TABLE_NAME`, `TABLE_TYPE`, `REMARKS`. */
export function getTables(
  engine: EngineAccess,
  coordinator: number,
  session: SessionState,
  schemaPattern?: string,
  tablePattern?: string,
): MetadataResult {
  const columns = [str('TABLE_CAT'), str('TABLE_SCHEM'), str('TABLE_NAME'), str('TABLE_TYPE'), str('REMARKS')];
  return {
    columns,
    produce: async () => {
      const rows: Cell[][] = [];
      for (const [db, table] of await listTables(engine, coordinator, session, schemaPattern, tablePattern)) rows.push(['', db, table, 'TABLE', '']);
      return encode(columns, rows);
    },
  };
}

/** GetColumns, with Impala's column names (`TABLE_MD`, sic). */
export function getColumns(
  engine: EngineAccess,
  coordinator: number,
  session: SessionState,
  schemaPattern?: string,
  tablePattern?: string,
  columnPattern?: string,
): MetadataResult {
  const columns = [
    str('TABLE_CAT'), str('TABLE_MD'), str('TABLE_NAME'), str('COLUMN_NAME'), int('DATA_TYPE'), str('TYPE_NAME'),
    int('COLUMN_SIZE'), int('BUFFER_LENGTH'), int('DECIMAL_DIGITS'), int('NUM_PREC_RADIX'), int('NULLABLE'), str('REMARKS'),
    str('COLUMN_DEF'), int('SQL_DATA_TYPE'), int('SQL_DATETIME_SUB'), int('CHAR_OCTET_LENGTH'), int('ORDINAL_POSITION'),
    str('IS_NULLABLE'), str('SCOPE_CATALOG'), str('SCOPE_SCHEMA'), str('SCOPE_TABLE'), { name: 'SOURCE_DATA_TYPE', type: 'SMALLINT' },
    str('IS_AUTO_INCREMENT'),
  ] satisfies SimColumn[];
  const colMatch = matcher(columnPattern);
  return {
    columns,
    produce: async () => {
      const rows: Cell[][] = [];
      for (const [db, table] of await listTables(engine, coordinator, session, schemaPattern, tablePattern)) {
        const described = await runInternal(engine, `DESCRIBE \`${db}\`.\`${table}\``, coordinator, session);
        described.forEach(([name = '', type = '', comment = ''], i) => {
          if (!colMatch(name)) return;
          const { code, typeName, size, digits } = jdbcType(type);
          rows.push(['', db, table, name, code, typeName, size, null, digits, 10, 1, comment, null, null, null, null, i + 1, 'YES', null, null, null, null, 'NO']);
        });
      }
      return encode(columns, rows);
    },
  };
}

async function listTables(
  engine: EngineAccess,
  coordinator: number,
  session: SessionState,
  schemaPattern?: string,
  tablePattern?: string,
): Promise<Array<[string, string]>> {
  const out: Array<[string, string]> = [];
  const tableMatch = matcher(tablePattern);
  const dbs = (await runInternal(engine, 'SHOW DATABASES', coordinator, session)).map((r) => r[0] ?? '').filter(matcher(schemaPattern));
  for (const db of dbs) {
    for (const [table = ''] of await runInternal(engine, `SHOW TABLES IN \`${db}\``, coordinator, session)) if (tableMatch(table)) out.push([db, table]);
  }
  return out;
}

/** Runs a statement for the simulator's own use (not logged) and returns its rows as text. */
async function runInternal(engine: EngineAccess, sql: string, coordinator: number, session: SessionState): Promise<string[][]> {
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

/** JDBC-style pattern (`%`, `_`, and Impala's `*`), case-insensitive; empty matches everything. */
function matcher(pattern: string | null | undefined): (name: string) => boolean {
  // Thrift reads unset optional fields as null.
  if (pattern === undefined || pattern === null || pattern === '' || pattern === '%' || pattern === '*') return () => true;
  const re = new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/[%*]/g, '.*').replace(/_/g, '.')}$`, 'i');
  return (name) => re.test(name);
}

/** java.sql.Types code and sizes for an Impala type name as DESCRIBE prints it (`decimal(10,2)`). */
function jdbcType(type: string): { code: number; typeName: string; size: number | null; digits: number | null } {
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
  return { code, typeName: base.toUpperCase(), size, digits };
}

/** Encodes small STRING/INT/SMALLINT results the way the engine encodes its batches. */
function encode(columns: readonly SimColumn[], rows: readonly Cell[][]): EncodedColumn[] {
  return columns.map((col, j) => {
    const nulls = Buffer.alloc(Math.ceil(rows.length / 8));
    rows.forEach((r, i) => {
      if (r[j] === null || r[j] === undefined) nulls[i >> 3]! |= 1 << (i & 7);
    });
    if (col.type === 'STRING') return { kind: 'stringVal', values: rows.map((r) => Buffer.from(r[j] === null ? '' : String(r[j]))), nulls };
    const values = rows.map((r) => (typeof r[j] === 'number' ? (r[j] as number) : 0));
    return col.type === 'SMALLINT' ? { kind: 'i16Val', values, nulls } : { kind: 'i32Val', values, nulls };
  });
}
