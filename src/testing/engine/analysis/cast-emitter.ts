/**
 * CAST as Impala runs it, written in DuckDB: which casts Impala accepts (fe
 * `CastExpr.initBuiltins`), and DuckDB SQL that gives Impala's value where DuckDB
 * differs: invalid strings become NULL instead of an error, CHAR(n)/VARCHAR(n)
 * truncate (CHAR pads), floats truncate towards zero into integers, numbers
 * cast to BOOLEAN are `<> 0`, integers cast to TIMESTAMP are seconds since the
 * epoch, and string literals keep their nanoseconds.
 *
 * @internal
 */
import { analysisError } from '../sql-errors';
import { duckString } from '../sql-lexer';
import { Unsupported } from './expr-parser';
import { duckTypeSql, isDecimal, isFloatingType, isIntegerType, isNumericType, isStringType, sameType, T, typeSql, type ImpalaType } from './impala-type';

/** A typed operand on its way to DuckDB. */
export interface Emitted {
  readonly type: ImpalaType;
  readonly sql: string;
  /** The SQL already has exactly `duckTypeSql(type)` as DuckDB type, or the NULL type. */
  readonly exact: boolean;
  /** A string literal's value, when the operand is one (for folding literal casts). */
  readonly literal?: string;
  /** A TIMESTAMP held as DuckDB's TIMESTAMP_NS to keep its nanoseconds: not to be cast back. */
  readonly nanos?: boolean;
}

/** Nanoseconds fit DuckDB's TIMESTAMP_NS only between these years. */
const NS_YEARS = [1678, 2261] as const;
const INTEGER_TEXT = String.raw`^\s*[+-]?[0-9]+\s*$`;
// Impala's accepted timestamp strings: a date, optionally a time with up to 9 fractional digits.
const TIMESTAMP_TEXT = /^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*$/;

function typeName(t: ImpalaType): string {
  return t.name === 'NULL' ? 'NULL_TYPE' : typeSql(t);
}

/**
 * Fails with Impala's text when an explicit CAST has no builtin (`Invalid type cast of
 * 'x' from STRING to BOOLEAN`), and leaves casts Impala runs but the simulator does
 * not model to DuckDB.
 */
export function checkExplicitCast(from: ImpalaType, to: ImpalaType, operandSql: string): void {
  if (from.name === 'NULL' || sameType(from, to)) return;
  const invalid = (): never => {
    throw analysisError(`Invalid type cast of ${operandSql} from ${typeName(from)} to ${typeName(to)}`);
  };
  if (isStringType(from) && to.name === 'BOOLEAN') invalid();
  if (from.name === 'DATE' && to.name !== 'TIMESTAMP' && !isStringType(to)) invalid();
  if (to.name === 'DATE' && from.name !== 'TIMESTAMP' && !isStringType(from)) invalid();
  if ((from.name === 'BOOLEAN' || from.name === 'TIMESTAMP' || from.name === 'DATE') && isDecimal(to)) invalid();
  if (from.name === 'BINARY' || to.name === 'BINARY') throw new Unsupported('BINARY cast');
  if (from.name === 'TIMESTAMP' && isNumericType(to)) throw new Unsupported('TIMESTAMP to number');
}

function stringLiteralTimestamp(text: string): string {
  const m = TIMESTAMP_TEXT.exec(text);
  if (m === null) return 'CAST(NULL AS TIMESTAMP)';
  const [y, mo, d, h = '0', mi = '0', s = '0', f = ''] = m.slice(1).map((v) => v ?? undefined) as string[];
  const date = `${y}-${(mo as string).padStart(2, '0')}-${(d as string).padStart(2, '0')}`;
  const time = `${h.padStart(2, '0')}:${mi}:${s.padStart(2, '0')}`;
  const year = Number(y);
  // Sub-microsecond digits survive only in DuckDB's nanosecond timestamps, within their range.
  if (f.length > 6 && year >= NS_YEARS[0] && year <= NS_YEARS[1]) return `TIMESTAMP_NS '${date} ${time}.${f}'`;
  return `TRY_CAST('${date} ${time}${f === '' ? '' : `.${f.slice(0, 6)}`}' AS TIMESTAMP)`;
}

function toStringType(e: Emitted, to: ImpalaType): string {
  const text = isStringType(e.type) ? e.sql : `CAST(${e.sql} AS VARCHAR)`;
  if (to.name === 'VARCHAR') return `left(${text}, ${to.length})`;
  // CHAR(n) is blank-padded (and truncated) to exactly n characters.
  if (to.name === 'CHAR') return `rpad(${text}, ${to.length}, ' ')`;
  return text;
}

function fromString(e: Emitted, to: ImpalaType): string {
  const duck = duckTypeSql(to);
  if (isIntegerType(to)) {
    // Impala reads only an optional sign and digits: '1.5' and '1e2' are NULL, unlike in DuckDB.
    return `CASE WHEN regexp_full_match(${e.sql}, '${INTEGER_TEXT}') THEN TRY_CAST(${e.sql} AS ${duck}) END`;
  }
  if (to.name === 'TIMESTAMP') return e.literal !== undefined ? stringLiteralTimestamp(e.literal) : `TRY_CAST(${e.sql} AS TIMESTAMP)`;
  if (to.name === 'DATE') return `CAST(${e.sql} AS DATE)`;
  return `TRY_CAST(${e.sql} AS ${duck})`;
}

/** DuckDB SQL for `CAST(e AS to)` with Impala's result (the cast is known to be allowed). */
export function castTo(e: Emitted, to: ImpalaType): Emitted {
  if (sameType(e.type, to)) return e;
  const duck = duckTypeSql(to);
  let sql: string;
  if (e.type.name === 'NULL') sql = `CAST(NULL AS ${duck})`;
  else if (isStringType(to)) sql = toStringType(e, to);
  else if (isStringType(e.type)) sql = fromString(e, to);
  else if (to.name === 'BOOLEAN') sql = `(${e.sql} <> 0)`;
  else if (isIntegerType(to) && isFloatingType(e.type)) sql = `CAST(trunc(${e.sql}) AS ${duck})`;
  else if (to.name === 'TIMESTAMP' && isNumericType(e.type)) sql = `make_timestamp(CAST(trunc(${e.sql} * 1000000) AS BIGINT))`;
  else sql = `CAST(${e.sql} AS ${duck})`;
  // Every form above yields `duck` itself, except a nanosecond literal.
  const nanos = sql.startsWith('TIMESTAMP_NS');
  return { type: to, sql, exact: !nanos, ...(nanos ? { nanos } : {}) };
}

/** A string literal in DuckDB. */
export function stringLiteral(value: string): Emitted {
  return { type: T.STRING, sql: duckString(value), exact: true, literal: value };
}
