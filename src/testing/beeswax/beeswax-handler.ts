import * as B from '../../thrift/gen-nodejs/beeswax_types';
import * as H from '../../thrift/gen-nodejs/hive_metastore_types';
import * as I from '../../thrift/gen-nodejs/ImpalaService_types';
import * as T from '../../thrift/gen-nodejs/TCLIService_types';
import type { CallerContext, CoordinatorService } from '../hs2/coordinator-service';
import { fetchResults, fetchTimeoutMs } from '../hs2/fetch-results';
import { pingVersion } from '../hs2/hs2-handler';
import { CANCELLED_TEXT, invalidHandleText, queryFailedText } from '../hs2/impala-messages';
import { execSummary, runtimeProfile } from '../hs2/query-profile';
import { printId } from '../hs2/handle-ids';
import { int64 } from '../hs2/row-set';
import type { SimSession } from '../hs2/session-registry';
import type { OperationPhase, SimOperation } from '../hs2/sim-operation';
import { StatusFailure } from '../hs2/status';
import { webserverPort } from '../hs2/webserver-port';
import { beeswaxException, SQLSTATE, undeclaredBeeswaxException } from './beeswax-errors';
import { submitQuery } from './beeswax-submit';
import { textRows, typeString } from './text-rows';

/** QueryState for each phase (protocol reference §2.7). */
const QUERY_STATE: Readonly<Record<OperationPhase, B.QueryState>> = {
  INITIALIZED: B.QueryState.CREATED,
  PENDING: B.QueryState.COMPILED,
  RUNNING: B.QueryState.RUNNING,
  FINISHED: B.QueryState.FINISHED,
  ERROR: B.QueryState.EXCEPTION,
};
const PRINTED_ID = /^([0-9a-fA-F]{1,16}):([0-9a-fA-F]{1,16})$/;
const DEPRECATED_RPC = 'Deprecated RPC; please update your client';

/**
 * Impala's Beeswax service (`ImpalaService extends BeeswaxService`) for one accepted
 * connection, which is one session: created at connect, closed with the connection
 * (its queries unregistered). Methods take exactly the IDL's arguments and return
 * promises, the calling convention of the generated Processor. Queries are found by
 * printed id from any connection (Beeswax handles carry no secret), so Cancel and
 * close work out of band, as in Impala. QueryNotFoundException is never thrown.
 *
 * @internal
 */
export class BeeswaxHandler {
  readonly #svc: CoordinatorService;
  readonly #caller: CallerContext;
  readonly #session: SimSession;
  #userKnown = false;

  constructor(svc: CoordinatorService, caller: CallerContext) {
    this.#svc = svc;
    this.#caller = caller;
    this.#session = svc.sessions.open(caller.id, T.TProtocolVersion.HIVE_CLI_SERVICE_PROTOCOL_V6, { database: 'default', options: {}, user: 'anonymous' }, 'BEESWAX');
    svc.changed();
  }

