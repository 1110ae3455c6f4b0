import type { CallOptions, ThriftReadable, ThriftRequest, ThriftResponseClass } from '../../connection';
import { ErrorCode, ImpalaError, ProtocolError, ServerError, serverError } from '../../errors';
import * as I from '../../thrift/gen-nodejs/ImpalaService_types';
import * as T from '../../thrift/gen-nodejs/TCLIService_types';
import { FetchResultsReply } from './fetch-results-reply';
import { guidToQueryId } from './query-id';

/**
 * Typed wrappers, one per HS2 RPC, over a connection's generic `call`. Each checks the
 * reply's TStatus: ERROR_STATUS and INVALID_HANDLE_STATUS become a {@link ServerError}
 * (code from Impala's message text, see `classifyServerMessage`) carrying the
 * coordinator, the query id when known and the SQLSTATE; SUCCESS_WITH_INFO and
 * STILL_EXECUTING are not errors. Transport errors (connection lost, RPC timeout, a
 * TApplicationException for an unknown method) pass through as they are, with the
 * coordinator and query id filled in.
 */

/** What the wrappers need from a connection; `Connection` provides it. */
export interface RpcChannel {
  /** `host:port` (or label) of the coordinator, used on errors. */
  readonly address: string;
  call<R extends ThriftReadable>(method: string, req: ThriftRequest, Resp: ThriftResponseClass<R>, opts?: CallOptions): Promise<R>;
}

/** Facts put on errors, and the call's time bound. */
export interface RpcContext {
  /** Coordinator to name on errors. Default: the channel's address. */
  coordinator?: string | undefined;
  /** Query id to put on errors, for operation RPCs. */
  queryId?: string | undefined;
  /** Bound on this RPC in ms. Default: the connection's `rpcTimeoutMs`. */
  timeoutMs?: number | undefined;
  /** Send without waiting for the replies of earlier calls (`CallOptions.pipeline`). Default false. */
  pipeline?: boolean | undefined;
  /** Resending is harmless (`CallOptions.idempotent`), e.g. closing a query that has no DML counts. Default: by method. */
  idempotent?: boolean | undefined;
}

interface WithStatus {
  status: T.TStatus;
}

// The generated .d.ts declares fields only; the classes do have read()/write().
async function rpc<R extends WithStatus>(channel: RpcChannel, method: string, req: object, Resp: new () => R, ctx: RpcContext = {}): Promise<R> {
  const coordinator = ctx.coordinator ?? channel.address;
  let resp: R;
  try {
    resp = (await channel.call(
      method,
      req as unknown as ThriftRequest,
      Resp as unknown as ThriftResponseClass<ThriftReadable>,
      callOptions(channel, req, ctx),
    )) as unknown as R;
  } catch (err) {
    throw annotate(err, coordinator, ctx.queryId);
  }
  checkStatus(resp.status, method, coordinator, ctx.queryId);
  return resp;
}

function callOptions(channel: RpcChannel, req: object, ctx: RpcContext): CallOptions {
  const opts: CallOptions = {};
  if (ctx.timeoutMs !== undefined) opts.timeoutMs = ctx.timeoutMs;
  if (ctx.pipeline === true) opts.pipeline = true;
  if (ctx.idempotent !== undefined) opts.idempotent = ctx.idempotent;
  // Only the HTTP wire sends tracing headers: the binary one would format ids for nothing.
  if ((channel as { transport?: string }).transport === 'http') opts.trace = traceIds(req, ctx.queryId);
  return opts;
}

/** Session and query ids of a request, for the HTTP tracing headers. */
function traceIds(req: object, queryId: string | undefined): { sessionId?: string; queryId?: string } {
  const r = req as { sessionHandle?: T.TSessionHandle | null; operationHandle?: T.TOperationHandle | null };
  const printed = (guid: Buffer | undefined): string | undefined => (guid?.length === 16 ? guidToQueryId(guid) : undefined);
  const sessionId = printed(r.sessionHandle?.sessionId?.guid);
  const query = queryId ?? printed(r.operationHandle?.operationId?.guid);
  return { ...(sessionId ? { sessionId } : {}), ...(query ? { queryId: query } : {}) };
}

/** Fills in the coordinator and query id on an ImpalaError that lacks them. */
export function annotate(err: unknown, coordinator: string | undefined, queryId: string | undefined): unknown {
  if (err instanceof ImpalaError) {
    err.coordinator ??= coordinator;
    err.queryId ??= queryId;
  }
  return err;
}

/**
 * Throws the error a TStatus describes, if any.
 *
 * @throws {@link ServerError} for ERROR_STATUS / INVALID_HANDLE_STATUS;
 * {@link ProtocolError} when the reply has no status.
 */
export function checkStatus(status: T.TStatus | null | undefined, method: string, coordinator: string | undefined, queryId?: string): void {
  if (!status) throw new ProtocolError(`${coordinator ?? 'the server'} answered ${method} without a status`, { coordinator, queryId });
  const code = status.statusCode;
  if (code !== T.TStatusCode.ERROR_STATUS && code !== T.TStatusCode.INVALID_HANDLE_STATUS) return;
  const message = status.errorMessage ?? '';
  const details = { coordinator, queryId, sqlState: status.sqlState ?? undefined };
  const err = serverError(message, details);
  // Impala itself never uses INVALID_HANDLE_STATUS; other HS2 servers may, with any text.
  if (code === T.TStatusCode.INVALID_HANDLE_STATUS && err.code === ErrorCode.SERVER) {
    throw new ServerError(ErrorCode.INVALID_HANDLE, err.detail || `${method}: invalid handle`, message, false, { ...details, queryId: err.queryId });
  }
  throw err;
}

