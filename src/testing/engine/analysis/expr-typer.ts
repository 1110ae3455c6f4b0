/**
 * Types an expression after Impala's analyzer and writes DuckDB SQL that
 * computes Impala's value in Impala's type: operands are cast where Impala
 * casts them (an INT plus a TINYINT is added as BIGINT, so it cannot overflow
 * where Impala does not), literals take their natural types, and CASTs follow
 * {@link castTo}. Impala's analysis errors it is sure of (a CAST Impala has no
 * builtin for, arithmetic on strings) are raised with Impala's text; anything
 * else it does not model throws {@link Unsupported}.
 *
 * @internal
 */
import { duckIdent } from '../sql-lexer';
import { analysisError } from '../sql-errors';
import { typeCall } from './call-typer';
import { castTo, checkExplicitCast, stringLiteral, type Emitted } from './cast-emitter';
import type { Expr } from './expr-ast';
import { exprSql } from './expr-label';
import { Unsupported } from './expr-parser';
import { duckTypeSql, isDecimal, isFloatingType, isIntegerType, isNumericType, minResolutionDecimal, T, type ImpalaType } from './impala-type';
import { literalType, plainString, literalSql } from './numeric-literal';
import { arithmeticResultType, compatibleType, type ArithmeticOp } from './type-rules';

/** An expression typed and written for DuckDB. */
export interface Typed extends Emitted {
  /** No column references, aggregates or volatile calls (Expr.isConstant). */
  readonly constant: boolean;
  /** A numeric literal, or a CAST of one to a decimal the user wrote. */
  readonly decimalLiteral?: 'literal' | 'explicit';
}

/** Where column references and analytic windows come from. */
export interface TypingScope {
  /** The type and DuckDB SQL of a column path as written; throws Unsupported when unknown. */
  column(path: readonly string[]): { type: ImpalaType; sql: string };
  /** DuckDB SQL for an OVER clause's tokens. */
  window(range: readonly [number, number]): string;
}

const DUCK_COMPARE: Readonly<Record<string, string>> = { '!=': '<>' };

/** Types expressions in one scope. */
export class ExprTyper {
  readonly scope: TypingScope;

  constructor(scope: TypingScope) {
    this.scope = scope;
  }

  /** Types `e`. */
  type(e: Expr): Typed {
    switch (e.kind) {
      case 'number': {
        const type = literalType(e.value);
        const text = type.name === 'DOUBLE' ? `'${literalSql(e.value)}'` : isDecimal(type) ? `'${plainString(e.value)}'` : plainString(e.value);
        return { type, sql: `CAST(${text} AS ${duckTypeSql(type)})`, exact: true, constant: true, decimalLiteral: 'literal' };
      }
      case 'string':
        return { ...stringLiteral(e.value), constant: true };
      case 'bool':
        return { type: T.BOOLEAN, sql: e.value ? 'TRUE' : 'FALSE', exact: true, constant: true };
      case 'null':
        return { type: T.NULL, sql: 'NULL', exact: true, constant: true };
      case 'date': {
        if (!/^\s*\d{1,4}-\d{1,2}-\d{1,2}\s*$/.test(e.value)) throw new Unsupported('date literal');
        return { type: T.DATE, sql: `TRY_CAST(${stringLiteral(e.value.trim()).sql} AS DATE)`, exact: true, constant: true };
      }
      case 'slot': {
        const c = this.scope.column(e.path);
        return { type: c.type, sql: c.sql, exact: false, constant: false };
      }
      case 'arith':
        return this.#arith(e);
      case 'bitnot': {
        const x = this.type(e.operand);
        if (x.type.name !== 'NULL' && !isIntegerType(x.type)) throw analysisError(`'~' operation only allowed on integer types: ${exprSql(e)}`);
        const type = x.type.name === 'NULL' ? T.INT : x.type;
        return { type, sql: `(~${castTo(x, type).sql})`, exact: false, constant: x.constant };
      }
      case 'interval':
        return this.#interval(e);
      case 'compare':
        return this.#compare(e.op, [e.left, e.right]);
      case 'and':
      case 'or': {
        const [l, r] = [this.#boolean(e.left), this.#boolean(e.right)];
        return { type: T.BOOLEAN, sql: `(${l.sql} ${e.kind.toUpperCase()} ${r.sql})`, exact: true, constant: l.constant && r.constant };
      }
      case 'bars': {
        const [l, r] = [this.type(e.left), this.type(e.right)];
        const logical = (t: Typed): boolean => t.type.name === 'BOOLEAN' || t.type.name === 'NULL';
        if (logical(l) && logical(r)) return { type: T.BOOLEAN, sql: `(${l.sql} OR ${r.sql})`, exact: true, constant: l.constant && r.constant };
        return this.type({ kind: 'call', name: 'concat', args: [e.left, e.right], star: false, distinct: false, over: undefined, parens: false });
      }
      case 'not': {
        const x = this.#boolean(e.operand);
        return { type: T.BOOLEAN, sql: `(NOT ${x.sql})`, exact: true, constant: x.constant };
      }
      case 'is-null': {
        const x = this.type(e.operand);
        return { type: T.BOOLEAN, sql: `(${x.sql} IS ${e.negated ? 'NOT ' : ''}NULL)`, exact: true, constant: x.constant };
      }
      case 'between': {
        const [x, lo, hi] = this.#unify([e.operand, e.low, e.high]);
        return bool(`(${x.sql} ${e.negated ? 'NOT ' : ''}BETWEEN ${lo.sql} AND ${hi.sql})`, [x, lo, hi]);
      }
      case 'in': {
        const [x, ...list] = this.#unify([e.operand, ...e.list]);
        return bool(`(${(x as Typed).sql} ${e.negated ? 'NOT ' : ''}IN (${list.map((v) => v.sql).join(', ')}))`, [x as Typed, ...list]);
      }
      case 'like':
        return this.#like(e);
      case 'case':
        return this.#case(e);
      case 'cast': {
        const x = this.type(e.operand);
        checkExplicitCast(x.type, e.target, exprSql(e.operand));
        // CAST(1.5 AS DOUBLE) makes the literal itself a DOUBLE (NumericLiteral.explicitlyCastToFloat).
        const cast = castTo(x, e.target);
        return { ...cast, constant: x.constant, ...(x.decimalLiteral !== undefined && isDecimal(e.target) ? { decimalLiteral: 'explicit' as const } : {}) };
      }
      case 'call':
        return typeCall(e, this);
    }
  }

  /** Types `e` and casts it to `to` as Impala's implicit casts do. */
  cast(e: Typed, to: ImpalaType): Typed {
    return { ...castTo(e, to), constant: e.constant };
  }

  #boolean(e: Expr): Typed {
    const x = this.type(e);
    if (x.type.name !== 'BOOLEAN' && x.type.name !== 'NULL') throw new Unsupported('non-boolean operand of a logical operator');
    return x;
  }

