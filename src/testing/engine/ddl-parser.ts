/**
 * Parser for the Impala DDL the simulator understands: CREATE/DROP DATABASE,
 * CREATE TABLE (columns, LIKE, AS SELECT, with Impala's storage clauses), CREATE and
 * ALTER VIEW, DROP TABLE/VIEW, TRUNCATE, ALTER TABLE, COMMENT ON.
 *
 * @internal
 */
import { parseDeclaredType, type DeclaredType } from './impala-types';
import { rewriteTokens } from './dialect-rewrite';
import { analysisError } from './sql-errors';
import { duckIdent, isSymbol, isWord } from './sql-lexer';
import type { TableName, TokenCursor } from './token-cursor';

/** A column definition from Impala DDL. */
export interface ColumnDef {
  readonly name: string;
  readonly type: DeclaredType;
  readonly comment: string;
  /** Constraints DuckDB keeps (NOT NULL, PRIMARY KEY, DEFAULT ...), as DuckDB SQL. */
  readonly constraints: string;
}

/** What ALTER TABLE does. */
export type AlterAction =
  | { readonly kind: 'rename'; readonly to: TableName }
  | { readonly kind: 'add-columns'; readonly ifNotExists: boolean; readonly columns: readonly ColumnDef[] }
  | { readonly kind: 'drop-column'; readonly column: string }
  | { readonly kind: 'change-column'; readonly column: string; readonly to: ColumnDef }
  /** Storage-only changes (properties, partitions, location...): accepted, nothing to do. */
  | { readonly kind: 'metadata-only'; readonly summary: string };

/** A parsed DDL statement. Sig indices (`queryStart`) point into the cursor's significant tokens. */
export type DdlStatement =
  | { readonly type: 'create-database'; readonly name: string; readonly ifNotExists: boolean; readonly comment: string }
  | { readonly type: 'drop-database'; readonly name: string; readonly ifExists: boolean; readonly cascade: boolean }
  | {
      readonly type: 'create-table';
      readonly table: TableName;
      readonly ifNotExists: boolean;
      readonly columns: readonly ColumnDef[];
      /** Table-level constraints in DuckDB SQL, e.g. `PRIMARY KEY ("id")`. */
      readonly tableConstraints: readonly string[];
      /** PARTITIONED BY columns (with types, or names only in CREATE TABLE AS SELECT). */
      readonly partitionColumns: ReadonlyArray<ColumnDef | string>;
      readonly comment: string;
      readonly fileFormat: string;
      readonly like: TableName | undefined;
      readonly queryStart: number | undefined;
    }
  | { readonly type: 'create-view'; readonly view: TableName; readonly ifNotExists: boolean; readonly columns: readonly string[] | undefined; readonly comment: string; readonly queryStart: number }
  | { readonly type: 'alter-view'; readonly view: TableName; readonly queryStart: number | undefined; readonly renameTo: TableName | undefined }
  | { readonly type: 'drop-table'; readonly table: TableName; readonly ifExists: boolean; readonly view: boolean }
  | { readonly type: 'truncate'; readonly table: TableName; readonly ifExists: boolean }
  | { readonly type: 'alter-table'; readonly table: TableName; readonly action: AlterAction }
  | { readonly type: 'comment-on'; readonly target: 'DATABASE' | 'TABLE' | 'VIEW' | 'COLUMN' };

// Clauses that may follow a CREATE TABLE's column list, in any order.
const TABLE_CLAUSES = new Set(['PARTITIONED', 'PARTITION', 'SORT', 'COMMENT', 'ROW', 'WITH', 'STORED', 'LOCATION', 'CACHED', 'UNCACHED', 'TBLPROPERTIES', 'AS', 'PRIMARY']);
// Kudu column attributes Impala accepts and DuckDB has no use for; each takes one argument.
const COLUMN_ATTRIBUTES = new Set(['ENCODING', 'COMPRESSION', 'BLOCK_SIZE']);
// Informational constraint options (Impala HDFS tables).
const CONSTRAINT_OPTIONS = new Set(['DISABLE', 'ENABLE', 'NOVALIDATE', 'VALIDATE', 'RELY', 'NORELY']);

