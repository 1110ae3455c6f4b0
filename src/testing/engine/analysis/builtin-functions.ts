/**
 * Signatures of the Impala builtin scalar functions the analyzer types, in
 * Impala's registration order (`common/function-registry/impala_functions.py`,
 * 4.x releases), and Impala's overload resolution over them
 * (`FunctionUtils.resolveFunction`: an identical match first, then a match by
 * lossless implicit casts, then by any implicit cast; among several, the one
 * with most identical arguments, the first on a tie).
 *
 * Overloads whose return type differs between Impala releases are listed with an
 * unknown result (`?`) so that resolving to them leaves the call to DuckDB.
 *
 * @internal
 */
import { isImplicitlyCastable } from './type-rules';
import { matchesType, T, type ImpalaType } from './impala-type';

/** One overload. `ret` undefined: the result type is not modelled. */
export interface Signature {
  readonly ret: ImpalaType | undefined;
  readonly args: readonly ImpalaType[];
  /** The last argument type repeats. */
  readonly varargs: boolean;
}

const TYPE_WORDS: Readonly<Record<string, ImpalaType | undefined>> = {
  BOOLEAN: T.BOOLEAN,
  TINYINT: T.TINYINT,
  SMALLINT: T.SMALLINT,
  INT: T.INT,
  BIGINT: T.BIGINT,
  FLOAT: T.FLOAT,
  DOUBLE: T.DOUBLE,
  DECIMAL: T.ANY_DECIMAL,
  STRING: T.STRING,
  CHAR: T.ANY_CHAR,
  TIMESTAMP: T.TIMESTAMP,
  DATE: T.DATE,
  '?': undefined,
};

const NUMERIC = ['TINYINT', 'SMALLINT', 'INT', 'BIGINT', 'FLOAT', 'DOUBLE'];
const ANY_VALUE = ['BOOLEAN', ...NUMERIC, 'STRING', 'TIMESTAMP', 'DECIMAL', 'DATE'];

/** `names: RET(ARG, ARG...)` lines; `T` expands over a type family; `...` repeats the last argument. */
const SIGNATURES = [
  // Timestamp and date functions.
  'year, month, dayofweek, day, dayofmonth, dayofyear, weekofyear, hour, minute, second, millisecond: INT(TIMESTAMP)',
  'datediff: INT(TIMESTAMP, TIMESTAMP)',
  'unix_timestamp: BIGINT(STRING)',
  'unix_timestamp: BIGINT()',
  'unix_timestamp: BIGINT(TIMESTAMP)',
  'unix_timestamp: BIGINT(STRING, STRING)',
  'from_unixtime: STRING(INT)',
  'from_unixtime: STRING(INT, STRING)',
  'from_unixtime: STRING(BIGINT)',
  'from_unixtime: STRING(BIGINT, STRING)',
  'now, current_timestamp: TIMESTAMP()',
  'to_date: STRING(TIMESTAMP)',
  'days_add, date_add, adddate, days_sub, date_sub, subdate, months_add, add_months, months_sub, years_add, years_sub, weeks_add, weeks_sub, hours_add, hours_sub, minutes_add, minutes_sub, seconds_add, seconds_sub: TIMESTAMP(TIMESTAMP, INT)',
  'days_add, date_add, adddate, days_sub, date_sub, subdate, months_add, add_months, months_sub, years_add, years_sub, weeks_add, weeks_sub, hours_add, hours_sub, minutes_add, minutes_sub, seconds_add, seconds_sub: TIMESTAMP(TIMESTAMP, BIGINT)',
  'year, month, dayofweek, day, dayofmonth, dayofyear, weekofyear: INT(DATE)',
  'days_add, date_add, adddate, days_sub, date_sub, subdate, months_add, add_months, months_sub, years_add, years_sub, weeks_add, weeks_sub: DATE(DATE, INT)',
  'days_add, date_add, adddate, days_sub, date_sub, subdate, months_add, add_months, months_sub, years_add, years_sub, weeks_add, weeks_sub: DATE(DATE, BIGINT)',
  'datediff: INT(DATE, DATE)',
  'current_date: DATE()',
  // Math functions. The DOUBLE rounding family changed result type across releases.
  'pi, e: DOUBLE()',
  'sin, asin, cos, acos, tan, atan, cosh, tanh, sinh, cot, radians, degrees, exp, ln, log10, log2, sqrt, dsqrt, dexp: DOUBLE(DOUBLE)',
  'atan2, log, pow, power, dpow, fpow: DOUBLE(DOUBLE, DOUBLE)',
  'abs, sign: ?(DOUBLE)',
  'ceil, ceiling, floor, truncate, round: ?(DOUBLE)',
  'round: ?(DOUBLE, INT)',
  'rand, random: DOUBLE()',
  'rand, random: DOUBLE(BIGINT)',
  'pmod: BIGINT(BIGINT, BIGINT)',
  'pmod: DOUBLE(DOUBLE, DOUBLE)',
  'positive, negative: T(T) for TINYINT SMALLINT INT BIGINT FLOAT DOUBLE DECIMAL',
  'least, greatest: T(T, ...) for TINYINT SMALLINT INT BIGINT FLOAT DOUBLE TIMESTAMP STRING DECIMAL DATE',
  'abs: ?(DECIMAL)',
  'ceil, ceiling, floor, round, truncate: DECIMAL(DECIMAL)',
  'round, truncate: DECIMAL(DECIMAL, T) for TINYINT SMALLINT INT BIGINT',
  // String functions.
  'substr, substring: STRING(STRING, BIGINT)',
  'substr, substring: STRING(STRING, BIGINT, BIGINT)',
  'split_part: STRING(STRING, STRING, BIGINT)',
  'left, strleft, right, strright, repeat: STRING(STRING, BIGINT)',
  'lpad, rpad: STRING(STRING, BIGINT, STRING)',
  'length: INT(STRING)',
  'length: INT(CHAR)',
  'char_length, character_length: INT(STRING)',
  'lower, lcase, upper, ucase, initcap, reverse, trim, ltrim, rtrim, btrim: STRING(STRING)',
  'replace, translate: STRING(STRING, STRING, STRING)',
  'ascii: INT(STRING)',
  'instr, locate: INT(STRING, STRING)',
  'regexp_extract: STRING(STRING, STRING, BIGINT)',
  'regexp_replace: STRING(STRING, STRING, STRING)',
  'regexp_like: BOOLEAN(STRING, STRING)',
  'concat: STRING(STRING, ...)',
  'concat_ws: STRING(STRING, STRING, ...)',
  // Conditional functions.
  `if: T(BOOLEAN, T, T) for ${ANY_VALUE.join(' ')}`,
  'zeroifnull, nullifzero: T(T) for TINYINT SMALLINT INT BIGINT FLOAT DOUBLE DECIMAL',
  `isnull, ifnull, nvl: T(T, T) for ${ANY_VALUE.join(' ')}`,
  `coalesce: T(T, ...) for ${ANY_VALUE.join(' ')}`,
  // Utility functions.
  'uuid: STRING()',
  'sleep: BOOLEAN(INT)',
];

