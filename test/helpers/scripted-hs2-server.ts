/**
 * A real HS2 Thrift server on 127.0.0.1 (NOSASL: TBufferedTransport + TBinaryProtocol)
 * serving the generated ImpalaHiveServer2Service Processor, with Impala-like default
 * behaviour that each test scripts per statement: result columns and rows split into
 * batches, STILL_EXECUTING replies, 0-row batches, held fetches, operation state
 * sequences, error texts, DML counts. Like impalad, each connection's calls are served
 * one after the other, in order (pipelined calls wait for the ones ahead), and a
 * FetchResults first waits for the query to settle (the last scripted state: rows, or
 * the query's error as ERROR_STATUS), up to `fetchWaitMs`, then answers STILL_EXECUTING.
 * Every call is recorded, when it is served, with the connection it came on.
 * `close()` destroys every socket.
 */
import * as net from 'node:net';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { TBinaryProtocol, TBufferedTransport } from 'thrift';
import { toInt64 } from '../../src/protocol/hs2/int64';
import { guidToQueryId } from '../../src/protocol/hs2/query-id';
import * as Service from '../../src/thrift/gen-nodejs/ImpalaHiveServer2Service';
import * as I from '../../src/thrift/gen-nodejs/ImpalaService_types';
import * as T from '../../src/thrift/gen-nodejs/TCLIService_types';
import { encodeRows, schemaOf, type ColumnSpec } from './scripted-rowset';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const InputBufferUnderrunError = require('thrift/lib/nodejs/lib/thrift/input_buffer_underrun_error') as new () => Error;

/** One step of a FetchResults script. */
export type FetchStep = 'rows' | 'still-executing' | 'empty' | 'hold';
/** Operation states GetOperationStatus walks through (the last one repeats). */
export type ScriptedState = 'INITIALIZED' | 'PENDING' | 'RUNNING' | 'FINISHED' | 'ERROR';

/** How the server answers one statement. */
export interface ScriptedQuery {
  /** Result columns; absent = no result set (DML, USE). */
  columns?: ColumnSpec[];
  /** All result rows (arrays in column order, `null` for NULL). */
  rows?: unknown[][];
  /** Rows per batch, further capped by the client's maxRows. Default: all. */
  batchSize?: number;
  /** FetchResults steps before the default ('rows' until the rows run out). */
  fetchScript?: FetchStep[];
  /** GetOperationStatus answers in order. Default ['FINISHED']. */
  states?: ScriptedState[];
  /** errorMessage for the ERROR state. */
  errorMessage?: string;
  /** ExecuteStatement fails with this message (ERROR_STATUS, sqlState HY000). */
  executeError?: string;
  /** Delay before ExecuteStatement answers, in ms (planning time). */
  executeDelayMs?: number;
  /** FetchResults fails with this message (and the query is unregistered, like Impala). */
  fetchError?: string;
  /**
   * The query finishes (rows available) this long after ExecuteStatement, in ms; until
   * then GetOperationStatus says RUNNING and FetchResults waits (see `fetchWaitMs`).
   * Overrides `states`.
   */
  settleAfterMs?: number;
  /** DML: rows_modified per partition ('' for unpartitioned). */
  rowsModified?: Record<string, bigint>;
  log?: string;
  profile?: string;
  summary?: I.TExecSummary;
}

/** Facts about one call, for assertions. */
export interface CallRecord {
  method: string;
  req: Record<string, unknown>;
  /** 1-based id of the TCP connection the call came on. */
  connectionId: number;
  /** performance.now() at arrival. */
  at: number;
}

interface Ctx {
  connectionId: number;
  socket: net.Socket;
}

/** A raw handler: answers one call. */
export type Handler = (req: never, ctx: Ctx) => unknown;

interface OpState {
  queryId: string;
  /** performance.now() at ExecuteStatement. */
  startedAt: number;
  query: ScriptedQuery;
  sessionKey: string;
  statusIndex: number;
  script: FetchStep[];
  rowsSent: number;
  cancelled: boolean;
  closed: boolean;
  release: Array<() => void>;
}

interface SessionState {
  open: boolean;
  req: T.TOpenSessionReq;
}

const STATE_IDS: Record<ScriptedState, T.TOperationState> = {
  INITIALIZED: T.TOperationState.INITIALIZED_STATE,
  PENDING: T.TOperationState.PENDING_STATE,
  RUNNING: T.TOperationState.RUNNING_STATE,
  FINISHED: T.TOperationState.FINISHED_STATE,
  ERROR: T.TOperationState.ERROR_STATE,
};

