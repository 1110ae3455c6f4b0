import { performance } from 'node:perf_hooks';
import * as I from '../../thrift/gen-nodejs/ImpalaService_types';
import * as T from '../../thrift/gen-nodejs/TCLIService_types';
import { SimSqlError } from '../engine/types';
import type { CallerContext, CoordinatorService } from './coordinator-service';
import { newQueryGuid, printId } from './handle-ids';
import { encodeFetchResultsResp } from './fetch-reply-encoder';
import { fetchResults, toFetchResultsResp } from './fetch-results';
import { invalidHandleText, queryFailedText, UNSUPPORTED_TEXT } from './impala-messages';
import { getColumns, getSchemas, getTables, type MetadataResult } from './metadata-operations';
import { EngineStatementRunner, StaticResultRunner } from './operation-runners';
import { execSummary, operationLog, runtimeProfile } from './query-profile';
import { int64, toTableSchema } from './row-set';
import type { SimSession } from './session-registry';
import { PHASE_STATE, SimOperation } from './sim-operation';
import { errorStatus, okStatus, StatusFailure } from './status';
import { webserverPort } from './webserver-port';

const V6 = T.TProtocolVersion.HIVE_CLI_SERVICE_PROTOCOL_V6;
/** confOverlay keys Impala accepts besides query options (protocol reference §2.6). */
const SPECIAL_OVERLAY_KEYS = new Set(['IMPALA.RESULTSET.CACHE.SIZE', 'IMPALA.PARENT_QUERY_ID']);

/**
 * The ImpalaHiveServer2Service handler for one accepted connection. Methods take
 * exactly one argument and return promises, which is the calling convention of the
 * generated Processor. Every failure Impala reports in a TStatus is returned the same
 * way here; only a bug escapes as a Thrift exception.
 *
 * @internal
 */
export class Hs2Handler {
  readonly #service: CoordinatorService;
  readonly #caller: CallerContext;

  constructor(service: CoordinatorService, caller: CallerContext) {
    this.#service = service;
    this.#caller = caller;
  }

