/**
 * Function calls: aggregates and analytic functions with Impala's result types
 * (fe `BuiltinsDb`, `FunctionCallExpr.resolveDecimalReturnType`: SUM of integers is
 * BIGINT, of DECIMAL(p,s) DECIMAL(38,s); AVG of DECIMAL keeps at least 6 digits of
 * scale; COUNT is BIGINT...), builtin scalar functions through
 * {@link resolveFunction}, and the DuckDB SQL that gives each one Impala's value.
 *
 * @internal
 */
import { duckString } from '../sql-lexer';
import { analysisError } from '../sql-errors';
import { parameterType, resolveFunction, type Signature } from './builtin-functions';
import type { Expr } from './expr-ast';
import { exprSql } from './expr-label';
import { Unsupported } from './expr-parser';
import type { ExprTyper, Typed } from './expr-typer';
import { adjustedDecimal, decimal, duckTypeSql, isDecimal, isNumericType, isStringType, matchesType, MAX_PRECISION, minResolutionDecimal, T, typeSql, type ImpalaType } from './impala-type';
import { compatibleType, maxResolutionType } from './type-rules';

type Call = Extract<Expr, { kind: 'call' }>;

const VARIANCE: Readonly<Record<string, string>> = {
  stddev: 'stddev_samp',
  stddev_samp: 'stddev_samp',
  stddev_pop: 'stddev_pop',
  variance: 'var_samp',
  variance_samp: 'var_samp',
  var_samp: 'var_samp',
  variance_pop: 'var_pop',
  var_pop: 'var_pop',
};
const AGGREGATES = new Set(['count', 'sum', 'avg', 'min', 'max', 'ndv', 'group_concat', ...Object.keys(VARIANCE)]);
const RANKING: Readonly<Record<string, ImpalaType>> = { row_number: T.BIGINT, rank: T.BIGINT, dense_rank: T.BIGINT, ntile: T.BIGINT, percent_rank: T.DOUBLE, cume_dist: T.DOUBLE };

function typed(type: ImpalaType, sql: string, constant = false): Typed {
  return { type, sql, exact: false, constant };
}

/** Types a call (scalar, aggregate or analytic). */
export function typeCall(e: Call, typer: ExprTyper): Typed {
  if (AGGREGATES.has(e.name)) return withWindow(e, typer, aggregate(e, typer));
  const ranking = RANKING[e.name];
  if (ranking !== undefined || ['lag', 'lead', 'first_value', 'last_value'].includes(e.name)) {
    if (e.over === undefined) throw new Unsupported(`${e.name} without OVER`);
    const args = e.args.map((a) => typer.type(a));
    const arg = (args[0] as Typed | undefined)?.type;
    const type = ranking ?? (arg === undefined ? undefined : valueType(arg));
    if (type === undefined || type.name === 'NULL') throw new Unsupported(`${e.name} argument`);
    return withWindow(e, typer, typed(type, `${e.name}(${args.map((a) => a.sql).join(', ')})`));
  }
  if (e.over !== undefined || e.distinct || e.star) throw new Unsupported(`${e.name} call form`);
  if (e.name === 'typeof' && e.args.length === 1) {
    const arg = typer.type(e.args[0] as Expr);
    return { type: T.STRING, sql: duckString(arg.type.name === 'NULL' ? 'BOOLEAN' : typeSql(arg.type)), exact: true, constant: true };
  }
  return scalar(e, typer);
}

/** The result type of MIN/MAX and the analytic value functions: their argument's, CHAR/VARCHAR as STRING. */
function valueType(t: ImpalaType): ImpalaType {
  return t.name === 'CHAR' || t.name === 'VARCHAR' ? T.STRING : t;
}

function withWindow(e: Call, typer: ExprTyper, t: Typed): Typed {
  return e.over === undefined ? t : typed(t.type, `${t.sql} OVER (${typer.scope.window(e.over)})`);
}

