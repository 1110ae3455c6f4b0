import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import createDebug from 'debug';
import {
  ArgumentError,
  ConnectError,
  ConnectionClosedError,
  ConnectionLostError,
  ErrorCode,
  ImpalaError,
  ProtocolError,
  RpcTimeoutError,
} from '../errors';
import { MessageScanner } from './message-scanner';
import { decodeReply, encodeCall } from './thrift-codec';
import { openSocket } from './open-socket';
import { SaslFrameDecoder, frameMessage, saslPlainHandshake } from './sasl-plain';
import type { Channel } from './channel';
import type { CallOptions, ConnectionOptions, ThriftReadable, ThriftRequest, ThriftResponseClass } from './types';

const debug = createDebug('impala-ha:connection');

/** Defaults of {@link ConnectionOptions}. */
export const CONNECTION_DEFAULTS = Object.freeze({
  connectTimeoutMs: 10_000,
  rpcTimeoutMs: 60_000,
  keepAlive: true,
  keepAliveInitialDelayMs: 30_000,
  maxMessageBytes: 256 * 1024 * 1024,
});

/** @internal */
export interface PendingCall {
  readonly method: string;
  readonly seqid: number;
  readonly payload: Buffer;
  readonly Resp: ThriftResponseClass<ThriftReadable>;
  readonly resolve: (value: ThriftReadable) => void;
  readonly reject: (err: Error) => void;
  readonly timeoutMs: number;
  timer: NodeJS.Timeout | undefined;
  written: boolean;
}

let nextConnectionId = 1;

/**
 * One socket to one coordinator carrying TBinaryProtocol calls, unframed (NOSASL)
 * or in SASL frames.
 *
 * The socket and the call bookkeeping are ours rather than thrift's `Connection`,
 * which never rejects pending calls when its socket closes. Calls go out one at a
 * time in FIFO order (Impala serves a connection strictly request/response); a
 * queued call has not been written, so when the socket dies it is rejected with
 * `requestWritten: false` and is always safe to retry. Every call has a time bound.
 */
export class Connection extends EventEmitter<{ close: [err: Error | undefined] }> implements Channel {
  /** Always `'binary'`. */
  readonly transport = 'binary' as const;
  /** Process-unique id, for logs and events. */
  readonly id: number;
  /** `host:port` (or the configured label). */
  readonly address: string;
  /** `performance.now()` when the connection was established. */
  readonly createdAt: number;
  readonly #socket: Socket;
  readonly #framed: boolean;
  readonly #rpcTimeoutMs: number;
  readonly #maxMessageBytes: number;
  readonly #scanner = new MessageScanner();
  readonly #saslDecoder: SaslFrameDecoder | undefined;
  #recv: Buffer = Buffer.allocUnsafe(64 * 1024);
  #recvLen = 0;
  #queue: PendingCall[] = [];
  #inFlight: PendingCall | undefined;
  #seqid = 0;
  #closed = false;
  #closeError: Error | undefined;
  #lastActivityAt: number;
  #closedPromise: Promise<void>;

