import * as net from 'node:net';
import * as tls from 'node:tls';
import { TBinaryProtocol, TBufferedTransport, Thrift } from 'thrift';
import { HttpRequestParser, type SimHttpRequest } from '../../src/testing/server/http-request-parser';

/** One request as the scripted server received it. */
export interface SeenRequest extends SimHttpRequest {
  /** Which accepted connection (1, 2, ...) carried it. */
  readonly connection: number;
  /** Its position on that connection (0 = first). */
  readonly onConnection: number;
  /** The Thrift call in the body. */
  readonly call: { method: string; seqid: number };
}

/** What a handler can do with one request. */
export interface Reply {
  readonly socket: net.Socket;
  /** Answers the call with `result` (a generated response struct) and status 200. */
  thrift(result: object, headers?: readonly string[]): void;
  /** Answers any status with the given headers and body (Content-Length added). */
  status(code: number, headers?: readonly string[], body?: Buffer | string, close?: boolean): void;
  /** Writes raw bytes (call `finish()` once the response is complete). */
  raw(bytes: Buffer | string): void;
  /** Marks a raw response complete: the next request on the connection is served. */
  finish(): void;
}

export type HttpHandler = (req: SeenRequest, reply: Reply) => void | Promise<void>;

/** A loopback HTTP server that scripts HS2-over-HTTP answers for connection tests. */
export interface ScriptedHttpServer {
  readonly port: number;
  readonly requests: SeenRequest[];
  /** Connections accepted so far. */
  readonly connections: () => number;
  readonly sockets: Set<net.Socket>;
  close(): Promise<void>;
}

/** Encodes a REPLY message for `method`/`seqid` carrying `result` as field 0. */
export function encodeThriftReply(method: string, seqid: number, result: object): Buffer {
  let out: Buffer | undefined;
  const transport = new TBufferedTransport(undefined, (msg?: Buffer) => (out = msg));
  const p = new TBinaryProtocol(transport);
  p.writeMessageBegin(method, Thrift.MessageType.REPLY, seqid);
  p.writeStructBegin(`${method}_result`);
  p.writeFieldBegin('success', Thrift.Type.STRUCT, 0);
  (result as { write(p: TBinaryProtocol): void }).write(p);
  p.writeFieldEnd();
  p.writeFieldStop();
  p.writeStructEnd();
  p.writeMessageEnd();
  p.flush();
  return out!;
}

function readCall(body: Buffer): { method: string; seqid: number } {
  const nameLength = body.readInt32BE(4);
  const method = body.toString('utf8', 8, 8 + nameLength);
  return { method, seqid: body.readInt32BE(8 + nameLength) };
}

/** Starts the server on 127.0.0.1 (TLS with `tlsOptions`). */
export async function startScriptedHttpServer(handle: HttpHandler, tlsOptions?: { key: string; cert: string }): Promise<ScriptedHttpServer> {
  const requests: SeenRequest[] = [];
  const sockets = new Set<net.Socket>();
  let accepted = 0;
  const onSocket = (socket: net.Socket): void => {
    const connection = ++accepted;
    let onConnection = 0;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    const parser = new HttpRequestParser(64 * 1024 * 1024);
    let busy = false;
    const pump = (): void => {
      if (busy || socket.destroyed) return;
      const step = parser.next();
      if (step === undefined) return;
      if (step.kind === 'continue') {
        socket.write('HTTP/1.1 100 Continue\r\n\r\n');
        pump();
        return;
      }
      busy = true;
      const req: SeenRequest = { ...step.request, connection, onConnection: onConnection++, call: readCall(step.request.body) };
      requests.push(req);
      const done = (): void => {
        busy = false;
        setImmediate(pump);
      };
      const reply: Reply = {
        socket,
        thrift: (result, headers = []) => {
          const body = encodeThriftReply(req.call.method, req.call.seqid, result);
          reply.status(200, ['Content-Type: application/x-thrift', ...headers], body);
        },
        status: (code, headers = [], body = Buffer.alloc(0), close = false) => {
          const b = Buffer.isBuffer(body) ? body : Buffer.from(body);
          const head = [`HTTP/1.1 ${code} Scripted`, ...headers, `Content-Length: ${b.length}`, ...(close ? ['Connection: close'] : [])].join('\r\n');
          socket.write(Buffer.concat([Buffer.from(`${head}\r\n\r\n`), b]));
          if (close) socket.end();
          done();
        },
        raw: (bytes) => {
          socket.write(bytes);
        },
        finish: done,
      };
      void Promise.resolve(handle(req, reply)).catch(() => socket.destroy());
    };
    socket.on('data', (chunk: Buffer) => {
      parser.push(chunk);
      pump();
    });
  };
  const server = tlsOptions ? tls.createServer(tlsOptions, onSocket) : net.createServer(onSocket);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    requests,
    connections: () => accepted,
    sockets,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
