/**
 * When Impala quotes an identifier with backticks in printed SQL, and so in
 * column labels (fe `ToSqlUtils.getIdentSql`): when Hive's lexer would not read it
 * as one plain identifier (a Hive keyword, a leading underscore, other
 * characters), when it is an Impala reserved word, starts with a digit or holds
 * `#` or `--`.
 *
 * The Hive list is the keyword set of Hive's lexer (`HiveLexerParent.g`, Hive 4;
 * Impala builds against a Hive 3.1 line whose list differs in a few rarely used
 * words). Impala's reserved words are its keywords plus the SQL:2016 reserved
 * words, minus its builtin function names and a short allow-list
 * (`sql-scanner.flex`); the builtin-name subtraction here uses the common
 * builtins only, so an unusual column name may be quoted where Impala would not.
 *
 * @internal
 */

const HIVE_KEYWORDS = new Set(
  (
    'TRUE FALSE UNKNOWN ALL SOME NONE AND OR NOT LIKE ANY IF EXISTS ASC DESC NULLS LAST ORDER GROUP BY HAVING QUALIFY ' +
    'WHERE FROM AS SELECT DISTINCT INSERT OVERWRITE OUTER UNIQUEJOIN PRESERVE JOIN LEFT RIGHT FULL ON PARTITION ' +
    'PARTITIONS TABLE TABLES COLUMNS INDEX INDEXES REBUILD FUNCTIONS SHOW MSCK REPAIR DIRECTORY LOCAL TRANSFORM USING ' +
    'COMPACTIONID CLUSTER DISTRIBUTE SORT UNION EXCEPT LOAD PREPARE EXPORT IMPORT REPLICATION METADATA DATA INPATH IS ' +
    'NULL CREATE EXTERNAL ALTER CHANGE COLUMN FIRST AFTER DESCRIBE DROP RENAME TO COMMENT BOOLEAN TINYINT SMALLINT INT ' +
    'INTEGER BIGINT FLOAT REAL DOUBLE PRECISION DATE DATETIME TIMESTAMP TIMESTAMPLOCALTZ TIME ZONE INTERVAL DECIMAL DEC ' +
    'NUMERIC STRING CHAR VARCHAR ARRAY STRUCT MAP UNIONTYPE REDUCE PARTITIONED CLUSTERED DISTRIBUTED SORTED INTO BUCKETS ' +
    'ROW ROWS FORMAT DELIMITED FIELDS TERMINATED ESCAPED COLLECTION ITEMS KEYS KILL LINES STORED FILEFORMAT INPUTFORMAT ' +
    'OUTPUTFORMAT INPUTDRIVER OUTPUTDRIVER ENABLE ENABLED DISABLE DISABLED EXECUTED EXECUTE LOCATION MANAGED ' +
    'MANAGEDLOCATION TABLESAMPLE BUCKET OUT OF PERCENT CAST ADD REPLACE RLIKE REGEXP TEMPORARY FUNCTION MACRO FILE JAR ' +
    'EXPLAIN DDL EXTENDED DEBUG FORMATTED DEPENDENCY LOGICAL CBO SERDE WITH DEFERRED SERDEPROPERTIES DBPROPERTIES ' +
    'DCPROPERTIES LIMIT OFFSET SET UNSET TBLPROPERTIES IDXPROPERTIES DEFINED CASE WHEN THEN ELSE END MAPJOIN ' +
    'STREAMTABLE CLUSTERSTATUS UTC UTC_TMESTAMP LONG DELETE PLUS MINUS FETCH INTERSECT VIEW VIEWS IN DATABASE ' +
    'DATABASES MATERIALIZED SCHEMA SCHEMAS GRANT REVOKE SSL UNDO LOCK LOCKS UNLOCK SHARED EXCLUSIVE PROCEDURE UNSIGNED ' +
    'WHILE READ READS PURGE RANGE ANALYZE BEFORE BETWEEN BOTH BINARY CROSS CONTINUE CURSOR TRIGGER RECORDREADER ' +
    'RECORDWRITER SEMI LATERAL TOUCH ARCHIVE UNARCHIVE COMPUTE STATISTICS USE OPTION CONCATENATE SHOW_DATABASE UPDATE ' +
    'RESTRICT CASCADE SKEWED ROLLUP CUBE DIRECTORIES FOR WINDOW UNBOUNDED PRECEDING FOLLOWING CURRENT CURRENT_DATE ' +
    'CURRENT_TIMESTAMP LESS MORE OVER GROUPING SETS TRUNCATE NOSCAN USER ROLE ROLES INNER EXCHANGE URI SERVER ADMIN ' +
    'OWNER PRINCIPALS COMPACT COMPACTIONS TRANSACTIONS TRANSACTIONAL REWRITE AUTHORIZATION REOPTIMIZATION CONF VALUES ' +
    'RELOAD YEAR YEARS QUERY QUARTER MONTH MONTHS WEEK WEEKS DAY DAYS DAYOFWEEK HOUR HOURS MINUTE MINUTES SECOND ' +
    'SECONDS START TRANSACTION COMMIT ROLLBACK WORK ONLY WRITE ISOLATION LEVEL SNAPSHOT AUTOCOMMIT CACHE PRIMARY ' +
    'FOREIGN REFERENCES CONSTRAINT FORCE ENFORCED VALIDATE NOVALIDATE RELY NORELY UNIQUE KEY ABORT EXTRACT FLOOR MERGE ' +
    'MATCHED REPL DUMP STATUS VECTORIZATION SUMMARY OPERATOR EXPRESSION DETAIL WAIT RESOURCE PLAN QUERY_PARALLELISM ' +
    'PLANS ACTIVATE DEFAULT CHECK POOL MOVE DO ALLOC_FRACTION SCHEDULING_POLICY SCHEDULED EVERY AT CRON PATH MAPPING ' +
    'WORKLOAD MANAGEMENT ACTIVE UNMANAGED APPLICATION SYNC AST COST JOINCOST WITHIN PKFK_JOIN LEADING TRAILING TRIM ' +
    'IGNORE RESPECT CONNECTOR CONNECTORS TYPE URL REMOTE SPEC SYSTEM_TIME SYSTEM_VERSION EXPIRE_SNAPSHOTS ' +
    'SET_CURRENT_SNAPSHOT DIV'
  ).split(' '),
);