  /** The connection closed: so does its session, with its queries. */
  connectionClosed(): void {
    if (this.#svc.disposed || this.#svc.sessions.get(this.#session.key) !== this.#session) return;
    void this.#svc.closeSession(this.#session);
  }

  async query(query: B.Query): Promise<B.QueryHandle> {
    return handleOf(await submitQuery(this.#svc, this.#useSession(query.hadoop_user), query));
  }

  async executeAndWait(query: B.Query, clientCtx: string): Promise<B.QueryHandle> {
    const op = await submitQuery(this.#svc, this.#useSession(query.hadoop_user), query);
    await op.waitSettled(fetchTimeoutMs(this.#svc, op));
    if (op.phase === 'ERROR') {
      await this.#svc.unregister(op);
      throw beeswaxException(this.#failedText(op));
    }
    const handle = handleOf(op);
    if (clientCtx) handle.log_context = clientCtx;
    return handle;
  }

  async explain(query: B.Query): Promise<B.QueryExplanation> {
    const session = this.#useSession(query.hadoop_user);
    const op = await submitQuery(this.#svc, session, new B.Query({ ...query, query: `EXPLAIN ${query.query ?? ''}` }));
    try {
      await op.waitSettled(fetchTimeoutMs(this.#svc, op));
      if (op.phase === 'ERROR') throw beeswaxException(this.#failedText(op), SQLSTATE.SYNTAX_OR_ACCESS);
      const lines: string[] = [];
      for (;;) {
        const batch = await op.spec.runner.fetch(1024);
        lines.push(...textRows(batch, op.spec.columns).map((b) => b.toString('utf8')));
        if (batch.done) break;
      }
      return new B.QueryExplanation({ textual: `${lines.join('\n')}\n` });
    } finally {
      await this.#svc.unregister(op);
    }
  }

  async fetch(queryId: B.QueryHandle, startOver: boolean, fetchSize: number): Promise<B.Results> {
    this.#useSession();
    if (startOver) throw beeswaxException('Does not support start over', SQLSTATE.NOT_IMPLEMENTED);
    const op = this.#lookup(queryId?.id, beeswaxException);
    const columns = op.spec.columns.map(typeString);
    const startRow = (): ReturnType<typeof int64> => int64(BigInt(op.rowsFetched));
    try {
      if (!op.spec.hasResultSet) return await this.#waitWithoutRows(op, columns);
      const outcome = await op.serialize(() => fetchResults(this.#svc, op, false, fetchSize));
      if ('batch' in outcome) {
        const rows = textRows(outcome.batch, op.spec.columns);
        return new B.Results({ ready: true, columns, data: rows as unknown as string[], start_row: int64(BigInt(outcome.startRowOffset)), has_more: outcome.hasMoreRows });
      }
      const ready = outcome.resp.status.statusCode !== T.TStatusCode.STILL_EXECUTING_STATUS;
      return ready
        ? new B.Results({ ready: true, columns, data: [], start_row: startRow(), has_more: outcome.resp.hasMoreRows === true })
        : new B.Results({ ready: false, has_more: true } as ConstructorParameters<typeof B.Results>[0]);
    } catch (err) {
      if (err instanceof StatusFailure) throw beeswaxException(err.message, err.sqlState);
      throw err;
    }
  }

  async get_state(handle: B.QueryHandle): Promise<B.QueryState> {
    this.#useSession();
    return QUERY_STATE[this.#lookup(handle?.id, undeclaredBeeswaxException).phase];
  }

  async get_results_metadata(handle: B.QueryHandle): Promise<B.ResultsMetadata> {
    this.#useSession();
    const op = this.#lookup(handle?.id, undeclaredBeeswaxException);
    const fieldSchemas = op.spec.columns.map((c) => new H.FieldSchema({ name: c.name, type: typeString(c), comment: '' }));
    return new B.ResultsMetadata({ schema: new H.Schema({ fieldSchemas, properties: {} }), table_dir: '', in_tablename: '', delim: '\t' });
  }

  async echo(s: string): Promise<string> {
    this.#useSession();
    return s;
  }

  async dump_config(): Promise<string> {
    this.#useSession();
    return '';
  }

  async get_log(context: string): Promise<string> {
    this.#useSession();
    const op = this.#find(context);
    if (op === undefined) return '';
    return op.phase === 'ERROR' ? this.#failedText(op) : '';
  }

  async get_default_configuration(_includeHadoop: boolean): Promise<B.ConfigVariable[]> {
    this.#useSession();
    return Object.entries(this.#svc.engine.defaultQueryOptions).map(
      ([key, value]) => new B.ConfigVariable({ key, value, description: '', level: B.TQueryOptionLevel.REGULAR }),
    );
  }

  async close(handle: B.QueryHandle): Promise<void> {
    this.#useSession();
    await this.#svc.unregister(this.#lookup(handle?.id, beeswaxException));
  }

  async clean(_logContext: string): Promise<void> {}

  async Cancel(queryId: B.QueryHandle): Promise<I.TImpalaStatus> {
    this.#useSession();
    await this.#lookup(queryId?.id, beeswaxException).cancel();
    this.#svc.changed();
    return new I.TImpalaStatus({ status_code: I.TErrorCode.OK, error_msgs: [] });
  }

  async ResetCatalog(): Promise<I.TImpalaStatus> {
    return new I.TImpalaStatus({ status_code: I.TErrorCode.NOT_IMPLEMENTED_ERROR, error_msgs: [DEPRECATED_RPC] });
  }

  async ResetTable(_request: I.TResetTableReq): Promise<I.TImpalaStatus> {
    return new I.TImpalaStatus({ status_code: I.TErrorCode.NOT_IMPLEMENTED_ERROR, error_msgs: [DEPRECATED_RPC] });
  }

  async GetRuntimeProfile(queryId: B.QueryHandle): Promise<string> {
    const session = this.#useSession();
    const { host, port, version } = this.#svc.settings;
    try {
      return runtimeProfile(this.#findQuery(queryId?.id, session), `${host}:${port}`, pingVersion(version));
    } catch (err) {
      if (err instanceof StatusFailure) throw beeswaxException(`GetRuntimeProfile error: ${err.message}`);
      throw err;
    }
  }

  async CloseInsert(handle: B.QueryHandle): Promise<I.TDmlResult> {
    this.#useSession();
    const op = this.#lookup(handle?.id, beeswaxException);
    const failed = op.phase === 'ERROR' ? this.#failedText(op) : undefined;
    const rows: Record<string, ReturnType<typeof int64>> = op.spec.kind === 'dml' && failed === undefined ? { '': int64(op.rowsModified ?? 0n) } : {};
    await this.#svc.unregister(op);
    if (failed !== undefined) throw beeswaxException(failed);
    return new I.TDmlResult({ rows_modified: rows });
  }

  async PingImpalaService(): Promise<I.TPingImpalaServiceResp> {
    this.#useSession();
    const { host, port, version } = this.#svc.settings;
    return new I.TPingImpalaServiceResp({ version: pingVersion(version), webserver_address: `http://${host}:${webserverPort(port)}` });
  }

  async GetExecSummary(handle: B.QueryHandle): Promise<I.TExecSummary> {
    const session = this.#useSession();
    try {
      return execSummary(this.#findQuery(handle?.id, session));
    } catch (err) {
      if (err instanceof StatusFailure) throw beeswaxException(err.message);
      throw err;
    }
  }

  /** A statement without rows: `fetch` waits for it like FetchResults does, then reports the end. */
  async #waitWithoutRows(op: SimOperation, columns: string[]): Promise<B.Results> {
    const settled = await op.waitSettled(fetchTimeoutMs(this.#svc, op));
    if (op.phase === 'ERROR') {
      await this.#svc.unregister(op);
      throw beeswaxException(this.#failedText(op));
    }
    if (!settled) return new B.Results({ ready: false, has_more: true } as ConstructorParameters<typeof B.Results>[0]);
    return new B.Results({ ready: true, columns, data: [], start_row: int64(0n), has_more: false });
  }

  /**
   * The connection's session, with its user settled: the SASL user, else the first
   * query's `hadoop_user`, else `anonymous` (Impala's order).
   */
  #useSession(hadoopUser?: string | null): SimSession {
    if (this.#svc.disposed || this.#svc.sessions.get(this.#session.key) !== this.#session) {
      throw undeclaredBeeswaxException(`Invalid session id: ${this.#session.id}\n`);
    }
    if (!this.#userKnown) {
      const user = this.#caller.user ?? (typeof hadoopUser === 'string' && hadoopUser !== '' ? hadoopUser : undefined);
      if (user !== undefined) {
        this.#session.state.user = user;
        // Beeswax has no impersonation: the session's user is the connected one.
        this.#session.connectedUser = user;
      }
      if (this.#caller.user !== undefined || hadoopUser !== undefined) this.#userKnown = true;
    }
    return this.#session;
  }

  #find(id: string | null | undefined): SimOperation | undefined {
    const guid = parseId(id);
    return guid === undefined ? undefined : this.#svc.operationById(guid);
  }

  /** A registered query by printed id, or Impala's invalid-handle text as `fail` makes it. */
  #lookup(id: string | null | undefined, fail: (message: string) => Error): SimOperation {
    const op = this.#find(id);
    if (op === undefined) throw fail(invalidHandleText(printable(id)));
    return op;
  }

  /** A registered or recently closed query (profile, summary); StatusFailure when unknown. */
  #findQuery(id: string | null | undefined, session: SimSession): SimOperation {
    const guid = parseId(id) ?? Buffer.alloc(16);
    const handle = new T.TOperationHandle({
      operationId: new T.THandleIdentifier({ guid, secret: Buffer.alloc(16) }),
      operationType: T.TOperationType.EXECUTE_STATEMENT,
      hasResultSet: true,
    });
    return this.#svc.findQuery(handle, session);
  }

  #failedText(op: SimOperation): string {
    return queryFailedText(op.queryId, op.error?.detail ?? CANCELLED_TEXT, this.#svc.settings.errorWrapper);
  }
}

function handleOf(op: SimOperation): B.QueryHandle {
  return new B.QueryHandle({ id: op.queryId, log_context: op.queryId });
}

/** The 16-byte guid of a printed query id (Impala's `ParseId`), or undefined when malformed. */
function parseId(id: string | null | undefined): Buffer | undefined {
  const m = typeof id === 'string' ? PRINTED_ID.exec(id) : null;
  if (!m) return undefined;
  const guid = Buffer.alloc(16);
  guid.writeBigUInt64LE(BigInt(`0x${m[1]}`), 0);
  guid.writeBigUInt64LE(BigInt(`0x${m[2]}`), 8);
  return guid;
}

/** How Impala prints an id it could not find (a malformed one parses as 0:0). */
function printable(id: string | null | undefined): string {
  return printId(parseId(id) ?? Buffer.alloc(16));
}
