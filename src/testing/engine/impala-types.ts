/**
 * Impala's SQL types on both sides of the simulator: parsing the types written in
 * Impala DDL (and translating them to DuckDB), and reporting DuckDB's result types
 * the way Impala reports its own (protocol reference §2.10).
 *
 * @internal
 */
import { DuckDBTypeId, type DuckDBType } from '@duckdb/node-api';
import { analysisError } from './sql-errors';
import { duckIdent } from './sql-lexer';
import type { TokenCursor } from './token-cursor';
import type { ImpalaTypeName, SimColumn } from './types';

/** A column type as written in Impala DDL and its DuckDB storage type. */
export interface DeclaredType {
  /** Impala's spelling, lower case as DESCRIBE prints it: `int`, `decimal(10,2)`, `char(5)`. */
  readonly impala: string;
  /** The DuckDB type that stores it. */
  readonly duck: string;
}

/** Impala's DECIMAL without arguments. */
const DEFAULT_DECIMAL = { precision: 9, scale: 0 };
/** Impala's maximum DECIMAL precision (and DuckDB's). */
export const MAX_DECIMAL_PRECISION = 38;
/** Impala's longest VARCHAR. */
const MAX_VARCHAR_LENGTH = 65535;
/** Impala's longest CHAR. */
const MAX_CHAR_LENGTH = 255;

const SIMPLE_TYPES: Readonly<Record<string, DeclaredType>> = {
  BOOLEAN: { impala: 'boolean', duck: 'BOOLEAN' },
  TINYINT: { impala: 'tinyint', duck: 'TINYINT' },
  SMALLINT: { impala: 'smallint', duck: 'SMALLINT' },
  INT: { impala: 'int', duck: 'INTEGER' },
  INTEGER: { impala: 'int', duck: 'INTEGER' },
  BIGINT: { impala: 'bigint', duck: 'BIGINT' },
  FLOAT: { impala: 'float', duck: 'FLOAT' },
  DOUBLE: { impala: 'double', duck: 'DOUBLE' },
  // Impala's REAL is a DOUBLE; DuckDB's is a FLOAT.
  REAL: { impala: 'double', duck: 'DOUBLE' },
  STRING: { impala: 'string', duck: 'VARCHAR' },
  TIMESTAMP: { impala: 'timestamp', duck: 'TIMESTAMP' },
  DATE: { impala: 'date', duck: 'DATE' },
  BINARY: { impala: 'binary', duck: 'BLOB' },
};

function integerArg(cur: TokenCursor): number {
  const t = cur.peek();
  if (t?.kind !== 'number' || !/^\d+$/.test(t.text)) cur.fail(['INTEGER LITERAL']);
  cur.next();
  return Number(t.text);
}

/**
 * Reads one Impala column type at the cursor: the scalar types, `DECIMAL[(p[,s])]`,
 * `CHAR(n)`, `VARCHAR(n)`, and `ARRAY<t>`, `MAP<k,v>`, `STRUCT<name:t,...>`.
 *
 * @throws SimSqlError - `ParseException` for an unknown type name, `AnalysisException` for bad precision/length.
 */
export function parseDeclaredType(cur: TokenCursor): DeclaredType {
  const t = cur.peek();
  if (t?.kind !== 'word') cur.fail(['type name']);
  const word = t.value;
  const simple = SIMPLE_TYPES[word];
  if (simple !== undefined) {
    cur.next();
    return simple;
  }
  cur.next();
  switch (word) {
    case 'DECIMAL': {
      let { precision, scale } = DEFAULT_DECIMAL;
      if (cur.acceptSymbol('(')) {
        precision = integerArg(cur);
        scale = cur.acceptSymbol(',') ? integerArg(cur) : 0;
        cur.expectSymbol(')');
      }
      if (precision < 1 || precision > MAX_DECIMAL_PRECISION) {
        throw analysisError(`Decimal precision must be > 0 and <= ${MAX_DECIMAL_PRECISION}: ${precision}`);
      }
      if (scale > precision) throw analysisError(`Decimal scale (${scale}) must be <= precision (${precision})`);
      return { impala: `decimal(${precision},${scale})`, duck: `DECIMAL(${precision},${scale})` };
    }
    case 'CHAR':
    case 'VARCHAR': {
      const max = word === 'CHAR' ? MAX_CHAR_LENGTH : MAX_VARCHAR_LENGTH;
      let length = word === 'CHAR' ? 1 : MAX_VARCHAR_LENGTH;
      if (cur.acceptSymbol('(')) {
        length = integerArg(cur);
        cur.expectSymbol(')');
      }
      if (length < 1 || length > max) throw analysisError(`${word} size must be > 0 and <= ${max}: ${length}`);
      return { impala: `${word.toLowerCase()}(${length})`, duck: 'VARCHAR' };
    }
    case 'ARRAY': {
      cur.expectSymbol('<');
      const item = parseDeclaredType(cur);
      cur.expectSymbol('>');
      return { impala: `array<${item.impala}>`, duck: `${item.duck}[]` };
    }
    case 'MAP': {
      cur.expectSymbol('<');
      const key = parseDeclaredType(cur);
      cur.expectSymbol(',');
      const value = parseDeclaredType(cur);
      cur.expectSymbol('>');
      return { impala: `map<${key.impala},${value.impala}>`, duck: `MAP(${key.duck}, ${value.duck})` };
    }
    case 'STRUCT': {
      cur.expectSymbol('<');
      const fields: Array<{ name: string; type: DeclaredType }> = [];
      do {
        const name = cur.expectIdentifier();
        cur.expectSymbol(':');
        fields.push({ name, type: parseDeclaredType(cur) });
        if (cur.acceptWord('COMMENT')) cur.stringLiteral();
      } while (cur.acceptSymbol(','));
      cur.expectSymbol('>');
      return {
        impala: `struct<${fields.map((f) => `${f.name}:${f.type.impala}`).join(',')}>`,
        duck: `STRUCT(${fields.map((f) => `${duckIdent(f.name)} ${f.type.duck}`).join(', ')})`,
      };
    }
    default:
      cur.pos--;
      return cur.fail(['type name']);
  }
}

