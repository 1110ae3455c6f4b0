/**
 * A parser for Impala expressions over the statement's tokens, with Impala's
 * operator precedence (fe `sql-parser.cup`): OR < AND < NOT < IS/BETWEEN/IN <
 * LIKE < comparisons < + - < * / % DIV < & | ^ < unary. It builds the tree the
 * analyzer types and the label printer prints; anything it does not model (a
 * subquery, INTERVAL, `||`...) throws {@link Unsupported} so the caller can leave
 * that item to DuckDB.
 *
 * @internal
 */
import { parseDeclaredType } from '../impala-types';
import type { Token } from '../sql-lexer';
import type { TokenCursor } from '../token-cursor';
import { withParens, type CompareOp, type Expr, type LikeOp } from './expr-ast';
import { parseTypeText } from './impala-type';
import { negate, parseDecimal } from './numeric-literal';

/** Thrown for SQL the analyzer does not model; never reaches the client. */
export class Unsupported extends Error {
  constructor(what: string) {
    super(what);
    this.name = 'Unsupported';
  }
}

const COMPARE: Readonly<Record<string, CompareOp>> = { '=': '=', '!=': '!=', '<>': '!=', '<': '<', '<=': '<=', '>': '>', '>=': '>=', '<=>': 'IS NOT DISTINCT FROM' };
const LIKE_WORDS = new Set<string>(['LIKE', 'ILIKE', 'RLIKE', 'REGEXP', 'IREGEXP']);
// Words that cannot start or continue an operand: they belong to the enclosing clause.
const NOT_OPERANDS = new Set([
  'FROM', 'WHERE', 'GROUP', 'HAVING', 'ORDER', 'LIMIT', 'OFFSET', 'UNION', 'EXCEPT', 'INTERSECT', 'AS', 'AND', 'OR',
  'NOT', 'IS', 'IN', 'BETWEEN', 'LIKE', 'ILIKE', 'RLIKE', 'REGEXP', 'IREGEXP', 'THEN', 'WHEN', 'ELSE', 'END', 'ON',
  'JOIN', 'SELECT', 'DISTINCT', 'ALL', 'EXISTS', 'OVER', 'BY', 'WITH', 'VALUES', 'USING',
]);

function fail(t: Token | undefined): never {
  throw new Unsupported(`expression at ${t === undefined ? 'end' : `'${t.text}'`}`);
}

/** Parses one expression at the cursor, leaving it on the first token after it. */
export function parseExpr(cur: TokenCursor): Expr {
  return parseOr(cur);
}

function parseOr(cur: TokenCursor): Expr {
  let left = parseAnd(cur);
  for (;;) {
    if (cur.acceptWord('OR')) left = { kind: 'or', left, right: parseAnd(cur), parens: false };
    else if (cur.acceptSymbol('||')) left = { kind: 'bars', left, right: parseAnd(cur), parens: false };
    else return left;
  }
}

function parseAnd(cur: TokenCursor): Expr {
  let left = parseNot(cur);
  while (cur.acceptWord('AND')) left = { kind: 'and', left, right: parseNot(cur), parens: false };
  return left;
}

function parseNot(cur: TokenCursor): Expr {
  if (cur.acceptWord('NOT') || cur.acceptSymbol('!')) return { kind: 'not', operand: parseNot(cur), parens: false };
  return parsePredicate(cur);
}

function parsePredicate(cur: TokenCursor): Expr {
  let left = parseAdditive(cur);
  for (;;) {
    const t = cur.peek();
    if (t?.kind === 'symbol' && COMPARE[t.text] !== undefined) {
      cur.next();
      left = { kind: 'compare', op: COMPARE[t.text] as CompareOp, left, right: parseAdditive(cur), parens: false };
    } else if (cur.acceptWord('IS')) {
      const negated = cur.acceptWord('NOT');
      if (cur.acceptWord('NULL')) left = { kind: 'is-null', operand: left, negated, parens: false };
      else if (cur.acceptWord('DISTINCT', 'FROM')) {
        left = { kind: 'compare', op: negated ? 'IS NOT DISTINCT FROM' : 'IS DISTINCT FROM', left, right: parseAdditive(cur), parens: false };
      } else fail(cur.peek());
    } else if (cur.isWord('NOT') && (cur.isWord('NOT', 'BETWEEN') || cur.isWord('NOT', 'IN') || LIKE_WORDS.has(cur.peek(1)?.value ?? ''))) {
      cur.next();
      left = negatable(cur, left, true);
    } else if (cur.isWord('BETWEEN') || cur.isWord('IN') || LIKE_WORDS.has(t?.kind === 'word' ? t.value : '')) {
      left = negatable(cur, left, false);
    } else {
      return left;
    }
  }
}