  private constructor(socket: Socket, options: ConnectionOptions, address: string, framed: boolean, leftover: Buffer) {
    super();
    this.id = nextConnectionId++;
    this.address = address;
    this.#socket = socket;
    this.#framed = framed;
    this.#rpcTimeoutMs = options.rpcTimeoutMs ?? CONNECTION_DEFAULTS.rpcTimeoutMs;
    this.#maxMessageBytes = options.maxMessageBytes ?? CONNECTION_DEFAULTS.maxMessageBytes;
    this.#saslDecoder = framed ? new SaslFrameDecoder(this.#maxMessageBytes) : undefined;
    this.createdAt = performance.now();
    this.#lastActivityAt = this.createdAt;
    this.#closedPromise = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('error', (err) => {
      this.#closeError ??= err;
    });
    socket.on('close', () => this.#onSocketClose());
    socket.unref();
    if (leftover.length > 0) this.#onData(leftover);
  }

  /**
   * Connects, negotiates TLS and SASL as configured, and resolves with a ready
   * connection. The whole sequence is bounded by `connectTimeoutMs`.
   *
   * @throws {@link ConnectError} (refused, timeout, TLS, auth, other), or an
   * `ArgumentError` for unusable options.
   */
  static async open(options: ConnectionOptions): Promise<Connection> {
    validate(options);
    const address = options.label ?? formatAddress(options.host, options.port);
    const connectTimeoutMs = options.connectTimeoutMs ?? CONNECTION_DEFAULTS.connectTimeoutMs;
    const controller = new AbortController();
    const timer = setTimeout(
      () =>
        controller.abort(
          new ConnectError(ErrorCode.CONNECT_TIMEOUT, `connecting to ${address} did not complete within ${connectTimeoutMs} ms`, { coordinator: address }),
        ),
      connectTimeoutMs,
    );
    let socket: Socket | undefined;
    try {
      socket = await openSocket({
        host: options.host,
        port: options.port,
        tls: options.tls,
        keepAlive: options.keepAlive ?? CONNECTION_DEFAULTS.keepAlive,
        keepAliveInitialDelayMs: options.keepAliveInitialDelayMs ?? CONNECTION_DEFAULTS.keepAliveInitialDelayMs,
        signal: controller.signal,
        coordinator: address,
      });
      let leftover: Buffer = Buffer.alloc(0);
      const auth = options.auth ?? { mechanism: 'NOSASL' };
      if (auth.mechanism === 'PLAIN') {
        const s = socket;
        leftover = await raceAbort(saslPlainHandshake(s, auth.username, auth.password, address), controller.signal, () => s.destroy());
      }
      const conn = new Connection(socket, options, address, auth.mechanism === 'PLAIN', leftover);
      debug('#%d connected to %s (%s%s)', conn.id, address, auth.mechanism, options.tls ? ', TLS' : '');
      return conn;
    } catch (err) {
      socket?.destroy();
      debug('connect to %s failed: %s', address, (err as Error).message);
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  /** True once the connection is closed or broken; calls then reject at once. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Calls queued or on the wire. */
  get pendingCalls(): number {
    return this.#queue.length + (this.#inFlight ? 1 : 0);
  }

  /** `performance.now()` of the last byte sent or received. */
  get lastActivityAt(): number {
    return this.#lastActivityAt;
  }

  /**
   * Sends one Thrift call and resolves with the reply's result struct.
   *
   * Every method of TCLIService and ImpalaHiveServer2Service takes a single argument
   * `req` (field 1) and returns a struct in field 0, so one generic call serves all.
   */
  call<T extends object>(method: string, req: object, Resp: new () => T, opts: CallOptions = {}): Promise<T> {
    if (this.#closed) {
      return Promise.reject(
        new ConnectionClosedError(`cannot call ${method}: the connection to ${this.address} is closed`, false, {
          coordinator: this.address,
          cause: this.#closeError,
          method,
        }),
      );
    }
    const timeoutMs = opts.timeoutMs ?? this.#rpcTimeoutMs;
    if (!(timeoutMs > 0) || !Number.isFinite(timeoutMs)) {
      return Promise.reject(new ArgumentError(`timeoutMs for ${method} must be a positive number of milliseconds, got ${String(timeoutMs)}`));
    }
    const seqid = (this.#seqid = (this.#seqid + 1) | 0);
    let payload: Buffer;
    try {
      // Generated structs have write()/read() although their .d.ts declares only fields.
      payload = encodeCall(method, seqid, req as ThriftRequest);
    } catch (err) {
      return Promise.reject(new ArgumentError(`cannot encode ${method} request: ${(err as Error).message}`, err));
    }
    return new Promise<T>((resolve, reject) => {
      const call: PendingCall = {
        method,
        seqid,
        payload: this.#framed ? frameMessage(payload) : payload,
        Resp: Resp as unknown as ThriftResponseClass<ThriftReadable>,
        resolve: resolve as unknown as (value: ThriftReadable) => void,
        reject,
        timeoutMs,
        timer: undefined,
        written: false,
      };
      call.timer = setTimeout(() => this.#onCallTimeout(call), timeoutMs);
      this.#queue.push(call);
      this.#pump();
    });
  }

  /**
   * Closes the connection: pending calls are rejected with a ConnectionClosedError
   * (saying whether each was written), the socket is ended. Resolves when the socket
   * is closed (at most about a second later: a peer that does not finish the close is
   * cut off). Safe to call more than once.
   */
  async close(): Promise<void> {
    if (!this.#closed) {
      this.#failAll((call) =>
        new ConnectionClosedError(`the connection to ${this.address} was closed while ${call.method} was ${call.written ? 'waiting for its reply' : 'queued'}`, call.written, {
          coordinator: this.address,
          method: call.method,
        }),
      );
      this.#closed = true;
      // Someone awaits the close: keep the process alive until it is done.
      this.#socket.ref();
      this.#socket.end();
      const force = setTimeout(() => this.#socket.destroy(), 1000);
      force.unref();
    }
    await this.#closedPromise;
  }

  /** Destroys the socket at once; pending calls reject with a ConnectionLostError. */
  destroy(err?: Error): void {
    if (err) this.#closeError ??= err;
    this.#socket.destroy();
  }

  /** Short description without secrets, for logs. */
  override toString(): string {
    return `Connection#${this.id}(${this.address}${this.#closed ? ', closed' : ''})`;
  }

  #pump(): void {
    if (this.#inFlight || this.#closed) return;
    const call = this.#queue.shift();
    // An idle connection never keeps the process alive; one with a call out does.
    if (!call) return void this.#socket.unref();
    this.#socket.ref();
    this.#inFlight = call;
    call.written = true;
    this.#lastActivityAt = performance.now();
    this.#socket.write(call.payload);
  }

  #onCallTimeout(call: PendingCall): void {
    call.timer = undefined;
    if (this.#inFlight === call) {
      this.#inFlight = undefined;
      const err = new RpcTimeoutError(call.method, call.timeoutMs, { coordinator: this.address, requestWritten: true });
      call.reject(err);
      debug('#%d %s timed out after %d ms; closing', this.id, call.method, call.timeoutMs);
      // A late reply would be read as the answer to the next call: the stream is unusable.
      this.destroy(err);
      return;
    }
    const i = this.#queue.indexOf(call);
    if (i >= 0) this.#queue.splice(i, 1);
    call.reject(new RpcTimeoutError(call.method, call.timeoutMs, { coordinator: this.address, requestWritten: false }));
  }

  #onData(chunk: Buffer): void {
    this.#lastActivityAt = performance.now();
    try {
      if (this.#saslDecoder) {
        for (const piece of this.#saslDecoder.push(chunk)) this.#append(piece);
      } else {
        this.#append(chunk);
      }
      this.#drainMessages();
    } catch (err) {
      const perr = err instanceof ImpalaError ? err : new ProtocolError(`unreadable reply from ${this.address}: ${(err as Error).message}`, { coordinator: this.address, cause: err });
      perr.coordinator ??= this.address;
      const call = this.#inFlight;
      if (call) {
        this.#inFlight = undefined;
        this.#settle(call);
        call.reject(perr);
      }
      this.destroy(perr);
    }
  }

  #append(piece: Buffer): void {
    const need = this.#recvLen + piece.length;
    if (need > this.#recv.length) {
      let size = this.#recv.length * 2;
      while (size < need) size *= 2;
      const grown = Buffer.allocUnsafe(size);
      this.#recv.copy(grown, 0, 0, this.#recvLen);
      this.#recv = grown;
    }
    piece.copy(this.#recv, this.#recvLen);
    this.#recvLen = need;
  }

  #drainMessages(): void {
    while (this.#recvLen > 0) {
      const end = this.#scanner.scan(this.#recv, this.#recvLen);
      if (end < 0 || end > this.#recvLen) {
        if (this.#recvLen > this.#maxMessageBytes) {
          throw new ProtocolError(`a reply from ${this.address} exceeds the maximum message size of ${this.#maxMessageBytes} bytes (maxMessageBytes)`, {
            coordinator: this.address,
          });
        }
        return;
      }
      const message = this.#recv.subarray(0, end);
      const call = this.#inFlight;
      if (!call) throw new ProtocolError(`${this.address} sent a message while no call was waiting`, { coordinator: this.address });
      this.#inFlight = undefined;
      this.#settle(call);
      let result: ThriftReadable | undefined;
      let failure: Error | undefined;
      try {
        result = decodeReply(message, call, this.address);
      } catch (err) {
        failure = err as Error;
      }
      // Keep any bytes after this message (none in practice: one call at a time).
      const rest = this.#recvLen - end;
      if (rest > 0) this.#recv.copy(this.#recv, 0, end, this.#recvLen);
      this.#recvLen = rest;
      this.#scanner.reset();
      if (this.#recv.length > 1024 * 1024 && rest === 0) this.#recv = Buffer.allocUnsafe(64 * 1024);
      if (failure) {
        call.reject(failure);
        // A TApplicationException leaves the stream aligned; anything else does not.
        if (!(failure instanceof ImpalaError && failure.code === ErrorCode.THRIFT_APPLICATION)) throw failure;
      } else {
        call.resolve(result!);
      }
      this.#pump();
    }
  }

  #settle(call: PendingCall): void {
    if (call.timer) clearTimeout(call.timer);
    call.timer = undefined;
  }

  #onSocketClose(): void {
    const cause = this.#closeError;
    const wasClosedLocally = this.#closed;
    this.#closed = true;
    this.#failAll((call) =>
      call.written
        ? new ConnectionLostError(
            `the connection to ${this.address} was lost while ${call.method} was waiting for its reply${cause ? ` (${cause.message})` : ''}; the server may have received it`,
            true,
            { coordinator: this.address, cause, method: call.method },
          )
        : new ConnectionLostError(`the connection to ${this.address} was lost before ${call.method} was sent${cause ? ` (${cause.message})` : ''}`, false, {
            coordinator: this.address,
            cause,
            method: call.method,
          }),
    );
    debug('#%d closed%s%s', this.id, wasClosedLocally ? ' locally' : ' by peer or network', cause ? `: ${cause.message}` : '');
    this.emit('close', wasClosedLocally && !cause ? undefined : cause ?? new ConnectionLostError(`${this.address} closed the connection`, false, { coordinator: this.address }));
  }

  #failAll(makeError: (call: PendingCall) => Error): void {
    const calls = this.#inFlight ? [this.#inFlight, ...this.#queue] : [...this.#queue];
    this.#inFlight = undefined;
    this.#queue = [];
    for (const call of calls) {
      this.#settle(call);
      call.reject(makeError(call));
    }
  }
}

