/**
 * Impala's type compatibility and arithmetic result rules (fe `Type`
 * compatibility matrix, `ScalarType.getAssignmentCompatibleType`,
 * `TypesUtil.getArithmeticResultType` with DECIMAL_V2, the default).
 *
 * @internal
 */
import {
  adjustedDecimal,
  clippedDecimal,
  decimal,
  isDecimal,
  isFloatingType,
  isIntegerType,
  MAX_PRECISION,
  matchesType,
  minResolutionDecimal,
  nextResolutionType,
  sameType,
  T,
  type ImpalaType,
  type TypeName,
} from './impala-type';

/** Arithmetic operators whose result type TypesUtil computes. */
export type ArithmeticOp = '+' | '-' | '*' | '/' | '%';

const NUMERIC_ORDER: readonly TypeName[] = ['BOOLEAN', 'TINYINT', 'SMALLINT', 'INT', 'BIGINT', 'FLOAT', 'DOUBLE'];

/** The compatibility matrix for two distinct non-decimal, non-NULL, non-CHAR/VARCHAR types. */
function matrix(a: TypeName, b: TypeName, strict: boolean): TypeName | undefined {
  const ia = NUMERIC_ORDER.indexOf(a);
  const ib = NUMERIC_ORDER.indexOf(b);
  if (ia >= 0 && ib >= 0) {
    const [small, large] = ia < ib ? [a, b] : [b, a];
    // 32 and 64 bit integers do not fit a float's mantissa: strict mode widens to DOUBLE.
    if (strict && large === 'FLOAT' && (small === 'INT' || small === 'BIGINT')) return 'DOUBLE';
    return large;
  }
  const pair = new Set([a, b]);
  if (pair.has('DATE') && pair.has('TIMESTAMP')) return 'TIMESTAMP';
  // Some but not all strings are timestamps: allowed only when not strict.
  if (pair.has('TIMESTAMP') && pair.has('STRING')) return strict ? undefined : 'TIMESTAMP';
  return undefined;
}

/**
 * The type both values can be assigned to, or undefined when there is none.
 *
 * @param strict - refuse conversions that may lose information (function overload matching).
 */
export function compatibleType(a: ImpalaType, b: ImpalaType, strict = false): ImpalaType | undefined {
  if (sameType(a, b)) return a;
  if (a.name === 'NULL') return b;
  if (b.name === 'NULL') return a;
  if (a.name === 'VARCHAR' || b.name === 'VARCHAR') {
    if (a.name === 'STRING' || b.name === 'STRING') return T.STRING;
    if ((a.name === 'VARCHAR' || a.name === 'CHAR') && (b.name === 'VARCHAR' || b.name === 'CHAR')) {
      return { name: 'VARCHAR', length: Math.max(a.length ?? 0, b.length ?? 0) };
    }
    return undefined;
  }
  if (a.name === 'CHAR' || b.name === 'CHAR') {
    if (a.name === 'STRING' || b.name === 'STRING') return T.STRING;
    if (a.name === 'CHAR' && b.name === 'CHAR') return { name: 'CHAR', length: Math.max(a.length ?? 0, b.length ?? 0) };
    return undefined;
  }
  if (isDecimal(a) || isDecimal(b)) return compatibleWithDecimal(a, b, strict);
  const name = matrix(a.name, b.name, strict);
  return name === undefined ? undefined : { name };
}

function isSupertypeOf(a: ImpalaType, b: ImpalaType): boolean {
  if (a.precision === -1) return true;
  if (b.precision === -1) return false;
  const [pa, sa, pb, sb] = [a.precision as number, a.scale as number, b.precision as number, b.scale as number];
  return sa >= sb && pa - sa >= pb - sb;
}

function compatibleWithDecimal(a: ImpalaType, b: ImpalaType, strict: boolean): ImpalaType | undefined {
  // Non-strict: a float holds a wider range than any decimal. Strict: neither way is lossless.
  if (isFloatingType(a)) return strict ? undefined : a;
  if (isFloatingType(b)) return strict ? undefined : b;
  const da = minResolutionDecimal(a);
  const db = minResolutionDecimal(b);
  if (da === undefined || db === undefined) return undefined;
  if (sameType(da, db)) return da;
  if (isSupertypeOf(da, db)) return a;
  if (isSupertypeOf(db, da)) return b;
  return decimalUnion(da, db);
}

/** The decimal that holds both without losing digits on either side of the point (clipped at 38). */
export function decimalUnion(a: ImpalaType, b: ImpalaType): ImpalaType {
  if (a.precision === -1) return b;
  if (b.precision === -1) return a;
  const [pa, sa, pb, sb] = [a.precision as number, a.scale as number, b.precision as number, b.scale as number];
  const before = Math.max(pa - sa, pb - sb);
  const after = Math.max(sa, sb);
  return clippedDecimal(before + after, after);
}

/** True when a value of `from` may be passed where `to` is expected without an explicit CAST. */
export function isImplicitlyCastable(from: ImpalaType, to: ImpalaType, strict: boolean): boolean {
  const c = compatibleType(from, to, strict);
  return c !== undefined && matchesType(c, to);
}

/** The result type of `a op b`; both operands numeric or NULL (the caller checks). */
export function arithmeticResultType(a: ImpalaType, b: ImpalaType, op: ArithmeticOp): ImpalaType {
  if (a.name === 'NULL' && b.name === 'NULL') return T.NULL;
  if (isDecimal(a) || isDecimal(b)) {
    if (a.name === 'NULL') return b;
    if (b.name === 'NULL') return a;
    // Multiplying by a float: computed in DOUBLE so the decimal cannot overflow.
    if (op === '*' && (isFloatingType(a) || isFloatingType(b))) return T.DOUBLE;
    return decimalArithmetic(minResolutionDecimal(a) as ImpalaType, minResolutionDecimal(b) as ImpalaType, op);
  }
  switch (op) {
    case '+':
    case '-':
    case '*':
      return nextResolutionType(compatibleType(a, b) as ImpalaType);
    case '%':
      return compatibleType(a, b) as ImpalaType;
    default:
      return T.DOUBLE;
  }
}

/** DECIMAL_V2 result types (TypesUtil.getDecimalArithmeticResultTypeV2). */
function decimalArithmetic(a: ImpalaType, b: ImpalaType, op: ArithmeticOp): ImpalaType {
  const [p1, s1, p2, s2] = [a.precision as number, a.scale as number, b.precision as number, b.scale as number];
  let scale: number;
  let precision: number;
  switch (op) {
    case '/':
      scale = Math.max(6, s1 + p2 + 1);
      precision = p1 - s1 + s2 + scale;
      break;
    case '%':
      scale = Math.max(s1, s2);
      precision = Math.min(p1 - s1, p2 - s2) + scale;
      break;
    case '*':
      scale = s1 + s2;
      precision = p1 + p2 + 1;
      break;
    default:
      scale = Math.max(s1, s2);
      precision = Math.max(p1 - s1, p2 - s2) + scale + 1;
  }
  return adjustedDecimal(precision, scale);
}

/** SUM's result type: BIGINT for integers, DOUBLE for floats, DECIMAL(38,s) for decimals. */
export function maxResolutionType(t: ImpalaType): ImpalaType | undefined {
  if (isIntegerType(t)) return T.BIGINT;
  if (isFloatingType(t) || t.name === 'TIMESTAMP') return T.DOUBLE;
  if (t.name === 'NULL') return T.NULL;
  if (isDecimal(t)) return decimal(MAX_PRECISION, t.scale as number);
  return undefined;
}
