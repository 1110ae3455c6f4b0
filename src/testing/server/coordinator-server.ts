import { createServer, type Server, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import * as tls from 'node:tls';
import { TBinaryProtocol, TFramedTransport } from 'thrift';
import { ClientSocket, type ServedSocket } from './client-socket';
import type { HttpAuthority } from './http-authority';
import { HttpClientSocket, type HttpRequestHost, type StatusFault } from './http-client-socket';
import { ReplyWriter } from './reply-writer';
import type { SaslServerConfig } from './sasl-negotiator';

/** The generated Processor's shape: reads one request, writes one reply and flushes it. */
export interface RequestProcessor {
  process(input: TBinaryProtocol, output: TBinaryProtocol): void;
}

/** Per-RPC delay: all methods, or one named method. */
export type RpcDelay = number | { method?: string; ms: number };

/** TLS of a coordinator's port, like impalad's `--ssl_server_certificate` / `--ssl_private_key`. */
export interface ServerTlsSettings {
  /** Certificate chain (PEM). */
  readonly cert: string | Buffer;
  /** Private key (PEM). */
  readonly key: string | Buffer;
  /** Passphrase of an encrypted key. */
  readonly passphrase?: string | undefined;
  /** CAs trusted for client certificates (PEM). */
  readonly ca?: string | Buffer | undefined;
  /** Ask every client for a certificate and refuse the handshake without a valid one. */
  readonly requireClientCert: boolean;
}

/**
 * One listening port of a simulated coordinator — binary Thrift (HS2 or Beeswax;
 * NOSASL, SASL PLAIN or GSSAPI) or HS2 over HTTP, either one optionally under TLS
 * (HTTPS for HTTP) — and the faults that act on its connections: hang/resume, reset
 * on kill, idle cuts, refused connects, per-RPC delays, replies cut in the middle,
 * and (HTTP) status answers from a proxy. It knows nothing of HS2: each request goes to
 * the Processor the factory builds for its connection.
 *
 * @internal
 */
export class CoordinatorServer implements HttpRequestHost {
  readonly host: string;
  #port: number;
  readonly #kind: 'binary' | 'http';
  readonly #sasl: SaslServerConfig | undefined;
  readonly #authority: HttpAuthority | undefined;
  /** Does the TLS handshakes; it never listens itself (our TCP server hands it sockets). */
  readonly #tls: tls.Server | undefined;
  /** TCP sockets in their TLS handshake, by remote port (so kill() resets them too). */
  readonly #handshaking = new Map<string, Socket>();
  /** TCP connections accepted while hung, whose TLS handshake waits for resume(). */
  #heldHandshakes: Socket[] = [];
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
    /** `'binary'` (SASL when `sasl` is set) or `'http'` (authenticated by `authority`). Default `'binary'`. */
    kind?: 'binary' | 'http';
    /** SASL mechanisms offered on a binary port; undefined = NOSASL. Must be undefined for HTTP. */
    sasl: SaslServerConfig | undefined;
    /** Authentication of an HTTP port (Basic, Bearer, cookies); required for `kind: 'http'`. */
    authority?: HttpAuthority;
    /** TLS on the port (HTTPS for `kind: 'http'`); undefined = plain TCP. */
    tls?: ServerTlsSettings | undefined;
    processorFor: (socket: ServedSocket) => RequestProcessor;
    onClosed: (socket: ServedSocket) => void;
  }) {
    this.host = options.host;
    this.#port = options.port;
    this.#kind = options.kind ?? 'binary';
    this.#sasl = options.sasl;
    this.#authority = options.authority;
    if (this.#kind === 'http' && this.#authority === undefined) throw new Error('an HTTP front end needs an HttpAuthority');
    // Impala's HTTP port authenticates with HTTP headers, never SASL.
    if (this.#kind === 'http' && this.#sasl !== undefined) throw new Error('an HTTP front end takes no SASL configuration');
    this.#tls = options.tls === undefined ? undefined : this.#tlsServer(options.tls);
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
    if (this.#tls !== undefined) {
      raw.on('error', () => undefined);
      const key = `${raw.remoteAddress}:${raw.remotePort}`;
      this.#handshaking.set(key, raw);
      raw.once('close', () => this.#handshaking.delete(key));
      // A hung coordinator does not even answer the TLS handshake until resumed.
      if (this.#hung) this.#heldHandshakes.push(raw);
      else this.#tls.emit('connection', raw);
      return;
    }
    this.#serve(raw, raw);
  }

  #serve(socket: Socket, raw: Socket): void {
    const client: ServedSocket =
      this.#kind === 'http' ? new HttpClientSocket(socket, this, this.#hung, raw) : new ClientSocket(socket, this, this.#sasl, this.#hung, raw);
    this.#sockets.add(client);
    this.#processors.set(client, this.#processorFor(client));
  }

  #tlsServer(settings: ServerTlsSettings): tls.Server {
    const server = tls.createServer({
      cert: settings.cert,
      key: settings.key,
      ...(settings.passphrase === undefined ? {} : { passphrase: settings.passphrase }),
      ...(settings.ca === undefined ? {} : { ca: settings.ca }),
      requestCert: settings.requireClientCert,
      rejectUnauthorized: settings.requireClientCert,
      // Impala's --ssl_minimum_version default.
      minVersion: 'TLSv1.2',
    });
    server.on('secureConnection', (secure: tls.TLSSocket) => {
      const key = `${secure.remoteAddress}:${secure.remotePort}`;
      const raw = this.#handshaking.get(key);
      this.#handshaking.delete(key);
      if (raw === undefined || this.#stopped) {
        secure.destroy();
        return;
      }
      this.#serve(secure, raw);
    });
    // A failed handshake (untrusted peer, missing client certificate) just ends that connection.
    server.on('tlsClientError', (_err, socket) => socket.destroy());
    return server;
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
      const output = new ReplyWriter((reply) => (reply.length === 0 ? reject(new Error('empty Thrift reply')) : resolve(reply)));
      try {
        processor.process(new TBinaryProtocol(new TFramedTransport(message)), output as unknown as TBinaryProtocol);
      } catch (err) {
        reject(err);
      }
    });
  }

  delayFor(method: string): number {
    return this.#delayByMethod.get(method) ?? this.#delayAll;
  }

  shouldDropReply(method: string): boolean {
    // HS2's FetchResults or Beeswax's fetch.
    if ((method !== 'FetchResults' && method !== 'fetch') || this.#dropFetches === 0) return false;
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
    for (const raw of this.#heldHandshakes.splice(0)) if (!raw.destroyed) this.#tls?.emit('connection', raw);
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
    for (const raw of this.#handshaking.values()) raw.resetAndDestroy();
    this.#handshaking.clear();
    this.#heldHandshakes = [];
    await closed;
  }
}
