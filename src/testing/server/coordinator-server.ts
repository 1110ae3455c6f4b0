import { createServer, type Server, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { TBinaryProtocol, TBufferedTransport, TFramedTransport } from 'thrift';
import { ClientSocket, type ServedSocket } from './client-socket';
import type { HttpAuthority } from './http-authority';
import { HttpClientSocket, type HttpRequestHost, type StatusFault } from './http-client-socket';

/** The generated Processor's shape: reads one request, writes one reply and flushes it. */
export interface RequestProcessor {
  process(input: TBinaryProtocol, output: TBinaryProtocol): void;
}

/** Per-RPC delay: all methods, or one named method. */
export type RpcDelay = number | { method?: string; ms: number };


/**
 * One listening port of a simulated coordinator — binary HS2 (NOSASL or SASL PLAIN)
 * or HS2 over HTTP — and the faults that act on its connections: hang/resume, reset on
 * kill, idle cuts, refused connects, per-RPC delays, replies cut in the middle, and
 * (HTTP) status answers from a proxy. It knows nothing of HS2: each request goes to
 * the Processor the factory builds for its connection.
 *
 * @internal
 */
export class CoordinatorServer implements HttpRequestHost {
  readonly host: string;
  #port: number;
  readonly #kind: 'binary' | 'http';
  readonly #users: ReadonlyMap<string, string> | undefined;
  readonly #authority: HttpAuthority | undefined;
  readonly #processorFor: (socket: ServedSocket) => RequestProcessor;
  readonly #onClosed: (socket: ServedSocket) => void;
  readonly #sockets = new Set<ServedSocket>();
  readonly #processors = new WeakMap<ServedSocket, RequestProcessor>();
  #statusFault: (StatusFault & { remaining: number }) | undefined;
  #server: Server | undefined;
  #stopped = false;
  #hung = false;
  #refuse = 0;
  #dropFetches = 0;
  #delayAll = 0;
  readonly #delayByMethod = new Map<string, number>();
  #idleTimer: NodeJS.Timeout | undefined;

  constructor(options: {
    host: string;
    port: number;
    /** `'binary'` (SASL PLAIN when `users` is set) or `'http'` (authenticated by `authority`). Default `'binary'`. */
    kind?: 'binary' | 'http';
    users: ReadonlyMap<string, string> | undefined;
    authority?: HttpAuthority;
    processorFor: (socket: ServedSocket) => RequestProcessor;
    onClosed: (socket: ServedSocket) => void;
  }) {
    this.host = options.host;
    this.#port = options.port;
    this.#kind = options.kind ?? 'binary';
    this.#users = options.users;
    this.#authority = options.authority;
    if (this.#kind === 'http' && this.#authority === undefined) throw new Error('an HTTP front end needs an HttpAuthority');
    this.#processorFor = options.processorFor;
    this.#onClosed = options.onClosed;
  }

  /** The bound port (after {@link listen}). */
  get port(): number {
    return this.#port;
  }

  /** Open client connections. */
  get connections(): number {
    return this.#sockets.size;
  }

  /**
   * Starts listening. A busy port is retried for `retryBusyMs` (a restart may find
   * the port still held by the previous incarnation for a moment).
   */
  async listen(retryBusyMs = 0): Promise<number> {
    const deadline = performance.now() + retryBusyMs;
    for (;;) {
      try {
        this.#server = await this.#bind();
        return this.#port;
      } catch (err) {
        const busy = (err as NodeJS.ErrnoException).code === 'EADDRINUSE';
        if (!busy || this.#port === 0 || performance.now() > deadline) throw err;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  }

  #bind(): Promise<Server> {
    return new Promise<Server>((resolve, reject) => {
      const server = createServer((socket) => this.#accept(socket));
      server.once('error', reject);
      server.listen({ port: this.#port, host: this.host, exclusive: true }, () => {
        server.off('error', reject);
        server.on('error', () => undefined);
        const addr = server.address();
        if (addr !== null && typeof addr === 'object') this.#port = addr.port;
        resolve(server);
      });
    });
  }

  #accept(raw: Socket): void {
    if (this.#refuse > 0) {
      this.#refuse--;
      raw.on('error', () => undefined);
      raw.resetAndDestroy();
      return;
    }
    const socket: ServedSocket = this.#kind === 'http' ? new HttpClientSocket(raw, this, this.#hung) : new ClientSocket(raw, this, this.#users, this.#hung);
    this.#sockets.add(socket);
    this.#processors.set(socket, this.#processorFor(socket));
  }

  /** Authentication of the HTTP port. */
  get authority(): HttpAuthority {
    return this.#authority!;
  }

  takeStatusFault(): StatusFault | undefined {
    const f = this.#statusFault;
    if (f === undefined) return undefined;
    if (--f.remaining <= 0) this.#statusFault = undefined;
    return { status: f.status, retryAfterS: f.retryAfterS };
  }

  /** HTTP: the next `count` requests are answered `status` (with `Retry-After` when given) and not served; `count` 0 clears. */
  injectHttpStatus(status: number, count: number, retryAfterS: number | undefined): void {
    this.#statusFault = count > 0 ? { status, retryAfterS, remaining: count } : undefined;
  }

  handle(message: Buffer, _method: string, socket: ServedSocket): Promise<Buffer> {
    // A request read before the client went away is still served (its reply is then
    // dropped), as impalad does; one read before the coordinator died is not.
    const processor = this.#processors.get(socket);
    if (processor === undefined || this.#stopped) return Promise.reject(new Error('coordinator stopped'));
    return new Promise<Buffer>((resolve, reject) => {
      const output = new TBufferedTransport(undefined, (reply) => (reply === undefined ? reject(new Error('empty Thrift reply')) : resolve(reply)));
      try {
        processor.process(new TBinaryProtocol(new TFramedTransport(message)), new TBinaryProtocol(output));
      } catch (err) {
        reject(err);
      }
    });
  }

  delayFor(method: string): number {
    return this.#delayByMethod.get(method) ?? this.#delayAll;
  }

  shouldDropReply(method: string): boolean {
    if (method !== 'FetchResults' || this.#dropFetches === 0) return false;
    this.#dropFetches--;
    return true;
  }

  closed(socket: ServedSocket): void {
    this.#sockets.delete(socket);
    this.#onClosed(socket);
  }

  /** Accept connections but read and answer nothing, as a stopped process does. */
  hang(): void {
    this.#hung = true;
    for (const s of this.#sockets) s.hold();
  }

  /** Undo {@link hang}: replies that became ready are sent, reading resumes. */
  resume(): void {
    this.#hung = false;
    for (const s of this.#sockets) s.release();
  }

  /**
   * Standing idle policy, like a proxy's `timeout client`: from now on every
   * connection without traffic for `ms` is closed (FIN). `0` turns it off.
   */
  dropIdle(ms: number): void {
    clearInterval(this.#idleTimer);
    this.#idleTimer = undefined;
    if (ms <= 0) return;
    const sweep = (): void => {
      const now = performance.now();
      for (const s of this.#sockets) if (now - s.lastActivityAt >= ms) s.end();
    };
    this.#idleTimer = setInterval(sweep, Math.min(1000, Math.max(5, Math.floor(ms / 4))));
    this.#idleTimer.unref();
  }

  /** Sets a delay before handling requests; `0` clears it (for all methods, or the named one). */
  setRpcDelay(delay: RpcDelay): void {
    if (typeof delay === 'number') {
      this.#delayAll = delay;
      if (delay === 0) this.#delayByMethod.clear();
      return;
    }
    if (delay.method === undefined) this.#delayAll = delay.ms;
    else if (delay.ms === 0) this.#delayByMethod.delete(delay.method);
    else this.#delayByMethod.set(delay.method, delay.ms);
  }

  /** The next `n` connections are accepted and reset at once. */
  refuseConnections(n: number): void {
    this.#refuse = n;
  }

  /** The next `n` FetchResults replies are cut in the middle and their connection reset. */
  dropDuringFetch(n: number): void {
    this.#dropFetches = n;
  }

  /** Resets every connection (ECONNRESET) and stops listening: kill -9. */
  kill(): Promise<void> {
    return this.#stop((s) => s.reset());
  }

  /** Closes every connection with FIN and stops listening: a process that exits. */
  close(): Promise<void> {
    return this.#stop((s) => s.end(true));
  }

  async #stop(closeSocket: (s: ServedSocket) => void): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#idleTimer);
    this.#idleTimer = undefined;
    const server = this.#server;
    this.#server = undefined;
    const closed = server === undefined ? Promise.resolve() : new Promise<void>((resolve) => server.close(() => resolve()));
    for (const s of [...this.#sockets]) {
      // A held socket must not keep its bytes: the process they belonged to is gone.
      closeSocket(s);
    }
    await closed;
  }
}
