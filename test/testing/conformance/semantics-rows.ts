/**
 * Conformance rows for Impala's semantics beyond types: what a statement or an
 * HS2 RPC answers — rows, or the exact error text on the exact path (the
 * ExecuteStatement status, with or without Impala 4.5's `Query <id> failed:`
 * wrapper; FetchResults; a metadata RPC). `<qid>` in an expected text stands for
 * the query id. Source notes as in `conformance-row.ts`; `be` rows cite
 * impala-hs2-server.cc, client-request-state.cc and query-options.cc, `fe` rows
 * ModifyStmt, MergeStmt, InsertStmt, Analyzer and MetadataOp/PatternMatcher.
 *
 * The runner is `semantics-conformance.test.ts` (this file is not a `*.rows.ts`
 * table: its rows need confOverlay, session settings and RPCs besides SQL).
 * Behaviour over time (catalog and data lag, idle expiry) is covered by
 * catalog-lag and idle-expiry tests rather than rows.
 */
import type { CellValue, SourceNote } from './conformance-row';

/** What a row sends. */
export type SemanticsAction =
  /** ExecuteStatement (with `overlay` as confOverlay), then poll and fetch everything. */
  | { readonly kind: 'statement'; readonly sql: string; readonly overlay?: Readonly<Record<string, string>> }
  /**
   * ExecuteStatement, then FetchResults: `next` rows with FETCH_NEXT first (in one
   * call), then one FETCH_FIRST (or FETCH_PRIOR) of `maxRows`.
   */
  | {
      readonly kind: 'fetch';
      readonly sql: string;
      readonly overlay?: Readonly<Record<string, string>>;
      readonly next: number;
      readonly orientation: 'FETCH_FIRST' | 'FETCH_PRIOR';
      readonly maxRows: number;
    }
  /** A metadata RPC with these request fields (beside the session handle), then fetch everything. */
  | { readonly kind: 'metadata'; readonly rpc: 'GetCatalogs' | 'GetSchemas' | 'GetTables' | 'GetTableTypes' | 'GetColumns' | 'GetFunctions' | 'GetTypeInfo'; readonly req: Readonly<Record<string, unknown>> };

/** One action and Impala's answer. */
export interface SemanticsRow {
  readonly action: SemanticsAction;
  /** The whole error text of the failing call (`<qid>` = the query id); absent when the call succeeds. */
  readonly error?: string;
  /** The start of the error text, when the rest is not Impala's own (a JVM message). */
  readonly errorPrefix?: string;
  /** Every row returned (statements with results, metadata RPCs, the fetch after FETCH_FIRST). */
  readonly rows?: ReadonlyArray<readonly CellValue[]>;
  /** Only the first row returned (for long results). */
  readonly firstRow?: readonly CellValue[];
  readonly source: SourceNote;
  readonly note?: string;
}

/** Rows run in order in database `sem`, in one session of user `conformance`. */
export interface SemanticsSuite {
  readonly name: string;
  readonly database: string;
  readonly user: string;
  readonly setup: readonly string[];
  readonly rows: readonly SemanticsRow[];
}

const sql = (text: string, expect: Omit<SemanticsRow, 'action'>): SemanticsRow => ({ action: { kind: 'statement', sql: text }, ...expect });
const overlay = (text: string, conf: Record<string, string>, expect: Omit<SemanticsRow, 'action'>): SemanticsRow => ({
  action: { kind: 'statement', sql: text, overlay: conf },
  ...expect,
});
const failed = (detail: string): string => `Query <qid> failed:\n${detail}\n`;
const meta = (rpc: Extract<SemanticsAction, { kind: 'metadata' }>['rpc'], req: Record<string, unknown>, expect: Omit<SemanticsRow, 'action'>): SemanticsRow => ({
  action: { kind: 'metadata', rpc, req },
  ...expect,
});

const DML: SemanticsRow[] = [
  sql("UPDATE plain SET s = 'x'", {
    error: failed('AnalysisException: Impala only supports modifying Kudu and Iceberg tables, but the following table is neither: sem.plain'),
    source: 'fe',
    note: 'ModifyStmt.analyze; the wrapper is Impala 4.5 (IMPALA-13115)',
  }),
  sql('DELETE FROM plain WHERE i = 1', {
    error: failed('AnalysisException: Impala only supports modifying Kudu and Iceberg tables, but the following table is neither: sem.plain'),
    source: 'fe',
  }),
  sql("UPSERT INTO plain VALUES (9, 'u')", { error: failed('AnalysisException: UPSERT is only supported for Kudu tables'), source: 'fe' }),
  sql('MERGE INTO plain USING ice ON plain.i = ice.i WHEN MATCHED THEN DELETE', {
    error: failed('AnalysisException: Target table must be an Iceberg table: sem.plain'),
    source: 'fe',
  }),
  sql("UPDATE kudu SET s = 'k2' WHERE i = 1", { source: 'fe', note: 'Kudu tables take UPDATE' }),
  sql('SELECT i, s FROM kudu ORDER BY i', { rows: [[1, 'k2']], source: 'fe' }),
  sql('DELETE FROM ice WHERE i = 2', { source: 'fe', note: 'Iceberg tables take DELETE' }),
  sql('SELECT count(*) FROM ice', { rows: [[1n]], source: 'fe' }),
  sql('INSERT OVERWRITE ow SELECT i * 10 FROM ow', { source: 'be', note: 'the SELECT reads the table before the overwrite replaces its files' }),
  sql('SELECT count(*), min(i), max(i) FROM ow', { rows: [[3n, 10, 30]], source: 'be' }),
];

