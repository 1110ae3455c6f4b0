import * as net from 'node:net';
import { MessageSplitter, readHeader } from './thrift-messages';

/** Bound on connecting to the real coordinator behind the recorder, in ms. */
const UPSTREAM_CONNECT_TIMEOUT_MS = 5_000;

async function listen(server: net.Server): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return (server.address() as net.AddressInfo).port;
}

/** Closes a server and every socket it accepted. */
async function closeAll(server: net.Server, sockets: Set<net.Socket>): Promise<void> {
  for (const s of sockets) s.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/**
 * A TCP proxy in front of one coordinator that passes everything through and keeps
 * a copy of every reply message, by method name, in arrival order.
 */
export class ReplyRecorder {
  readonly port: number;
  readonly replies = new Map<string, Buffer[]>();
  readonly #server: net.Server;
  readonly #sockets: Set<net.Socket>;

  private constructor(server: net.Server, sockets: Set<net.Socket>, port: number) {
    this.#server = server;
    this.#sockets = sockets;
    this.port = port;
  }

  static async start(host: string, port: number): Promise<ReplyRecorder> {
    const sockets = new Set<net.Socket>();
    let recorder: ReplyRecorder | undefined;
    const server = net.createServer((client) => {
      sockets.add(client);
      const upstream = net.connect({ host, port });
      sockets.add(upstream);
      upstream.setTimeout(UPSTREAM_CONNECT_TIMEOUT_MS, () => upstream.destroy());
      upstream.once('connect', () => upstream.setTimeout(0));
      const splitter = new MessageSplitter();
      client.pipe(upstream);
      upstream.on('data', (chunk: Buffer) => {
        client.write(chunk);
        for (const m of splitter.push(chunk)) {
          const name = readHeader(m).name;
          const list = recorder!.replies.get(name) ?? [];
          list.push(m);
          recorder!.replies.set(name, list);
        }
      });
      const end = (): void => {
        client.destroy();
        upstream.destroy();
      };
      for (const s of [client, upstream]) {
        s.on('error', end);
        s.on('close', () => {
          sockets.delete(s);
          end();
        });
      }
    });
    recorder = new ReplyRecorder(server, sockets, await listen(server));
    return recorder;
  }

  close(): Promise<void> {
    return closeAll(this.#server, this.#sockets);
  }
}

/** What a {@link ReplayServer} answers. */
export interface ReplayScript {
  /** One recorded reply per method (FetchResults excluded). */
  replies: ReadonlyMap<string, Buffer>;
  /** Full FetchResults replies (hasMoreRows true), served round robin. */
  batches: readonly Buffer[];
  /** The last FetchResults reply of a result (hasMoreRows false). */
  last: Buffer;
  /** The reply to any FetchResults after `last` (no rows, hasMoreRows false). */
  empty: Buffer;
  /** Full batches per statement before `last`. */
  batchesPerStatement: number;
}

/**
 * An HS2 "server" that answers every call with a recorded reply (its seqid
 * rewritten) and serves each statement's rows from recorded FetchResults replies:
 * the client's cost alone, over a real socket, with no server work.
 */
export class ReplayServer {
  readonly port: number;
  readonly #server: net.Server;
  readonly #sockets: Set<net.Socket>;

  private constructor(server: net.Server, sockets: Set<net.Socket>, port: number) {
    this.#server = server;
    this.#sockets = sockets;
    this.port = port;
  }

  static async start(script: ReplayScript): Promise<ReplayServer> {
    const sockets = new Set<net.Socket>();
    const server = net.createServer((socket) => {
      sockets.add(socket);
      socket.setNoDelay(true);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => socket.destroy());
      const splitter = new MessageSplitter();
      let served = 0;
      socket.on('data', (chunk: Buffer) => {
        for (const m of splitter.push(chunk)) {
          const { name, seqid } = readHeader(m);
          let reply: Buffer | undefined;
          if (name === 'FetchResults') {
            reply = served < script.batchesPerStatement ? script.batches[served % script.batches.length] : served === script.batchesPerStatement ? script.last : script.empty;
            served++;
          } else {
            if (name === 'ExecuteStatement') served = 0;
            reply = script.replies.get(name);
          }
          if (!reply) {
            socket.destroy();
            return;
          }
          writeWithSeqid(socket, reply, seqid);
        }
      });
    });
    return new ReplayServer(server, sockets, await listen(server));
  }

  close(): Promise<void> {
    return closeAll(this.#server, this.#sockets);
  }
}

/** Writes `message` with its seqid replaced, without copying its body. */
function writeWithSeqid(socket: net.Socket, message: Buffer, seqid: number): void {
  const { seqidOffset } = readHeader(message);
  const head = Buffer.from(message.subarray(0, seqidOffset + 4));
  head.writeInt32BE(seqid, seqidOffset);
  socket.cork();
  socket.write(head);
  socket.write(message.subarray(seqidOffset + 4));
  socket.uncork();
}
