import type { CallOptions } from './types';

/** Which wire carries a channel's Thrift messages. */
export type TransportKind = 'binary' | 'http';

/**
 * One transport to one coordinator that carries Thrift calls: a binary socket
 * (`Connection`: unframed or SASL-framed TBinaryProtocol on 21050/21000) or HTTP
 * (`HttpConnection`: one keep-alive HTTP/1.1 connection, a POST per call, on 28000).
 *
 * The protocol layers (HS2, Beeswax) and the pool only use this surface, so every
 * transport must honour the same contract:
 * - a call either settles with the reply's result struct or rejects with a typed
 *   ImpalaError that says whether the request may have reached the server
 *   (`requestWritten` on ConnectionLostError / ConnectionClosedError / RpcTimeoutError);
 * - every call has a time bound (`CallOptions.timeoutMs`, else the `callPolicy`'s, else
 *   the channel's `rpcTimeoutMs`), counted from `call()`; an overrun hook (`overrunMs` +
 *   `onOverrun`, else the policy's) fires once while the call goes on, for liveness
 *   checks, counted from when the call reaches the head of the wire; `callPolicy.observe`
 *   is told each answered call's latency from that same point (`resolveCallTiming` and
 *   `observeLatency` in call-timing.ts apply these rules);
 * - a call with `CallOptions.pipeline` may be written before the calls ahead of it are
 *   answered (replies still come in order); a transport that cannot pipeline queues it;
 * - when the transport dies every pending call rejects at once and `close` is emitted;
 * - a channel with no call out does not keep the process alive (its socket is unref'd);
 *   one with a call queued or on the wire, or closing, does. HTTP: "head of the wire"
 *   is the call in flight (one at a time), reconnect and authentication included.
 */
export interface Channel {
  /** Process-unique id, for logs and events. */
  readonly id: number;
  /** `host:port` (or the configured label). */
  readonly address: string;
  /** Which wire this is. */
  readonly transport: TransportKind;
  /** `performance.now()` when the channel was established. */
  readonly createdAt: number;
  /** True once closed or broken; calls then reject at once. */
  readonly closed: boolean;
  /** Calls queued or on the wire. */
  readonly pendingCalls: number;
  /** `performance.now()` of the last byte sent or received. */
  readonly lastActivityAt: number;
  /** Sends one Thrift call (argument `req` in field 1) and resolves with the result struct (field 0). */
  call<T extends object>(method: string, req: object, Resp: new () => T, opts?: CallOptions): Promise<T>;
  /** Closes gracefully; pending calls reject as closed. Safe to call more than once. */
  close(): Promise<void>;
  /** Destroys at once; pending calls reject as lost. */
  destroy(err?: Error): void;
  on(event: 'close', listener: (err: Error | undefined) => void): this;
  once(event: 'close', listener: (err: Error | undefined) => void): this;
  off(event: 'close', listener: (err: Error | undefined) => void): this;
}