const NAMES: SemanticsRow[] = [
  sql('SELECT * FROM nope', { error: failed("AnalysisException: Could not resolve table reference: 'nope'"), source: 'fe', note: 'the path as written (Analyzer.resolvePath)' }),
  sql('SELECT * FROM sem.nope', { error: failed("AnalysisException: Could not resolve table reference: 'sem.nope'"), source: 'fe' }),
  sql('SELECT * FROM nodb.t', { error: failed("AnalysisException: Could not resolve table reference: 'nodb.t'"), source: 'fe' }),
  sql('ALTER TABLE nope ADD COLUMNS (x INT)', { error: failed("AnalysisException: Could not resolve table reference: 'nope'"), source: 'fe', note: 'AnalyzeDDLTest' }),
  sql('DELETE FROM nope', { error: failed("AnalysisException: Could not resolve table reference: 'nope'"), source: 'fe', note: 'the target is resolved like a FROM item' }),
  sql('INSERT INTO nope VALUES (1)', { error: failed('AnalysisException: Table does not exist: sem.nope'), source: 'fe', note: 'InsertStmt qualifies the target' }),
];

const OPTIONS: SemanticsRow[] = [
  sql('SET MEM_LIMIT=lots', {
    error: failed("Failed to parse query option 'MEM_LIMIT': lots"),
    source: 'be',
    note: 'QueryOptionParser (QUERY_OPTION_PARSE_FAILED); SET runs after the query is registered, hence the wrapper',
  }),
  sql('SET BATCH_SIZE=70000', { error: failed('Invalid value for query option BATCH_SIZE: 70000 is not in range [0, 65536]'), source: 'be' }),
  sql('SET QUERY_TIMEOUT_S=-1', { error: failed('Invalid value for query option QUERY_TIMEOUT_S: Value must be non-negative: -1'), source: 'be' }),
  sql('SET EXPLAIN_LEVEL=loud', { error: failed("Invalid explain level: 'loud'. Valid values are MINIMAL(0), STANDARD(1), EXTENDED(2), VERBOSE(3)."), source: 'be' }),
  sql('SET TIMEZONE=Mars/Olympus', { error: failed("Invalid timezone name 'Mars/Olympus'."), source: 'be' }),
  sql('SET MEM_LIMIT=1g', { rows: [], source: 'be', note: 'SET k=v answers no rows' }),
  overlay('SELECT 1', { MEM_LIMIT: 'lots' }, {
    error: "Failed to parse query option 'MEM_LIMIT': lots\n",
    source: 'be',
    note: 'TExecuteStatementReqToTQueryContext fails before a query id exists: no wrapper',
  }),
  overlay('SELECT 1', { NOT_AN_OPTION: '1' }, { error: 'Invalid query option: NOT_AN_OPTION\n', source: 'be' }),
  overlay('SELECT 1', { 'impala.resultset.cache.size': 'bad_number' }, { error: "Invalid value 'bad_number' for 'impala.resultset.cache.size' option.\n", source: 'be' }),
  overlay('SELECT 1', { 'impala.resultset.cache.size': '100001' }, { error: "Requested result-cache size of 100001 exceeds Impala's maximum of 100000.\n", source: 'be' }),
  overlay('SELECT 1', { 'IMPALA.RESULTSET.CACHE.SIZE': '10' }, { error: 'Invalid query option: IMPALA.RESULTSET.CACHE.SIZE\n', source: 'be', note: 'the key is compared exactly' }),
];

const SESSION: SemanticsRow[] = [
  sql('SELECT current_database()', { rows: [['sem']], source: 'docs' }),
  sql('SELECT user(), effective_user()', { rows: [['conformance', 'conformance']], source: 'docs', note: 'the session user (no impersonation)' }),
];