/** Skips tokens (balanced groups whole) until a word of `stops` at the top level, or the end. */
function skipUntil(cur: TokenCursor, stops: ReadonlySet<string>): void {
  while (!cur.atEnd()) {
    const t = cur.peek();
    if (t?.kind === 'word' && stops.has(t.value)) return;
    if (isSymbol(t, '(')) cur.balanced();
    else cur.next();
  }
}

/** Parses one column definition over significant tokens `[start, end)`. */
function columnDef(cur: TokenCursor, start: number, end: number): ColumnDef {
  cur.pos = start;
  const name = cur.expectIdentifier();
  const type = parseDeclaredType(cur);
  let comment = '';
  const kept: string[] = [];
  while (cur.pos < end) {
    if (cur.acceptWord('COMMENT')) {
      comment = cur.stringLiteral();
    } else if (COLUMN_ATTRIBUTES.has(cur.peek()?.value ?? '') && cur.peek()?.kind === 'word') {
      cur.next();
      cur.next();
    } else {
      const from = cur.pos;
      cur.next();
      while (cur.pos < end && !isWord(cur.peek(), 'COMMENT') && !COLUMN_ATTRIBUTES.has(cur.peek()?.value ?? '')) cur.next();
      kept.push(rewriteTokens(cur.tokensBetween(from, cur.pos)).sql);
    }
  }
  return { name, type, comment, constraints: kept.join(' ') };
}

/** Parses `(k1, k2...)` after PRIMARY KEY into DuckDB's constraint text. */
function primaryKey(cur: TokenCursor): string {
  const [a, b] = cur.balanced();
  const after = cur.pos;
  const keys = cur.splitTopLevel(a, b).map(([x]) => {
    cur.pos = x;
    return duckIdent(cur.expectIdentifier());
  });
  cur.pos = after;
  return `PRIMARY KEY (${keys.join(', ')})`;
}

/** Parses a parenthesised list of column definitions (and table-level PRIMARY KEY). */
function columnList(cur: TokenCursor): { columns: ColumnDef[]; constraints: string[] } {
  const [start, end] = cur.balanced();
  const after = cur.pos;
  const columns: ColumnDef[] = [];
  const constraints: string[] = [];
  for (const [a, b] of cur.splitTopLevel(start, end)) {
    cur.pos = a;
    if (cur.isWord('PRIMARY', 'KEY')) {
      cur.pos += 2;
      constraints.push(primaryKey(cur));
    } else if (cur.isWord('CONSTRAINT') || cur.isWord('FOREIGN')) {
      // Informational foreign keys: Impala records them, DuckDB would enforce them.
      continue;
    } else {
      columns.push(columnDef(cur, a, b));
    }
  }
  cur.pos = after;
  return { columns, constraints };
}

function ifNotExists(cur: TokenCursor): boolean {
  return cur.acceptWord('IF', 'NOT', 'EXISTS');
}

function ifExists(cur: TokenCursor): boolean {
  return cur.acceptWord('IF', 'EXISTS');
}

