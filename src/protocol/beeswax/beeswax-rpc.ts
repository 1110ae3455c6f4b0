import type { Channel } from '../../connection';
import { ErrorCode, ImpalaError, ProtocolError, ServerError, serverError } from '../../errors';
import * as B from '../../thrift/gen-nodejs/beeswax_types';
import * as I from '../../thrift/gen-nodejs/ImpalaService_types';
import { annotate, type RpcContext } from '../hs2/hs2-rpc';
import { BeeswaxArgs, I32, listOf, requireSuccess, resultClass, STRING, structOf, type BeeswaxArg, type BeeswaxResult } from './beeswax-calls';
import { FetchResult, type FetchedResults } from './fetch-reply';

/**
 * Typed wrappers, one per Beeswax RPC (Impala's `ImpalaService extends
 * BeeswaxService`), over a channel's generic `call`. Every failure Impala reports
 * becomes the same {@link ServerError} HS2 gives for the same text (code from the
 * message via `classifyServerMessage`, SQLSTATE from the exception), carrying the
 * coordinator and the query id when known:
 * - a declared `BeeswaxException`;
 * - a `BeeswaxException` a method does not declare (get_state,
 *   get_results_metadata, get_log, echo...), which Impala's Thrift layer sends as a
 *   TApplicationException whose message embeds it (`TException - service has
 *   thrown: BeeswaxException(message=..., SQLState=...)`);
 * - `QueryNotFoundException` (declared, never sent by Impala) as an invalid handle.
 * Transport errors pass through with the coordinator and query id filled in.
 *
 * @internal
 */

const QueryResult = resultClass(structOf(B.QueryHandle), { beeswax: 1 });
const StateResult = resultClass(I32, { notFound: 1 });
const MetadataResult = resultClass(structOf(B.ResultsMetadata), { notFound: 1 });
const CloseResult = resultClass<void>(undefined, { notFound: 1, beeswax: 2 });
const LogResult = resultClass(STRING, { notFound: 1 });
const StringResult = resultClass(STRING);
const ConfigResult = resultClass(listOf(B.ConfigVariable));
const CancelResult = resultClass(structOf(I.TImpalaStatus), { beeswax: 1 });
const StatusResult = resultClass(structOf(I.TImpalaStatus));
const ProfileResult = resultClass(STRING, { beeswax: 1 });
const InsertResult = resultClass(structOf(I.TDmlResult), { notFound: 1, beeswax: 2 });
const PingResult = resultClass(structOf(I.TPingImpalaServiceResp));
const SummaryResult = resultClass(structOf(I.TExecSummary), { notFound: 1, beeswax: 2 });

/** `QueryState` values (beeswax.thrift). */
export const QueryState = B.QueryState;

