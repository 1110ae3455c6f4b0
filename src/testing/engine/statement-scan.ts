/**
 * Light scans over a statement's tokens: the tables it reads and writes (for the
 * per-coordinator catalog check) and the select items that are a bare NULL
 * literal (reported as Impala's NULL type).
 *
 * @internal
 */
import { isSymbol, isWord, type Token } from './sql-lexer';
import type { TableName } from './token-cursor';

/** A table a statement names. */
export interface TableReference {
  readonly table: TableName;
  /** `source` is read (FROM, JOIN, USING); `target` is written (INTO, UPDATE, DELETE FROM, OVERWRITE). */
  readonly role: 'source' | 'target';
  /** The name's tokens as written (`t`, or `db`, `.`, `t`). */
  readonly tokens?: readonly Token[];
}

// A '(' right after one of these opens a subquery or a list, not a function's arguments.
const NOT_FUNCTIONS = new Set([
  'ALL', 'AND', 'ANY', 'AS', 'BETWEEN', 'BY', 'CASE', 'DISTINCT', 'ELSE', 'EXCEPT', 'EXISTS', 'FROM', 'HAVING', 'IN',
  'INTERSECT', 'INTO', 'IS', 'JOIN', 'LATERAL', 'LIKE', 'LIMIT', 'NOT', 'OFFSET', 'ON', 'OR', 'OVERWRITE', 'SELECT',
  'SET', 'SOME', 'TABLE', 'THEN', 'UNION', 'USING', 'VALUES', 'WHEN', 'WHERE', 'WITH',
]);

// Words after FROM/JOIN that do not start a table name.
const NOT_TABLES = new Set(['SELECT', 'VALUES', 'LATERAL', 'UNNEST', 'WITH', 'TABLE']);

// Words that end a FROM list at the current nesting depth.
const FROM_LIST_END = new Set([
  'WHERE', 'GROUP', 'ORDER', 'HAVING', 'LIMIT', 'OFFSET', 'UNION', 'EXCEPT', 'INTERSECT', 'ON', 'USING', 'SET',
  'VALUES', 'SELECT', 'WINDOW', 'QUALIFY', 'JOIN', 'WHEN',
]);

// Words that may follow a select item without being its alias.
const NOT_ALIASES = new Set([
  'FROM', 'UNION', 'EXCEPT', 'INTERSECT', 'IS', 'AND', 'OR', 'NOT', 'ORDER', 'LIMIT', 'WHERE', 'GROUP', 'HAVING',
  'BETWEEN', 'IN', 'LIKE', 'OFFSET',
]);

// Words that end a select item.
const ITEM_END = new Set(['FROM', 'UNION', 'EXCEPT', 'INTERSECT', 'ORDER', 'LIMIT', 'WHERE', 'GROUP', 'HAVING', 'OFFSET']);

function isName(t: Token | undefined): t is Token {
  return t !== undefined && (t.kind === 'ident' || (t.kind === 'word' && !NOT_TABLES.has(t.value)));
}

function nameOf(t: Token): string {
  return t.kind === 'word' ? t.text.toLowerCase() : t.value.toLowerCase();
}

/** Names defined by WITH clauses anywhere in the statement (they shadow tables). */
function cteNames(sig: readonly Token[]): Set<string> {
  const names = new Set<string>();
  for (let i = 0; i < sig.length; i++) {
    if (!isWord(sig[i], 'WITH')) continue;
    let j = i + 1;
    for (;;) {
      const name = sig[j];
      if (!isName(name)) break;
      j++;
      if (isSymbol(sig[j], '(')) j = skipGroup(sig, j);
      if (!isWord(sig[j], 'AS') || !isSymbol(sig[j + 1], '(')) break;
      names.add(nameOf(name));
      j = skipGroup(sig, j + 1);
      if (!isSymbol(sig[j], ',')) break;
      j++;
    }
  }
  return names;
}

