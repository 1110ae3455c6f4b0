import * as net from 'node:net';
import { performance } from 'node:perf_hooks';
import { Thrift, type TProtocol } from 'thrift';
import { toInt64 } from '../../src/protocol/hs2/int64';
import * as T from '../../src/thrift/gen-nodejs/TCLIService_types';
import { encodeCall, MessageSplitter, protocolOver, readHeader } from './thrift-messages';

/** Generated structs read themselves; their typings do not say so. */
interface Readable {
  read(input: TProtocol): void;
}

/** Reads field 0 (the result struct) of a reply message into a new `Resp`. */
export function decodeReply<R extends object>(message: Buffer, Resp: new () => R): R {
  const input = protocolOver(message);
  const header = input.readMessageBegin();
  if (header.mtype !== Thrift.MessageType.REPLY) throw new Error(`${header.fname} answered with message type ${header.mtype}`);
  const out = new Resp();
  input.readStructBegin();
  for (;;) {
    const f = input.readFieldBegin();
    if (f.ftype === Thrift.Type.STOP) break;
    if (f.fid === 0 && f.ftype === Thrift.Type.STRUCT) (out as unknown as Readable).read(input);
    else input.skip(f.ftype);
    input.readFieldEnd();
  }
  return out;
}

/**
 * Whether a FetchResults reply says more rows follow, read from its first fields
 * only (status, then hasMoreRows, the order every Thrift writer uses): the rows
 * themselves are not decoded.
 */
export function fetchReplyHasMoreRows(message: Buffer): boolean {
  const input = protocolOver(message);
  input.readMessageBegin();
  input.readStructBegin();
  const result = input.readFieldBegin();
  if (result.fid !== 0 || result.ftype !== Thrift.Type.STRUCT) throw new Error('FetchResults reply without a result');
  input.readStructBegin();
  for (;;) {
    const f = input.readFieldBegin();
    if (f.ftype === Thrift.Type.STOP) return false;
    if (f.fid === 2 && f.ftype === Thrift.Type.BOOL) return input.readBool();
    if (f.fid === 3) return false; // results before hasMoreRows: absent means no more
    input.skip(f.ftype);
    input.readFieldEnd();
  }
}

/**
 * A bare HS2 socket: sends one call at a time and hands back the raw reply bytes.
 * For measuring the server without any client decoding in the way.
 */
export class RawHs2Socket {
  readonly #socket: net.Socket;
  readonly #splitter = new MessageSplitter();
  #seqid = 0;
  #waiting: { resolve: (m: Buffer) => void; reject: (e: Error) => void; timer: NodeJS.Timeout } | undefined;
  #error: Error | undefined;

  private constructor(socket: net.Socket) {
    this.#socket = socket;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      for (const m of this.#splitter.push(chunk)) this.#settle(undefined, m);
    });
    socket.on('error', (err) => this.#fail(err));
    socket.on('close', () => this.#fail(new Error('the socket closed')));
  }

  /** Connects, bounded by `timeoutMs`. */
  static connect(host: string, port: number, timeoutMs: number): Promise<RawHs2Socket> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`connect to ${host}:${port} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve(new RawHs2Socket(socket));
      });
      socket.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
  }

  /** Sends `method(req)` and resolves with the whole reply message. */
  request(method: string, req: object, timeoutMs: number): Promise<Buffer> {
    if (this.#error) return Promise.reject(this.#error);
    if (this.#waiting) return Promise.reject(new Error('one call at a time'));
    const seqid = ++this.#seqid;
    return new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(() => this.#fail(new Error(`${method} took longer than ${timeoutMs} ms`)), timeoutMs);
      this.#waiting = { resolve, reject, timer };
      this.#socket.write(encodeCall(method, seqid, req));
    }).then((m) => {
      const h = readHeader(m);
      if (h.seqid !== seqid || h.name !== method) throw new Error(`expected ${method} #${seqid}, got ${h.name} #${h.seqid}`);
      return m;
    });
  }

  close(): void {
    this.#socket.destroy();
  }

  #settle(err: Error | undefined, message: Buffer | undefined): void {
    const w = this.#waiting;
    if (!w) return;
    this.#waiting = undefined;
    clearTimeout(w.timer);
    if (err) w.reject(err);
    else w.resolve(message!);
  }

  #fail(err: Error): void {
    this.#error ??= err;
    this.#socket.destroy();
    this.#settle(this.#error, undefined);
  }
}

/** What {@link fetchWithoutDecoding} saw. */
export interface RawFetchResult {
  /** FetchResults replies received. */
  replies: number;
  /** Bytes of those replies. */
  bytes: number;
  /** From the first FetchResults to the last reply, in ms (execution excluded). */
  fetchMs: number;
}

/**
 * Runs `sql` on one coordinator and fetches every batch over a bare socket, reading
 * only each reply's hasMoreRows: the rate the server (simulator) can produce rows
 * at, with no client decoding in the way.
 */