function createTable(cur: TokenCursor): DdlStatement {
  cur.acceptWord('EXTERNAL');
  cur.expectWord('TABLE');
  const notExists = ifNotExists(cur);
  const table = cur.tableName();
  let like: TableName | undefined;
  let columns: ColumnDef[] = [];
  const tableConstraints: string[] = [];
  const partitionColumns: Array<ColumnDef | string> = [];
  let comment = '';
  let fileFormat = 'TEXTFILE';
  let queryStart: number | undefined;
  if (cur.acceptWord('LIKE')) {
    if (cur.isWord('PARQUET') || cur.isWord('ORC') || cur.isWord('AVRO')) throw analysisError('CREATE TABLE LIKE <file format> is not supported by the simulator');
    like = cur.tableName();
  } else if (cur.isSymbol('(')) {
    const list = columnList(cur);
    columns = list.columns;
    tableConstraints.push(...list.constraints);
  }
  while (!cur.atEnd()) {
    if (cur.acceptWord('PARTITIONED', 'BY')) {
      const [a, b] = cur.balanced();
      const after = cur.pos;
      for (const [x, y] of cur.splitTopLevel(a, b)) {
        if (y - x === 1) {
          cur.pos = x;
          partitionColumns.push(cur.expectIdentifier());
        } else {
          partitionColumns.push(columnDef(cur, x, y));
        }
      }
      cur.pos = after;
    } else if (cur.acceptWord('PRIMARY', 'KEY')) {
      tableConstraints.push(primaryKey(cur));
      while (CONSTRAINT_OPTIONS.has(cur.peek()?.value ?? '')) cur.next();
    } else if (cur.acceptWord('COMMENT')) {
      comment = cur.stringLiteral();
    } else if (cur.acceptWord('STORED', 'AS') || cur.acceptWord('STORED', 'BY')) {
      fileFormat = cur.expectIdentifier().toUpperCase();
    } else if (cur.acceptWord('LOCATION') || cur.acceptWord('CACHED', 'IN')) {
      cur.stringLiteral();
      if (cur.acceptWord('WITH', 'REPLICATION')) skipUntil(cur, TABLE_CLAUSES);
    } else if (cur.acceptWord('TBLPROPERTIES') || cur.acceptWord('WITH', 'SERDEPROPERTIES')) {
      cur.balanced();
    } else if (cur.acceptWord('UNCACHED')) {
      // nothing to skip
    } else if (cur.acceptWord('PARTITION', 'BY') || cur.acceptWord('SORT', 'BY') || cur.acceptWord('ROW', 'FORMAT')) {
      skipUntil(cur, TABLE_CLAUSES);
    } else if (cur.acceptWord('AS')) {
      queryStart = cur.pos;
      cur.pos = cur.sig.length;
    } else {
      cur.fail(['AS', 'COMMENT', 'LOCATION', 'PARTITIONED', 'STORED', 'TBLPROPERTIES']);
    }
  }
  if (like === undefined && columns.length === 0 && queryStart === undefined) cur.fail(['(', 'AS', 'LIKE']);
  return { type: 'create-table', table, ifNotExists: notExists, columns, tableConstraints, partitionColumns, comment, fileFormat, like, queryStart };
}

function createView(cur: TokenCursor): DdlStatement {
  cur.expectWord('VIEW');
  const notExists = ifNotExists(cur);
  const view = cur.tableName();
  let columns: string[] | undefined;
  let comment = '';
  if (cur.isSymbol('(')) {
    const [a, b] = cur.balanced();
    const after = cur.pos;
    columns = cur.splitTopLevel(a, b).map(([x]) => {
      cur.pos = x;
      return cur.expectIdentifier();
    });
    cur.pos = after;
  }
  if (cur.acceptWord('COMMENT')) comment = cur.stringLiteral();
  if (cur.acceptWord('TBLPROPERTIES')) cur.balanced();
  cur.expectWord('AS');
  return { type: 'create-view', view, ifNotExists: notExists, columns, comment, queryStart: cur.pos };
}

function alterTable(cur: TokenCursor): DdlStatement {
  const table = cur.tableName();
  const done = (action: AlterAction): DdlStatement => ({ type: 'alter-table', table, action });
  if (cur.acceptWord('RENAME', 'TO')) {
    const to = cur.tableName();
    cur.expectEnd();
    return done({ kind: 'rename', to });
  }
  if (cur.acceptWord('ADD')) {
    const notExists = ifNotExists(cur);
    if (cur.acceptWord('COLUMNS')) return done({ kind: 'add-columns', ifNotExists: notExists, columns: columnList(cur).columns });
    if (cur.acceptWord('COLUMN')) {
      const notExists2 = notExists || ifNotExists(cur);
      return done({ kind: 'add-columns', ifNotExists: notExists2, columns: [columnDef(cur, cur.pos, cur.sig.length)] });
    }
    if (cur.isWord('PARTITION') || cur.isWord('RANGE')) return done({ kind: 'metadata-only', summary: 'New partition has been added to the table.' });
    cur.fail(['COLUMNS', 'COLUMN', 'PARTITION']);
  }
  if (cur.acceptWord('DROP')) {
    if (cur.isWord('PARTITION') || cur.isWord('IF') || cur.isWord('RANGE')) return done({ kind: 'metadata-only', summary: 'Dropped 1 partition(s).' });
    cur.acceptWord('COLUMN');
    const column = cur.expectIdentifier();
    cur.expectEnd();
    return done({ kind: 'drop-column', column });
  }
  if (cur.acceptWord('CHANGE')) {
    cur.acceptWord('COLUMN');
    const column = cur.expectIdentifier();
    return done({ kind: 'change-column', column, to: columnDef(cur, cur.pos, cur.sig.length) });
  }
  if (cur.isWord('SET') || cur.isWord('UNSET') || cur.isWord('RECOVER') || cur.isWord('PARTITION') || cur.isWord('SORT')) {
    return done({ kind: 'metadata-only', summary: 'Updated table.' });
  }
  return cur.fail(['ADD', 'CHANGE', 'DROP', 'RENAME', 'SET']);
}

