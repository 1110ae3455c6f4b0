import * as net from 'node:net';
import { MessageSplitter, readHeader } from './thrift-messages';

/**
 * A pass-through TCP proxy on 127.0.0.1 that counts the Thrift calls clients send
 * through it, by method (unframed NOSASL TBinaryProtocol, cut with the project's
 * MessageScanner). Used in a separate pass, never while latency is timed: it adds a
 * hop.
 */
export class CountingProxy {
  readonly #server: net.Server;
  readonly #sockets = new Set<net.Socket>();
  readonly #counts = new Map<string, number>();
  port = 0;

  private constructor(target: { host: string; port: number }) {
    this.#server = net.createServer((client) => {
      const upstream = net.connect(target);
      const splitter = new MessageSplitter();
      for (const s of [client, upstream]) {
        this.#sockets.add(s);
        s.setNoDelay(true);
        s.on('error', () => undefined);
        s.on('close', () => {
          this.#sockets.delete(s);
          client.destroy();
          upstream.destroy();
        });
      }
      client.on('data', (chunk: Buffer) => {
        for (const m of splitter.push(chunk)) {
          const name = readHeader(m).name;
          this.#counts.set(name, (this.#counts.get(name) ?? 0) + 1);
        }
        upstream.write(chunk);
      });
      upstream.on('data', (chunk: Buffer) => client.write(chunk));
    });
  }

  /** Starts a proxy to `target` on a free port. */
  static async start(target: { host: string; port: number }): Promise<CountingProxy> {
    const p = new CountingProxy(target);
    await new Promise<void>((resolve) => p.#server.listen(0, '127.0.0.1', resolve));
    p.port = (p.#server.address() as net.AddressInfo).port;
    return p;
  }

  /** Calls seen so far, by method. */
  counts(): Record<string, number> {
    return Object.fromEntries(this.#counts);
  }

  /** Forgets the counts so far. */
  reset(): void {
    this.#counts.clear();
  }

  async stop(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
