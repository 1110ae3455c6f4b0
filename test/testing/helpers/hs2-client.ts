import { Int64 } from 'thrift';
import { Connection } from '../../../src/connection';
import type { AuthOptions, Channel } from '../../../src/connection';
import * as I from '../../../src/thrift/gen-nodejs/ImpalaService_types';
import * as T from '../../../src/thrift/gen-nodejs/TCLIService_types';

/** A value decoded from a TColumn: bigint for i64, text for strings, Buffer for binary. */
export type Cell = boolean | number | bigint | string | Buffer | null;

/** Bound on polling loops in tests, in ms. */
export const POLL_LIMIT_MS = 10_000;

/** Waits until `check` returns a truthy value, polling every `everyMs`, at most `limitMs`. */
export async function eventually<R>(check: () => R | Promise<R>, what: string, limitMs = POLL_LIMIT_MS, everyMs = 10): Promise<NonNullable<R>> {
  const deadline = Date.now() + limitMs;
  let last: unknown;
  for (;;) {
    try {
      const r = await check();
      if (r) return r as NonNullable<R>;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${limitMs} ms waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Thrown by helpers when the server answers with ERROR_STATUS. */
export class StatusError extends Error {
  readonly status: T.TStatus;
  constructor(method: string, status: T.TStatus) {
    super(`${method}: ${status.errorMessage ?? `status ${status.statusCode}`}`);
    this.status = status;
  }
}

/**
 * A bare HS2 client for simulator tests: one connection (the library's own
 * Connection), raw requests, and a few helpers to run statements the way
 * impala-shell does. It asserts nothing itself; tests look at what comes back.
 */
export class Hs2TestClient {
  readonly conn: Channel;

  /** Wraps an open channel (binary `Connection` or `HttpConnection`). */
  constructor(conn: Channel) {
    this.conn = conn;
  }

  static async connect(target: { host: string; port: number }, auth?: AuthOptions): Promise<Hs2TestClient> {
    const conn = await Connection.open({ host: target.host, port: target.port, auth, connectTimeoutMs: 5000, rpcTimeoutMs: 15_000 });
    return new Hs2TestClient(conn);
  }

  async close(): Promise<void> {
    if (!this.conn.closed) await this.conn.close();
  }

  /** Sends one raw RPC. */
  call<R>(method: string, req: object, Resp: new () => R, timeoutMs?: number): Promise<R> {
    // Generated structs have read()/write() at runtime; their typings do not declare them.
    return this.conn.call(method, req as never, Resp as never, timeoutMs === undefined ? {} : { timeoutMs }) as Promise<R>;
  }

  async openSessionRaw(configuration?: Record<string, string>, username?: string): Promise<T.TOpenSessionResp> {
    return this.call(
      'OpenSession',
      new T.TOpenSessionReq({ client_protocol: T.TProtocolVersion.HIVE_CLI_SERVICE_PROTOCOL_V6, username, configuration }),
      T.TOpenSessionResp,
    );
  }

  async openSession(configuration?: Record<string, string>, username?: string): Promise<T.TSessionHandle> {
    const resp = await this.openSessionRaw(configuration, username);
    check('OpenSession', resp.status);
    return resp.sessionHandle!;
  }

  async closeSession(session: T.TSessionHandle): Promise<T.TStatus> {
    return (await this.call('CloseSession', new T.TCloseSessionReq({ sessionHandle: session }), T.TCloseSessionResp)).status;
  }

  async executeRaw(session: T.TSessionHandle, statement: string, confOverlay?: Record<string, string>): Promise<T.TExecuteStatementResp> {
    return this.call('ExecuteStatement', new T.TExecuteStatementReq({ sessionHandle: session, statement, confOverlay, runAsync: true }), T.TExecuteStatementResp);
  }

  async execute(session: T.TSessionHandle, statement: string, confOverlay?: Record<string, string>): Promise<T.TOperationHandle> {
    const resp = await this.executeRaw(session, statement, confOverlay);
    check('ExecuteStatement', resp.status);
    return resp.operationHandle!;
  }

  async status(op: T.TOperationHandle): Promise<T.TGetOperationStatusResp> {
    return this.call('GetOperationStatus', new T.TGetOperationStatusReq({ operationHandle: op }), T.TGetOperationStatusResp);
  }

  /** Polls GetOperationStatus until FINISHED or ERROR; returns the last response. */
  async waitDone(op: T.TOperationHandle, limitMs = POLL_LIMIT_MS): Promise<T.TGetOperationStatusResp> {
    return eventually(async () => {
      const s = await this.status(op);
      const st = s.operationState;
      return st === T.TOperationState.FINISHED_STATE || st === T.TOperationState.ERROR_STATE || s.status.statusCode === T.TStatusCode.ERROR_STATUS ? s : undefined;
    }, 'the operation to finish', limitMs);
  }

  async fetchRaw(op: T.TOperationHandle, maxRows = 1024, orientation = T.TFetchOrientation.FETCH_NEXT, timeoutMs?: number): Promise<T.TFetchResultsResp> {
    return this.call('FetchResults', new T.TFetchResultsReq({ operationHandle: op, orientation, maxRows: new Int64(maxRows) }), T.TFetchResultsResp, timeoutMs);
  }

  /** Fetches until hasMoreRows is false (keeping on through STILL_EXECUTING and empty batches); rows as arrays. */
  async fetchAll(op: T.TOperationHandle, maxRows = 1024): Promise<Cell[][]> {
    const rows: Cell[][] = [];
    const deadline = Date.now() + POLL_LIMIT_MS;
    for (;;) {
      const resp = await this.fetchRaw(op, maxRows);
      check('FetchResults', resp.status, true);
      if (resp.results != null) rows.push(...decodeRowSet(resp.results));
      if (resp.hasMoreRows !== true) return rows;
      if (Date.now() > deadline) throw new Error('fetchAll did not finish in time');
    }
  }

  async metadata(op: T.TOperationHandle): Promise<T.TGetResultSetMetadataResp> {
    return this.call('GetResultSetMetadata', new T.TGetResultSetMetadataReq({ operationHandle: op }), T.TGetResultSetMetadataResp);
  }

  async closeOperation(op: T.TOperationHandle): Promise<I.TCloseImpalaOperationResp> {
    return this.call('CloseImpalaOperation', new I.TCloseImpalaOperationReq({ operationHandle: op }), I.TCloseImpalaOperationResp);
  }

  async cancel(op: T.TOperationHandle): Promise<T.TCancelOperationResp> {
    return this.call('CancelOperation', new T.TCancelOperationReq({ operationHandle: op }), T.TCancelOperationResp);
  }

  async log(op: T.TOperationHandle): Promise<T.TGetLogResp> {
    return this.call('GetLog', new T.TGetLogReq({ operationHandle: op }), T.TGetLogResp);
  }

  async ping(session: T.TSessionHandle): Promise<I.TPingImpalaHS2ServiceResp> {
    return this.call('PingImpalaHS2Service', new I.TPingImpalaHS2ServiceReq({ sessionHandle: session }), I.TPingImpalaHS2ServiceResp);
  }

  /** Runs a statement to completion the way impala-shell does and returns its rows. */
  async query(session: T.TSessionHandle, statement: string, confOverlay?: Record<string, string>): Promise<Cell[][]> {
    const op = await this.execute(session, statement, confOverlay);
    const done = await this.waitDone(op);
    if (done.operationState !== T.TOperationState.FINISHED_STATE) {
      throw new Error(`${statement}: ${done.errorMessage ?? done.status.errorMessage ?? 'failed'}`);
    }
    const rows = op.hasResultSet ? await this.fetchAll(op) : [];
    check('CloseImpalaOperation', (await this.closeOperation(op)).status);
    return rows;
  }
}

/** Throws a StatusError unless the status is SUCCESS (or STILL_EXECUTING when allowed). */
export function check(method: string, status: T.TStatus, allowStillExecuting = false): void {
  const code = status.statusCode;
  if (code === T.TStatusCode.SUCCESS_STATUS || code === T.TStatusCode.SUCCESS_WITH_INFO_STATUS) return;
  if (allowStillExecuting && code === T.TStatusCode.STILL_EXECUTING_STATUS) return;
  throw new StatusError(method, status);
}

/** Decodes a columnar TRowSet into rows, honouring the nulls bitmap (LSB first). */
export function decodeRowSet(rs: T.TRowSet): Cell[][] {
  const cols = (rs.columns ?? []).map(decodeColumn);
  const n = cols[0]?.length ?? 0;
  const rows: Cell[][] = [];
  for (let i = 0; i < n; i++) rows.push(cols.map((c) => c[i] ?? null));
  return rows;
}

function decodeColumn(col: T.TColumn): Cell[] {
  const pick = (values: unknown[], nulls: Buffer, map: (v: never) => Cell): Cell[] =>
    values.map((v, i) => ((((nulls[i >> 3] ?? 0) >> (i & 7)) & 1) === 1 ? null : map(v as never)));
  if (col.boolVal) return pick(col.boolVal.values, col.boolVal.nulls, (v: boolean) => v);
  if (col.byteVal) return pick(col.byteVal.values, col.byteVal.nulls, (v: number) => v);
  if (col.i16Val) return pick(col.i16Val.values, col.i16Val.nulls, (v: number) => v);
  if (col.i32Val) return pick(col.i32Val.values, col.i32Val.nulls, (v: number) => v);
  if (col.i64Val) return pick(col.i64Val.values, col.i64Val.nulls, (v: Int64) => v.buffer.readBigInt64BE(v.offset ?? 0));
  if (col.doubleVal) return pick(col.doubleVal.values, col.doubleVal.nulls, (v: number) => v);
  if (col.stringVal) return pick(col.stringVal.values, col.stringVal.nulls, (v: Buffer) => v.toString('utf8'));
  if (col.binaryVal) return pick(col.binaryVal.values, col.binaryVal.nulls, (v: Buffer) => v);
  return [];
}
