/**
 * Impala's numeric literals (fe `NumericLiteral`): the value as Java's BigDecimal
 * holds it, its "natural" type (the smallest of TINYINT, SMALLINT, INT, BIGINT,
 * DECIMAL(p,s), DOUBLE that holds it) and its SQL text as Impala prints it.
 *
 * @internal
 */
import { decimal, MAX_PRECISION, T, type ImpalaType } from './impala-type';

/** A literal's value: `unscaled × 10^-scale`, scale possibly negative (`1e3`: 1, -3). */
export interface DecimalValue {
  readonly unscaled: bigint;
  readonly scale: number;
}

/** Parses a literal as the lexer found it (`12`, `1.50`, `.5`, `1e3`). */
export function parseDecimal(text: string): DecimalValue {
  const m = /^(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (m === null) throw new Error(`not a numeric literal: ${text}`);
  const whole = m[1] ?? '';
  const fraction = m[2] ?? '';
  const exponent = Number(m[3] ?? '0');
  return { unscaled: BigInt(`${whole}${fraction}` || '0'), scale: fraction.length - exponent };
}

/** The value with its sign flipped (the parser folds `-` into literals). */
export function negate(v: DecimalValue): DecimalValue {
  return { unscaled: -v.unscaled, scale: v.scale };
}

/** Digits without exponent: `1000`, `0.05`, `-1.50` (BigDecimal.toPlainString). */
export function plainString(v: DecimalValue): string {
  const sign = v.unscaled < 0n ? '-' : '';
  const digits = (v.unscaled < 0n ? -v.unscaled : v.unscaled).toString();
  if (v.scale <= 0) return `${sign}${digits}${v.unscaled === 0n ? '' : '0'.repeat(-v.scale)}`;
  const padded = digits.padStart(v.scale + 1, '0');
  return `${sign}${padded.slice(0, padded.length - v.scale)}.${padded.slice(padded.length - v.scale)}`;
}

/**
 * Impala's SQL text for the literal: `0` for any zero, otherwise Java's
 * BigDecimal.toString (`1.50`, `1E+3`, `1.5E+2`, `1E-7`).
 */
export function literalSql(v: DecimalValue): string {
  if (v.unscaled === 0n) return '0';
  const sign = v.unscaled < 0n ? '-' : '';
  const coeff = (v.unscaled < 0n ? -v.unscaled : v.unscaled).toString();
  const adjusted = -v.scale + (coeff.length - 1);
  if (v.scale === 0) return `${sign}${coeff}`;
  if (v.scale > 0 && adjusted >= -6) return plainString(v);
  const mantissa = coeff.length > 1 ? `${coeff[0]}.${coeff.slice(1)}` : coeff;
  const exp = adjusted === 0 ? '' : `E${adjusted > 0 ? '+' : ''}${adjusted}`;
  return `${sign}${mantissa}${exp}`;
}

/** DECIMAL(p,s) that holds the value exactly, or undefined beyond 38 digits (TypesUtil.computeDecimalType). */
export function decimalTypeOf(v: DecimalValue): ImpalaType | undefined {
  const plain = plainString(v).replace('-', '');
  const [whole = '', fraction = ''] = plain.split('.');
  const before = whole.replace(/^0+/, '').length;
  const after = fraction.length;
  if (after > MAX_PRECISION || before + after > MAX_PRECISION) return undefined;
  return decimal(before === 0 && after === 0 ? 1 : before + after, after);
}

const RANGES: ReadonlyArray<readonly [ImpalaType, bigint]> = [
  [T.TINYINT, 2n ** 7n],
  [T.SMALLINT, 2n ** 15n],
  [T.INT, 2n ** 31n],
  [T.BIGINT, 2n ** 63n],
];

/** The literal's natural type (NumericLiteral.inferType). */
export function literalType(v: DecimalValue): ImpalaType {
  const dec = decimalTypeOf(v);
  if (dec === undefined) return T.DOUBLE;
  if (dec.scale !== 0) return dec;
  const n = BigInt(plainString(v));
  for (const [type, limit] of RANGES) if (n >= -limit && n < limit) return type;
  return dec;
}
