/**
 * A loopback HS2 server for the end-to-end decode benchmark: it answers FetchResults
 * with pre-encoded reply bytes (so the server costs next to nothing and the figures
 * are the client's), and everything else a query needs (OpenSession,
 * ExecuteStatement, GetOperationStatus, GetResultSetMetadata, CloseImpalaOperation,
 * CloseSession) through the generated Processor.
 */
import { randomBytes } from 'node:crypto';
import * as net from 'node:net';
import { TBinaryProtocol, TBufferedTransport, Thrift } from 'thrift';
import * as Service from '../../../../src/thrift/gen-nodejs/ImpalaHiveServer2Service';
import * as I from '../../../../src/thrift/gen-nodejs/ImpalaService_types';
import * as T from '../../../../src/thrift/gen-nodejs/TCLIService_types';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const InputBufferUnderrunError = require('thrift/lib/nodejs/lib/thrift/input_buffer_underrun_error') as new () => Error;

/** A running benchmark server. */
export interface FetchReplyServer {
  port: number;
  close(): Promise<void>;
}

const ok = (): T.TStatus => new T.TStatus({ statusCode: T.TStatusCode.SUCCESS_STATUS });

/** The REPLY message around a pre-encoded result struct: header, field 0, the struct, STOP. */
function replyHeader(name: string, seqid: number): Buffer {
  const nameBytes = Buffer.from(name);
  const head = Buffer.allocUnsafe(4 + 4 + nameBytes.length + 4 + 3);
  // Strict TBinaryProtocol header: VERSION_1 (0x80010000) | message type.
  let p = head.writeInt32BE((0x80010000 | Thrift.MessageType.REPLY) | 0, 0);
  p = head.writeInt32BE(nameBytes.length, p);
  p += nameBytes.copy(head, p);
  p = head.writeInt32BE(seqid, p);
  head[p] = Thrift.Type.STRUCT;
  head.writeInt16BE(0, p + 1);
  return head;
}

/**
 * Starts the server on 127.0.0.1. Each ExecuteStatement starts the result over; each
 * FetchResults on that connection returns the next of `replies` (the last must say
 * `hasMoreRows: false`).
 */
export async function startFetchReplyServer(schema: T.TTableSchema, replies: readonly Buffer[]): Promise<FetchReplyServer> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let next = 0;
    const handler: Record<string, (req: never) => unknown> = {
      OpenSession: () =>
        new T.TOpenSessionResp({
          status: ok(),
          serverProtocolVersion: T.TProtocolVersion.HIVE_CLI_SERVICE_PROTOCOL_V6,
          sessionHandle: new T.TSessionHandle({ sessionId: new T.THandleIdentifier({ guid: randomBytes(16), secret: randomBytes(16) }) }),
          configuration: {},
        }),
      ExecuteStatement: (req: T.TExecuteStatementReq) => {
        next = 0;
        const operationId = new T.THandleIdentifier({ guid: randomBytes(16), secret: req.sessionHandle.sessionId.secret });
        return new T.TExecuteStatementResp({
          status: ok(),
          operationHandle: new T.TOperationHandle({ operationId, operationType: T.TOperationType.EXECUTE_STATEMENT, hasResultSet: true }),
        });
      },
      GetOperationStatus: () => new T.TGetOperationStatusResp({ status: ok(), operationState: T.TOperationState.FINISHED_STATE }),
      GetResultSetMetadata: () => new T.TGetResultSetMetadataResp({ status: ok(), schema }),
      CloseImpalaOperation: () => new I.TCloseImpalaOperationResp({ status: ok() }),
      CloseOperation: () => new T.TCloseOperationResp({ status: ok() }),
      CancelOperation: () => new T.TCancelOperationResp({ status: ok() }),
      CloseSession: () => new T.TCloseSessionResp({ status: ok() }),
    };
    // Callback-style handlers answer synchronously, so replies leave in request order
    // (the client pipelines GetResultSetMetadata with the first FetchResults, and the
    // FetchResults reply below is written at once).
    const callbacks: Record<string, (req: never, done: (err: null, result: unknown) => void) => void> = {};
    for (const [name, fn] of Object.entries(handler)) callbacks[name] = (req, done) => done(null, fn(req));
    const processor = new Service.Processor(callbacks);
    const output = new TBinaryProtocol(new TBufferedTransport(undefined, (buf?: Buffer) => buf && !socket.destroyed && socket.write(buf)));
    const receive = TBufferedTransport.receiver((transport: TBufferedTransport) => {
      const t = transport as unknown as { readCursor: number; writeCursor: number };
      while (t.writeCursor > t.readCursor) {
        const input = new TBinaryProtocol(transport);
        try {
          const header = input.readMessageBegin();
          if (header.fname === 'FetchResults') {
            input.skip(Thrift.Type.STRUCT);
            input.readMessageEnd();
            transport.commitPosition();
            const body = replies[Math.min(next++, replies.length - 1)]!;
            socket.cork();
            socket.write(replyHeader('FetchResults', header.rseqid));
            socket.write(body);
            socket.write(Buffer.from([Thrift.Type.STOP]));
            socket.uncork();
            continue;
          }
          transport.rollbackPosition();
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
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