function parseSignatures(lines: readonly string[]): Map<string, Signature[]> {
  const table = new Map<string, Signature[]>();
  for (const line of lines) {
    const m = /^([^:]+):\s*([\w?]+)\(([^)]*)\)(?:\s+for\s+(.+))?$/.exec(line);
    if (m === null) throw new Error(`bad signature line: ${line}`);
    const names = (m[1] as string).split(',').map((s) => s.trim());
    const family = m[4] === undefined ? ['-'] : (m[4] as string).split(' ');
    for (const member of family) {
      const word = (w: string): ImpalaType | undefined => TYPE_WORDS[w === 'T' ? member : w];
      const argWords = (m[3] as string).split(',').map((s) => s.trim()).filter((s) => s !== '');
      const varargs = argWords.at(-1) === '...';
      const args = (varargs ? argWords.slice(0, -1) : argWords).map((w) => word(w) as ImpalaType);
      const sig: Signature = { ret: word(m[2] as string), args, varargs };
      for (const name of names) table.set(name, [...(table.get(name) ?? []), sig]);
    }
  }
  return table;
}

const TABLE = parseSignatures(SIGNATURES);

/** True when Impala has a builtin scalar function of this name that the table describes. */
export function isKnownFunction(name: string): boolean {
  return TABLE.has(name);
}

function argTypeAt(sig: Signature, i: number): ImpalaType | undefined {
  if (i < sig.args.length) return sig.args[i];
  return sig.varargs ? sig.args.at(-1) : undefined;
}

function arityFits(sig: Signature, n: number): boolean {
  return sig.varargs ? n >= sig.args.length : n === sig.args.length;
}

type Mode = 'identical' | 'strict' | 'lax';

function fits(sig: Signature, args: readonly ImpalaType[], mode: Mode): number {
  if (!arityFits(sig, args.length)) return -1;
  let score = 0;
  for (let i = 0; i < args.length; i++) {
    const want = argTypeAt(sig, i) as ImpalaType;
    const have = args[i] as ImpalaType;
    if (matchesType(have, want)) score++;
    else if (mode === 'identical' || !isImplicitlyCastable(have, want, mode === 'strict')) return -1;
  }
  return score;
}

/** The overload Impala picks for these argument types, or undefined when none fits. */
export function resolveFunction(name: string, args: readonly ImpalaType[]): Signature | undefined {
  const sigs = TABLE.get(name) ?? [];
  for (const mode of ['identical', 'strict', 'lax'] as const) {
    let best: Signature | undefined;
    let bestScore = -1;
    for (const sig of sigs) {
      const score = fits(sig, args, mode);
      if (score > bestScore) {
        best = sig;
        bestScore = score;
      }
    }
    if (best !== undefined) return best;
  }
  return undefined;
}

/** The parameter type of argument `i` under `sig`. */
export function parameterType(sig: Signature, i: number): ImpalaType {
  return argTypeAt(sig, i) as ImpalaType;
}
