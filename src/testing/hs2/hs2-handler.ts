import { performance } from 'node:perf_hooks';
import * as I from '../../thrift/gen-nodejs/ImpalaService_types';
import * as T from '../../thrift/gen-nodejs/TCLIService_types';
import { SimSqlError } from '../engine/types';
import type { CallerContext, CoordinatorService } from './coordinator-service';
import { newQueryGuid, printId } from './handle-ids';
import { encodeFetchResultsResp } from './fetch-reply-encoder';
import { fetchResults, toFetchResultsResp } from './fetch-results';
import { cacheSizeTooLargeText, invalidHandleText, queryFailedText, sessionExpiredText, UNSUPPORTED_TEXT } from './impala-messages';
import { getColumns, getSchemas, getTables, type MetadataResult, type MetadataScope } from './metadata-operations';
import { getCatalogs, getFunctions, getTableTypes, getTypeInfo } from './metadata-static';
import { EngineStatementRunner, StaticResultRunner } from './operation-runners';
import { execSummary, operationLog, runtimeProfile } from './query-profile';
import { MAX_RESULT_CACHE_SIZE, ResultCache } from './result-cache';
import { int64, toTableSchema } from './row-set';
import type { SimSession } from './session-registry';
import { PHASE_STATE, SimOperation } from './sim-operation';
import { queryIdleTimeoutMs, readOverlay, readSessionConfiguration, sessionIdleTimeoutMs } from './statement-options';
import { errorStatus, okStatus, StatusFailure } from './status';
import { webserverPort } from './webserver-port';

