// impala-ha: the ImpalaHiveServer2Service extensions that a client of Impala's HS2
// port uses, and Impala's Beeswax service (ImpalaService extends BeeswaxService, port
// 21000), with the structures they return (from Impala's ImpalaService.thrift,
// ExecStats.thrift, RuntimeProfile.thrift and Status.thrift). Field ids and enum
// values match Impala's; the external-frontend-only methods are left out.

include "TCLIService.thrift"
include "beeswax.thrift"

namespace js ImpalaService

enum TErrorCode {
  OK = 0,
  UNUSED = 1,
  GENERAL = 2,
  CANCELLED = 3,
  ANALYSIS_ERROR = 4,
  NOT_IMPLEMENTED_ERROR = 5,
  RUNTIME_ERROR = 6,
  MEM_LIMIT_EXCEEDED = 7
}

struct TImpalaStatus {
  1: required TErrorCode status_code
  2: list<string> error_msgs
}

enum TExecState {
  REGISTERED = 0,
  PLANNING = 1,
  QUEUED = 2,
  RUNNING = 3,
  FINISHED = 4,
  CANCELLED = 5,
  FAILED = 6
}

struct TExecStats {
  1: optional i64 latency_ns
  2: optional i64 cpu_time_ns
  3: optional i64 cardinality
  4: optional i64 memory_used
  5: optional bool last_batch_returned
}

struct TPlanNodeExecSummary {
  1: required i32 node_id
  2: required i32 fragment_idx
  3: required string label
  4: optional string label_detail
  5: required i32 num_children
  6: optional TExecStats estimated_stats
  7: optional list<TExecStats> exec_stats
  8: optional bool is_broadcast
  9: optional i32 num_hosts
}

struct TExecProgress {
  1: optional i64 total_scan_ranges
  2: optional i64 num_completed_scan_ranges
  3: optional i64 total_fragment_instances
  4: optional i64 num_completed_fragment_instances
}

struct TExecSummary {
  1: required TExecState state
  2: optional TImpalaStatus status
  3: optional list<TPlanNodeExecSummary> nodes
  4: optional map<i32, i32> exch_to_sender_map
  5: optional list<string> error_logs
  6: optional TExecProgress progress
  7: optional bool is_queued
  8: optional string queued_reason
}

enum TRuntimeProfileFormat {
  STRING = 0,
  BASE64 = 1,
  THRIFT = 2,
  JSON = 3
}

struct TDmlResult {
  1: required map<string, i64> rows_modified
  2: optional i64 num_row_errors
  3: optional map<string, i64> rows_deleted
}

struct TGetExecSummaryReq {
  1: optional TCLIService.TOperationHandle operationHandle
  2: optional TCLIService.TSessionHandle sessionHandle
  3: optional bool include_query_attempts = false
}

struct TGetExecSummaryResp {
  1: required TCLIService.TStatus status
  2: optional TExecSummary summary
  3: optional list<TExecSummary> failed_summaries
}

// Field 3 (thrift_profile) and 5 (failed_thrift_profiles) carry the THRIFT format's
// tree; we only ask for the text formats, so they are not declared and are skipped.
struct TGetRuntimeProfileReq {
  1: optional TCLIService.TOperationHandle operationHandle
  2: optional TCLIService.TSessionHandle sessionHandle
  3: optional TRuntimeProfileFormat format = TRuntimeProfileFormat.STRING
  4: optional bool include_query_attempts = false
}

struct TGetRuntimeProfileResp {
  1: required TCLIService.TStatus status
  2: optional string profile
  4: optional list<string> failed_profiles
}

struct TPingImpalaHS2ServiceReq {
  1: required TCLIService.TSessionHandle sessionHandle
}

struct TPingImpalaHS2ServiceResp {
  1: required TCLIService.TStatus status
  2: optional string version
  3: optional string webserver_address
  4: optional i64 timestamp
}

struct TCloseImpalaOperationReq {
  1: required TCLIService.TOperationHandle operationHandle
}

struct TCloseImpalaOperationResp {
  1: required TCLIService.TStatus status
  2: optional TDmlResult dml_result
}

service ImpalaHiveServer2Service extends TCLIService.TCLIService {
  TGetExecSummaryResp GetExecSummary(1: TGetExecSummaryReq req)
  TGetRuntimeProfileResp GetRuntimeProfile(1: TGetRuntimeProfileReq req)
  TPingImpalaHS2ServiceResp PingImpalaHS2Service(1: TPingImpalaHS2ServiceReq req)
  TCloseImpalaOperationResp CloseImpalaOperation(1: TCloseImpalaOperationReq req)
}

// Beeswax: PingImpalaService's answer.
struct TPingImpalaServiceResp {
  1: string version
  2: string webserver_address
}

// Beeswax: ResetTable's argument (the RPC is deprecated; Impala answers NOT_IMPLEMENTED).
struct TResetTableReq {
  1: required string db_name
  2: required string table_name
}

// Impala's Beeswax front end. TImpalaStatus is Impala's Status.TStatus.
service ImpalaService extends beeswax.BeeswaxService {
  TImpalaStatus Cancel(1: beeswax.QueryHandle query_id) throws (1: beeswax.BeeswaxException error)
  TImpalaStatus ResetCatalog()
  TImpalaStatus ResetTable(1: TResetTableReq request)
  string GetRuntimeProfile(1: beeswax.QueryHandle query_id) throws (1: beeswax.BeeswaxException error)
  TDmlResult CloseInsert(1: beeswax.QueryHandle handle)
      throws (1: beeswax.QueryNotFoundException error, 2: beeswax.BeeswaxException error2)
  TPingImpalaServiceResp PingImpalaService()
  TExecSummary GetExecSummary(1: beeswax.QueryHandle handle)
      throws (1: beeswax.QueryNotFoundException error, 2: beeswax.BeeswaxException error2)
}
