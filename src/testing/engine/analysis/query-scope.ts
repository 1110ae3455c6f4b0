/**
 * The tables a SELECT block reads and how its column references resolve (fe
 * `Analyzer.resolvePath`, simplified): `col`, `alias.col`, `db.table.col`,
 * case-insensitively, with semi- and anti-joined tables hidden. A table whose
 * columns are unknown (a table function, a derived table the analyzer could not
 * type) makes every unqualified reference unresolvable, so nothing is guessed.
 *
 * @internal
 */
import { duckIdent } from '../sql-lexer';
import { isSymbol, isWord } from '../sql-lexer';
import type { TokenCursor } from '../token-cursor';
import { Unsupported } from './expr-parser';
import type { ImpalaType } from './impala-type';

/** A column of a table in scope; `type` undefined when Impala's type is not modelled (complex types...). */
export interface ScopeColumn {
  readonly name: string;
  readonly type: ImpalaType | undefined;
}

/** A table (or derived table) in a FROM clause. */
export interface ScopeTable {
  /** The name references use: the alias, or the table name. */
  readonly alias: string;
  /** `db`, when the reference was to a catalog table without an alias (for `db.t.col`). */
  readonly db: string | undefined;
  /** Undefined when not known. */
  readonly columns: readonly ScopeColumn[] | undefined;
}

/** Words that end a FROM clause at its nesting level. */
export const CLAUSE_END = new Set(['WHERE', 'GROUP', 'HAVING', 'ORDER', 'LIMIT', 'OFFSET', 'UNION', 'EXCEPT', 'INTERSECT', 'MINUS', 'WINDOW', 'QUALIFY']);
/** Words that start a join after a table reference. */
const JOIN_START = new Set(['JOIN', 'INNER', 'LEFT', 'RIGHT', 'FULL', 'CROSS', 'NATURAL', 'SEMI', 'ANTI', 'STRAIGHT_JOIN']);
const NOT_ALIAS = new Set([...CLAUSE_END, ...JOIN_START, 'ON', 'USING', 'AS', 'OUTER', 'TABLESAMPLE', 'LATERAL']);

/** The tables of one FROM clause. */
export class Scope {
  readonly tables: readonly ScopeTable[];

  constructor(tables: readonly ScopeTable[]) {
    this.tables = tables;
  }

  /** The type and DuckDB SQL of a column reference as written. */
  column(path: readonly string[]): { type: ImpalaType; sql: string } {
    const lower = path.map((p) => p.toLowerCase());
    let table: ScopeTable | undefined;
    const name = lower.at(-1) as string;
    if (lower.length === 1) {
      if (this.tables.some((t) => t.columns === undefined)) throw new Unsupported('unqualified name next to an unknown table');
      const owners = this.tables.filter((t) => t.columns?.some((c) => c.name === name));
      if (owners.length !== 1) throw new Unsupported(`column ${name} not resolved uniquely`);
      table = owners[0];
    } else if (lower.length === 2) {
      table = this.tables.find((t) => t.alias === lower[0]);
    } else if (lower.length === 3) {
      table = this.tables.find((t) => t.db === lower[0] && t.alias === lower[1]);
    }
    const column = table?.columns?.find((c) => c.name === name);
    if (column?.type === undefined) throw new Unsupported(`column ${lower.join('.')}`);
    return { type: column.type, sql: path.map(duckIdent).join('.') };
  }

  /** Columns a `*` or `alias.*` expands to, in order; undefined when not known. */
  star(qualifier: readonly string[]): ScopeColumn[] | undefined {
    const q = qualifier.map((p) => p.toLowerCase());
    const tables = q.length === 0 ? this.tables : this.tables.filter((t) => t.alias === q.at(-1) && (q.length === 1 || t.db === q[0]));
    if (tables.length === 0 || tables.some((t) => t.columns === undefined)) return undefined;
    return tables.flatMap((t) => t.columns as ScopeColumn[]);
  }
}

/** What a FROM parser needs to know about names. */
export interface TableSource {
  /** Columns of a CTE visible here, or of a catalog table; undefined when unknown. */
  table(db: string | undefined, name: string): readonly ScopeColumn[] | undefined;
  /** Analyzes the derived table in significant tokens `[start, end)` and returns its columns. */
  derived(start: number, end: number): readonly ScopeColumn[] | undefined;
  /** The session database. */
  readonly database: string;
}