function aggregate(e: Call, typer: ExprTyper): Typed {
  const args = e.args.map((a) => typer.type(a));
  const distinct = e.distinct ? 'DISTINCT ' : '';
  const [x] = args;
  if (e.name === 'count') {
    if (e.star) return typed(T.BIGINT, 'count(*)');
    if (args.length !== 1) throw new Unsupported('count of several columns');
    return typed(T.BIGINT, `count(${distinct}${(x as Typed).sql})`);
  }
  if (x === undefined || e.star || (args.length > 1 && e.name !== 'group_concat')) throw new Unsupported(`${e.name} arguments`);
  if (x.type.name === 'NULL') throw new Unsupported(`${e.name}(NULL)`);
  switch (e.name) {
    case 'sum': {
      if (!isNumericType(x.type)) throw analysisError(`SUM requires a numeric parameter: ${exprSql(e)}`);
      const type = maxResolutionType(x.type) as ImpalaType;
      return typed(type, `sum(${distinct}${isDecimal(type) ? x.sql : typer.cast(x, type).sql})`);
    }
    case 'avg': {
      if (isStringType(x.type) || x.type.name === 'BOOLEAN') throw analysisError(`AVG requires a numeric or timestamp parameter: ${exprSql(e)}`);
      if (!isNumericType(x.type)) throw new Unsupported('avg of a non-number');
      const scale = Math.max(6, x.type.scale ?? 0);
      const type = isDecimal(x.type) ? adjustedDecimal((x.type.precision as number) - (x.type.scale as number) + scale, scale) : T.DOUBLE;
      return typed(type, `avg(${distinct}${x.sql})`);
    }
    case 'min':
    case 'max':
      // BuiltinsDb registers no CHAR/VARCHAR overloads: those arguments are promoted to STRING.
      return typed(valueType(x.type), `${e.name}(${distinct}${x.sql})`);
    case 'ndv':
      return typed(T.BIGINT, `approx_count_distinct(${x.sql})`);
    case 'group_concat': {
      const sep = args[1];
      if (!isStringType(x.type) || (sep !== undefined && !isStringType(sep.type)) || args.length > 2) throw new Unsupported('group_concat arguments');
      return typed(T.STRING, `string_agg(${distinct}${x.sql}, ${sep?.sql ?? "', '"})`);
    }
    default:
      if (!isNumericType(x.type)) throw new Unsupported(`${e.name} of a non-number`);
      return typed(T.DOUBLE, `${VARIANCE[e.name] as string}(${distinct}${typer.cast(x, T.DOUBLE).sql})`);
  }
}

/** The common decimal of the arguments in wildcard-decimal positions (Expr.getResolvedWildCardType). */
function wildcardDecimal(sig: Signature, args: readonly Typed[]): ImpalaType | undefined {
  let result: ImpalaType | undefined;
  args.forEach((a, i) => {
    if (parameterType(sig, i).precision !== -1) return;
    result = result === undefined ? minResolutionDecimal(a.type) : compatibleType(result, a.type);
  });
  return result;
}

/** Integer value of a constant argument written as a literal, for round()/truncate() scales. */
function literalInt(e: Expr | undefined): number | undefined {
  if (e?.kind !== 'number' || e.value.scale > 0) return undefined;
  return Number(e.value.unscaled) * 10 ** -e.value.scale;
}

function decimalResult(name: string, child: ImpalaType, scaleArg: Expr | undefined, argCount: number): ImpalaType {
  let before = (child.precision as number) - (child.scale as number);
  let after = child.scale as number;
  if (name === 'ceil' || name === 'ceiling' || name === 'floor') {
    before++;
    after = 0;
  } else if (name === 'round' || name === 'truncate') {
    const wanted = argCount > 1 ? literalInt(scaleArg) : 0;
    if (wanted === undefined) throw new Unsupported(`${name}() with a non-literal scale`);
    const kept = Math.max(Math.min(after, wanted), 0);
    if (name === 'round' && kept < after) before++;
    after = kept;
  } else {
    return child;
  }
  if (before + after > MAX_PRECISION) throw new Unsupported('decimal result beyond 38 digits');
  return decimal(before + after, after);
}

function scalar(e: Call, typer: ExprTyper): Typed {
  const args = e.args.map((a) => typer.type(a));
  const sig = resolveFunction(e.name, args.map((a) => a.type));
  if (sig?.ret === undefined) throw new Unsupported(`function ${e.name}`);
  const wildcard = wildcardDecimal(sig, args);
  const cast = args.map((a, i) => {
    const param = parameterType(sig, i);
    const to = param.precision === -1 ? (wildcard ?? decimal(9, 0)) : param;
    return matchesType(a.type, to) ? a : typer.cast(a, to);
  });
  let type = sig.ret;
  if (type.precision === -1) {
    const child = cast.find((a) => isDecimal(a.type))?.type;
    if (child === undefined) throw new Unsupported('decimal function without a decimal argument');
    type = decimalResult(e.name, child, e.args[1], e.args.length);
  }
  const sql = EMIT[e.name]?.(cast.map((a) => a.sql), type, cast.map((a) => a.type));
  if (sql === undefined) throw new Unsupported(`DuckDB form of ${e.name}`);
  const volatile = ['now', 'current_timestamp', 'rand', 'random', 'uuid', 'sleep', 'unix_timestamp', 'current_date'].includes(e.name);
  return typed(type, sql, !volatile && cast.every((a) => a.constant));
}

type Emit = (a: readonly string[], ret: ImpalaType, types: readonly ImpalaType[]) => string | undefined;

const same = (duck: string): Emit => (a) => `${duck}(${a.join(', ')})`;
const interval = (unit: string, sign: '+' | '-'): Emit => (a, ret) => `CAST((${a[0]} ${sign} INTERVAL (${a[1]}) ${unit}) AS ${duckTypeSql(ret)})`;