function negatable(cur: TokenCursor, operand: Expr, negated: boolean): Expr {
  const word = cur.next()?.value ?? '';
  if (word === 'BETWEEN') {
    const low = parseAdditive(cur);
    if (!cur.acceptWord('AND')) fail(cur.peek());
    return { kind: 'between', operand, low, high: parseAdditive(cur), negated, parens: false };
  }
  if (word === 'IN') {
    if (!cur.acceptSymbol('(') || cur.isWord('SELECT') || cur.isWord('WITH')) fail(cur.peek());
    const list = [parseExpr(cur)];
    while (cur.acceptSymbol(',')) list.push(parseExpr(cur));
    if (!cur.acceptSymbol(')')) fail(cur.peek());
    return { kind: 'in', operand, list, negated, parens: false };
  }
  const like: Expr = { kind: 'like', op: word as LikeOp, left: operand, right: parseAdditive(cur), parens: false };
  // Impala parses `a NOT LIKE b` as NOT (a LIKE b).
  return negated ? { kind: 'not', operand: like, parens: false } : like;
}

function parseAdditive(cur: TokenCursor): Expr {
  let left = parseMultiplicative(cur);
  for (;;) {
    const op = cur.isSymbol('+') ? '+' : cur.isSymbol('-') ? '-' : undefined;
    if (op === undefined) return left;
    cur.next();
    if (cur.acceptWord('INTERVAL')) {
      const [amount, unit] = intervalTail(cur);
      left = { kind: 'interval', op, operand: left, amount, unit, intervalFirst: false, parens: false };
    } else {
      left = { kind: 'arith', op, left, right: parseMultiplicative(cur), parens: false };
    }
  }
}

const TIME_UNITS = new Set(['YEAR', 'MONTH', 'WEEK', 'DAY', 'HOUR', 'MINUTE', 'SECOND', 'MILLISECOND', 'MICROSECOND', 'NANOSECOND']);

/** `n unit` after INTERVAL (TimestampArithmeticExpr). */
function intervalTail(cur: TokenCursor): [Expr, string] {
  const amount = parseMultiplicative(cur);
  const unit = cur.peek();
  if (unit?.kind !== 'word' || !TIME_UNITS.has(unit.value.replace(/S$/, ''))) fail(unit);
  cur.next();
  return [amount, unit.text];
}

function parseMultiplicative(cur: TokenCursor): Expr {
  let left = parseBitwise(cur);
  for (;;) {
    const t = cur.peek();
    const op = t?.kind === 'symbol' && (t.text === '*' || t.text === '/' || t.text === '%') ? t.text : cur.isWord('DIV') ? 'DIV' : undefined;
    if (op === undefined) return left;
    cur.next();
    left = { kind: 'arith', op, left, right: parseBitwise(cur), parens: false };
  }
}

function parseBitwise(cur: TokenCursor): Expr {
  let left = parseUnary(cur);
  for (;;) {
    const t = cur.peek();
    const op = t?.kind === 'symbol' && (t.text === '&' || t.text === '|' || t.text === '^') ? t.text : undefined;
    if (op === undefined) return left;
    cur.next();
    left = { kind: 'arith', op, left, right: parseUnary(cur), parens: false };
  }
}

function parseUnary(cur: TokenCursor): Expr {
  if (cur.acceptSymbol('-')) {
    const e = parseUnary(cur);
    // Signs fold into numeric literals; anything else becomes -1 * e.
    if (e.kind === 'number') return { ...e, value: negate(e.value) };
    return { kind: 'arith', op: '*', left: { kind: 'number', value: negate(parseDecimal('1')), parens: false }, right: e, parens: false };
  }
  if (cur.acceptSymbol('+')) return parseUnary(cur);
  if (cur.acceptSymbol('~')) return { kind: 'bitnot', operand: parseUnary(cur), parens: false };
  return parsePrimary(cur);
}

function parsePrimary(cur: TokenCursor): Expr {
  const t = cur.peek();
  if (t === undefined) fail(t);
  switch (t.kind) {
    case 'number':
      cur.next();
      return { kind: 'number', value: parseDecimal(t.text), parens: false };
    case 'string':
      cur.next();
      return { kind: 'string', raw: t.text.slice(1, -1), value: t.value, parens: false };
    case 'ident':
      return parseNameOrCall(cur);
    case 'symbol':
      if (t.text !== '(') fail(t);
      cur.next();
      if (cur.isWord('SELECT') || cur.isWord('WITH') || cur.isWord('VALUES')) fail(t);
      return parenthesised(cur);
    default:
      break;
  }
  switch (t.value) {
    case 'TRUE':
    case 'FALSE':
      cur.next();
      return { kind: 'bool', value: t.value === 'TRUE', parens: false };
    case 'NULL':
      cur.next();
      return { kind: 'null', parens: false };
    case 'CAST':
      return parseCast(cur);
    case 'CASE':
      return parseCase(cur);
    case 'INTERVAL': {
      // INTERVAL n unit + ts
      cur.next();
      const [amount, unit] = intervalTail(cur);
      if (!cur.acceptSymbol('+')) fail(cur.peek());
      return { kind: 'interval', op: '+', operand: parseMultiplicative(cur), amount, unit, intervalFirst: true, parens: false };
    }
    case 'DATE': {
      const s = cur.peek(1);
      if (s?.kind !== 'string') break;
      cur.pos += 2;
      return { kind: 'date', raw: s.text.slice(1, -1), value: s.value, parens: false };
    }
    default:
      break;
  }
  if (NOT_OPERANDS.has(t.value) || cur.peek(1)?.kind === 'string') fail(t);
  return parseNameOrCall(cur);
}