const ok = (): T.TStatus => new T.TStatus({ statusCode: T.TStatusCode.SUCCESS_STATUS });
const error = (message: string, sqlState = 'HY000'): T.TStatus => new T.TStatus({ statusCode: T.TStatusCode.ERROR_STATUS, errorMessage: message, sqlState });
const hex = (b: Buffer): string => b.toString('hex');

export class ScriptedHs2Server {
  /** Calls in the order they were served (a pipelined call waits for the ones ahead). */
  readonly calls: CallRecord[] = [];
  /** Calls in the order their bytes were read, before they wait for their turn. */
  readonly arrivals: CallRecord[] = [];
  readonly sockets = new Set<net.Socket>();
  readonly sessions = new Map<string, SessionState>();
  readonly operations = new Map<string, OpState>();
  /** Decides how each statement is answered. Default: no result set, FINISHED. */
  onExecute: (statement: string, req: T.TExecuteStatementReq) => ScriptedQuery = () => ({});
  /** Raw per-method handlers that replace the defaults. */
  readonly overrides = new Map<string, Handler>();
  /** serverProtocolVersion answered to OpenSession. Default V6. */
  protocolVersion: number = T.TProtocolVersion.HIVE_CLI_SERVICE_PROTOCOL_V6;
  /** `http_addr` in the OpenSession configuration. */
  httpAddr = 'coordinator-1.example:25000';
  /** How long a FetchResults waits for a query that never settles before STILL_EXECUTING (Impala's FETCH_ROWS_TIMEOUT_MS), in ms. */
  fetchWaitMs = 50;
  port = 0;
  readonly #server: net.Server;
  #nextConnectionId = 1;

  constructor() {
    this.#server = net.createServer((socket) => this.#serve(socket));
  }