function nameAt(cur: TokenCursor, i: number): string | undefined {
  const t = cur.sig[i];
  if (t === undefined) return undefined;
  if (t.kind === 'ident') return t.value;
  if (t.kind === 'word' && !NOT_ALIAS.has(t.value)) return t.text;
  return undefined;
}

/** Index of the `)` closing the `(` at `open`. */
export function closingParen(cur: TokenCursor, open: number, end: number): number {
  let depth = 0;
  for (let i = open; i < end; i++) {
    if (isSymbol(cur.sig[i], '(')) depth++;
    else if (isSymbol(cur.sig[i], ')') && --depth === 0) return i;
  }
  throw new Unsupported('unbalanced parentheses');
}

/**
 * Parses the FROM clause starting after FROM at `start`, up to `end`.
 *
 * @returns the scope and the index where the clause ends.
 */
export function parseFrom(cur: TokenCursor, start: number, end: number, source: TableSource): { scope: Scope; end: number } {
  const tables: ScopeTable[] = [];
  let i = start;
  let hidden = false;
  for (;;) {
    let table: ScopeTable;
    if (isSymbol(cur.sig[i], '(')) {
      const close = closingParen(cur, i, end);
      const columns = source.derived(i + 1, close);
      i = close + 1;
      if (isWord(cur.sig[i], 'AS')) i++;
      const alias = nameAt(cur, i);
      if (alias === undefined) throw new Unsupported('derived table without alias');
      i++;
      if (isSymbol(cur.sig[i], '(')) throw new Unsupported('derived table column list');
      table = { alias: alias.toLowerCase(), db: undefined, columns };
    } else {
      const first = nameAt(cur, i);
      if (first === undefined) throw new Unsupported('table reference');
      let db: string | undefined;
      let name = first.toLowerCase();
      i++;
      if (isSymbol(cur.sig[i], '.')) {
        const second = nameAt(cur, i + 1);
        if (second === undefined) throw new Unsupported('table reference');
        [db, name] = [name, second.toLowerCase()];
        i += 2;
      }
      const fn = isSymbol(cur.sig[i], '(');
      if (fn) i = closingParen(cur, i, end) + 1;
      if (isWord(cur.sig[i], 'AS')) i++;
      const alias = nameAt(cur, i);
      if (alias !== undefined) i++;
      const columns = fn ? undefined : source.table(db, name);
      table = { alias: (alias ?? name).toLowerCase(), db: alias === undefined ? (db ?? source.database) : undefined, columns };
    }
    if (!hidden) tables.push(table);
    // Join hints: [SHUFFLE], [BROADCAST]...
    while (isSymbol(cur.sig[i], '[')) i += 3;
    // ON / USING conditions (and TABLESAMPLE) run to the next join or the end of the clause.
    let depth = 0;
    for (; i < end; i++) {
      const t = cur.sig[i];
      if (isSymbol(t, '(')) depth++;
      else if (isSymbol(t, ')') && --depth < 0) break;
      if (depth === 0 && (isSymbol(t, ',') || (t?.kind === 'word' && (CLAUSE_END.has(t.value) || JOIN_START.has(t.value))))) break;
    }
    if (i >= end || !(isSymbol(cur.sig[i], ',') || (cur.sig[i]?.kind === 'word' && JOIN_START.has(cur.sig[i]?.value ?? '')))) break;
    // Read the join's kind: the right side of a LEFT SEMI/ANTI join is not visible.
    const kind: string[] = [];
    while (i < end && !isSymbol(cur.sig[i], ',') && !isWord(cur.sig[i], 'JOIN')) kind.push(cur.sig[i++]?.value ?? '');
    i++;
    if (kind.includes('RIGHT') && (kind.includes('SEMI') || kind.includes('ANTI'))) throw new Unsupported('right semi join');
    hidden = kind.includes('SEMI') || kind.includes('ANTI');
    while (isSymbol(cur.sig[i], '[')) i += 3;
  }
  return { scope: new Scope(tables), end: i };
}