const EMBEDDED = /BeeswaxException\(message=/;

/** The ServerError for a BeeswaxException's message and SQLSTATE (`"     "` = none). */
export function beeswaxError(message: string, sqlState: string | undefined, ctx: RpcContext, coordinator: string): ServerError {
  const state = sqlState?.trim() ? sqlState.trim() : undefined;
  return serverError(message, { coordinator, queryId: ctx.queryId, sqlState: state });
}

/**
 * Reads a BeeswaxException out of a TApplicationException's text (Thrift's C++
 * `what()`: `BeeswaxException(message=<m>, log_context=<c>, handle=..., errorCode=..,
 * SQLState=<s>)`). Undefined when the text is not one.
 */
export function embeddedBeeswaxException(text: string): { message: string; sqlState: string | undefined } | undefined {
  const m = EMBEDDED.exec(text);
  if (!m) return undefined;
  const body = text.slice(m.index + m[0].length);
  // The message comes first and may itself contain anything, so the fields after it
  // are found from the end (the handle has a log_context of its own).
  const handle = body.lastIndexOf(', handle=QueryHandle(');
  const cut = body.lastIndexOf(', log_context=', handle >= 0 ? handle : undefined);
  const message = cut >= 0 ? body.slice(0, cut) : body;
  const at = body.lastIndexOf(', SQLState=');
  const end = at >= 0 ? body.indexOf(')', at) : -1;
  const state = end >= 0 ? body.slice(at + ', SQLState='.length, end) : undefined;
  return { message, sqlState: state === '<null>' || state === '' ? undefined : state };
}

async function call<T>(
  channel: Channel,
  method: string,
  args: readonly BeeswaxArg[],
  Result: new () => BeeswaxResult<T> | FetchResult,
  ctx: RpcContext,
): Promise<BeeswaxResult<T> | FetchResult> {
  const coordinator = ctx.coordinator ?? channel.address;
  let result: BeeswaxResult<T> | FetchResult;
  try {
    result = await channel.call(method, new BeeswaxArgs(method, args), Result, ctx.timeoutMs === undefined ? {} : { timeoutMs: ctx.timeoutMs });
  } catch (err) {
    if (err instanceof ImpalaError && err.code === ErrorCode.THRIFT_APPLICATION) {
      const embedded = embeddedBeeswaxException(err.message);
      if (embedded) throw beeswaxError(embedded.message, embedded.sqlState, ctx, coordinator);
    }
    throw annotate(err, coordinator, ctx.queryId);
  }
  if (result.error) throw beeswaxError(result.error.message ?? '', result.error.SQLState ?? undefined, ctx, coordinator);
  if (result.notFound) {
    const id = ctx.queryId ?? 'the query';
    throw new ServerError(ErrorCode.INVALID_HANDLE, `${coordinator} does not know ${id} (QueryNotFoundException)`, '', false, { coordinator, queryId: ctx.queryId });
  }
  return result;
}

function handleArg(id: number, queryId: string): BeeswaxArg {
  return { id, type: 'struct', value: new B.QueryHandle({ id: queryId, log_context: queryId }) };
}

/** `query`: submits a statement; Impala plans it inside the call. */
export async function query(channel: Channel, q: B.Query, ctx: RpcContext = {}): Promise<B.QueryHandle> {
  const r = (await call(channel, 'query', [{ id: 1, type: 'struct', value: q }], QueryResult, ctx)) as BeeswaxResult<B.QueryHandle>;
  return requireSuccess(r, 'query', ctx.coordinator ?? channel.address);
}

/** `get_state`: the query's QueryState. */
export async function getState(channel: Channel, queryId: string, ctx: RpcContext = {}): Promise<number> {
  const r = (await call(channel, 'get_state', [handleArg(1, queryId)], StateResult, { ...ctx, queryId })) as BeeswaxResult<number>;
  return requireSuccess(r, 'get_state', ctx.coordinator ?? channel.address);
}

/** `get_results_metadata`: column names and Beeswax type strings. */
export async function getResultsMetadata(channel: Channel, queryId: string, ctx: RpcContext = {}): Promise<B.ResultsMetadata> {
  const r = (await call(channel, 'get_results_metadata', [handleArg(1, queryId)], MetadataResult, { ...ctx, queryId })) as BeeswaxResult<B.ResultsMetadata>;
  return requireSuccess(r, 'get_results_metadata', ctx.coordinator ?? channel.address);
}

/** `fetch` (never `start_over`): the next batch, or `ready: false` when rows were not ready in time. */
export async function fetch(channel: Channel, queryId: string, fetchSize: number, ctx: RpcContext = {}): Promise<FetchedResults> {
  const args: BeeswaxArg[] = [handleArg(1, queryId), { id: 2, type: 'bool', value: false }, { id: 3, type: 'i32', value: fetchSize }];
  const r = (await call(channel, 'fetch', args, FetchResult, { ...ctx, queryId })) as FetchResult;
  if (!r.hasSuccess || !r.success) throw new ProtocolError(`${ctx.coordinator ?? channel.address} sent an empty result for fetch`, { coordinator: ctx.coordinator ?? channel.address, queryId });
  return r.success;
}

/** `close`: unregisters the query (any DML counts are discarded). */
export async function close(channel: Channel, queryId: string, ctx: RpcContext = {}): Promise<void> {
  await call(channel, 'close', [handleArg(1, queryId)], CloseResult, { ...ctx, queryId });
}

/** `CloseInsert`: unregisters the query and returns its DML counts (empty for other statements). */
export async function closeInsert(channel: Channel, queryId: string, ctx: RpcContext = {}): Promise<I.TDmlResult> {
  const r = (await call(channel, 'CloseInsert', [handleArg(1, queryId)], InsertResult, { ...ctx, queryId })) as BeeswaxResult<I.TDmlResult>;
  return requireSuccess(r, 'CloseInsert', ctx.coordinator ?? channel.address);
}

/** `Cancel`: allowed from any connection to the coordinator; a non-OK status is an error. */
export async function cancel(channel: Channel, queryId: string, ctx: RpcContext = {}): Promise<void> {
  const r = (await call(channel, 'Cancel', [handleArg(1, queryId)], CancelResult, { ...ctx, queryId })) as BeeswaxResult<I.TImpalaStatus>;
  checkImpalaStatus(requireSuccess(r, 'Cancel', ctx.coordinator ?? channel.address), ctx, ctx.coordinator ?? channel.address, queryId);
}

/** `get_log`: the query's error and warning text. */
export async function getLog(channel: Channel, queryId: string, ctx: RpcContext = {}): Promise<string> {
  const r = (await call(channel, 'get_log', [{ id: 1, type: 'string', value: queryId }], LogResult, { ...ctx, queryId })) as BeeswaxResult<string>;
  return requireSuccess(r, 'get_log', ctx.coordinator ?? channel.address);
}

/** `PingImpalaService`: version and web UI address. */
export async function pingImpalaService(channel: Channel, ctx: RpcContext = {}): Promise<I.TPingImpalaServiceResp> {
  const r = (await call(channel, 'PingImpalaService', [], PingResult, ctx)) as BeeswaxResult<I.TPingImpalaServiceResp>;
  return requireSuccess(r, 'PingImpalaService', ctx.coordinator ?? channel.address);
}

/** `GetRuntimeProfile` (text form). */
export async function getRuntimeProfile(channel: Channel, queryId: string, ctx: RpcContext = {}): Promise<string> {
  const r = (await call(channel, 'GetRuntimeProfile', [handleArg(1, queryId)], ProfileResult, { ...ctx, queryId })) as BeeswaxResult<string>;
  return requireSuccess(r, 'GetRuntimeProfile', ctx.coordinator ?? channel.address);
}

/** `GetExecSummary`. */
export async function getExecSummary(channel: Channel, queryId: string, ctx: RpcContext = {}): Promise<I.TExecSummary> {
  const r = (await call(channel, 'GetExecSummary', [handleArg(1, queryId)], SummaryResult, { ...ctx, queryId })) as BeeswaxResult<I.TExecSummary>;
  return requireSuccess(r, 'GetExecSummary', ctx.coordinator ?? channel.address);
}

/** `echo`: returns its argument (Impala checks the connection's session first). */
export async function echo(channel: Channel, text: string, ctx: RpcContext = {}): Promise<string> {
  const r = (await call(channel, 'echo', [{ id: 1, type: 'string', value: text }], StringResult, ctx)) as BeeswaxResult<string>;
  return requireSuccess(r, 'echo', ctx.coordinator ?? channel.address);
}

/** `dump_config`: always `''` on Impala. */
export async function dumpConfig(channel: Channel, ctx: RpcContext = {}): Promise<string> {
  const r = (await call(channel, 'dump_config', [], StringResult, ctx)) as BeeswaxResult<string>;
  return requireSuccess(r, 'dump_config', ctx.coordinator ?? channel.address);
}

/** `get_default_configuration`: every query option with its default and level. */
export async function getDefaultConfiguration(channel: Channel, includeHadoop = false, ctx: RpcContext = {}): Promise<B.ConfigVariable[]> {
  const r = (await call(channel, 'get_default_configuration', [{ id: 1, type: 'bool', value: includeHadoop }], ConfigResult, ctx)) as BeeswaxResult<B.ConfigVariable[]>;
  return requireSuccess(r, 'get_default_configuration', ctx.coordinator ?? channel.address);
}

/** `ResetCatalog` / `ResetTable`: deprecated; Impala answers NOT_IMPLEMENTED. Returns the status as sent. */
export async function resetCatalog(channel: Channel, ctx: RpcContext = {}): Promise<I.TImpalaStatus> {
  const r = (await call(channel, 'ResetCatalog', [], StatusResult, ctx)) as BeeswaxResult<I.TImpalaStatus>;
  return requireSuccess(r, 'ResetCatalog', ctx.coordinator ?? channel.address);
}

/** @throws the {@link ServerError} an Impala `Status.TStatus` other than OK describes. */
export function checkImpalaStatus(status: I.TImpalaStatus, ctx: RpcContext, coordinator: string, queryId?: string): void {
  if (status.status_code === I.TErrorCode.OK) return;
  const text = (status.error_msgs ?? []).join('\n') || `status code ${status.status_code}`;
  throw serverError(text, { coordinator, queryId: queryId ?? ctx.queryId });
}