  /** `127.0.0.1:<port>`. */
  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** Calls of one method, in arrival order. */
  callsOf(method: string): CallRecord[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Waits (polling, bounded) until a call matching `pred` has arrived. */
  async waitForCall(method: string, pred: (c: CallRecord) => boolean = () => true, timeoutMs = 3000): Promise<CallRecord> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.calls.find((c) => c.method === method && pred(c));
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no ${method} call arrived within ${timeoutMs} ms (calls: ${this.calls.map((c) => c.method).join(', ')})`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  /** Like an impalad restart: every session and query is forgotten (sockets stay). */
  forgetEverything(): void {
    this.sessions.clear();
    this.operations.clear();
  }

  /** Cuts every connection, like a proxy's idle timeout (sessions survive). */
  dropConnections(): void {
    for (const s of this.sockets) s.destroy();
  }

  async listen(): Promise<this> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.port = (this.#server.address() as net.AddressInfo).port;
    return this;
  }

  async close(): Promise<void> {
    for (const op of this.operations.values()) for (const r of op.release.splice(0)) r();
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #serve(socket: net.Socket): void {
    const ctx: Ctx = { connectionId: this.#nextConnectionId++, socket };
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
    const processor = new Service.Processor(this.#handlerFor(ctx));
    const receive = TBufferedTransport.receiver((transport: TBufferedTransport) => {
      const output = new TBinaryProtocol(new TBufferedTransport(undefined, (buf?: Buffer) => buf && !socket.destroyed && socket.write(buf)));
      for (;;) {
        const t = transport as unknown as { readCursor: number; writeCursor: number };
        if (t.writeCursor - t.readCursor === 0) return;
        try {
          processor.process(new TBinaryProtocol(transport), output);
          transport.commitPosition();
        } catch (err) {
          if (err instanceof InputBufferUnderrunError) {
            transport.rollbackPosition();
            return;
          }
          socket.destroy();
          return;
        }
      }
    }, 0);
    socket.on('data', receive);
  }

  #handlerFor(ctx: Ctx): Record<string, (req: never) => unknown> {
    const methods = [
      'OpenSession', 'CloseSession', 'GetInfo', 'ExecuteStatement', 'GetSchemas', 'GetTables', 'GetColumns', 'GetOperationStatus', 'CancelOperation',
      'CloseOperation', 'GetResultSetMetadata', 'FetchResults', 'GetLog', 'GetExecSummary', 'GetRuntimeProfile', 'PingImpalaHS2Service', 'CloseImpalaOperation',
    ];
    const handler: Record<string, (req: never) => unknown> = {};
    // impalad serves a connection from one thread: a call starts once the one ahead was answered.
    let previous: Promise<unknown> = Promise.resolve();
    for (const m of methods) {
      // One declared parameter: the generated Processor then takes the promise path.
      handler[m] = (req: never) => {
        this.arrivals.push({ method: m, req: req as Record<string, unknown>, connectionId: ctx.connectionId, at: performance.now() });
        const run = previous.then(() => {
          this.calls.push({ method: m, req: req as Record<string, unknown>, connectionId: ctx.connectionId, at: performance.now() });
          const override = this.overrides.get(m);
          if (override) return override(req, ctx);
          const fallback = (this as unknown as Record<string, ((req: never, ctx: Ctx) => unknown) | undefined>)[`do${m}`];
          return fallback ? fallback.call(this, req, ctx) : Promise.reject(new Error(`${m} is not scripted`));
        });
        previous = run.catch(() => undefined);
        return run;
      };
    }
    return handler;
  }

  // ---- default behaviour, Impala-like ----

  doOpenSession(req: T.TOpenSessionReq): T.TOpenSessionResp {
    const sessionId = new T.THandleIdentifier({ guid: randomBytes(16), secret: randomBytes(16) });
    this.sessions.set(hex(sessionId.guid), { open: true, req });
    return new T.TOpenSessionResp({
      status: ok(),
      serverProtocolVersion: Math.min(req.client_protocol ?? 0, this.protocolVersion),
      sessionHandle: new T.TSessionHandle({ sessionId }),
      configuration: { MEM_LIMIT: '', SYNC_DDL: '0', http_addr: this.httpAddr },
    });
  }

  doCloseSession(req: T.TCloseSessionReq): T.TCloseSessionResp {
    const s = this.#session(req.sessionHandle);
    if (typeof s === 'string') return new T.TCloseSessionResp({ status: error(s) });
    s.open = false;
    for (const op of this.operations.values()) if (op.sessionKey === hex(req.sessionHandle.sessionId.guid)) op.closed = true;
    return new T.TCloseSessionResp({ status: ok() });
  }

  async doExecuteStatement(req: T.TExecuteStatementReq): Promise<T.TExecuteStatementResp> {
    const s = this.#session(req.sessionHandle);
    if (typeof s === 'string') return new T.TExecuteStatementResp({ status: error(s) });
    const query = this.onExecute(req.statement, req);
    if (query.executeDelayMs) await new Promise((r) => setTimeout(r, query.executeDelayMs));
    if (query.executeError) return new T.TExecuteStatementResp({ status: error(query.executeError) });
    // Printed ids end in 00000000, like Impala's: bytes 8-11 (the low half's low bytes) are zero.
    const guid = Buffer.concat([randomBytes(8), Buffer.alloc(4), randomBytes(4)]);
    const queryId = guidToQueryId(guid);
    this.operations.set(hex(guid), {
      queryId, startedAt: performance.now(), query, sessionKey: hex(req.sessionHandle.sessionId.guid), statusIndex: 0, script: [...(query.fetchScript ?? [])], rowsSent: 0, cancelled: false, closed: false, release: [],
    });
    const operationId = new T.THandleIdentifier({ guid, secret: req.sessionHandle.sessionId.secret });
    return new T.TExecuteStatementResp({
      status: ok(),
      operationHandle: new T.TOperationHandle({ operationId, operationType: T.TOperationType.EXECUTE_STATEMENT, hasResultSet: query.columns !== undefined }),
    });
  }

  async doGetOperationStatus(req: T.TGetOperationStatusReq): Promise<T.TGetOperationStatusResp> {
    const op = this.#op(req.operationHandle);
    if (typeof op === 'string') return new T.TGetOperationStatusResp({ status: error(op), operationState: T.TOperationState.ERROR_STATE });
    // Impala 4.5+ long polling: the session's LONG_POLLING_TIME_MS holds the poll until the query settles.
    const longPollMs = Number(this.sessions.get(op.sessionKey)?.req.configuration?.LONG_POLLING_TIME_MS ?? 0);
    const left = op.query.settleAfterMs === undefined ? 0 : this.#settledAt(op) - performance.now();
    if (longPollMs > 0 && left > 0 && !op.cancelled) {
      let done!: () => void;
      const woken = new Promise<void>((resolve) => (done = resolve));
      const timer = setTimeout(done, Math.min(longPollMs, left));
      op.release.push(done);
      await woken;
      clearTimeout(timer);
      op.release = op.release.filter((r) => r !== done);
    }
    if (op.cancelled) return new T.TGetOperationStatusResp({ status: ok(), operationState: T.TOperationState.ERROR_STATE, errorMessage: 'Cancelled\n', sqlState: 'HY000' });
    const states = op.query.states ?? ['FINISHED'];
    const state = op.query.settleAfterMs !== undefined ? (this.#settledAt(op) <= performance.now() ? 'FINISHED' : 'RUNNING') : states[Math.min(op.statusIndex++, states.length - 1)]!;
    return new T.TGetOperationStatusResp({
      status: ok(),
      operationState: STATE_IDS[state],
      ...(state === 'ERROR' ? { errorMessage: op.query.errorMessage ?? '', sqlState: 'HY000' } : {}),
    });
  }

  doGetResultSetMetadata(req: T.TGetResultSetMetadataReq): T.TGetResultSetMetadataResp {
    const op = this.#op(req.operationHandle);
    if (typeof op === 'string') return new T.TGetResultSetMetadataResp({ status: error(op) });
    return new T.TGetResultSetMetadataResp({ status: ok(), ...(op.query.columns ? { schema: schemaOf(op.query.columns) } : {}) });
  }

  async doFetchResults(req: T.TFetchResultsReq): Promise<T.TFetchResultsResp> {
    const op = this.#op(req.operationHandle);
    if (typeof op === 'string') return new T.TFetchResultsResp({ status: error(op) });
    const fail = (message: string): T.TFetchResultsResp => {
      op.closed = true; // Impala unregisters a query after a fetch error
      return new T.TFetchResultsResp({ status: error(message) });
    };
    if (op.cancelled) return fail('Cancelled');
    if (op.query.fetchError) return fail(op.query.fetchError);
    // Impala's FetchResults first waits for the query: rows available, failed, or the wait is over.
    const settled = await this.#settled(op);
    if (op.closed) return new T.TFetchResultsResp({ status: error(`Invalid or unknown query handle: ${op.queryId}.`) });
    if (op.cancelled) return fail('Cancelled');
    if (settled === 'ERROR') return fail(op.query.errorMessage ?? '');
    if (settled === undefined) return new T.TFetchResultsResp({ status: new T.TStatus({ statusCode: T.TStatusCode.STILL_EXECUTING_STATUS }), hasMoreRows: true });
    const step = op.script.shift() ?? 'rows';
    if (step === 'hold') {
      await new Promise<void>((resolve) => op.release.push(resolve));
      return op.cancelled ? fail('Cancelled') : this.doFetchResults(req);
    }
    const columns = op.query.columns ?? [];
    const all = op.query.rows ?? [];
    const maxRows = Number(req.maxRows.toNumber());
    const size = step === 'rows' ? Math.min(op.query.batchSize ?? all.length, maxRows) : 0;
    const chunk = all.slice(op.rowsSent, op.rowsSent + size);
    const start = op.rowsSent;
    op.rowsSent += chunk.length;
    const hasMoreRows = op.rowsSent < all.length || op.script.length > 0;
    if (step === 'still-executing') {
      return new T.TFetchResultsResp({ status: new T.TStatus({ statusCode: T.TStatusCode.STILL_EXECUTING_STATUS }), hasMoreRows: true });
    }
    return new T.TFetchResultsResp({ status: ok(), hasMoreRows, results: encodeRows(columns, chunk, start) });
  }

  /**
   * The state the query settles in (the last scripted state, when it is FINISHED or
   * ERROR), after waiting up to {@link fetchWaitMs} for one that never settles (or
   * until it is cancelled or closed); undefined when it did not settle.
   */
  async #settled(op: OpState): Promise<'FINISHED' | 'ERROR' | undefined> {
    const last = (op.query.states ?? ['FINISHED']).at(-1)!;
    let waitMs = this.fetchWaitMs;
    if (op.query.settleAfterMs !== undefined) {
      const left = this.#settledAt(op) - performance.now();
      if (left <= 0) return 'FINISHED';
      waitMs = Math.min(waitMs, left);
    } else if (last === 'FINISHED' || last === 'ERROR') {
      return last;
    }
    let done!: () => void;
    const woken = new Promise<void>((resolve) => (done = resolve));
    const timer = setTimeout(done, waitMs);
    op.release.push(done);
    await woken;
    clearTimeout(timer);
    op.release = op.release.filter((r) => r !== done);
    return op.query.settleAfterMs !== undefined && this.#settledAt(op) <= performance.now() ? 'FINISHED' : undefined;
  }

  #settledAt(op: OpState): number {
    return op.startedAt + (op.query.settleAfterMs ?? 0);
  }

  doCancelOperation(req: T.TCancelOperationReq): T.TCancelOperationResp {
    const op = this.#op(req.operationHandle);
    if (typeof op === 'string') return new T.TCancelOperationResp({ status: error(op) });
    op.cancelled = true;
    for (const r of op.release.splice(0)) r();
    return new T.TCancelOperationResp({ status: ok() });
  }

  doCloseImpalaOperation(req: I.TCloseImpalaOperationReq): I.TCloseImpalaOperationResp {
    const op = this.#op(req.operationHandle);
    if (typeof op === 'string') return new I.TCloseImpalaOperationResp({ status: error(op) });
    op.closed = true;
    for (const r of op.release.splice(0)) r();
    const counts = op.query.rowsModified;
    if (!counts) return new I.TCloseImpalaOperationResp({ status: ok() });
    const rows_modified = Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, toInt64(v)]));
    return new I.TCloseImpalaOperationResp({ status: ok(), dml_result: new I.TDmlResult({ rows_modified }) });
  }

  doCloseOperation(req: T.TCloseOperationReq): T.TCloseOperationResp {
    const op = this.#op(req.operationHandle);
    if (typeof op === 'string') return new T.TCloseOperationResp({ status: error(op) });
    op.closed = true;
    return new T.TCloseOperationResp({ status: ok() });
  }

  doGetLog(req: T.TGetLogReq): T.TGetLogResp {
    const op = this.#op(req.operationHandle, true);
    if (typeof op === 'string') return new T.TGetLogResp({ status: error(op), log: '' });
    return new T.TGetLogResp({ status: ok(), log: op.query.log ?? '' });
  }

  doGetRuntimeProfile(req: I.TGetRuntimeProfileReq): I.TGetRuntimeProfileResp {
    const op = this.#op(req.operationHandle!, true);
    if (typeof op === 'string') return new I.TGetRuntimeProfileResp({ status: error(op) });
    return new I.TGetRuntimeProfileResp({ status: ok(), profile: op.query.profile ?? `Query (id=${op.queryId}):\n` });
  }

  doGetExecSummary(req: I.TGetExecSummaryReq): I.TGetExecSummaryResp {
    const op = this.#op(req.operationHandle!, true);
    if (typeof op === 'string') return new I.TGetExecSummaryResp({ status: error(op) });
    return new I.TGetExecSummaryResp({ status: ok(), ...(op.query.summary ? { summary: op.query.summary } : {}) });
  }

  doPingImpalaHS2Service(req: I.TPingImpalaHS2ServiceReq): I.TPingImpalaHS2ServiceResp {
    const s = this.#session(req.sessionHandle);
    if (typeof s === 'string') return new I.TPingImpalaHS2ServiceResp({ status: error(s) });
    return new I.TPingImpalaHS2ServiceResp({ status: ok(), version: 'impalad version 4.4.0 RELEASE (build scripted)', webserver_address: 'http://127.0.0.1:25000' });
  }

  #session(handle: T.TSessionHandle): SessionState | string {
    const s = this.sessions.get(hex(handle.sessionId.guid));
    return s?.open ? s : `Invalid session id: ${guidToQueryId(handle.sessionId.guid)}`;
  }

  /** The operation, or Impala's invalid-handle text. Profiles and logs outlive close. */
  #op(handle: T.TOperationHandle, evenClosed = false): OpState | string {
    const op = this.operations.get(hex(handle.operationId.guid));
    if (!op || (op.closed && !evenClosed)) return `Invalid or unknown query handle: ${guidToQueryId(handle.operationId.guid)}.`;
    return op;
  }
}

/** Starts a scripted server on 127.0.0.1 and a free port. */
export function startScriptedHs2Server(): Promise<ScriptedHs2Server> {
  return new ScriptedHs2Server().listen();
}