/** How a DuckDB result type is reported to Impala clients. */
export type ReportedType = Omit<SimColumn, 'name'>;

/**
 * The Impala type a DuckDB result type is reported as: HUGEINT becomes
 * DECIMAL(38,0), every TIMESTAMP flavour TIMESTAMP, BLOB BINARY, and types Impala
 * lacks (unsigned integers, nested types, TIME, INTERVAL, UUID, ENUM...) STRING,
 * as Impala reports its complex types.
 */
export function reportedType(type: DuckDBType): ReportedType {
  switch (type.typeId) {
    case DuckDBTypeId.BOOLEAN:
      return { type: 'BOOLEAN' };
    case DuckDBTypeId.TINYINT:
      return { type: 'TINYINT' };
    case DuckDBTypeId.SMALLINT:
      return { type: 'SMALLINT' };
    case DuckDBTypeId.INTEGER:
      return { type: 'INT' };
    case DuckDBTypeId.BIGINT:
      return { type: 'BIGINT' };
    case DuckDBTypeId.HUGEINT:
      return { type: 'DECIMAL', precision: MAX_DECIMAL_PRECISION, scale: 0 };
    case DuckDBTypeId.FLOAT:
      return { type: 'FLOAT' };
    case DuckDBTypeId.DOUBLE:
      return { type: 'DOUBLE' };
    case DuckDBTypeId.DECIMAL:
      return { type: 'DECIMAL', precision: type.width, scale: type.scale };
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_S:
    case DuckDBTypeId.TIMESTAMP_MS:
    case DuckDBTypeId.TIMESTAMP_NS:
    case DuckDBTypeId.TIMESTAMP_TZ:
      return { type: 'TIMESTAMP' };
    case DuckDBTypeId.DATE:
      return { type: 'DATE' };
    case DuckDBTypeId.BLOB:
      return { type: 'BINARY' };
    case DuckDBTypeId.SQLNULL:
      return { type: 'NULL' };
    default:
      return { type: 'STRING' };
  }
}

/** Impala's lower-case type text for a reported column, as DESCRIBE prints it. */
export function impalaTypeText(column: ReportedType): string {
  switch (column.type) {
    case 'DECIMAL':
      return `decimal(${column.precision ?? DEFAULT_DECIMAL.precision},${column.scale ?? DEFAULT_DECIMAL.scale})`;
    case 'VARCHAR':
    case 'CHAR':
      return `${column.type.toLowerCase()}(${column.length ?? 1})`;
    case 'INT':
      return 'int';
    default:
      return column.type.toLowerCase();
  }
}

/** Impala's type text for a DuckDB column with no declared Impala type (nested types spelled Impala's way). */
export function impalaTypeTextOfDuck(type: DuckDBType): string {
  switch (type.typeId) {
    case DuckDBTypeId.LIST:
    case DuckDBTypeId.ARRAY:
      return `array<${impalaTypeTextOfDuck(type.valueType)}>`;
    case DuckDBTypeId.MAP:
      return `map<${impalaTypeTextOfDuck(type.keyType)},${impalaTypeTextOfDuck(type.valueType)}>`;
    case DuckDBTypeId.STRUCT:
      return `struct<${type.entryNames.map((n, i) => `${n}:${impalaTypeTextOfDuck(type.entryTypes[i] as DuckDBType)}`).join(',')}>`;
    default:
      return impalaTypeText(reportedType(type));
  }
}

/** The reported type of a column declared `char(n)` or `varchar(n)` in Impala DDL, if it is one. */
export function declaredCharType(impala: string): ReportedType | undefined {
  const m = /^(char|varchar)\((\d+)\)$/.exec(impala);
  if (m === null) return undefined;
  return { type: (m[1] as string).toUpperCase() as ImpalaTypeName, length: Number(m[2]) };
}