function validate(options: ConnectionOptions): void {
  if (typeof options.host !== 'string' || options.host.length === 0) {
    throw new ArgumentError(`host must be a non-empty string, got ${JSON.stringify(options.host)}`);
  }
  if (!Number.isInteger(options.port) || options.port < 1 || options.port > 65535) {
    throw new ArgumentError(`port must be an integer from 1 to 65535, got ${String(options.port)}`);
  }
  for (const key of ['connectTimeoutMs', 'rpcTimeoutMs', 'maxMessageBytes'] as const) {
    const v = options[key];
    if (v !== undefined && !(typeof v === 'number' && v > 0 && Number.isFinite(v))) {
      throw new ArgumentError(`${key} must be a positive finite number, got ${String(v)}`);
    }
  }
  const auth = options.auth;
  if (auth && auth.mechanism !== 'NOSASL' && auth.mechanism !== 'PLAIN') {
    throw new ArgumentError(`auth.mechanism must be 'NOSASL' or 'PLAIN', got ${JSON.stringify((auth as { mechanism: unknown }).mechanism)}`);
  }
}

/** `host:port`, with IPv6 hosts in brackets. @internal */
export function formatAddress(host: string, port: number): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]:${port}` : `${host}:${port}`;
}

function raceAbort<T>(promise: Promise<T>, signal: AbortSignal, onAbort: () => void): Promise<T> {
  if (signal.aborted) {
    onAbort();
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const listener = (): void => {
      onAbort();
      reject(signal.reason);
    };
    signal.addEventListener('abort', listener, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', listener);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', listener);
        reject(e);
      },
    );
  });
}
