/**
 * The expression tree the simulator's analyzer builds from Impala SQL, shaped
 * after Impala's own (fe `Expr` subclasses) so types and labels follow its rules.
 *
 * @internal
 */
import type { ImpalaType } from './impala-type';
import type { DecimalValue } from './numeric-literal';

/** Binary arithmetic and bit operators (ArithmeticExpr). `DIV` is integer division. */
export type ArithOp = '+' | '-' | '*' | '/' | '%' | 'DIV' | '&' | '|' | '^';

/** Comparison operators as Impala prints them (BinaryPredicate.Operator). */
export type CompareOp = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'IS DISTINCT FROM' | 'IS NOT DISTINCT FROM';

/** LIKE-family operators (LikePredicate.Operator). */
export type LikeOp = 'LIKE' | 'ILIKE' | 'RLIKE' | 'REGEXP' | 'IREGEXP';

/** One node; `parens` is true when the text wrapped it in parentheses (Impala prints them back). */
export type Expr = (
  | { readonly kind: 'number'; readonly value: DecimalValue }
  | { readonly kind: 'string'; readonly raw: string; readonly value: string }
  | { readonly kind: 'bool'; readonly value: boolean }
  | { readonly kind: 'null' }
  | { readonly kind: 'date'; readonly raw: string; readonly value: string }
  | { readonly kind: 'slot'; readonly path: readonly string[] }
  | { readonly kind: 'arith'; readonly op: ArithOp; readonly left: Expr; readonly right: Expr }
  | { readonly kind: 'bitnot'; readonly operand: Expr }
  | {
      readonly kind: 'interval';
      readonly op: '+' | '-';
      readonly operand: Expr;
      readonly amount: Expr;
      /** The unit as written (`day`, `DAYS`): Impala prints it back as is. */
      readonly unit: string;
      /** `INTERVAL n unit + ts` rather than `ts + INTERVAL n unit`. */
      readonly intervalFirst: boolean;
    }
  | { readonly kind: 'compare'; readonly op: CompareOp; readonly left: Expr; readonly right: Expr }
  | { readonly kind: 'and' | 'or'; readonly left: Expr; readonly right: Expr }
  /** `a || b`: OR of booleans, concat of anything else (CompoundVerticalBarExpr). */
  | { readonly kind: 'bars'; readonly left: Expr; readonly right: Expr }
  | { readonly kind: 'not'; readonly operand: Expr }
  | { readonly kind: 'is-null'; readonly operand: Expr; readonly negated: boolean }
  | { readonly kind: 'between'; readonly operand: Expr; readonly low: Expr; readonly high: Expr; readonly negated: boolean }
  | { readonly kind: 'in'; readonly operand: Expr; readonly list: readonly Expr[]; readonly negated: boolean }
  | { readonly kind: 'like'; readonly op: LikeOp; readonly left: Expr; readonly right: Expr }
  | {
      readonly kind: 'case';
      readonly operand: Expr | undefined;
      readonly whens: ReadonlyArray<{ readonly when: Expr; readonly then: Expr }>;
      readonly otherwise: Expr | undefined;
    }
  | { readonly kind: 'cast'; readonly operand: Expr; readonly target: ImpalaType }
  | {
      readonly kind: 'call';
      /** Lower-case function name (`db.fn` when qualified). */
      readonly name: string;
      readonly args: readonly Expr[];
      readonly star: boolean;
      readonly distinct: boolean;
      /** Significant-token range inside `OVER ( ... )` of an analytic call. */
      readonly over: readonly [number, number] | undefined;
    }
) & { readonly parens: boolean };

/** One select-list item. */
export type SelectItem =
  | { readonly kind: 'expr'; readonly expr: Expr; readonly alias: string | undefined; readonly start: number; readonly end: number }
  | { readonly kind: 'star'; readonly qualifier: readonly string[]; readonly start: number; readonly end: number };

/** The same node marked as parenthesised. */
export function withParens(e: Expr): Expr {
  return { ...e, parens: true };
}
