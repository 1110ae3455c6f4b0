// impala-ha: the legacy Beeswax protocol as Apache Impala serves it on port 21000
// (Impala's common/thrift/beeswax.thrift). Field ids, defaults and enum values match
// Impala's. Impala raises BeeswaxException from every method; where a method does not
// declare it (get_state, get_results_metadata, echo, get_log, ...) the server's Thrift
// layer turns it into a TApplicationException whose message embeds it.

namespace js beeswax

include "hive_metastore.thrift"

struct Query {
  1: string query
  // Query options for this statement, each "key=value" (comma-separated pairs allowed).
  3: list<string> configuration
  // User to act as when the transport authenticated nobody (NOSASL).
  4: string hadoop_user
}

typedef string LogContextId

enum QueryState {
  CREATED = 0,
  INITIALIZED = 1,
  COMPILED = 2,
  RUNNING = 3,
  FINISHED = 4,
  EXCEPTION = 5
}

struct QueryHandle {
  1: string id
  2: LogContextId log_context
}

struct QueryExplanation {
  1: string textual
}

struct Results {
  // False when rows were not ready within FETCH_ROWS_TIMEOUT_MS: fetch again.
  1: bool ready
  // Column type strings (Impala's ODBC-190 workaround), not names.
  2: list<string> columns
  // One string per row, fields joined with a tab.
  3: list<string> data
  4: i64 start_row
  5: bool has_more
}

struct ResultsMetadata {
  1: hive_metastore.Schema schema
  2: string table_dir
  3: string in_tablename
  4: string delim
}

exception BeeswaxException {
  1: string message
  2: LogContextId log_context
  3: QueryHandle handle
  4: optional i32 errorCode = 0
  5: optional string SQLState = "     "
}

exception QueryNotFoundException {
}

enum TQueryOptionLevel {
  REGULAR = 0,
  ADVANCED = 1,
  DEVELOPMENT = 2,
  DEPRECATED = 3,
  REMOVED = 4
}

struct ConfigVariable {
  1: string key
  2: string value
  3: string description
  4: optional TQueryOptionLevel level
}

service BeeswaxService {
  QueryHandle query(1: Query query) throws (1: BeeswaxException error)
  QueryHandle executeAndWait(1: Query query, 2: LogContextId clientCtx) throws (1: BeeswaxException error)
  QueryExplanation explain(1: Query query) throws (1: BeeswaxException error)
  Results fetch(1: QueryHandle query_id, 2: bool start_over, 3: i32 fetch_size = -1)
      throws (1: QueryNotFoundException error, 2: BeeswaxException error2)
  QueryState get_state(1: QueryHandle handle) throws (1: QueryNotFoundException error)
  ResultsMetadata get_results_metadata(1: QueryHandle handle) throws (1: QueryNotFoundException error)
  string echo(1: string s)
  string dump_config()
  string get_log(1: LogContextId context) throws (1: QueryNotFoundException error)
  list<ConfigVariable> get_default_configuration(1: bool include_hadoop)
  void close(1: QueryHandle handle) throws (1: QueryNotFoundException error, 2: BeeswaxException error2)
  void clean(1: LogContextId log_context)
}
