import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import { inspect } from 'node:util';
import createDebug from 'debug';
import { ArgumentError, ConnectionClosedError, ConnectionLostError, RpcTimeoutError } from '../errors';
import { checkCallPolicy, resolveCallTiming, type CallTiming } from './call-timing';
import type { Channel } from './channel';
import { CONNECTION_DEFAULTS, formatAddress } from './connection';
import { AuthCookieStore, CookieJar } from './cookie-jar';
import { IDEMPOTENT_METHODS, resolveHttpOptions, type ResolvedHttpOptions } from './http-options';
import { abortCall, abortSignal, breaking, breaksChannel, performCall, type HttpCall, type HttpCallHost } from './http-call';
import { HttpWire } from './http-wire';
import { connectError, openWire } from './http-open-wire';
import { encodeCall } from './thrift-codec';
import type { CallOptions, CallPolicy, ConnectionOptions, ThriftReadable, ThriftRequest, ThriftResponseClass } from './types';

const debug = createDebug('impala-ha:connection');

let nextHttpId = 1;

/**
 * HS2 over HTTP (Impala's `--hs2_http_port`, 28000) to one coordinator: every Thrift
 * call is one `POST` on one keep-alive HTTP/1.1 connection, one call at a time, in
 * FIFO order.
 *
 * The socket and the response parser are our own (not `node:http`), so the channel
 * knows exactly whether a request was fully handed to the kernel (`requestWritten`)
 * and whether a kept-alive connection had already been closed by the server before a
 * request was written. A connection the server (or a proxy) closes while idle is
 * replaced silently at the next call; a call that dies with its connection breaks
 * the channel (`closed`, `close` event), as on the binary wire, so the pool reattaches
 * the HS2 session over a new channel.
 *
 * Per request: `Authorization` from the authenticator (Basic for PLAIN, Bearer for
 * JWT, or `http.authenticator`), the coordinator's auth cookie and a load balancer's
 * affinity cookies, tracing headers, `?doAs=`. A 401 drops the auth cookie and
 * re-authenticates once; a 429/502/503 is retried after `Retry-After` for idempotent
 * RPCs only.
 */
export class HttpConnection extends EventEmitter<{ close: [err: Error | undefined] }> implements Channel {
  /** Always `'http'`. */
  readonly transport = 'http' as const;
  /** Process-unique id, for logs and events. */
  readonly id: number;
  /** `host:port` (or the configured label). */
  readonly address: string;
  /** `performance.now()` when the channel was established. */
  readonly createdAt: number;
  readonly #options: ConnectionOptions;
  readonly #jar: CookieJar;
  readonly #rpcTimeoutMs: number;
  readonly #policy: CallPolicy | undefined;
  readonly #host: HttpCallHost;
  #wire: HttpWire | undefined;
  #queue: HttpCall[] = [];
  #inFlight: HttpCall | undefined;
  #seqid = 0;
  #closed = false;
  #lastActivityAt: number;