/** Index just past the group opened at `open`. */
function skipGroup(sig: readonly Token[], open: number): number {
  let depth = 0;
  for (let i = open; i < sig.length; i++) {
    if (isSymbol(sig[i], '(')) depth++;
    else if (isSymbol(sig[i], ')') && --depth === 0) return i + 1;
  }
  return sig.length;
}

/**
 * The tables a query or DML statement names, in order of appearance, CTE names
 * and table functions (`range(10)`) excluded.
 */
export function findTableReferences(sig: readonly Token[]): TableReference[] {
  const ctes = cteNames(sig);
  const refs: TableReference[] = [];
  const functionDepths: boolean[] = [];
  const fromLists = new Set<number>();
  let depth = 0;

  const read = (at: number, role: TableReference['role']): void => {
    let i = at;
    if (isWord(sig[i], 'TABLE')) i++;
    const first = sig[i];
    if (!isName(first) || isSymbol(sig[i + 1], '(')) return;
    if (isSymbol(sig[i + 1], '.') && isName(sig[i + 2])) {
      if (isSymbol(sig[i + 3], '(')) return;
      refs.push({ table: { db: nameOf(first), name: nameOf(sig[i + 2] as Token) }, role, tokens: sig.slice(i, i + 3) });
      return;
    }
    const name = nameOf(first);
    if (!ctes.has(name)) refs.push({ table: { db: undefined, name }, role, tokens: [first] });
  };

  for (let i = 0; i < sig.length; i++) {
    const t = sig[i] as Token;
    if (isSymbol(t, '(')) {
      const prev = sig[i - 1];
      functionDepths.push(prev !== undefined && (prev.kind === 'ident' || (prev.kind === 'word' && !NOT_FUNCTIONS.has(prev.value))));
      depth++;
      continue;
    }
    if (isSymbol(t, ')')) {
      fromLists.delete(depth);
      functionDepths.pop();
      depth--;
      continue;
    }
    if (functionDepths[functionDepths.length - 1] === true) continue;
    if (isSymbol(t, ',') && fromLists.has(depth)) {
      read(i + 1, 'source');
      continue;
    }
    if (t.kind !== 'word') continue;
    if (FROM_LIST_END.has(t.value)) fromLists.delete(depth);
    switch (t.value) {
      case 'FROM':
        read(i + 1, isWord(sig[i - 1], 'DELETE') ? 'target' : 'source');
        fromLists.add(depth);
        break;
      case 'JOIN':
        read(i + 1, 'source');
        break;
      case 'INTO':
      case 'OVERWRITE':
        read(i + 1, 'target');
        break;
      case 'UPDATE':
        if (i === 0) read(i + 1, 'target');
        break;
      case 'DELETE':
        if (i === 0 && !isWord(sig[i + 1], 'FROM')) read(i + 1, 'target');
        break;
      case 'USING':
        if (!isSymbol(sig[i + 1], '(')) read(i + 1, 'source');
        break;
      default:
        break;
    }
  }
  return refs;
}

/**
 * Lower-case output names of select items that are a bare `NULL` literal, e.g.
 * `SELECT NULL` (DuckDB names it `null`) or `SELECT NULL AS x`. DuckDB types
 * these INTEGER; Impala reports its NULL type.
 */
export function nullLiteralNames(sig: readonly Token[]): Set<string> {
  const names = new Set<string>();
  for (let i = 0; i < sig.length; i++) {
    if (!isWord(sig[i], 'NULL') || !(isWord(sig[i - 1], 'SELECT') || isSymbol(sig[i - 1], ','))) continue;
    let j = i + 1;
    let name = 'null';
    const explicitAlias = isWord(sig[j], 'AS');
    if (explicitAlias) j++;
    const alias = sig[j];
    if (alias !== undefined && (alias.kind === 'ident' || (alias.kind === 'word' && (explicitAlias || !NOT_ALIASES.has(alias.value))))) {
      name = nameOf(alias);
      j++;
    }
    const after = sig[j];
    if (after === undefined || isSymbol(after, ',') || isSymbol(after, ')') || (after.kind === 'word' && ITEM_END.has(after.value))) {
      names.add(name);
    }
  }
  return names;
}
