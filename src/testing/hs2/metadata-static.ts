import { BUILTIN_FUNCTIONS, BUILTINS_DB } from './builtin-functions';
import { isEmptyPattern, jdbcPatternMatcher } from './jdbc-pattern';
import { bool, int, smallint, staticResult, str, type Cell, type MetadataResult } from './metadata-result';

/**
 * The metadata operations whose answer does not depend on the catalog
 * (GetCatalogs, GetTableTypes, GetTypeInfo) and GetFunctions over the
 * built-ins, with Impala's columns (protocol reference §2.14) and values
 * (MetadataOp.java).
 *
 * @internal
 */

/** GetCatalogs: `TABLE_CAT`; Hive has no catalogs, so no rows. */
export function getCatalogs(): MetadataResult {
  return staticResult([str('TABLE_CAT')], []);
}

/** GetTableTypes: `TABLE_TYPE` = TABLE, VIEW. */
export function getTableTypes(): MetadataResult {
  return staticResult([str('TABLE_TYPE')], [['TABLE'], ['VIEW']]);
}

// [name, java.sql.Types, precision, string type, numeric type]; Impala's supported types in its enum order.
const TYPES: ReadonlyArray<readonly [string, number, number | null, boolean, boolean]> = [
  ['BOOLEAN', 16, null, false, false],
  ['TINYINT', -6, 3, false, true],
  ['SMALLINT', 5, 5, false, true],
  ['INT', 4, 10, false, true],
  ['BIGINT', -5, 19, false, true],
  ['FLOAT', 6, 7, false, true],
  ['DOUBLE', 8, 15, false, true],
  ['DATE', 91, null, false, false],
  ['TIMESTAMP', 93, null, false, false],
  ['STRING', 12, null, true, false],
  ['VARCHAR', 12, null, true, false],
  ['BINARY', -2, null, false, false],
  ['DECIMAL', 3, 9, false, true],
  ['CHAR', 1, null, true, false],
  ['ARRAY', 2003, null, false, false],
  ['MAP', 2000, null, false, false],
  ['STRUCT', 2002, null, false, false],
];

/** GetTypeInfo: one row per type Impala supports. */
export function getTypeInfo(): MetadataResult {
  const columns = [
    str('TYPE_NAME'), int('DATA_TYPE'), int('PRECISION'), str('LITERAL_PREFIX'), str('LITERAL_SUFFIX'), str('CREATE_PARAMS'),
    int('NULLABLE'), bool('CASE_SENSITIVE'), smallint('SEARCHABLE'), bool('UNSIGNED_ATTRIBUTE'), bool('FIXED_PREC_SCALE'),
    bool('AUTO_INCREMENT'), str('LOCAL_TYPE_NAME'), smallint('MINIMUM_SCALE'), smallint('MAXIMUM_SCALE'), int('SQL_DATA_TYPE'),
    int('SQL_DATETIME_SUB'), int('NUM_PREC_RADIX'),
  ];
  // NULLABLE = typeNullable (1), SEARCHABLE = typeSearchable (3).
  const rows: Cell[][] = TYPES.map(([name, code, precision, text, numeric]) => [
    name, code, precision, null, null, null, 1, text, 3, !numeric, false, false, null, 0, 0, null, null, numeric ? 10 : null,
  ]);
  return staticResult(columns, rows);
}

/**
 * GetFunctions: Impala's built-ins live in no catalog and no user schema, so a
 * catalog or schema pattern other than empty or `%` finds nothing.
 */
export function getFunctions(catalogPattern: string | null | undefined, schemaPattern: string | null | undefined, functionPattern: string | null | undefined): MetadataResult {
  const columns = [str('FUNCTION_CAT'), str('FUNCTION_SCHEM'), str('FUNCTION_NAME'), str('REMARKS'), int('FUNCTION_TYPE'), str('SPECIFIC_NAME')];
  const matches = jdbcPatternMatcher(functionPattern);
  if (!isEmptyPattern(catalogPattern) || !isEmptyPattern(schemaPattern)) return staticResult(columns, []);
  // FUNCTION_TYPE = DatabaseMetaData.functionNoTable (1).
  const rows: Cell[][] = BUILTIN_FUNCTIONS.filter((f) => matches(f.name)).map((f) => [null, BUILTINS_DB, f.name, '', 1, f.signature]);
  return staticResult(columns, rows);
}