  private constructor(options: ConnectionOptions, http: ResolvedHttpOptions, address: string, wire: HttpWire) {
    super();
    this.id = nextHttpId++;
    this.address = address;
    this.#options = options;
    this.#rpcTimeoutMs = options.rpcTimeoutMs ?? CONNECTION_DEFAULTS.rpcTimeoutMs;
    this.#policy = options.callPolicy;
    const tls = options.tls !== undefined && options.tls !== false;
    this.#jar = new CookieJar(address, tls, options.http?.cookieStore ?? new AuthCookieStore());
    this.createdAt = performance.now();
    this.#lastActivityAt = this.createdAt;
    this.#adopt(wire);
    const self = this;
    this.#host = {
      address,
      host: options.host,
      port: options.port,
      tls,
      http,
      jar: this.#jar,
      policy: this.#policy,
      wire: (call) => this.#usableWire(call),
      dropWire: (wire) => this.#dropWire(wire),
      get channel() {
        return self;
      },
    };
  }

  /**
   * Opens the first connection (TCP, TLS when configured) within `connectTimeoutMs`.
   * Nothing is sent yet: HTTP authenticates each request, so bad credentials show at
   * the first call (OpenSession) as IMPALA_ERR_AUTH_FAILED.
   *
   * @throws {@link ConnectError} (refused, timeout, TLS, other), or an `ArgumentError`
   * for unusable options.
   */
  static async open(options: ConnectionOptions): Promise<HttpConnection> {
    validate(options);
    const http = resolveHttpOptions(options.http, options.auth);
    const address = options.label ?? formatAddress(options.host, options.port);
    const wire = await openWire(options, address, options.connectTimeoutMs ?? CONNECTION_DEFAULTS.connectTimeoutMs, undefined);
    const conn = new HttpConnection(options, http, address, wire);
    debug('#%d HTTP channel to %s%s (%s auth)', conn.id, address, options.tls ? ' over TLS' : '', http.authenticator?.scheme ?? 'no');
    return conn;
  }

  /** True once closed or broken; calls then reject at once. */
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

  /** Sends one Thrift call as a POST and resolves with the reply's result struct. */
  call<T extends object>(method: string, req: object, Resp: new () => T, opts: CallOptions = {}): Promise<T> {
    if (this.#closed) {
      return Promise.reject(new ConnectionClosedError(`cannot call ${method}: the HTTP channel to ${this.address} is closed`, false, { coordinator: this.address, method }));
    }
    // The same rules as the binary wire: the call's own values, else the policy's, else rpcTimeoutMs.
    let timing: CallTiming;
    try {
      timing = resolveCallTiming(method, opts, this.#policy, this.#rpcTimeoutMs, this);
    } catch (err) {
      return Promise.reject(err as Error);
    }
    const seqid = (this.#seqid = (this.#seqid + 1) | 0);
    let payload: Buffer;
    try {
      payload = encodeCall(method, seqid, req as ThriftRequest);
    } catch (err) {
      return Promise.reject(new ArgumentError(`cannot encode ${method} request: ${(err as Error).message}`, err));
    }
    return new Promise<T>((resolve, reject) => {
      const call: HttpCall = {
        method,
        seqid,
        payload,
        Resp: Resp as unknown as ThriftResponseClass<ThriftReadable>,
        resolve: resolve as unknown as (value: ThriftReadable) => void,
        reject,
        timeoutMs: timing.timeoutMs,
        queuedAt: performance.now(),
        idempotent: opts.idempotent ?? IDEMPOTENT_METHODS.has(method),
        trace: opts.trace,
        overrunMs: timing.overrunMs,
        onOverrun: timing.onOverrun,
        abortReason: undefined,
        abortController: undefined,
        timer: undefined,
        overrunTimer: undefined,
        written: false,
        done: false,
      };
      call.timer = setTimeout(() => this.#onCallTimeout(call), timing.timeoutMs);
      this.#queue.push(call);
      this.#pump();
    });
  }

  /**
   * Closes the channel: pending calls reject with a ConnectionClosedError (saying
   * whether each was written), the connection is ended. Resolves when it is closed
   * (at most about a second later). Safe to call more than once.
   */
  async close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      this.#failAll((call) =>
        new ConnectionClosedError(`the HTTP channel to ${this.address} was closed while ${call.method} was ${call.written ? 'waiting for its reply' : 'queued'}`, call.written, {
          coordinator: this.address,
          method: call.method,
        }),
      );
      const wire = this.#wire;
      this.#wire = undefined;
      debug('#%d closed locally', this.id);
      this.emit('close', undefined);
      await wire?.close();
    }
  }

  /** Destroys the connection at once; pending calls reject with a ConnectionLostError. */
  destroy(err?: Error): void {
    this.#break(err ?? new ConnectionLostError(`the HTTP channel to ${this.address} was destroyed`, false, { coordinator: this.address }));
  }

  /** Short description without secrets, for logs. */
  override toString(): string {
    return `HttpConnection#${this.id}(${this.address}${this.#closed ? ', closed' : ''})`;
  }

  [inspect.custom](): string {
    return `HttpConnection { id: ${this.id}, address: '${this.address}', closed: ${this.#closed}, pendingCalls: ${this.pendingCalls} }`;
  }

  #adopt(wire: HttpWire): void {
    this.#wire = wire;
    wire.onActivity = (at) => (this.#lastActivityAt = at);
    this.#lastActivityAt = performance.now();
  }

  #pump(): void {
    if (this.#inFlight || this.#closed) return;
    const call = this.#queue.shift();
    if (!call) return;
    this.#inFlight = call;
    void this.#run(call);
  }

  async #run(call: HttpCall): Promise<void> {
    // One call at a time: the call in flight is at the head of the wire, so its overrun
    // clock starts now (a reconnect or an authenticator that hangs counts, as a server
    // that does not answer does).
    const hook = call.onOverrun;
    if (call.overrunMs !== undefined && hook !== undefined && !call.done) {
      call.overrunTimer = setTimeout(() => {
        call.overrunTimer = undefined;
        if (!call.done) hook();
      }, call.overrunMs);
    }
    try {
      const result = await performCall(this.#host, call);
      if (!call.done) {
        this.#settle(call);
        call.resolve(result);
      }
    } catch (err) {
      if (!call.done) {
        this.#settle(call);
        call.reject(err as Error);
        // The connection died under the call (or its bytes made no sense): as on the binary wire, the channel is done.
        if (breaksChannel(err)) this.#break(err as Error);
      }
    } finally {
      if (this.#inFlight === call) this.#inFlight = undefined;
      this.#pump();
    }
  }

  #settle(call: HttpCall): void {
    call.done = true;
    if (call.timer) clearTimeout(call.timer);
    if (call.overrunTimer) clearTimeout(call.overrunTimer);
    call.timer = undefined;
    call.overrunTimer = undefined;
  }

  #onCallTimeout(call: HttpCall): void {
    call.timer = undefined;
    if (call.done) return;
    const written = call.written;
    const err = new RpcTimeoutError(call.method, call.timeoutMs, { coordinator: this.address, requestWritten: written });
    this.#settle(call);
    abortCall(call, err);
    call.reject(err);
    if (this.#inFlight === call) {
      debug('#%d %s timed out after %d ms; %s', this.id, call.method, call.timeoutMs, written ? 'closing' : 'it was never sent');
      // A late answer must not be read as the reply to the next call.
      if (written) this.#break(err);
      else if (this.#wire && !this.#wire.usable) this.#dropWire(this.#wire);
      return;
    }
    const i = this.#queue.indexOf(call);
    if (i >= 0) this.#queue.splice(i, 1);
  }

  /** The wire for the next request: the kept-alive one if the server has not closed it, else a new one. */
  async #usableWire(call: HttpCall): Promise<HttpWire> {
    let wire = this.#wire;
    if (wire?.usable && wire.completed > 0) {
      // Let a FIN or reset that has already arrived be processed before writing.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    if (this.#closed) throw new ConnectionClosedError(`the HTTP channel to ${this.address} was closed before ${call.method} was sent`, false, { coordinator: this.address, method: call.method });
    wire = this.#wire;
    if (wire?.usable) return wire;
    if (wire) {
      debug('#%d the server closed the kept-alive connection to %s; reconnecting', this.id, this.address);
      this.#dropWire(wire);
    }
    const remaining = call.timeoutMs - (performance.now() - call.queuedAt);
    const bound = Math.max(1, Math.min(this.#options.connectTimeoutMs ?? CONNECTION_DEFAULTS.connectTimeoutMs, remaining));
    let fresh: HttpWire;
    try {
      fresh = await openWire(this.#options, this.address, bound, abortSignal(call));
    } catch (err) {
      if (call.abortReason !== undefined) throw err;
      // The coordinator is unreachable now: as on the binary wire, the channel is done.
      throw breaking(connectError(err, this.address, call.method));
    }
    if (this.#closed || call.done) {
      fresh.destroy();
      throw new ConnectionClosedError(`the HTTP channel to ${this.address} was closed before ${call.method} was sent`, false, { coordinator: this.address, method: call.method });
    }
    this.#adopt(fresh);
    return fresh;
  }

  #dropWire(wire: HttpWire): void {
    if (this.#wire === wire) this.#wire = undefined;
    wire.destroy();
  }

  /** The channel is unusable: every pending call fails, the connection is destroyed, `close` is emitted. */
  #break(cause: Error): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#failAll((call) =>
      call.written
        ? new ConnectionLostError(`the HTTP channel to ${this.address} broke while ${call.method} was waiting for its reply (${cause.message}); the server may have received it`, true, {
            coordinator: this.address,
            cause,
            method: call.method,
          })
        : new ConnectionLostError(`the HTTP channel to ${this.address} broke before ${call.method} was sent (${cause.message})`, false, { coordinator: this.address, cause, method: call.method }),
    );
    const wire = this.#wire;
    this.#wire = undefined;
    wire?.destroy(cause);
    debug('#%d broken: %s', this.id, cause.message);
    this.emit('close', cause);
  }

  #failAll(makeError: (call: HttpCall) => Error): void {
    const calls = this.#inFlight ? [this.#inFlight, ...this.#queue] : [...this.#queue];
    this.#queue = [];
    for (const call of calls) {
      if (call.done) continue;
      this.#settle(call);
      const err = makeError(call);
      abortCall(call, err);
      call.reject(err);
    }
  }
}

function validate(options: ConnectionOptions): void {
  if (typeof options.host !== 'string' || options.host.length === 0) throw new ArgumentError(`host must be a non-empty string, got ${JSON.stringify(options.host)}`);
  if (!Number.isInteger(options.port) || options.port < 1 || options.port > 65535) throw new ArgumentError(`port must be an integer from 1 to 65535, got ${String(options.port)}`);
  for (const key of ['connectTimeoutMs', 'rpcTimeoutMs', 'maxMessageBytes'] as const) {
    const v = options[key];
    if (v !== undefined && !(typeof v === 'number' && v > 0 && Number.isFinite(v))) throw new ArgumentError(`${key} must be a positive finite number, got ${String(v)}`);
  }
  checkCallPolicy(options.callPolicy);
}

