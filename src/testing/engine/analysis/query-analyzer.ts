/**
 * Walks a query (WITH, set operations, SELECT blocks, derived tables) the way
 * Impala analyzes it, producing each result column's label and type, and the
 * pieces of DuckDB SQL that replace select items (and GROUP BY / ORDER BY
 * expressions, so DuckDB still matches them to the select list) with
 * expressions computing Impala's values in Impala's types.
 *
 * @internal
 */
import { rewriteTokens } from '../dialect-rewrite';
import { duckIdent, isSymbol, isWord } from '../sql-lexer';
import type { TokenCursor } from '../token-cursor';
import { castTo } from './cast-emitter';
import type { Expr, SelectItem } from './expr-ast';
import { columnLabel } from './expr-label';
import { parseExpr, Unsupported } from './expr-parser';
import { ExprTyper, type Typed } from './expr-typer';
import { duckTypeSql, sameType, type ImpalaType } from './impala-type';
import { CLAUSE_END, closingParen, parseFrom, Scope, type ScopeColumn, type TableSource } from './query-scope';
import { compatibleType } from './type-rules';

/** A result column: its label (undefined: DuckDB's name) and Impala type (undefined: DuckDB's). */
export interface OutputColumn {
  readonly label: string | undefined;
  readonly type: ImpalaType | undefined;
}

/** Replacement DuckDB SQL for significant tokens `[start, end)`. */
export interface Splice {
  readonly start: number;
  readonly end: number;
  readonly sql: string;
}

/** Columns of catalog tables, by `db.table`; undefined when unknown. */
export type TableColumns = (db: string, table: string) => readonly ScopeColumn[] | undefined;

const SET_OPS = new Set(['UNION', 'EXCEPT', 'INTERSECT', 'MINUS']);
const ITEMS_END = new Set(['FROM', ...CLAUSE_END]);

interface ItemResult {
  readonly item: SelectItem | undefined;
  readonly start: number;
  readonly end: number;
  /** One entry per output column (a star expands to several). */
  readonly columns: ReadonlyArray<{ label: string | undefined; typed: Typed | undefined; type: ImpalaType | undefined }>;
}

/** `aliases`: items are spliced with `AS label` (not in VALUES rows, where DuckDB takes none). */
type Operand = { kind: 'select'; items: ItemResult[]; aliases: boolean } | { kind: 'nested'; columns: OutputColumn[] };

/** Splits `[start, end)` at commas outside parentheses. */
function splitCommas(cur: TokenCursor, start: number, end: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let depth = 0;
  let from = start;
  for (let i = start; i < end; i++) {
    if (isSymbol(cur.sig[i], '(')) depth++;
    else if (isSymbol(cur.sig[i], ')')) depth--;
    else if (depth === 0 && isSymbol(cur.sig[i], ',')) {
      out.push([from, i]);
      from = i + 1;
    }
  }
  if (from < end) out.push([from, end]);
  return out;
}

/** First index in `[start, end)` at parenthesis depth 0 whose word is in `words`, or `end`. */
function findWord(cur: TokenCursor, start: number, end: number, words: ReadonlySet<string>): number {
  let depth = 0;
  for (let i = start; i < end; i++) {
    const t = cur.sig[i];
    if (isSymbol(t, '(')) depth++;
    else if (isSymbol(t, ')')) depth--;
    else if (depth === 0 && t?.kind === 'word' && words.has(t.value)) return i;
  }
  return end;
}

/** Analyzes one statement's query; collects splices as it goes. */
export class QueryAnalyzer {
  readonly #cur: TokenCursor;
  readonly #tables: TableColumns;
  readonly #database: string;
  readonly splices: Splice[] = [];

  constructor(cur: TokenCursor, tables: TableColumns, database: string) {
    this.#cur = cur;
    this.#tables = tables;
    this.#database = database;
  }