/**
 * Parses a DDL statement whose first keyword the cursor is on.
 *
 * @throws SimSqlError - `ParseException` for text Impala would not parse.
 */
export function parseDdl(cur: TokenCursor): DdlStatement {
  const verb = cur.next()?.value;
  if (verb === 'CREATE') {
    if (cur.acceptWord('DATABASE') || cur.acceptWord('SCHEMA')) {
      const notExists = ifNotExists(cur);
      const name = cur.expectIdentifier();
      let comment = '';
      while (!cur.atEnd()) {
        if (cur.acceptWord('COMMENT')) comment = cur.stringLiteral();
        else if (cur.acceptWord('LOCATION') || cur.acceptWord('MANAGEDLOCATION')) cur.stringLiteral();
        else cur.fail(['COMMENT', 'LOCATION']);
      }
      return { type: 'create-database', name, ifNotExists: notExists, comment };
    }
    if (cur.isWord('VIEW')) return createView(cur);
    if (cur.isWord('TABLE') || cur.isWord('EXTERNAL')) return createTable(cur);
    return cur.fail(['DATABASE', 'EXTERNAL', 'SCHEMA', 'TABLE', 'VIEW']);
  }
  if (verb === 'DROP') {
    if (cur.acceptWord('DATABASE') || cur.acceptWord('SCHEMA')) {
      const exists = ifExists(cur);
      const name = cur.expectIdentifier();
      const cascade = cur.acceptWord('CASCADE');
      if (!cascade) cur.acceptWord('RESTRICT');
      cur.expectEnd();
      return { type: 'drop-database', name, ifExists: exists, cascade };
    }
    const view = cur.acceptWord('VIEW');
    if (!view) cur.expectWord('TABLE');
    const exists = ifExists(cur);
    const table = cur.tableName();
    if (!view) cur.acceptWord('PURGE');
    cur.expectEnd();
    return { type: 'drop-table', table, ifExists: exists, view };
  }
  if (verb === 'TRUNCATE') {
    cur.acceptWord('TABLE');
    const exists = ifExists(cur);
    const table = cur.tableName();
    cur.expectEnd();
    return { type: 'truncate', table, ifExists: exists };
  }
  if (verb === 'ALTER') {
    if (cur.acceptWord('TABLE')) return alterTable(cur);
    if (cur.acceptWord('VIEW')) {
      const view = cur.tableName();
      if (cur.acceptWord('RENAME', 'TO')) return { type: 'alter-view', view, queryStart: undefined, renameTo: cur.tableName() };
      if (cur.isSymbol('(')) cur.balanced();
      cur.expectWord('AS');
      return { type: 'alter-view', view, queryStart: cur.pos, renameTo: undefined };
    }
    if (cur.acceptWord('DATABASE')) return { type: 'comment-on', target: 'DATABASE' };
    return cur.fail(['DATABASE', 'TABLE', 'VIEW']);
  }
  if (verb === 'COMMENT') {
    cur.expectWord('ON');
    const target = cur.next()?.value;
    if (target !== 'DATABASE' && target !== 'TABLE' && target !== 'VIEW' && target !== 'COLUMN') {
      cur.pos--;
      return cur.fail(['COLUMN', 'DATABASE', 'TABLE', 'VIEW']);
    }
    return { type: 'comment-on', target };
  }
  cur.pos--;
  return cur.fail(['ALTER', 'COMMENT', 'CREATE', 'DROP', 'TRUNCATE']);
}