const EMIT: Readonly<Record<string, Emit>> = {
  ...Object.fromEntries(['year', 'month', 'day', 'dayofmonth', 'hour', 'minute', 'second', 'dayofyear', 'weekofyear'].map((f) => [f, same(f)])),
  millisecond: (a) => `(millisecond(${a[0]}) % 1000)`,
  // Impala counts Sunday as 1, DuckDB as 0.
  dayofweek: (a) => `(dayofweek(${a[0]}) + 1)`,
  datediff: (a) => `datediff('day', CAST(${a[1]} AS DATE), CAST(${a[0]} AS DATE))`,
  unix_timestamp: (a) => (a.length > 1 ? undefined : `CAST(floor(epoch(${a.length === 0 ? 'current_timestamp' : `CAST(${a[0]} AS TIMESTAMP)`})) AS BIGINT)`),
  from_unixtime: (a) => (a.length > 1 ? undefined : `strftime(make_timestamp(CAST(${a[0]} AS BIGINT) * 1000000), '%Y-%m-%d %H:%M:%S')`),
  now: () => 'CAST(current_timestamp AS TIMESTAMP)',
  current_timestamp: () => 'CAST(current_timestamp AS TIMESTAMP)',
  current_date: () => 'current_date',
  to_date: (a) => `CAST(CAST(${a[0]} AS DATE) AS VARCHAR)`,
  ...Object.fromEntries(
    (
      [
        ['days_add date_add adddate', 'DAY', '+'],
        ['days_sub date_sub subdate', 'DAY', '-'],
        ['months_add add_months', 'MONTH', '+'],
        ['months_sub', 'MONTH', '-'],
        ['years_add', 'YEAR', '+'],
        ['years_sub', 'YEAR', '-'],
        ['weeks_add', 'WEEK', '+'],
        ['weeks_sub', 'WEEK', '-'],
        ['hours_add', 'HOUR', '+'],
        ['hours_sub', 'HOUR', '-'],
        ['minutes_add', 'MINUTE', '+'],
        ['minutes_sub', 'MINUTE', '-'],
        ['seconds_add', 'SECOND', '+'],
        ['seconds_sub', 'SECOND', '-'],
      ] as const
    ).flatMap(([names, unit, sign]) => names.split(' ').map((n) => [n, interval(unit, sign)])),
  ),
  pi: () => 'pi()',
  e: () => 'exp(1)',
  ...Object.fromEntries(['sin', 'asin', 'cos', 'acos', 'tan', 'atan', 'cot', 'radians', 'degrees', 'exp', 'ln', 'log10', 'log2', 'sqrt', 'atan2'].map((f) => [f, same(f)])),
  dsqrt: same('sqrt'),
  dexp: same('exp'),
  log: same('log'),
  ...Object.fromEntries(['pow', 'power', 'dpow', 'fpow'].map((f) => [f, same('pow')])),
  rand: (a) => (a.length === 0 ? 'random()' : undefined),
  random: (a) => (a.length === 0 ? 'random()' : undefined),
  pmod: (a) => `(((${a[0]} % ${a[1]}) + ${a[1]}) % ${a[1]})`,
  positive: (a) => `(${a[0]})`,
  negative: (a) => `(-${a[0]})`,
  least: same('least'),
  greatest: same('greatest'),
  ceil: same('ceil'),
  ceiling: same('ceil'),
  floor: same('floor'),
  round: same('round'),
  truncate: same('trunc'),
  substr: same('substr'),
  substring: same('substr'),
  split_part: same('split_part'),
  left: same('left'),
  strleft: same('left'),
  right: same('right'),
  strright: same('right'),
  repeat: same('repeat'),
  lpad: same('lpad'),
  rpad: same('rpad'),
  // Impala's length() counts bytes; of a CHAR, without its padding.
  length: (a, _ret, types) => (types[0]?.name === 'CHAR' ? `strlen(rtrim(${a[0]}, ' '))` : `strlen(${a[0]})`),
  char_length: same('strlen'),
  character_length: same('strlen'),
  ...Object.fromEntries(['lower', 'upper', 'reverse', 'trim', 'ltrim', 'rtrim', 'replace', 'translate', 'ascii', 'instr'].map((f) => [f, same(f)])),
  lcase: same('lower'),
  ucase: same('upper'),
  btrim: same('trim'),
  locate: (a) => `instr(${a[1]}, ${a[0]})`,
  regexp_extract: same('regexp_extract'),
  regexp_replace: (a) => `regexp_replace(${a.join(', ')}, 'g')`,
  regexp_like: same('regexp_matches'),
  // NULL in any argument makes Impala's concat NULL, as DuckDB's || does.
  concat: (a) => `(${a.join(' || ')})`,
  concat_ws: (a) => `(${a.slice(1).join(` || ${a[0]} || `)})`,
  if: (a) => `(CASE WHEN ${a[0]} THEN ${a[1]} ELSE ${a[2]} END)`,
  zeroifnull: (a, ret) => `coalesce(${a[0]}, CAST(0 AS ${duckTypeSql(ret)}))`,
  nullifzero: (a) => `nullif(${a[0]}, 0)`,
  ...Object.fromEntries(['isnull', 'ifnull', 'nvl', 'coalesce'].map((f) => [f, same('coalesce')])),
  uuid: () => 'CAST(gen_random_uuid() AS VARCHAR)',
  sleep: same('sleep'),
};
