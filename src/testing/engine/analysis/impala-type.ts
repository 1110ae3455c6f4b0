/**
 * Impala's scalar types as its analyzer sees them (fe `ScalarType`, `PrimitiveType`):
 * names, parameters, wildcards used in function signatures, Impala's SQL spelling
 * and the DuckDB type that holds each value.
 *
 * @internal
 */
import type { ReportedType } from '../impala-types';

/** Impala primitive type names (`NULL` is the type of a bare NULL literal). */
export type TypeName =
  | 'NULL'
  | 'BOOLEAN'
  | 'TINYINT'
  | 'SMALLINT'
  | 'INT'
  | 'BIGINT'
  | 'FLOAT'
  | 'DOUBLE'
  | 'DATE'
  | 'TIMESTAMP'
  | 'STRING'
  | 'VARCHAR'
  | 'CHAR'
  | 'BINARY'
  | 'DECIMAL';

/**
 * A scalar type. `precision`/`scale` for DECIMAL and `length` for CHAR/VARCHAR;
 * -1 marks the wildcard (`DECIMAL(*,*)`, `CHAR(*)`) function signatures use.
 */
export interface ImpalaType {
  readonly name: TypeName;
  readonly precision?: number;
  readonly scale?: number;
  readonly length?: number;
}

/** Impala's maximum DECIMAL precision and scale. */
export const MAX_PRECISION = 38;
/** Scale DECIMAL_V2 keeps at least when it must shrink a result (ScalarType.MIN_ADJUSTED_SCALE). */
export const MIN_ADJUSTED_SCALE = 6;

const simple = (name: TypeName): ImpalaType => Object.freeze({ name });

/** The parameterless types. */
export const T = {
  NULL: simple('NULL'),
  BOOLEAN: simple('BOOLEAN'),
  TINYINT: simple('TINYINT'),
  SMALLINT: simple('SMALLINT'),
  INT: simple('INT'),
  BIGINT: simple('BIGINT'),
  FLOAT: simple('FLOAT'),
  DOUBLE: simple('DOUBLE'),
  DATE: simple('DATE'),
  TIMESTAMP: simple('TIMESTAMP'),
  STRING: simple('STRING'),
  BINARY: simple('BINARY'),
  /** `DECIMAL(*,*)`: any decimal, in function signatures. */
  ANY_DECIMAL: Object.freeze({ name: 'DECIMAL', precision: -1, scale: -1 }) as ImpalaType,
  /** `CHAR(*)`. */
  ANY_CHAR: Object.freeze({ name: 'CHAR', length: -1 }) as ImpalaType,
  /** `VARCHAR(*)`. */
  ANY_VARCHAR: Object.freeze({ name: 'VARCHAR', length: -1 }) as ImpalaType,
} as const;

/** `DECIMAL(p,s)`. */
export function decimal(precision: number, scale: number): ImpalaType {
  return { name: 'DECIMAL', precision, scale };
}

/** `CHAR(n)` or `VARCHAR(n)`. */
export function charType(name: 'CHAR' | 'VARCHAR', length: number): ImpalaType {
  return { name, length };
}

const INTEGER_ORDER: readonly TypeName[] = ['TINYINT', 'SMALLINT', 'INT', 'BIGINT'];

export const isIntegerType = (t: ImpalaType): boolean => INTEGER_ORDER.includes(t.name);
export const isFloatingType = (t: ImpalaType): boolean => t.name === 'FLOAT' || t.name === 'DOUBLE';
export const isDecimal = (t: ImpalaType): boolean => t.name === 'DECIMAL';
export const isNumericType = (t: ImpalaType): boolean => isIntegerType(t) || isFloatingType(t) || isDecimal(t);
export const isStringType = (t: ImpalaType): boolean => t.name === 'STRING' || t.name === 'VARCHAR' || t.name === 'CHAR';
export const isWildcard = (t: ImpalaType): boolean => t.precision === -1 || t.length === -1;

/** Same type, parameters included. */
export function sameType(a: ImpalaType, b: ImpalaType): boolean {
  return a.name === b.name && a.precision === b.precision && a.scale === b.scale && a.length === b.length;
}

/** True when `t` is `target` or an instance of the wildcard `target` (ScalarType.matchesType). */
export function matchesType(t: ImpalaType, target: ImpalaType): boolean {
  if (sameType(t, target)) return true;
  return t.name === target.name && isWildcard(target) && !isWildcard(t);
}

/** Impala's SQL spelling, as `Type.toSql()` prints it: `INT`, `DECIMAL(10,2)`, `VARCHAR(5)`. */
export function typeSql(t: ImpalaType): string {
  switch (t.name) {
    case 'DECIMAL':
      return t.precision === -1 ? 'DECIMAL(*,*)' : `DECIMAL(${t.precision},${t.scale})`;
    case 'CHAR':
    case 'VARCHAR':
      return t.length === -1 ? `${t.name}(*)` : `${t.name}(${t.length})`;
    case 'NULL':
      return 'NULL_TYPE';
    default:
      return t.name;
  }
}