  async OpenSession(req: T.TOpenSessionReq): Promise<T.TOpenSessionResp> {
    return guard((status) => new T.TOpenSessionResp({ status, serverProtocolVersion: V6 }), async () => {
      const svc = this.#service;
      svc.assertAcceptingWork();
      const protocol = Math.min(req.client_protocol ?? V6, V6);
      const defaults = svc.engine.defaultQueryOptions;
      let database = 'default';
      let delegate = this.#caller.doAs;
      const options: Record<string, string> = {};
      for (const [key, value] of Object.entries(req.configuration ?? {})) {
        const lower = key.toLowerCase();
        if (lower === 'use:database') {
          if (value !== '') database = value.toLowerCase();
          continue;
        }
        if (lower === 'impala.doas.user') {
          if (this.#caller.doAs !== undefined) throw new StatusFailure("Cannot set 'impala.doas.user' configuration property when 'doAs' query parameter is set.\n");
          if (value === '') throw new StatusFailure('Unable to delegate using empty doAs username.\n');
          delegate = value;
          continue;
        }
        // Hive JDBC's `set:hiveconf:` prefix is stripped; hivevars and other keys that are
        // not query options are ignored silently, as Impala does (§2.5).
        const name = (lower.startsWith('set:hiveconf:') ? key.slice('set:hiveconf:'.length) : key).toUpperCase();
        if (Object.hasOwn(defaults, name) && value !== '') options[name] = value;
      }
      // Thrift reads an unset username as null.
      const connected = this.#caller.user ?? (typeof req.username === 'string' && req.username !== '' ? req.username : 'anonymous');
      // The simulator lets every user delegate (Impala needs --authorized_proxy_user_config).
      const session = svc.sessions.open(this.#caller.id, protocol, { database, options, user: delegate ?? connected });
      session.connectedUser = connected;
      svc.changed();
      const { host, port } = svc.settings;
      return new T.TOpenSessionResp({
        status: okStatus(),
        serverProtocolVersion: protocol,
        sessionHandle: sessionHandle(session),
        configuration: { ...defaults, ...options, http_addr: `${host}:${webserverPort(port)}` },
      });
    });
  }

  async CloseSession(req: T.TCloseSessionReq): Promise<T.TCloseSessionResp> {
    return guard((status) => new T.TCloseSessionResp({ status }), async () => {
      await this.#service.closeSession(this.#session(req.sessionHandle));
      return new T.TCloseSessionResp({ status: okStatus() });
    });
  }

  async GetInfo(req: T.TGetInfoReq): Promise<T.TGetInfoResp> {
    return guard((status) => new T.TGetInfoResp({ status, infoValue: new T.TGetInfoValue({ stringValue: '' }) }), async () => {
      this.#service.assertAcceptingWork();
      this.#session(req.sessionHandle);
      switch (req.infoType) {
        case T.TGetInfoType.CLI_SERVER_NAME:
        case T.TGetInfoType.CLI_DBMS_NAME:
          return new T.TGetInfoResp({ status: okStatus(), infoValue: new T.TGetInfoValue({ stringValue: 'Impala' }) });
        case T.TGetInfoType.CLI_DBMS_VER:
          return new T.TGetInfoResp({ status: okStatus(), infoValue: new T.TGetInfoValue({ stringValue: this.#service.settings.version }) });
        default:
          throw new StatusFailure(UNSUPPORTED_TEXT, 'HYC00');
      }
    });
  }

  async ExecuteStatement(req: T.TExecuteStatementReq): Promise<T.TExecuteStatementResp> {
    return guard((status) => new T.TExecuteStatementResp({ status }), async () => {
      const svc = this.#service;
      svc.assertAcceptingWork();
      const session = this.#session(req.sessionHandle);
      const overlay = this.#overlay(req.confOverlay);
      const guid = newQueryGuid();
      const queryId = printId(guid);
      const sql = req.statement ?? '';
      let plan;
      try {
        plan = await svc.engine.plan(sql, {
          coordinator: svc.settings.index,
          session: { ...session.state, options: { ...session.state.options } },
          overlay,
        });
      } catch (err) {
        if (!isSqlFailure(err)) throw err;
        throw new StatusFailure(queryFailedText(queryId, err.message, svc.settings.errorWrapper), err.sqlState);
      }
      const op = new SimOperation(
        {
          session,
          operationType: T.TOperationType.EXECUTE_STATEMENT,
          sql,
          kind: plan.kind,
          hasResultSet: plan.hasResultSet,
          columns: plan.columns,
          admitted: plan.kind === 'query' || plan.kind === 'dml',
          runner: new EngineStatementRunner(svc.engine, plan.id, { sql, sessionId: session.id, queryId, user: session.state.user }),
          sessionChanges: plan.sessionChanges,
        },
        svc.admission,
        () => svc.changed(),
        guid,
      );
      if (svc.disposed) {
        await op.close();
        throw new StatusFailure(invalidHandleText(queryId));
      }
      if (svc.sessions.get(session.key) !== session) {
        // Closed (or expired) by another connection while the statement was planned.
        await op.close();
        throw new StatusFailure(queryFailedText(queryId, 'Session closed', svc.settings.errorWrapper));
      }
      svc.register(op);
      // Impala runs SET and USE inside ExecuteStatement: the next statement sees them even without polling.
      if (plan.kind === 'set' || plan.kind === 'use') op.applySessionChanges();
      op.start();
      return new T.TExecuteStatementResp({ status: okStatus(), operationHandle: operationHandle(op) });
    });
  }

  async GetSchemas(req: T.TGetSchemasReq): Promise<T.TGetSchemasResp> {
    return this.#metadata(req.sessionHandle, 'GetSchemas', T.TOperationType.GET_SCHEMAS, (s) =>
      getSchemas(this.#service.engine, this.#service.settings.index, s.state, req.schemaName),
    );
  }

  async GetTables(req: T.TGetTablesReq): Promise<T.TGetTablesResp> {
    return this.#metadata(req.sessionHandle, 'GetTables', T.TOperationType.GET_TABLES, (s) =>
      getTables(this.#service.engine, this.#service.settings.index, s.state, req.schemaName, req.tableName),
    );
  }

  async GetColumns(req: T.TGetColumnsReq): Promise<T.TGetColumnsResp> {
    return this.#metadata(req.sessionHandle, 'GetColumns', T.TOperationType.GET_COLUMNS, (s) =>
      getColumns(this.#service.engine, this.#service.settings.index, s.state, req.schemaName, req.tableName, req.columnName),
    );
  }

  async GetOperationStatus(req: T.TGetOperationStatusReq): Promise<T.TGetOperationStatusResp> {
    const guid = req.operationHandle?.operationId?.guid;
    // Impala's legacy shortcut: an empty guid reads as a finished operation (§2.4).
    if (guid != null && guid.length === 0) {
      return new T.TGetOperationStatusResp({ status: okStatus(), operationState: T.TOperationState.FINISHED_STATE });
    }
    return guard((status) => new T.TGetOperationStatusResp({ status, operationState: T.TOperationState.ERROR_STATE }), async () => {
      const op = this.#operation(req.operationHandle);
      const resp = new T.TGetOperationStatusResp({ status: okStatus(), operationState: PHASE_STATE[op.phase] });
      if (op.phase === 'ERROR' && op.error !== undefined) {
        resp.errorMessage = queryFailedText(op.queryId, op.error.detail, this.#service.settings.errorWrapper);
        resp.sqlState = op.error.sqlState;
      }
      return resp;
    });
  }

  async CancelOperation(req: T.TCancelOperationReq): Promise<T.TCancelOperationResp> {
    return guard((status) => new T.TCancelOperationResp({ status }), async () => {
      await this.#operation(req.operationHandle).cancel();
      this.#service.changed();
      return new T.TCancelOperationResp({ status: okStatus() });
    });
  }

  async CloseOperation(req: T.TCloseOperationReq): Promise<T.TCloseOperationResp> {
    return guard((status) => new T.TCloseOperationResp({ status }), async () => {
      await this.#service.unregister(this.#operation(req.operationHandle));
      return new T.TCloseOperationResp({ status: okStatus() });
    });
  }

  async CloseImpalaOperation(req: I.TCloseImpalaOperationReq): Promise<I.TCloseImpalaOperationResp> {
    return guard((status) => new I.TCloseImpalaOperationResp({ status }), async () => {
      const op = this.#operation(req.operationHandle);
      await this.#service.unregister(op);
      const resp = new I.TCloseImpalaOperationResp({ status: okStatus() });
      // Impala keys rows_modified by partition; '' is an unpartitioned table (§2.11).
      if (op.spec.kind === 'dml') resp.dml_result = new I.TDmlResult({ rows_modified: { '': int64(op.rowsModified ?? 0n) } });
      return resp;
    });
  }

  async GetResultSetMetadata(req: T.TGetResultSetMetadataReq): Promise<T.TGetResultSetMetadataResp> {
    return guard((status) => new T.TGetResultSetMetadataResp({ status }), async () => {
      const op = this.#operation(req.operationHandle);
      const resp = new T.TGetResultSetMetadataResp({ status: okStatus() });
      if (op.spec.hasResultSet) resp.schema = toTableSchema(op.spec.columns);
      return resp;
    });
  }

  async FetchResults(req: T.TFetchResultsReq): Promise<T.TFetchResultsResp> {
    // Without `encode` the reply is always a response object.
    return (await this.fetchResultsReply(req)) as T.TFetchResultsResp;
  }

  /**
   * FetchResults for {@link SimProcessor}: a batch of rows comes back already encoded
   * as the TFetchResultsResp struct's bytes, anything else as a response object.
   */
  async fetchResultsReply(req: T.TFetchResultsReq, encode = false): Promise<T.TFetchResultsResp | Buffer> {
    return guard<T.TFetchResultsResp | Buffer>((status) => new T.TFetchResultsResp({ status }), async () => {
      const op = this.#operation(req.operationHandle);
      const orientation = req.orientation ?? T.TFetchOrientation.FETCH_NEXT;
      if (orientation !== T.TFetchOrientation.FETCH_NEXT && orientation !== T.TFetchOrientation.FETCH_FIRST) {
        throw new StatusFailure(UNSUPPORTED_TEXT, 'HYC00');
      }
      const outcome = await op.serialize(() => fetchResults(this.#service, op, orientation === T.TFetchOrientation.FETCH_FIRST, Number(req.maxRows ?? 0)));
      if (encode && 'batch' in outcome) return encodeFetchResultsResp(outcome.batch, outcome.startRowOffset, outcome.hasMoreRows);
      return toFetchResultsResp(outcome);
    });
  }

  async GetLog(req: T.TGetLogReq): Promise<T.TGetLogResp> {
    return guard((status) => new T.TGetLogResp({ status, log: '' }), async () => {
      const op = this.#operation(req.operationHandle);
      return new T.TGetLogResp({ status: okStatus(), log: operationLog(op) });
    });
  }

  async GetRuntimeProfile(req: I.TGetRuntimeProfileReq): Promise<I.TGetRuntimeProfileResp> {
    return guard((status) => new I.TGetRuntimeProfileResp({ status }), async () => {
      const op = this.#service.findQuery(req.operationHandle, this.#session(req.sessionHandle));
      const { host, port, version } = this.#service.settings;
      return new I.TGetRuntimeProfileResp({ status: okStatus(), profile: runtimeProfile(op, `${host}:${port}`, pingVersion(version)) });
    });
  }

  async GetExecSummary(req: I.TGetExecSummaryReq): Promise<I.TGetExecSummaryResp> {
    return guard((status) => new I.TGetExecSummaryResp({ status }), async () => {
      const op = this.#service.findQuery(req.operationHandle, this.#session(req.sessionHandle));
      return new I.TGetExecSummaryResp({ status: okStatus(), summary: execSummary(op) });
    });
  }

  async PingImpalaHS2Service(req: I.TPingImpalaHS2ServiceReq): Promise<I.TPingImpalaHS2ServiceResp> {
    return guard((status) => new I.TPingImpalaHS2ServiceResp({ status }), async () => {
      // Not refused during shutdown: impala-shell uses it as its liveness probe (§2.15).
      this.#session(req.sessionHandle);
      const { host, port, version } = this.#service.settings;
      return new I.TPingImpalaHS2ServiceResp({
        status: okStatus(),
        version: pingVersion(version),
        webserver_address: `http://${host}:${webserverPort(port)}`,
        timestamp: int64(BigInt(Math.round(performance.now()))),
      });
    });
  }

  #session(handle: T.TSessionHandle | undefined): SimSession {
    const session = this.#service.sessions.resolve(handle, this.#caller.id);
    const user = this.#caller.user;
    if (user !== undefined && user !== session.connectedUser) {
      throw new StatusFailure(`The user authorized on the connection '${user}' does not match the session username '${session.connectedUser}'\n`);
    }
    return session;
  }

  #operation(handle: T.TOperationHandle | undefined): SimOperation {
    const op = this.#service.resolveOperation(handle);
    this.#service.sessions.link(op.spec.session, this.#caller.id);
    return op;
  }

  #overlay(conf: Record<string, string> | undefined): Record<string, string> {
    const out: Record<string, string> = {};
    const defaults = this.#service.engine.defaultQueryOptions;
    for (const [key, value] of Object.entries(conf ?? {})) {
      const name = key.toUpperCase();
      if (SPECIAL_OVERLAY_KEYS.has(name)) continue;
      // Unlike OpenSession, ExecuteStatement refuses unknown options (§2.6).
      if (!Object.hasOwn(defaults, name)) throw new StatusFailure(`Invalid query option: ${key}\n`);
      out[name] = value;
    }
    return out;
  }

  async #metadata(
    handle: T.TSessionHandle | undefined,
    rpc: string,
    type: T.TOperationType,
    build: (session: SimSession) => MetadataResult,
  ): Promise<T.TGetSchemasResp> {
    return guard((status) => new T.TGetSchemasResp({ status }), async () => {
      const svc = this.#service;
      svc.assertAcceptingWork();
      const session = this.#session(handle);
      const result = build(session);
      const op = new SimOperation(
        { session, operationType: type, sql: rpc, kind: 'metadata', hasResultSet: true, columns: result.columns, admitted: false, runner: new StaticResultRunner(result.produce) },
        svc.admission,
        () => svc.changed(),
      );
      svc.register(op);
      op.start();
      return new T.TGetSchemasResp({ status: okStatus(), operationHandle: operationHandle(op) });
    });
  }
}

/** Runs an RPC body; a {@link StatusFailure} becomes the response's ERROR_STATUS. */
async function guard<R>(fail: (status: T.TStatus) => R, body: () => Promise<R>): Promise<R> {
  try {
    return await body();
  } catch (err) {
    if (err instanceof StatusFailure) return fail(errorStatus(err.message, err.sqlState));
    throw err;
  }
}

function sessionHandle(session: SimSession): T.TSessionHandle {
  return new T.TSessionHandle({ sessionId: new T.THandleIdentifier({ guid: session.guid, secret: session.secret }) });
}

function operationHandle(op: SimOperation): T.TOperationHandle {
  return new T.TOperationHandle({
    operationId: new T.THandleIdentifier({ guid: op.guid, secret: op.spec.session.secret }),
    operationType: op.spec.operationType,
    hasResultSet: op.spec.hasResultSet,
  });
}

/** Ping's compact version string, e.g. `impalad version 4.5.0 RELEASE (build ...)`. */
function pingVersion(version: string): string {
  return `impalad version ${version} RELEASE (build 0000000000000000000000000000000000000000)`;
}

function isSqlFailure(err: unknown): err is { message: string; sqlState: string } {
  return err instanceof SimSqlError || (err instanceof Error && typeof (err as { sqlState?: unknown }).sqlState === 'string');
}
