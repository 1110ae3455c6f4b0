/**
 * A representative part of Impala's built-in functions as GetFunctions lists
 * them (database `_impala_builtins`, SPECIFIC_NAME = Impala's signature string:
 * name, argument types, `...` for varargs). Impala lists every overload of every
 * built-in; the simulator lists the common ones so clients that browse
 * functions see a realistic answer.
 *
 * @internal
 */

const T = {
  num: ['TINYINT', 'SMALLINT', 'INT', 'BIGINT', 'FLOAT', 'DOUBLE', 'DECIMAL(*,*)'],
  any: ['BOOLEAN', 'TINYINT', 'SMALLINT', 'INT', 'BIGINT', 'FLOAT', 'DOUBLE', 'STRING', 'TIMESTAMP', 'DATE', 'DECIMAL(*,*)'],
};

const overloads = (name: string, types: readonly string[], arity = 1): string[] =>
  types.map((t) => `${name}(${Array.from({ length: arity }, () => t).join(', ')})`);

/** Signatures of the listed built-ins, grouped by function name. */
const SIGNATURES: readonly string[] = [
  ...overloads('abs', T.num),
  ...overloads('avg', ['BIGINT', 'DOUBLE', 'DECIMAL(*,*)', 'TIMESTAMP']),
  'ceil(DOUBLE)', 'ceil(DECIMAL(*,*))',
  'coalesce(BOOLEAN...)', 'coalesce(BIGINT...)', 'coalesce(DOUBLE...)', 'coalesce(STRING...)', 'coalesce(TIMESTAMP...)',
  'concat(STRING...)',
  'concat_ws(STRING, STRING...)',
  ...overloads('count', T.any),
  'current_database()',
  'date_add(TIMESTAMP, INT)', 'date_add(DATE, INT)',
  'datediff(TIMESTAMP, TIMESTAMP)',
  'effective_user()',
  'floor(DOUBLE)', 'floor(DECIMAL(*,*))',
  'from_unixtime(BIGINT)', 'from_unixtime(BIGINT, STRING)',
  'if(BOOLEAN, STRING, STRING)', 'if(BOOLEAN, BIGINT, BIGINT)', 'if(BOOLEAN, DOUBLE, DOUBLE)',
  'ifnull(STRING, STRING)', 'ifnull(BIGINT, BIGINT)',
  'instr(STRING, STRING)',
  'length(STRING)',
  'logged_in_user()',
  'lower(STRING)',
  ...overloads('max', T.any),
  ...overloads('min', T.any),
  ...overloads('ndv', T.any),
  'now()',
  'nvl(STRING, STRING)', 'nvl(BIGINT, BIGINT)',
  'regexp_extract(STRING, STRING, BIGINT)',
  'regexp_replace(STRING, STRING, STRING)',
  'round(DOUBLE)', 'round(DOUBLE, INT)', 'round(DECIMAL(*,*))',
  'sleep(INT)',
  'split_part(STRING, STRING, BIGINT)',
  'substr(STRING, BIGINT)', 'substr(STRING, BIGINT, BIGINT)',
  ...overloads('sum', ['BIGINT', 'DOUBLE', 'DECIMAL(*,*)']),
  'to_date(TIMESTAMP)',
  'trim(STRING)',
  'trunc(TIMESTAMP, STRING)', 'trunc(DOUBLE)',
  'unix_timestamp()', 'unix_timestamp(TIMESTAMP)', 'unix_timestamp(STRING)',
  'upper(STRING)',
  'user()',
  'version()',
];

/** A built-in function as GetFunctions reports it. */
export interface BuiltinFunction {
  /** FUNCTION_NAME. */
  readonly name: string;
  /** SPECIFIC_NAME. */
  readonly signature: string;
}

/** The built-ins, in name order. */
export const BUILTIN_FUNCTIONS: readonly BuiltinFunction[] = SIGNATURES.map((signature) => ({
  name: signature.slice(0, signature.indexOf('(')),
  signature,
}));

/** The database Impala's built-ins live in. */
export const BUILTINS_DB = '_impala_builtins';