const IMPALA_KEYWORDS =
  'add aggregate all alter analytic and anti api_version array as asc authorization avro between bigint binary ' +
  'block_size boolean buckets by cached cascade case cast change char class clustered close_fn column columns comment ' +
  'compression compute constraint convert copy create cross cube current data database databases date datetime decimal ' +
  'default delete delimited desc describe disable distinct div double drop else enable encoding end enforced escaped ' +
  'except exists execute explain extended external false fields fileformat files finalize_fn first float following for ' +
  'foreign format formatted from full function functions grant group grouping hash having hudiparquet iceberg if ignore ' +
  'ilike in incremental init_fn inner inpath insert int integer intermediate intersect interval into invalidate iregexp ' +
  'is jdbc join jsonfile kudu last left lexical like limit lines load location managedlocation map merge_fn metadata ' +
  'minus non norely not novalidate null nulls of offset on optimize or orc order outer over overwrite parquet ' +
  'parquetfile partition partitioned partitions preceding prepare_fn primary produced purge range rcfile real recover ' +
  'references refresh regexp rely rename repeatable replace replication restrict returns revoke right rlike role roles ' +
  'rollup row rows rwstorage schema schemas select selectivity semi sequencefile serdeproperties serialize_fn set sets ' +
  'show smallint sort spec stats stored storagehandler_uri straight_join string struct symbol system_time ' +
  'system_version table tables tablesample tblproperties terminated textfile then timestamp tinyint to true truncate ' +
  'user_defined_fn unbounded uncached union unique unknown unnest unset update update_fn upsert use using validate ' +
  'values varchar view views when where with zorder';

// SQL:2016 reserved words Impala also reserves once builtin function names and its allow-list are removed.
const SQL2016_RESERVED =
  'allocate any are array_agg array_max_cardinality asensitive asymmetric at atomic begin_frame begin_partition blob ' +
  'both called cardinality cascaded character classifier clob collate collect condition connect contains corr ' +
  'corresponding covar_pop covar_samp cume_dist current_catalog current_default_transform_group current_path ' +
  'current_role current_row current_schema current_time current_transform_group_for_type cursor cycle deallocate dec ' +
  'decfloat declare define deref deterministic disconnect dynamic each element empty end-exec end_frame end_partition ' +
  'equals escape every exec fetch filter frame_row free fusion get global groups hold indicator initial inout ' +
  'insensitive intersection json_array json_arrayagg json_exists json_object json_objectagg json_query json_table ' +
  'json_table_primitive json_value large lateral leading like_regex listagg local localtimestamp match match_number ' +
  'match_recognize matches method modifies multiset national natural nchar nclob no none normalize nth_value ' +
  'numeric occurrences_regex octet_length omit one only out overlaps overlay pattern per percent percentile_cont ' +
  'percentile_disc portion position position_regex precedes precision procedure ptf reads recursive ref referencing ' +
  'regr_avgx regr_avgy regr_count regr_intercept regr_r2 regr_slope regr_sxx regr_sxy regr_syy release running ' +
  'savepoint scope scroll search seek sensitive similar skip some specific specifictype sqlexception sqlstate ' +
  'sqlwarning static submultiset subset substring_regex succeeds symmetric system_user timezone_hour timezone_minute ' +
  'trailing translate_regex translation treat trigger trim_array uescape varbinary varying versioning whenever within ' +
  'without';

const IMPALA_RESERVED = new Set(`${IMPALA_KEYWORDS} ${SQL2016_RESERVED}`.split(' '));

/** A name Hive's lexer reads as exactly one identifier: a letter or digit, then letters, digits, underscores. */
const HIVE_IDENTIFIER = /^[A-Za-z0-9][A-Za-z0-9_]*$/;

/** True when Impala prints `ident` in backticks. */
export function needsQuotes(ident: string): boolean {
  if (ident === '*') return false;
  const upper = ident.toUpperCase();
  if (!HIVE_IDENTIFIER.test(ident) || HIVE_KEYWORDS.has(upper) || /^\d+[LSY]$|^\d+(BD|D)$|^\d+[BKMG]$/i.test(ident)) return true;
  return IMPALA_RESERVED.has(ident.toLowerCase()) || /^\d/.test(ident) || ident.includes('#') || ident.includes('--');
}

/** `ident` as Impala prints it. */
export function identSql(ident: string): string {
  return needsQuotes(ident) ? `\`${ident}\`` : ident;
}