function parenthesised(cur: TokenCursor): Expr {
  const e = parseExpr(cur);
  if (!cur.acceptSymbol(')')) fail(cur.peek());
  return withParens(e);
}

function parseCast(cur: TokenCursor): Expr {
  cur.next();
  if (!cur.acceptSymbol('(')) fail(cur.peek());
  const operand = parseExpr(cur);
  if (!cur.acceptWord('AS')) fail(cur.peek());
  const declared = parseDeclaredType(cur);
  const target = parseTypeText(declared.impala);
  if (target === undefined || cur.isWord('FORMAT') || !cur.acceptSymbol(')')) fail(cur.peek());
  return { kind: 'cast', operand, target, parens: false };
}

function parseCase(cur: TokenCursor): Expr {
  cur.next();
  const operand = cur.isWord('WHEN') ? undefined : parseExpr(cur);
  const whens: Array<{ when: Expr; then: Expr }> = [];
  while (cur.acceptWord('WHEN')) {
    const when = parseExpr(cur);
    if (!cur.acceptWord('THEN')) fail(cur.peek());
    whens.push({ when, then: parseExpr(cur) });
  }
  const otherwise = cur.acceptWord('ELSE') ? parseExpr(cur) : undefined;
  if (whens.length === 0 || !cur.acceptWord('END')) fail(cur.peek());
  return { kind: 'case', operand, whens, otherwise, parens: false };
}

function nameOf(t: Token): string {
  return t.kind === 'ident' ? t.value : t.text;
}

function parseNameOrCall(cur: TokenCursor): Expr {
  const path = [nameOf(cur.next() as Token)];
  while (cur.isSymbol('.')) {
    const part = cur.peek(1);
    if (part === undefined || (part.kind !== 'word' && part.kind !== 'ident')) fail(part);
    cur.pos += 2;
    path.push(nameOf(part));
  }
  if (!cur.isSymbol('(')) return { kind: 'slot', path, parens: false };
  if (path.length > 2) fail(cur.peek());
  cur.next();
  const name = path.join('.').toLowerCase();
  let star = false;
  let distinct = false;
  const args: Expr[] = [];
  if (cur.acceptSymbol('*')) star = true;
  else if (!cur.isSymbol(')')) {
    distinct = cur.acceptWord('DISTINCT');
    if (!distinct) cur.acceptWord('ALL');
    args.push(parseExpr(cur));
    while (cur.acceptSymbol(',')) args.push(parseExpr(cur));
  }
  if (!cur.acceptSymbol(')')) fail(cur.peek());
  const over = cur.acceptWord('OVER') ? cur.balanced() : undefined;
  return over === undefined && !star && !distinct ? (parseTimeRewrite(name, args) ?? call(name, args)) : { kind: 'call', name, args, star, distinct, over, parens: false };
}

function call(name: string, args: Expr[]): Expr {
  return { kind: 'call', name, args, star: false, distinct: false, over: undefined, parens: false };
}

/**
 * Impala replaces some calls while parsing (FunctionCallExpr.createExpr), which
 * shows in their labels: `nullif(a, b)` is `if(a IS DISTINCT FROM b, a, NULL)`,
 * `nvl2(a, b, c)` is `if(a IS NOT NULL, b, c)`, `mod(a, b)` is `a % b`.
 */
function parseTimeRewrite(name: string, args: Expr[]): Expr | undefined {
  const [a, b, c] = args;
  if (name === 'nullif' && a !== undefined && b !== undefined && c === undefined) {
    return call('if', [{ kind: 'compare', op: 'IS DISTINCT FROM', left: a, right: b, parens: false }, a, { kind: 'null', parens: false }]);
  }
  if (name === 'nvl2' && a !== undefined && args.length === 3) {
    return call('if', [{ kind: 'is-null', operand: a, negated: true, parens: false }, ...args.slice(1)]);
  }
  if (name === 'mod' && a !== undefined && b !== undefined && c === undefined) return { kind: 'arith', op: '%', left: a, right: b, parens: false };
  return undefined;
}