  /** The result columns of the query in significant tokens `[start, end)`. */
  query(start: number, end: number, outerCtes: ReadonlyMap<string, readonly ScopeColumn[] | undefined>): OutputColumn[] {
    const cur = this.#cur;
    const ctes = new Map(outerCtes);
    let i = start;
    if (isWord(cur.sig[i], 'WITH')) {
      i++;
      for (;;) {
        const name = cur.sig[i];
        if (name === undefined || (name.kind !== 'word' && name.kind !== 'ident') || !isWord(cur.sig[i + 1], 'AS') || !isSymbol(cur.sig[i + 2], '(')) {
          throw new Unsupported('WITH clause form');
        }
        const close = closingParen(cur, i + 2, end);
        const columns = this.query(i + 3, close, ctes);
        const known = columns.every((c) => c.label !== undefined);
        ctes.set(name.kind === 'word' ? name.text.toLowerCase() : name.value.toLowerCase(), known ? columns.map((c) => ({ name: c.label as string, type: c.type })) : undefined);
        i = close + 1;
        if (!isSymbol(cur.sig[i], ',')) break;
        i++;
      }
    }
    const operands: Operand[] = [];
    let from = i;
    for (;;) {
      const op = findWord(cur, from, end, SET_OPS);
      operands.push(...this.#operand(from, op, ctes));
      if (op >= end) break;
      from = op + 1;
      if (isWord(cur.sig[from], 'ALL') || isWord(cur.sig[from], 'DISTINCT')) from++;
    }
    return this.#combine(operands);
  }

  #operand(start: number, end: number, ctes: ReadonlyMap<string, readonly ScopeColumn[] | undefined>): Operand[] {
    const cur = this.#cur;
    if (isSymbol(cur.sig[start], '(')) {
      const close = closingParen(cur, start, end);
      return [{ kind: 'nested', columns: this.query(start + 1, close, ctes) }];
    }
    if (isWord(cur.sig[start], 'VALUES')) return this.#values(start + 1, end);
    if (!isWord(cur.sig[start], 'SELECT')) throw new Unsupported('query operand');
    return [{ kind: 'select', items: this.#select(start, end, ctes), aliases: true }];
  }

  /** `VALUES (row), (row)...`: Impala analyzes it as a UNION ALL of one-row selects. */
  #values(start: number, end: number): Operand[] {
    const cur = this.#cur;
    const typer = new ExprTyper({ column: () => this.#unknown('column in VALUES'), window: () => this.#unknown('window in VALUES') });
    const rows: Operand[] = [];
    for (const [a, b] of splitCommas(cur, start, findWord(cur, start, end, new Set(['ORDER', 'LIMIT', 'OFFSET'])))) {
      if (!isSymbol(cur.sig[a], '(') || closingParen(cur, a, b) !== b - 1) throw new Unsupported('VALUES row');
      rows.push({ kind: 'select', items: splitCommas(cur, a + 1, b - 1).map(([x, y]) => this.#item(x, y, new Scope([]), typer)), aliases: false });
    }
    return rows;
  }

  #unknown(what: string): never {
    throw new Unsupported(what);
  }

  /** Types the columns across set-operation operands and splices the select items. */
  #combine(operands: readonly Operand[]): OutputColumn[] {
    const perOperand = operands.map((o) => (o.kind === 'nested' ? o.columns : o.items.flatMap((it) => it.columns.map((c) => ({ label: c.label, type: c.type })))));
    const width = (perOperand[0] as OutputColumn[]).length;
    if (perOperand.some((cols) => cols.length !== width)) throw new Unsupported('set operation of different widths');
    const types = Array.from({ length: width }, (_, k) => {
      let t: ImpalaType | undefined = (perOperand[0] as OutputColumn[])[k]?.type;
      for (const cols of perOperand.slice(1)) t = t === undefined || cols[k]?.type === undefined ? undefined : compatibleType(t, cols[k]?.type as ImpalaType);
      return t;
    });
    for (const o of operands) {
      if (o.kind !== 'select') continue;
      let k = 0;
      for (const it of o.items) {
        const only = it.columns.length === 1 ? it.columns[0] : undefined;
        const type = types[k];
        k += it.columns.length;
        if (it.item?.kind !== 'expr' || only?.typed === undefined || type === undefined || only.label === undefined) continue;
        const sql = finalSql(only.typed, type);
        this.splices.push({ start: it.start, end: it.end, sql: o.aliases ? `${sql} AS ${duckIdent(only.label)}` : sql });
      }
    }
    return (perOperand[0] as OutputColumn[]).map((c, k) => ({ label: c.label, type: types[k] }));
  }

  #select(start: number, end: number, ctes: ReadonlyMap<string, readonly ScopeColumn[] | undefined>): ItemResult[] {
    const cur = this.#cur;
    let i = start + 1;
    if (isWord(cur.sig[i], 'ALL') || isWord(cur.sig[i], 'DISTINCT')) i++;
    if (isWord(cur.sig[i], 'STRAIGHT_JOIN')) i++;
    const listEnd = findWord(cur, i, end, ITEMS_END);
    let scope = new Scope([]);
    let clauseStart = listEnd;
    if (isWord(cur.sig[listEnd], 'FROM')) {
      const source: TableSource = {
        database: this.#database,
        table: (db, name) => (db === undefined && ctes.has(name) ? ctes.get(name) : this.#tables(db ?? this.#database, name)),
        derived: (a, b) => {
          const cols = this.query(a, b, ctes);
          return cols.every((c) => c.label !== undefined) ? cols.map((c) => ({ name: c.label as string, type: c.type })) : undefined;
        },
      };
      ({ scope, end: clauseStart } = parseFrom(cur, listEnd + 1, end, source));
    }
    const typer = new ExprTyper({
      column: (path) => scope.column(path),
      window: ([a, b]) => rewriteTokens(cur.tokensBetween(a, b)).sql,
    });
    const items = splitCommas(cur, i, listEnd).map(([a, b]) => this.#item(a, b, scope, typer));
    this.#rewriteList(clauseStart, end, ['GROUP', 'BY'], typer);
    this.#rewriteList(clauseStart, end, ['ORDER', 'BY'], typer);
    return items;
  }

  #item(a: number, b: number, scope: Scope, typer: ExprTyper): ItemResult {
    const cur = this.#cur;
    const last = cur.sig[b - 1];
    if (isSymbol(last, '*')) {
      const qualifier: string[] = [];
      for (let k = a; k < b - 1; k += 2) {
        const t = cur.sig[k];
        if (t === undefined || (t.kind !== 'word' && t.kind !== 'ident') || !isSymbol(cur.sig[k + 1], '.')) throw new Unsupported('star form');
        qualifier.push(t.kind === 'word' ? t.text : t.value);
      }
      const columns = scope.star(qualifier);
      if (columns === undefined) throw new Unsupported('star over unknown columns');
      return { item: { kind: 'star', qualifier, start: a, end: b }, start: a, end: b, columns: columns.map((c) => ({ label: c.name, typed: undefined, type: c.type })) };
    }
    let expr: Expr | undefined;
    let alias: string | undefined;
    try {
      cur.pos = a;
      expr = parseExpr(cur);
      if (cur.pos < b) {
        cur.acceptWord('AS');
        const t = cur.next();
        if (t === undefined || cur.pos !== b || (t.kind !== 'word' && t.kind !== 'ident' && t.kind !== 'string')) throw new Unsupported('alias');
        alias = t.kind === 'word' ? t.text : t.value;
      }
    } catch (err) {
      if (!(err instanceof Unsupported)) throw err;
      // Unparsed: the label is still known when the item ends with `AS alias`.
      const named = isWord(cur.sig[b - 2], 'AS') ? cur.sig[b - 1] : undefined;
      const label = named === undefined ? undefined : (named.kind === 'word' ? named.text : named.value).toLowerCase();
      return { item: undefined, start: a, end: b, columns: [{ label, typed: undefined, type: undefined }] };
    }
    const item: SelectItem = { kind: 'expr', expr, alias, start: a, end: b };
    let typed: Typed | undefined;
    try {
      typed = typer.type(expr);
    } catch (err) {
      if (!(err instanceof Unsupported)) throw err;
    }
    return { item, start: a, end: b, columns: [{ label: columnLabel(item), typed, type: typed?.type }] };
  }

  /** Replaces the expressions of a GROUP BY or ORDER BY list (not ordinals or bare names) by their typed SQL. */
  #rewriteList(start: number, end: number, words: readonly [string, string], typer: ExprTyper): void {
    const cur = this.#cur;
    let at = -1;
    for (let k = findWord(cur, start, end, new Set([words[0]])); k < end; k = findWord(cur, k + 1, end, new Set([words[0]]))) {
      if (isWord(cur.sig[k + 1], words[1])) {
        at = k + 2;
        break;
      }
    }
    if (at < 0) return;
    const listEnd = findWord(cur, at, end, new Set(['HAVING', 'ORDER', 'LIMIT', 'OFFSET', ...SET_OPS]));
    for (const [a, b] of splitCommas(cur, at, listEnd)) {
      try {
        cur.pos = a;
        const expr = parseExpr(cur);
        if (expr.kind === 'number' || expr.kind === 'slot' || cur.pos > b) continue;
        const typed = typer.type(expr);
        this.splices.push({ start: a, end: cur.pos, sql: typed.sql });
      } catch (err) {
        if (!(err instanceof Unsupported)) throw err;
      }
    }
  }
}

/** The item's SQL cast to the column's final type, unless it already has that DuckDB type. */
function finalSql(typed: Typed, type: ImpalaType): string {
  if (type.name === 'NULL') return typed.sql;
  const cast = sameType(typed.type, type) ? typed : castTo(typed, type);
  return cast.exact || cast.nanos === true ? cast.sql : `CAST(${cast.sql} AS ${duckTypeSql(type)})`;
}