const V6 = T.TProtocolVersion.HIVE_CLI_SERVICE_PROTOCOL_V6;

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
  /** Sessions and queries the RPC in progress uses (a connection runs one RPC at a time). */
  readonly #inUse: { sessions: SimSession[]; ops: SimOperation[] } = { sessions: [], ops: [] };

  constructor(service: CoordinatorService, caller: CallerContext) {
    this.#service = service;
    this.#caller = caller;
  }

  async OpenSession(req: T.TOpenSessionReq): Promise<T.TOpenSessionResp> {
    return this.#rpc((status) => new T.TOpenSessionResp({ status, serverProtocolVersion: V6 }), async () => {
      const svc = this.#service;
      svc.assertAcceptingWork();
      const protocol = Math.min(req.client_protocol ?? V6, V6);
      const defaults = svc.engine.defaultQueryOptions;
      const { database, options } = readSessionConfiguration(req.configuration, defaults);
      const delegate = this.#delegate(req.configuration);
      // Thrift reads an unset username as null.
      const connected = this.#caller.user ?? (typeof req.username === 'string' && req.username !== '' ? req.username : 'anonymous');
      // The simulator lets every user delegate (Impala needs --authorized_proxy_user_config).
      const session = svc.sessions.open(this.#caller.id, protocol, { database, options, user: delegate ?? connected });
      session.connectedUser = connected;
      svc.sessions.setIdleTimeout(session, sessionIdleTimeoutMs(options, svc.settings.idleSessionTimeoutMs));
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
    return this.#rpc((status) => new T.TCloseSessionResp({ status }), async () => {
      // The one RPC an expired session still takes (§5.7a).
      await this.#service.closeSession(this.#session(req.sessionHandle, true));
      return new T.TCloseSessionResp({ status: okStatus() });
    });
  }

  async GetInfo(req: T.TGetInfoReq): Promise<T.TGetInfoResp> {
    return this.#rpc((status) => new T.TGetInfoResp({ status, infoValue: new T.TGetInfoValue({ stringValue: '' }) }), async () => {
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
    return this.#rpc((status) => new T.TExecuteStatementResp({ status }), async () => {
      const svc = this.#service;
      svc.assertAcceptingWork();
      const session = this.#session(req.sessionHandle);
      const { options: overlay, cacheSize } = readOverlay(req.confOverlay, svc.engine.defaultQueryOptions);
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
      if (cacheSize !== undefined && cacheSize > MAX_RESULT_CACHE_SIZE) {
        // Impala checks the size once the query is registered, then unregisters it.
        await svc.engine.release(plan.id);
        throw new StatusFailure(cacheSizeTooLargeText(cacheSize, MAX_RESULT_CACHE_SIZE));
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
      // Only queries' caches are bounded: other results are small and kept whole (§2.9).
      if (cacheSize !== undefined && cacheSize > 0) op.resultCache = new ResultCache(cacheSize, plan.kind === 'query');
      svc.register(op);
      svc.queryExpiry.watch(op, queryIdleTimeoutMs(overlay, session.state.options, svc.settings.idleQueryTimeoutMs));
      // Impala runs SET and USE inside ExecuteStatement: the next statement sees them even without polling.
      if (plan.kind === 'set' || plan.kind === 'use') {
        op.applySessionChanges();
        svc.sessions.setIdleTimeout(session, sessionIdleTimeoutMs(session.state.options, svc.settings.idleSessionTimeoutMs));
      }
      op.start();
      return new T.TExecuteStatementResp({ status: okStatus(), operationHandle: operationHandle(op) });
    });
  }

  async GetSchemas(req: T.TGetSchemasReq): Promise<T.TGetSchemasResp> {
    return this.#metadata(req.sessionHandle, 'GET_SCHEMAS', T.TOperationType.GET_SCHEMAS, (s) => getSchemas(this.#scope(s), req.catalogName, req.schemaName));
  }

  async GetTables(req: T.TGetTablesReq): Promise<T.TGetTablesResp> {
    return this.#metadata(req.sessionHandle, 'GET_TABLES', T.TOperationType.GET_TABLES, (s) =>
      getTables(this.#scope(s), req.catalogName, req.schemaName, req.tableName, req.tableTypes),
    );
  }

  async GetColumns(req: T.TGetColumnsReq): Promise<T.TGetColumnsResp> {
    return this.#metadata(req.sessionHandle, 'GET_COLUMNS', T.TOperationType.GET_COLUMNS, (s) =>
      getColumns(this.#scope(s), req.catalogName, req.schemaName, req.tableName, req.columnName),
    );
  }

  async GetCatalogs(req: T.TGetCatalogsReq): Promise<T.TGetCatalogsResp> {
    return this.#metadata(req.sessionHandle, 'GET_CATALOGS', T.TOperationType.GET_CATALOGS, () => getCatalogs());
  }

  async GetTableTypes(req: T.TGetTableTypesReq): Promise<T.TGetTableTypesResp> {
    return this.#metadata(req.sessionHandle, 'GET_TABLE_TYPES', T.TOperationType.GET_TABLE_TYPES, () => getTableTypes());
  }

  async GetTypeInfo(req: T.TGetTypeInfoReq): Promise<T.TGetTypeInfoResp> {
    return this.#metadata(req.sessionHandle, 'GET_TYPE_INFO', T.TOperationType.GET_TYPE_INFO, () => getTypeInfo());
  }

  async GetFunctions(req: T.TGetFunctionsReq): Promise<T.TGetFunctionsResp> {
    return this.#metadata(req.sessionHandle, 'GET_FUNCTIONS', T.TOperationType.GET_FUNCTIONS, () =>
      getFunctions(req.catalogName, req.schemaName, req.functionName),
    );
  }

  async GetOperationStatus(req: T.TGetOperationStatusReq): Promise<T.TGetOperationStatusResp> {
    const guid = req.operationHandle?.operationId?.guid;
    // Impala's legacy shortcut: an empty guid reads as a finished operation (§2.4).
    if (guid != null && guid.length === 0) {
      return new T.TGetOperationStatusResp({ status: okStatus(), operationState: T.TOperationState.FINISHED_STATE });
    }
    return this.#rpc((status) => new T.TGetOperationStatusResp({ status, operationState: T.TOperationState.ERROR_STATE }), async () => {
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
    return this.#rpc((status) => new T.TCancelOperationResp({ status }), async () => {
      await this.#operation(req.operationHandle).cancel();
      this.#service.changed();
      return new T.TCancelOperationResp({ status: okStatus() });
    });
  }

  async CloseOperation(req: T.TCloseOperationReq): Promise<T.TCloseOperationResp> {
    return this.#rpc((status) => new T.TCloseOperationResp({ status }), async () => {
      await this.#service.unregister(this.#operation(req.operationHandle));
      return new T.TCloseOperationResp({ status: okStatus() });
    });
  }

  async CloseImpalaOperation(req: I.TCloseImpalaOperationReq): Promise<I.TCloseImpalaOperationResp> {
    return this.#rpc((status) => new I.TCloseImpalaOperationResp({ status }), async () => {
      const op = this.#operation(req.operationHandle);
      await this.#service.unregister(op);
      const resp = new I.TCloseImpalaOperationResp({ status: okStatus() });
      // Impala keys rows_modified by partition; '' is an unpartitioned table (§2.11).
      if (op.spec.kind === 'dml') resp.dml_result = new I.TDmlResult({ rows_modified: { '': int64(op.rowsModified ?? 0n) } });
      return resp;
    });
  }

  async GetResultSetMetadata(req: T.TGetResultSetMetadataReq): Promise<T.TGetResultSetMetadataResp> {
    return this.#rpc((status) => new T.TGetResultSetMetadataResp({ status }), async () => {
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
    return this.#rpc<T.TFetchResultsResp | Buffer>((status) => new T.TFetchResultsResp({ status }), async () => {
      const op = this.#operation(req.operationHandle, true);
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
    return this.#rpc((status) => new T.TGetLogResp({ status, log: '' }), async () => {
      const op = this.#operation(req.operationHandle);
      return new T.TGetLogResp({ status: okStatus(), log: operationLog(op, this.#service.settings.errorWrapper) });
    });
  }

  async GetRuntimeProfile(req: I.TGetRuntimeProfileReq): Promise<I.TGetRuntimeProfileResp> {
    return this.#rpc((status) => new I.TGetRuntimeProfileResp({ status }), async () => {
      const op = this.#service.findQuery(req.operationHandle, this.#session(req.sessionHandle));
      const { host, port, version } = this.#service.settings;
      return new I.TGetRuntimeProfileResp({ status: okStatus(), profile: runtimeProfile(op, `${host}:${port}`, pingVersion(version)) });
    });
  }

  async GetExecSummary(req: I.TGetExecSummaryReq): Promise<I.TGetExecSummaryResp> {
    return this.#rpc((status) => new I.TGetExecSummaryResp({ status }), async () => {
      const op = this.#service.findQuery(req.operationHandle, this.#session(req.sessionHandle));
      return new I.TGetExecSummaryResp({ status: okStatus(), summary: execSummary(op) });
    });
  }

  async PingImpalaHS2Service(req: I.TPingImpalaHS2ServiceReq): Promise<I.TPingImpalaHS2ServiceResp> {
    return this.#rpc((status) => new I.TPingImpalaHS2ServiceResp({ status }), async () => {
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

  /** The session a handle names, in use until the RPC ends; an expired one only for CloseSession. */
  /**
   * The user a new session acts as: HTTP `?doAs=` of the request, or the
   * `impala.doas.user` key of OpenSession's configuration (Impala refuses both at once).
   */
  #delegate(configuration: Readonly<Record<string, string>> | null | undefined): string | undefined {
    let delegate = this.#caller.doAs;
    for (const [key, value] of Object.entries(configuration ?? {})) {
      if (key.toLowerCase() !== 'impala.doas.user') continue;
      if (this.#caller.doAs !== undefined) throw new StatusFailure("Cannot set 'impala.doas.user' configuration property when 'doAs' query parameter is set.\n");
      if (value === '') throw new StatusFailure('Unable to delegate using empty doAs username.\n');
      delegate = value;
    }
    return delegate;
  }

  #session(handle: T.TSessionHandle | undefined, allowExpired = false): SimSession {
    const sessions = this.#service.sessions;
    const session = sessions.resolve(handle, this.#caller.id);
    const user = this.#caller.user;
    if (user !== undefined && user !== session.connectedUser) {
      throw new StatusFailure(`The user authorized on the connection '${user}' does not match the session username '${session.connectedUser}'\n`);
    }
    if (session.expired && !allowExpired) throw new StatusFailure(sessionExpiredText(session.idleTimeoutMs, session.lastActivity));
    this.#use(session);
    return session;
  }

  /**
   * The query a handle names; its session is in use until the RPC ends. Only a
   * fetch (`fetching`) is activity for the query's idle clock, as in Impala, where
   * polling the status of a finished query does not keep it alive.
   */
  #operation(handle: T.TOperationHandle | undefined, fetching = false): SimOperation {
    const svc = this.#service;
    const op = svc.resolveOperation(handle);
    svc.sessions.link(op.spec.session, this.#caller.id);
    this.#use(op.spec.session);
    if (fetching) {
      svc.queryExpiry.enter(op);
      this.#inUse.ops.push(op);
    }
    return op;
  }

  #use(session: SimSession): void {
    this.#service.sessions.enter(session);
    this.#inUse.sessions.push(session);
  }

  #scope(session: SimSession): MetadataScope {
    return { engine: this.#service.engine, coordinator: this.#service.settings.index, session: session.state };
  }

  /**
   * Runs an RPC body; a {@link StatusFailure} becomes the response's ERROR_STATUS.
   * Sessions and queries the body used restart their idle clocks when it ends.
   */
  async #rpc<R>(fail: (status: T.TStatus) => R, body: () => Promise<R>): Promise<R> {
    try {
      return await body();
    } catch (err) {
      if (err instanceof StatusFailure) return fail(errorStatus(err.message, err.sqlState));
      throw err;
    } finally {
      const svc = this.#service;
      for (const op of this.#inUse.ops.splice(0)) svc.queryExpiry.leave(op);
      for (const session of this.#inUse.sessions.splice(0)) svc.sessions.leave(session);
    }
  }

  /**
   * A metadata operation: like Impala, it runs inside the RPC (a failure is the
   * RPC's status) and is FINISHED when the RPC returns.
   *
   * @param opcode - the statement text Impala records for it (TMetadataOpcode name).
   */
  async #metadata(
    handle: T.TSessionHandle | undefined,
    opcode: string,
    type: T.TOperationType,
    build: (session: SimSession) => MetadataResult,
  ): Promise<T.TGetSchemasResp> {
    return this.#rpc((status) => new T.TGetSchemasResp({ status }), async () => {
      const svc = this.#service;
      svc.assertAcceptingWork();
      const session = this.#session(handle);
      const result = build(session);
      const runner = new StaticResultRunner(result.produce);
      try {
        await runner.run();
      } catch (err) {
        if (err instanceof StatusFailure) throw err;
        throw new StatusFailure(`${err instanceof Error ? err.message : String(err)}\n`);
      }
      const op = new SimOperation(
        { session, operationType: type, sql: opcode, kind: 'metadata', hasResultSet: true, columns: result.columns, admitted: false, runner },
        svc.admission,
        () => svc.changed(),
      );
      svc.register(op);
      svc.queryExpiry.watch(op, queryIdleTimeoutMs({}, session.state.options, svc.settings.idleQueryTimeoutMs));
      op.start();
      await op.waitSettled(METADATA_SETTLE_MS);
      return new T.TGetSchemasResp({ status: okStatus(), operationHandle: operationHandle(op) });
    });
  }
}

/** Bound on waiting for a metadata operation (already computed) to read FINISHED, in ms. */
const METADATA_SETTLE_MS = 1000;

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
export function pingVersion(version: string): string {
  return `impalad version ${version} RELEASE (build 0000000000000000000000000000000000000000)`;
}

function isSqlFailure(err: unknown): err is { message: string; sqlState: string } {
  return err instanceof SimSqlError || (err instanceof Error && typeof (err as { sqlState?: unknown }).sqlState === 'string');
}
