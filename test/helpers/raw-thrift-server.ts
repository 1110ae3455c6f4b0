import * as net from 'node:net';
import * as tls from 'node:tls';
import { TBinaryProtocol, TBufferedTransport } from 'thrift';
import * as ImpalaHiveServer2Service from '../../src/thrift/gen-nodejs/ImpalaHiveServer2Service';

// thrift's underrun error class is not in its typings.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const InputBufferUnderrunError = require('thrift/lib/nodejs/lib/thrift/input_buffer_underrun_error') as new () => Error;

/** Options of {@link startRawThriftServer}. */
export interface RawServerOptions {
  /** Handler object for the generated Processor: method name → (req) => Promise<resp>. */
  handler: Record<string, (req: never) => unknown>;
  /** When set, the server speaks SASL PLAIN and checks these user → password pairs. */
  users?: Record<string, string>;
  /** Stop answering the SASL handshake (to exercise connect timeouts). */
  saslSilent?: boolean;
  /** Serve TLS with this key and certificate. */
  tls?: { key: string; cert: string };
  /** Called with every raw chunk the server is about to write (may rewrite it). */
  writeHook?: (socket: net.Socket, bytes: Buffer) => void;
}

/** A minimal HS2 Thrift server for connection tests: the generated Processor on a real socket. */
export interface RawThriftServer {
  port: number;
  sockets: Set<net.Socket>;
  /** Method names in the order they arrived. */
  calls: string[];
  close(): Promise<void>;
}

/**
 * Starts the server on 127.0.0.1 and a free port. Like impalad, each connection is
 * served in order: a call's handler starts once the previous call on that connection
 * was answered, so pipelined calls are answered in the order they came. `calls`
 * records each call when its bytes are read, before it is served.
 */
export async function startRawThriftServer(options: RawServerOptions): Promise<RawThriftServer> {
  const sockets = new Set<net.Socket>();
  const calls: string[] = [];

  const onSocket = (socket: net.Socket): void => {
    // The generated Processor picks promise style only for one-argument handlers.
    const handler: Record<string, (req: never) => unknown> = {};
    let previous: Promise<unknown> = Promise.resolve();
    for (const [name, fn] of Object.entries(options.handler)) {
      handler[name] = (req: never) => {
        const run = previous.then(() => fn(req));
        previous = run.catch(() => undefined);
        return run;
      };
    }
    const processor = new ImpalaHiveServer2Service.Processor(handler);
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    const framed = options.users !== undefined;
    const send = (bytes: Buffer): void => {
      const out = framed ? Buffer.concat([u32(bytes.length), bytes]) : bytes;
      if (options.writeHook) options.writeHook(socket, out);
      else if (!socket.destroyed) socket.write(out);
    };
    const receive = TBufferedTransport.receiver((transport: TBufferedTransport) => {
      for (;;) {
        const input = new TBinaryProtocol(transport);
        const output = new TBinaryProtocol(new TBufferedTransport(undefined, (buf?: Buffer) => buf && send(buf)));
        try {
          const t = transport as unknown as { inBuf: Buffer; readCursor: number; writeCursor: number };
          if (t.writeCursor - t.readCursor === 0) return;
          const nameLen = t.writeCursor - t.readCursor >= 8 ? t.inBuf.readInt32BE(t.readCursor + 4) : -1;
          processor.process(input, output);
          if (nameLen > 0) calls.push(t.inBuf.toString('utf8', 8, 8 + nameLen));
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
    if (!framed) {
      socket.on('data', receive);
      return;
    }
    let buf: Buffer = Buffer.alloc(0);
    let authenticated = false;
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      if (!authenticated) {
        // START frame then OK frame with authzid\0user\0password.
        const frames: Array<{ status: number; payload: Buffer }> = [];
        let off = 0;
        while (buf.length - off >= 5) {
          const len = buf.readUInt32BE(off + 1);
          if (buf.length - off < 5 + len) break;
          frames.push({ status: buf[off]!, payload: buf.subarray(off + 5, off + 5 + len) });
          off += 5 + len;
        }
        if (frames.length < 2) return;
        buf = buf.subarray(off);
        if (options.saslSilent) return;
        const [, user, password] = frames[1]!.payload.toString('utf8').split('\0');
        if (frames[0]!.payload.toString() !== 'PLAIN') {
          const msg = Buffer.from(`Unsupported mechanism type ${frames[0]!.payload.toString()}`);
          socket.end(Buffer.concat([Buffer.from([3]), u32(msg.length), msg]));
          return;
        }
        if (user === undefined || options.users![user] !== password) {
          socket.destroy(); // Impala closes without a BAD frame.
          return;
        }
        authenticated = true;
        socket.write(Buffer.concat([Buffer.from([5]), u32(0)]));
      }
      while (buf.length >= 4) {
        const len = buf.readUInt32BE(0);
        if (buf.length < 4 + len) return;
        const payload = buf.subarray(4, 4 + len);
        buf = buf.subarray(4 + len);
        receive(Buffer.from(payload));
      }
    });
  };

  const server = options.tls ? tls.createServer({ key: options.tls.key, cert: options.tls.cert }, onSocket) : net.createServer(onSocket);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    sockets,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n, 0);
  return b;
}