  /** Types several operands and casts them to their common type (comparisons, IN, BETWEEN, CASE). */
  #unify(exprs: readonly Expr[]): Typed[] {
    const typed = exprs.map((x) => this.type(x));
    let common: ImpalaType | undefined = T.NULL;
    for (const t of typed) common = common === undefined ? undefined : compatibleType(common, t.type);
    if (common === undefined) throw new Unsupported('operands without a common type');
    const to = common;
    return typed.map((t) => this.cast(t, to));
  }

  #compare(op: string, operands: readonly Expr[]): Typed {
    const [l, r] = this.#unify(operands) as [Typed, Typed];
    return bool(`(${l.sql} ${DUCK_COMPARE[op] ?? op} ${r.sql})`, [l, r]);
  }

  #like(e: Extract<Expr, { kind: 'like' }>): Typed {
    const [l, r] = [e.left, e.right].map((x) => {
      const t = this.type(x);
      if (t.type.name !== 'NULL' && t.type.name !== 'STRING' && t.type.name !== 'VARCHAR' && t.type.name !== 'CHAR') throw new Unsupported('LIKE on a non-string');
      return this.cast(t, T.STRING);
    }) as [Typed, Typed];
    const sql =
      e.op === 'LIKE' || e.op === 'ILIKE'
        ? `(${l.sql} ${e.op} ${r.sql} ESCAPE '\\')`
        : `regexp_matches(${l.sql}, ${r.sql}${e.op === 'IREGEXP' ? ", 'i'" : ''})`;
    return bool(sql, [l, r]);
  }

  #case(e: Extract<Expr, { kind: 'case' }>): Typed {
    let operand: Typed | undefined;
    let whens: Typed[];
    if (e.operand === undefined) whens = e.whens.map((w) => this.#boolean(w.when));
    else [operand, ...whens] = this.#unify([e.operand, ...e.whens.map((w) => w.when)]) as [Typed, ...Typed[]];
    const results = this.#unify([...e.whens.map((w) => w.then), ...(e.otherwise === undefined ? [] : [e.otherwise])]);
    const type = (results[0] as Typed).type;
    if (type.name === 'NULL') throw new Unsupported('CASE of NULLs');
    const arms = e.whens.map((_, i) => ` WHEN ${(whens[i] as Typed).sql} THEN ${(results[i] as Typed).sql}`).join('');
    const otherwise = e.otherwise === undefined ? '' : ` ELSE ${(results.at(-1) as Typed).sql}`;
    const all = [...whens, ...results, ...(operand === undefined ? [] : [operand])];
    return { type, sql: `(CASE${operand === undefined ? '' : ` ${operand.sql}`}${arms}${otherwise} END)`, exact: results.every((r) => r.exact), constant: all.every((x) => x.constant) };
  }

  /** `ts +/- INTERVAL n unit` (TimestampArithmeticExpr): TIMESTAMP, or DATE for a DATE and whole days or more. */
  #interval(e: Extract<Expr, { kind: 'interval' }>): Typed {
    const unit = e.unit.toUpperCase().replace(/S$/, '');
    const operand = this.type(e.operand);
    const amount = this.type(e.amount);
    if (!isIntegerType(amount.type) || unit === 'NANOSECOND') throw new Unsupported('interval amount or unit');
    const dateUnit = unit === 'YEAR' || unit === 'MONTH' || unit === 'WEEK' || unit === 'DAY';
    const type = operand.type.name === 'DATE' && dateUnit ? T.DATE : T.TIMESTAMP;
    if (operand.type.name !== 'DATE' && operand.type.name !== 'TIMESTAMP' && operand.type.name !== 'STRING') throw new Unsupported('interval operand');
    const base = this.cast(operand, type).sql;
    return { type, sql: `CAST((${base} ${e.op} INTERVAL (${this.cast(amount, T.BIGINT).sql}) ${unit}) AS ${duckTypeSql(type)})`, exact: true, constant: operand.constant && amount.constant };
  }

  #arith(e: Extract<Expr, { kind: 'arith' }>): Typed {
    let [l, r] = [this.type(e.left), this.type(e.right)];
    if (e.op === 'DIV' || e.op === '&' || e.op === '|' || e.op === '^') {
      for (const x of [l, r]) {
        if (x.type.name !== 'NULL' && !isIntegerType(x.type)) throw analysisError(`Invalid non-integer argument to operation '${e.op}': ${exprSql(e)}`);
      }
      const common = compatibleType(l.type, r.type) as ImpalaType;
      const type = common.name === 'NULL' ? T.INT : common;
      const [a, b] = [this.cast(l, type).sql, this.cast(r, type).sql];
      const sql = e.op === 'DIV' ? `(${a} // ${b})` : e.op === '^' ? `xor(${a}, ${b})` : `(${a} ${e.op} ${b})`;
      return { type, sql, exact: false, constant: l.constant && r.constant };
    }
    for (const x of [l, r]) {
      if (x.type.name !== 'NULL' && !isNumericType(x.type)) throw analysisError(`Arithmetic operation requires numeric operands: ${exprSql(e)}`);
    }
    [l, r] = this.#floatLiterals(l, r);
    const op = e.op as ArithmeticOp;
    let type = arithmeticResultType(l.type, r.type, op);
    if (type.name === 'NULL') type = T.DOUBLE;
    // Decimal operands keep their own types; the others are cast to the result (or its decimal).
    const operand = (x: Typed): string => {
      if (isDecimal(type) && isDecimal(x.type)) return x.sql;
      const to = isDecimal(type) && x.type.name !== 'NULL' ? (minResolutionDecimal(x.type) as ImpalaType) : type;
      return this.cast(x, to).sql;
    };
    return { type, sql: `(${operand(l)} ${op} ${operand(r)})`, exact: false, constant: l.constant && r.constant };
  }

  /**
   * A constant decimal next to a float is read as a float (Expr.convertNumericLiteralsFromDecimal):
   * `float_col * 1.5` stays floating point.
   */
  #floatLiterals(l: Typed, r: Typed): [Typed, Typed] {
    const constDec = (x: Typed): boolean => x.constant && isDecimal(x.type);
    if (constDec(l) === constDec(r)) return [l, r];
    const [lit, other] = constDec(l) ? [l, r] : [r, l];
    if (lit.decimalLiteral === 'explicit') return [l, r];
    const compat = compatibleType(lit.type, other.type);
    if (compat === undefined || !isFloatingType(compat)) return [l, r];
    const cast = this.cast(lit, compat);
    return constDec(l) ? [cast, r] : [l, cast];
  }
}

function bool(sql: string, parts: readonly Typed[]): Typed {
  return { type: T.BOOLEAN, sql, exact: true, constant: parts.every((p) => p.constant) };
}

/** A quoted DuckDB column reference. */
export function columnSql(path: readonly string[]): string {
  return path.map(duckIdent).join('.');
}
