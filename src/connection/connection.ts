import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import createDebug from 'debug';
import { watchAbort } from '../util/abort-watch';
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
import { CallClock } from './call-clock';
import { observeLatency, resolveCallTiming, type CallTiming } from './call-timing';
import { validateConnectionOptions } from './validate-connection-options';
import { decodeReply, encodeCall } from './thrift-codec';
import { openSocket, tlsAlertError } from './open-socket';
import { PendingCall } from './pending-call';
import { ReplyReader } from './reply-reader';
import { SaslFrameDecoder, saslPlainHandshake } from './sasl-plain';
import { saslGssapiHandshake } from './sasl-gssapi';
import type { Channel } from './channel';
import type { CallOptions, CallPolicy, ConnectionOptions, ThriftReadable, ThriftRequest, ThriftResponseClass } from './types';

const debug = createDebug('impala-ha:connection');

/** Defaults of {@link ConnectionOptions}. */
export const CONNECTION_DEFAULTS = Object.freeze({
  connectTimeoutMs: 10_000,
  rpcTimeoutMs: 60_000,
  keepAlive: true,
  keepAliveInitialDelayMs: 30_000,
  maxMessageBytes: 256 * 1024 * 1024,
});

let nextConnectionId = 1;

/**
 * One socket to one coordinator carrying TBinaryProtocol calls, unframed (NOSASL)
 * or in SASL frames.
 *
 * The socket and the call bookkeeping are ours rather than thrift's `Connection`,
 * which never rejects pending calls when its socket closes. Impala serves a
 * connection's calls one after the other and answers them in order, so replies are
 * matched to calls first in, first out, and each reply's seqid is checked.
 *
 * A call is written once every earlier call was answered, unless it asks to be
 * pipelined (`CallOptions.pipeline`): then it is written at once behind the calls
 * still on the wire, saving a round trip when the caller already knows its next
 * request. A call that was not written is rejected with `requestWritten: false` when
 * the socket dies and is always safe to retry; one whose bytes were handed to the
 * socket says `requestWritten: true`. Every call has a time bound; a call that times
 * out after it was written closes the connection, since a late reply would be read as
 * the answer to the next call.
 *
 * Timing, per call (see {@link CallPolicy}): the bound counts from `call()`; the
 * overrun hook and the latency told to `callPolicy.observe` count from when the call
 * reaches the head of the wire (written, every earlier call answered).
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
  readonly #policy: CallPolicy | undefined;
  readonly #reader: ReplyReader;
  readonly #saslDecoder: SaslFrameDecoder | undefined;
  /** Calls not written yet, in call order. */
  #queue: PendingCall[] = [];
  /** Calls written and awaiting their replies, in the order the replies will come. */
  #wire: PendingCall[] = [];
  /** The socket is corked until the end of the tick, so calls made together leave in one write. */
  #corked = false;
  #seqid = 0;
  #closed = false;
  #closeError: Error | undefined;
  #lastActivityAt: number;
  #closedPromise: Promise<void>;
  /** Time bounds and the head call's overrun clock, on one lazy timer. */
  readonly #clock = new CallClock((now) => this.#checkClocks(now));

  private constructor(socket: Socket, options: ConnectionOptions, address: string, framed: boolean, leftover: Buffer) {
    super();
    this.id = nextConnectionId++;
    this.address = address;
    this.#socket = socket;
    this.#framed = framed;
    this.#rpcTimeoutMs = options.rpcTimeoutMs ?? CONNECTION_DEFAULTS.rpcTimeoutMs;
    this.#policy = options.callPolicy;
    const maxMessageBytes = options.maxMessageBytes ?? CONNECTION_DEFAULTS.maxMessageBytes;
    this.#reader = new ReplyReader(maxMessageBytes, address);
    this.#saslDecoder = framed ? new SaslFrameDecoder(maxMessageBytes) : undefined;
    this.createdAt = performance.now();
    this.#lastActivityAt = this.createdAt;
    this.#closedPromise = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('error', (err) => {
      this.#closeError ??= tlsAlertError(err, address) ?? err;
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
    validateConnectionOptions(options);
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
      } else if (auth.mechanism === 'GSSAPI') {
        const s = socket;
        leftover = await raceAbort(saslGssapiHandshake(s, auth, options.host, address), controller.signal, () => s.destroy());
      }
      const conn = new Connection(socket, options, address, auth.mechanism !== 'NOSASL', leftover);
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
    return this.#queue.length + this.#wire.length;
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
    let timing: CallTiming;
    try {
      timing = resolveCallTiming(method, opts, this.#policy, this.#rpcTimeoutMs, this);
    } catch (err) {
      return Promise.reject(err as Error);
    }
    const seqid = (this.#seqid = (this.#seqid + 1) | 0);
    let payload: Buffer;
    try {
      // Generated structs have write()/read() although their .d.ts declares only fields.
      payload = encodeCall(method, seqid, req as ThriftRequest, this.#framed);
    } catch (err) {
      return Promise.reject(new ArgumentError(`cannot encode ${method} request: ${(err as Error).message}`, err));
    }
    return new Promise<T>((resolve, reject) => {
      const call = new PendingCall(
        {
          method,
          seqid,
          payload,
          Resp: Resp as unknown as ThriftResponseClass<ThriftReadable>,
          timing,
          pipeline: opts.pipeline === true,
          resolve: resolve as unknown as (value: ThriftReadable) => void,
          reject,
        },
        performance.now(),
      );
      this.#clock.due(call.deadlineAt);
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

  /** Writes every queued call that may go now: the next one always when the wire is idle, pipelined ones at once. */
  #pump(): void {
    if (this.#closed || this.#socket.destroyed) return;
    while (this.#queue.length > 0) {
      const call = this.#queue[0]!;
      if (this.#wire.length > 0 && !call.pipeline) break;
      this.#queue.shift();
      call.written = true;
      this.#wire.push(call);
      const now = performance.now();
      this.#lastActivityAt = now;
      if (this.#wire.length === 1) this.#clock.due(call.reachHead(now));
      if (!this.#corked) {
        this.#corked = true;
        this.#socket.cork();
        process.nextTick(() => {
          this.#corked = false;
          this.#socket.uncork();
        });
      }
      this.#socket.write(call.payload);
    }
    // An idle connection never keeps the process alive; one with a call out does.
    if (this.pendingCalls > 0) this.#socket.ref();
    else this.#socket.unref();
  }

  /** Acts on every clock due at `now`; returns the next due time (Infinity: none). */
  #checkClocks(now: number): number {
    let next = Number.POSITIVE_INFINITY;
    for (const call of [...this.#queue, ...this.#wire]) {
      if (call.deadlineAt <= now) this.#onCallTimeout(call);
      else if (call.deadlineAt < next) next = call.deadlineAt;
    }
    const head = this.#wire[0];
    if (head !== undefined && !this.#socket.destroyed) next = Math.min(next, head.checkOverrun(now));
    return next;
  }

  #onCallTimeout(call: PendingCall): void {
    const { method, timing } = call;
    if (!call.written) {
      const i = this.#queue.indexOf(call);
      if (i >= 0) this.#queue.splice(i, 1);
      call.reject(new RpcTimeoutError(method, timing.timeoutMs, { coordinator: this.address, requestWritten: false }));
      return this.#pump();
    }
    const i = this.#wire.indexOf(call);
    if (i < 0) return;
    this.#wire.splice(i, 1);
    const err = new RpcTimeoutError(method, timing.timeoutMs, { coordinator: this.address, requestWritten: true });
    call.reject(err);
    debug('#%d %s timed out after %d ms; closing', this.id, method, timing.timeoutMs);
    // A late reply would be read as the answer to the next call: the stream is unusable.
    // The other calls are rejected when the socket has closed, each with its written flag.
    this.destroy(err);
  }

  #onData(chunk: Buffer): void {
    this.#lastActivityAt = performance.now();
    try {
      if (this.#saslDecoder) {
        for (const piece of this.#saslDecoder.push(chunk)) this.#reader.push(piece);
      } else {
        this.#reader.push(chunk);
      }
    } catch (err) {
      this.#failStream(err);
      return;
    }
    this.#drainReplies();
  }

  #drainReplies(): void {
    for (;;) {
      let message: Buffer | undefined;
      try {
        message = this.#reader.next();
      } catch (err) {
        this.#failStream(err);
        return;
      }
      if (message === undefined) break;
      const call = this.#wire.shift();
      if (!call) {
        this.#failStream(new ProtocolError(`${this.address} sent a message while no call was waiting`, { coordinator: this.address }));
        return;
      }
      const now = performance.now();
      const head = this.#wire[0];
      if (head !== undefined) this.#clock.due(head.reachHead(now));
      let result: ThriftReadable | undefined;
      let failure: Error | undefined;
      try {
        result = decodeReply(message, call, this.address);
      } catch (err) {
        failure = err as Error;
      }
      // A TApplicationException leaves the stream aligned; anything else does not.
      const aligned = failure === undefined || (failure instanceof ImpalaError && failure.code === ErrorCode.THRIFT_APPLICATION);
      if (aligned) observeLatency(this.#policy, call.method, now - call.headAt);
      if (failure) call.reject(failure);
      else call.resolve(result!);
      if (!aligned) {
        this.destroy(failure);
        return;
      }
    }
    this.#pump();
  }

  /** Bytes that cannot be read: the oldest call gets the error, the connection is destroyed. */
  #failStream(err: unknown): void {
    const perr = err instanceof ImpalaError ? err : new ProtocolError(`unreadable reply from ${this.address}: ${(err as Error).message}`, { coordinator: this.address, cause: err });
    perr.coordinator ??= this.address;
    const call = this.#wire.shift();
    call?.reject(perr);
    this.destroy(perr);
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
    const calls = [...this.#wire, ...this.#queue];
    this.#wire = [];
    this.#queue = [];
    this.#clock.stop();
    for (const call of calls) call.reject(makeError(call));
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
    const unwatch = watchAbort(signal, listener);
    const settled =
      <A>(fn: (a: A) => void) =>
      (a: A): void => {
        unwatch();
        fn(a);
      };
    promise.then(settled(resolve), settled(reject));
  });
}