export async function fetchWithoutDecoding(host: string, port: number, sql: string, fetchSize: number, timeoutMs: number): Promise<RawFetchResult> {
  const s = await RawHs2Socket.connect(host, port, timeoutMs);
  try {
    const open = decodeReply(
      await s.request('OpenSession', new T.TOpenSessionReq({ client_protocol: T.TProtocolVersion.HIVE_CLI_SERVICE_PROTOCOL_V6 }), timeoutMs),
      T.TOpenSessionResp,
    );
    const sessionHandle = open.sessionHandle!;
    const exec = decodeReply(await s.request('ExecuteStatement', new T.TExecuteStatementReq({ sessionHandle, statement: sql, runAsync: true }), timeoutMs), T.TExecuteStatementResp);
    if (!exec.operationHandle) throw new Error(`ExecuteStatement failed: ${exec.status.errorMessage ?? 'no handle'}`);
    const operationHandle = exec.operationHandle;
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const st = decodeReply(await s.request('GetOperationStatus', new T.TGetOperationStatusReq({ operationHandle }), timeoutMs), T.TGetOperationStatusResp);
      if (st.operationState === T.TOperationState.FINISHED_STATE) break;
      if (st.operationState === T.TOperationState.ERROR_STATE) throw new Error(`the query failed: ${st.errorMessage ?? ''}`);
      if (performance.now() > deadline) throw new Error(`the query did not finish within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 1));
    }
    const req = new T.TFetchResultsReq({ operationHandle, orientation: T.TFetchOrientation.FETCH_NEXT, maxRows: toInt64(fetchSize) });
    const t0 = performance.now();
    let replies = 0;
    let bytes = 0;
    for (let more = true; more; ) {
      const m = await s.request('FetchResults', req, timeoutMs);
      replies++;
      bytes += m.length;
      more = fetchReplyHasMoreRows(m);
    }
    const fetchMs = performance.now() - t0;
    await s.request('CloseOperation', new T.TCloseOperationReq({ operationHandle }), timeoutMs);
    await s.request('CloseSession', new T.TCloseSessionReq({ sessionHandle }), timeoutMs);
    return { replies, bytes, fetchMs };
  } finally {
    s.close();
  }
}

/**
 * The least an HS2 client can do to run a query, written by hand over a bare socket,
 * as the yardstick for the clients' own cost: one ExecuteStatement (the reply is
 * decoded for the operation handle), FetchResults until the server says there are no
 * more rows (Impala holds each until rows exist, so no status poll; only hasMoreRows
 * is read, the rows are not decoded), then CloseOperation. Each call waits for its
 * reply: three round trips for a one-batch result. One socket and one HS2 session,
 * opened once.
 */
export class MinimalHs2Exchange {
  readonly #socket: RawHs2Socket;
  readonly #session: T.TSessionHandle;
  readonly #timeoutMs: number;

  private constructor(socket: RawHs2Socket, session: T.TSessionHandle, timeoutMs: number) {
    this.#socket = socket;
    this.#session = session;
    this.#timeoutMs = timeoutMs;
  }

  /** Connects and opens a session (V6), each step bounded by `timeoutMs`. */
  static async open(host: string, port: number, timeoutMs: number): Promise<MinimalHs2Exchange> {
    const s = await RawHs2Socket.connect(host, port, timeoutMs);
    try {
      const open = decodeReply(
        await s.request('OpenSession', new T.TOpenSessionReq({ client_protocol: T.TProtocolVersion.HIVE_CLI_SERVICE_PROTOCOL_V6 }), timeoutMs),
        T.TOpenSessionResp,
      );
      if (!open.sessionHandle) throw new Error(`OpenSession failed: ${open.status.errorMessage ?? 'no handle'}`);
      return new MinimalHs2Exchange(s, open.sessionHandle, timeoutMs);
    } catch (err) {
      s.close();
      throw err;
    }
  }

  /** Runs `sql`: Execute, Fetch (until no more rows), Close. Resolves with the number of FetchResults sent. */
  async query(sql: string, fetchSize = 10_240): Promise<number> {
    const t = this.#timeoutMs;
    const exec = decodeReply(await this.#socket.request('ExecuteStatement', new T.TExecuteStatementReq({ sessionHandle: this.#session, statement: sql, runAsync: true }), t), T.TExecuteStatementResp);
    if (!exec.operationHandle) throw new Error(`ExecuteStatement failed: ${exec.status.errorMessage ?? 'no handle'}`);
    const operationHandle = exec.operationHandle;
    const req = new T.TFetchResultsReq({ operationHandle, orientation: T.TFetchOrientation.FETCH_NEXT, maxRows: toInt64(fetchSize) });
    let fetches = 0;
    for (let more = true; more; fetches++) more = fetchReplyHasMoreRows(await this.#socket.request('FetchResults', req, t));
    await this.#socket.request('CloseOperation', new T.TCloseOperationReq({ operationHandle }), t);
    return fetches;
  }

  /** Closes the session (bounded) and the socket; never rejects. */
  async close(): Promise<void> {
    await this.#socket.request('CloseSession', new T.TCloseSessionReq({ sessionHandle: this.#session }), this.#timeoutMs).catch(() => undefined);
    this.#socket.close();
  }
}