const FETCH: SemanticsRow[] = [
  {
    action: { kind: 'fetch', sql: 'SELECT i FROM plain ORDER BY i', next: 0, orientation: 'FETCH_FIRST', maxRows: 10 },
    error: 'Restarting of fetch requires enabling of query result caching.\n',
    source: 'be',
    note: 'ClientRequestState::RestartFetch, even before any row was fetched',
  },
  {
    action: { kind: 'fetch', sql: 'SELECT i FROM plain ORDER BY i', overlay: { 'impala.resultset.cache.size': '3' }, next: 2, orientation: 'FETCH_FIRST', maxRows: 10 },
    rows: [[1], [2], [3]],
    source: 'be',
  },
  {
    action: { kind: 'fetch', sql: 'SELECT i FROM plain ORDER BY i', overlay: { 'impala.resultset.cache.size': '2' }, next: 3, orientation: 'FETCH_FIRST', maxRows: 10 },
    error: 'The query result cache exceeded its limit of 2 rows. Restarting the fetch is not possible.\n',
    source: 'be',
  },
  {
    action: { kind: 'fetch', sql: 'SELECT i FROM plain', next: 0, orientation: 'FETCH_PRIOR', maxRows: 10 },
    error: 'Unsupported operation',
    source: 'be',
  },
];

const METADATA: SemanticsRow[] = [
  meta('GetCatalogs', {}, { rows: [], source: 'fe', note: 'MetadataOp.getCatalogs: Hive has no catalogs' }),
  meta('GetTableTypes', {}, { rows: [['TABLE'], ['VIEW']], source: 'fe' }),
  meta('GetTypeInfo', {}, { firstRow: ['BOOLEAN', 16, null, null, null, null, 1, false, 3, true, false, false, null, 0, 0, null, null, null], source: 'fe' }),
  meta('GetSchemas', { schemaName: 'sem' }, { rows: [['sem', '']], source: 'fe' }),
  meta('GetSchemas', { schemaName: 's_m' }, { rows: [['sem', '']], source: 'fe', note: 'JDBC _ is one character' }),
  meta('GetSchemas', { schemaName: 'se.*' }, { rows: [['sem', '']], source: 'fe', note: 'the rest of a JDBC pattern is a Java regex' }),
  meta('GetSchemas', { schemaName: 'SEM' }, { rows: [], source: 'fe', note: 'matching is case-sensitive' }),
  meta('GetSchemas', { schemaName: 'sem', catalogName: 'hive' }, { rows: [], source: 'fe' }),
  meta('GetTables', { schemaName: 'sem', tableName: 'p%' }, { rows: [['', 'sem', 'plain', 'TABLE', 'plain rows']], source: 'fe', note: 'REMARKS is the table comment' }),
  meta('GetTables', { schemaName: 'sem', tableName: '%', tableTypes: ['view'] }, { rows: [['', 'sem', 'v', 'VIEW', '']], source: 'fe' }),
  meta('GetTables', { schemaName: 'sem', tableName: '%', tableTypes: ['SYSTEM TABLE'] }, { rows: [], source: 'fe' }),
  meta('GetColumns', { schemaName: 'sem', tableName: 'plain', columnName: 's' }, {
    rows: [[null, 'sem', 'plain', 's', 12, 'STRING', 2147483647, null, null, null, 1, 'text', null, null, null, null, 2, 'YES', null, null, null, null, 'NO']],
    source: 'fe',
  }),
  meta('GetFunctions', { functionName: 'upper' }, { rows: [[null, '_impala_builtins', 'upper', '', 1, 'upper(STRING)']], source: 'fe' }),
  meta('GetFunctions', { functionName: 'upper', schemaName: 'sem' }, { rows: [], source: 'fe', note: 'built-ins have no user schema' }),
  meta('GetSchemas', { schemaName: '*' }, { errorPrefix: 'PatternSyntaxException: ', source: 'unsure', note: 'Java refuses a dangling *; the rest of the text is the JVM message, matched by prefix' }),
];

/** The semantics table. */
export const semanticsSuite: SemanticsSuite = {
  name: 'semantics: DML targets, names, options, session functions, fetch orientation, metadata RPCs',
  database: 'sem',
  user: 'conformance',
  setup: [
    "CREATE TABLE plain (i INT, s STRING COMMENT 'text') COMMENT 'plain rows'",
    "INSERT INTO plain VALUES (1, 'a'), (2, 'b'), (3, 'c')",
    "CREATE TABLE kudu (i INT PRIMARY KEY, s STRING) STORED AS KUDU",
    "INSERT INTO kudu VALUES (1, 'k')",
    'CREATE TABLE ice (i INT) STORED BY ICEBERG',
    'INSERT INTO ice VALUES (1), (2)',
    'CREATE TABLE ow (i INT)',
    'INSERT INTO ow VALUES (1), (2), (3)',
    'CREATE VIEW v AS SELECT i FROM plain',
  ],
  rows: [...DML, ...NAMES, ...OPTIONS, ...SESSION, ...FETCH, ...METADATA],
};
