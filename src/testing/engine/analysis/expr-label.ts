/**
 * Impala's printed SQL of an expression (fe `Expr.toSql()`) and the column label
 * it becomes (`SelectListItem.toColumnLabel`): the lower-cased alias; for a bare
 * column the lower-cased path as written; for an analytic call `fn(...) OVER(...)`;
 * otherwise the lower-cased printed SQL (`1 + 1`, `count(*)`, `cast(x as int)`).
 *
 * @internal
 */
import type { Expr, SelectItem } from './expr-ast';
import { identSql } from './ident-quoting';
import { typeSql } from './impala-type';
import { literalSql } from './numeric-literal';

/** A string literal's text as Impala prints it (StringLiteral.getNormalizedValue): always single-quoted. */
function stringSql(raw: string): string {
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i] as string;
    const next = raw[i + 1];
    if (c === '\\' && next !== undefined) {
      if (next === '"' || next === "'" || next === '\\') {
        // An escaped double quote loses its backslash; the others keep it.
        out += next === '"' ? next : `${c}${next}`;
        i++;
        continue;
      }
      out += c;
    } else {
      out += c === "'" ? "\\'" : c;
    }
  }
  return `'${out}'`;
}

/** `DATE 'y-m-d'` with the date in canonical form. */
function dateSql(value: string): string {
  const m = /^\s*(\d{1,4})-(\d{1,2})-(\d{1,2})\s*$/.exec(value);
  const text = m === null ? value : `${(m[1] as string).padStart(4, '0')}-${(m[2] as string).padStart(2, '0')}-${(m[3] as string).padStart(2, '0')}`;
  return `DATE '${text}'`;
}

/** The expression as Impala prints it, identifiers in their written case. */
export function exprSql(e: Expr): string {
  const s = bareSql(e);
  return e.parens ? `(${s})` : s;
}

function bareSql(e: Expr): string {
  switch (e.kind) {
    case 'number':
      return literalSql(e.value);
    case 'string':
      return stringSql(e.raw);
    case 'bool':
      return e.value ? 'TRUE' : 'FALSE';
    case 'null':
      return 'NULL';
    case 'date':
      return dateSql(e.value);
    case 'slot':
      return e.path.map(identSql).join('.');
    case 'arith':
    case 'compare':
    case 'like':
      return `${exprSql(e.left)} ${e.op} ${exprSql(e.right)}`;
    case 'bitnot':
      return `~${exprSql(e.operand)}`;
    case 'interval': {
      const interval = `INTERVAL ${exprSql(e.amount)} ${e.unit}`;
      return e.intervalFirst ? `${interval} + ${exprSql(e.operand)}` : `${exprSql(e.operand)} ${e.op} ${interval}`;
    }
    case 'and':
    case 'or':
      return `${exprSql(e.left)} ${e.kind.toUpperCase()} ${exprSql(e.right)}`;
    case 'bars':
      return `${exprSql(e.left)} || ${exprSql(e.right)}`;
    case 'not':
      return `NOT ${exprSql(e.operand)}`;
    case 'is-null':
      return `${exprSql(e.operand)} IS ${e.negated ? 'NOT ' : ''}NULL`;
    case 'between':
      return `${exprSql(e.operand)} ${e.negated ? 'NOT ' : ''}BETWEEN ${exprSql(e.low)} AND ${exprSql(e.high)}`;
    case 'in':
      return `${exprSql(e.operand)} ${e.negated ? 'NOT ' : ''}IN (${e.list.map(exprSql).join(', ')})`;
    case 'case': {
      const head = e.operand === undefined ? 'CASE' : `CASE ${exprSql(e.operand)}`;
      const whens = e.whens.map((w) => ` WHEN ${exprSql(w.when)} THEN ${exprSql(w.then)}`).join('');
      return `${head}${whens}${e.otherwise === undefined ? '' : ` ELSE ${exprSql(e.otherwise)}`} END`;
    }
    case 'cast':
      return `CAST(${exprSql(e.operand)} AS ${typeSql(e.target)})`;
    case 'call': {
      const args = e.star ? '*' : `${e.distinct ? 'DISTINCT ' : ''}${e.args.map(exprSql).join(', ')}`;
      return `${e.name}(${args})`;
    }
  }
}

/** The column label of a select item (expression items only; stars expand to column names). */
export function columnLabel(item: Extract<SelectItem, { kind: 'expr' }>): string {
  if (item.alias !== undefined) return item.alias.toLowerCase();
  const e = item.expr;
  if (e.kind === 'slot') return e.path.join('.').toLowerCase();
  // Analytic labels are abbreviated and, unlike the others, not lower-cased.
  if (e.kind === 'call' && e.over !== undefined) return `${exprSql({ ...e, over: undefined, parens: false })} OVER(...)`;
  return exprSql(e).toLowerCase();
}