/** OpenSession. */
export function openSession(channel: RpcChannel, req: T.TOpenSessionReq, ctx?: RpcContext): Promise<T.TOpenSessionResp> {
  return rpc(channel, 'OpenSession', req, T.TOpenSessionResp, ctx);
}

/** CloseSession. */
export function closeSession(channel: RpcChannel, req: T.TCloseSessionReq, ctx?: RpcContext): Promise<T.TCloseSessionResp> {
  return rpc(channel, 'CloseSession', req, T.TCloseSessionResp, ctx);
}

/** GetInfo. */
export function getInfo(channel: RpcChannel, req: T.TGetInfoReq, ctx?: RpcContext): Promise<T.TGetInfoResp> {
  return rpc(channel, 'GetInfo', req, T.TGetInfoResp, ctx);
}

/** ExecuteStatement. Analysis errors come back here, before any operation exists. */
export function executeStatement(channel: RpcChannel, req: T.TExecuteStatementReq, ctx?: RpcContext): Promise<T.TExecuteStatementResp> {
  return rpc(channel, 'ExecuteStatement', req, T.TExecuteStatementResp, ctx);
}

/**
 * GetOperationStatus. An operation in ERROR_STATE with a SUCCESS status is returned,
 * not thrown: the caller reads `errorMessage`. An unknown handle (ERROR_STATUS) throws.
 */
export function getOperationStatus(channel: RpcChannel, req: T.TGetOperationStatusReq, ctx?: RpcContext): Promise<T.TGetOperationStatusResp> {
  return rpc(channel, 'GetOperationStatus', req, T.TGetOperationStatusResp, ctx);
}

/** GetResultSetMetadata. */
export function getResultSetMetadata(channel: RpcChannel, req: T.TGetResultSetMetadataReq, ctx?: RpcContext): Promise<T.TGetResultSetMetadataResp> {
  return rpc(channel, 'GetResultSetMetadata', req, T.TGetResultSetMetadataResp, ctx);
}

/**
 * FetchResults. A STILL_EXECUTING_STATUS reply (no rows yet) is returned, not thrown.
 * The rows come as a `RawRowSet` read straight from the reply's bytes (see
 * `FetchResultsReply`); decode them with `RowDecoder`.
 */
export function fetchResults(channel: RpcChannel, req: T.TFetchResultsReq, ctx?: RpcContext): Promise<FetchResultsReply> {
  return rpc(channel, 'FetchResults', req, FetchResultsReply, ctx);
}

/** CancelOperation. Allowed from any connection to the coordinator that owns the handle. */
export function cancelOperation(channel: RpcChannel, req: T.TCancelOperationReq, ctx?: RpcContext): Promise<T.TCancelOperationResp> {
  return rpc(channel, 'CancelOperation', req, T.TCancelOperationResp, ctx);
}

/** CloseOperation (plain HS2; no DML counts). */
export function closeOperation(channel: RpcChannel, req: T.TCloseOperationReq, ctx?: RpcContext): Promise<T.TCloseOperationResp> {
  return rpc(channel, 'CloseOperation', req, T.TCloseOperationResp, ctx);
}

/** CloseImpalaOperation: closes and, for DML, returns the row counts. */
export function closeImpalaOperation(channel: RpcChannel, req: I.TCloseImpalaOperationReq, ctx?: RpcContext): Promise<I.TCloseImpalaOperationResp> {
  return rpc(channel, 'CloseImpalaOperation', req, I.TCloseImpalaOperationResp, ctx);
}

/** GetLog: progress, warnings and errors of an operation as text. */
export function getLog(channel: RpcChannel, req: T.TGetLogReq, ctx?: RpcContext): Promise<T.TGetLogResp> {
  return rpc(channel, 'GetLog', req, T.TGetLogResp, ctx);
}

/** PingImpalaHS2Service: cheap liveness check that also validates the session. */
export function pingImpalaHS2Service(channel: RpcChannel, req: I.TPingImpalaHS2ServiceReq, ctx?: RpcContext): Promise<I.TPingImpalaHS2ServiceResp> {
  return rpc(channel, 'PingImpalaHS2Service', req, I.TPingImpalaHS2ServiceResp, ctx);
}

/** GetRuntimeProfile (needs both the session and the operation handle). */
export function getRuntimeProfile(channel: RpcChannel, req: I.TGetRuntimeProfileReq, ctx?: RpcContext): Promise<I.TGetRuntimeProfileResp> {
  return rpc(channel, 'GetRuntimeProfile', req, I.TGetRuntimeProfileResp, ctx);
}

/** GetExecSummary (needs both the session and the operation handle). */
export function getExecSummary(channel: RpcChannel, req: I.TGetExecSummaryReq, ctx?: RpcContext): Promise<I.TGetExecSummaryResp> {
  return rpc(channel, 'GetExecSummary', req, I.TGetExecSummaryResp, ctx);
}