/** The DuckDB type a value of `t` is computed in. */
export function duckTypeSql(t: ImpalaType): string {
  switch (t.name) {
    case 'INT':
      return 'INTEGER';
    case 'STRING':
    case 'VARCHAR':
    case 'CHAR':
      return 'VARCHAR';
    case 'BINARY':
      return 'BLOB';
    case 'DECIMAL':
      return `DECIMAL(${t.precision},${t.scale})`;
    case 'NULL':
      return 'INTEGER';
    default:
      return t.name;
  }
}

/** How the column is described to clients (protocol reference §2.10). */
export function reportedOf(t: ImpalaType): ReportedType {
  switch (t.name) {
    case 'DECIMAL':
      return { type: 'DECIMAL', precision: t.precision as number, scale: t.scale as number };
    case 'CHAR':
    case 'VARCHAR':
      return { type: t.name, length: t.length as number };
    default:
      return { type: t.name };
  }
}

/** The next wider type for `+`, `-`, `*` so the result cannot overflow (ScalarType.getNextResolutionType). */
export function nextResolutionType(t: ImpalaType): ImpalaType {
  if (t.name === 'DECIMAL') return decimal(MAX_PRECISION, t.scale as number);
  if (t.name === 'FLOAT') return T.DOUBLE;
  const i = INTEGER_ORDER.indexOf(t.name);
  if (i >= 0 && i < INTEGER_ORDER.length - 1) return simple(INTEGER_ORDER[i + 1] as TypeName);
  return t;
}

/** The smallest decimal that holds every value of `t`; undefined when none does. */
export function minResolutionDecimal(t: ImpalaType): ImpalaType | undefined {
  switch (t.name) {
    case 'DECIMAL':
    case 'NULL':
      return t;
    case 'TINYINT':
      return decimal(3, 0);
    case 'SMALLINT':
      return decimal(5, 0);
    case 'INT':
      return decimal(10, 0);
    case 'BIGINT':
      return decimal(19, 0);
    case 'FLOAT':
      return decimal(MAX_PRECISION, 9);
    case 'DOUBLE':
      return decimal(MAX_PRECISION, 17);
    default:
      return undefined;
  }
}

/** DECIMAL(p,s) with p clipped to 38 (ScalarType.createClippedDecimalType). */
export function clippedDecimal(precision: number, scale: number): ImpalaType {
  const p = Math.min(precision, MAX_PRECISION);
  return decimal(p, Math.min(p, scale));
}

/** DECIMAL(p,s) shrunk to 38 digits keeping at least 6 of scale (ScalarType.createAdjustedDecimalType). */
export function adjustedDecimal(precision: number, scale: number): ImpalaType {
  if (precision <= MAX_PRECISION) return decimal(precision, scale);
  const minScale = Math.min(scale, MIN_ADJUSTED_SCALE);
  return decimal(MAX_PRECISION, Math.max(scale - (precision - MAX_PRECISION), minScale));
}

/**
 * Parses a type the way Impala or DuckDB prints it (`decimal(10,2)`, `char(5)`,
 * `INTEGER`, `DECIMAL(18,3)`, `TIMESTAMP_NS`); undefined for types Impala lacks or
 * complex types, which the analyzer leaves to DuckDB.
 */
export function parseTypeText(text: string): ImpalaType | undefined {
  const m = /^\s*([a-z_ ]+?)\s*(?:\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\))?\s*$/i.exec(text);
  if (m === null) return undefined;
  const word = (m[1] as string).toUpperCase();
  const a = m[2] === undefined ? undefined : Number(m[2]);
  const b = m[3] === undefined ? undefined : Number(m[3]);
  switch (word) {
    case 'DECIMAL':
    case 'NUMERIC':
      return decimal(a ?? 9, b ?? 0);
    case 'CHAR':
    case 'VARCHAR':
      // DuckDB's VARCHAR has no length; Impala's VARCHAR without one is not a column type.
      return a === undefined ? (word === 'VARCHAR' ? T.STRING : charType('CHAR', 1)) : charType(word, a);
    default:
      break;
  }
  if (a !== undefined) return undefined;
  return PLAIN_TYPE_WORDS[word];
}

const PLAIN_TYPE_WORDS: Readonly<Record<string, ImpalaType>> = {
  BOOLEAN: T.BOOLEAN,
  BOOL: T.BOOLEAN,
  TINYINT: T.TINYINT,
  INT1: T.TINYINT,
  SMALLINT: T.SMALLINT,
  INT2: T.SMALLINT,
  INT: T.INT,
  INTEGER: T.INT,
  INT4: T.INT,
  BIGINT: T.BIGINT,
  INT8: T.BIGINT,
  FLOAT: T.FLOAT,
  REAL: T.FLOAT,
  FLOAT4: T.FLOAT,
  DOUBLE: T.DOUBLE,
  FLOAT8: T.DOUBLE,
  STRING: T.STRING,
  TEXT: T.STRING,
  TIMESTAMP: T.TIMESTAMP,
  TIMESTAMP_NS: T.TIMESTAMP,
  TIMESTAMP_MS: T.TIMESTAMP,
  TIMESTAMP_S: T.TIMESTAMP,
  DATETIME: T.TIMESTAMP,
  DATE: T.DATE,
  BLOB: T.BINARY,
  BINARY: T.BINARY,
  HUGEINT: decimal(MAX_PRECISION, 0),
};
