import type { CallTiming } from './call-timing';
import type { CallIdentity } from './thrift-codec';
import type { ThriftReadable, ThriftResponseClass } from './types';

/** What a {@link PendingCall} is made of. @internal */
export interface PendingCallInit {
  method: string;
  seqid: number;
  /** The request bytes as they go on the wire (SASL-framed when the connection is). */
  payload: Buffer;
  Resp: ThriftResponseClass<ThriftReadable>;
  timing: CallTiming;
  /** May be written while earlier calls still wait for their replies. */
  pipeline: boolean;
  resolve: (value: ThriftReadable) => void;
  reject: (err: Error) => void;
}

/**
 * One call on a binary connection from `call()` to its settlement, with its two
 * clocks: the time bound runs from `call()` (queueing included), the overrun clock
 * from when the call reaches the head of the wire, i.e. is written and every earlier
 * call was answered, so the server is working on it.
 *
 * @internal
 */
export class PendingCall implements CallIdentity {
  readonly method: string;
  readonly seqid: number;
  readonly payload: Buffer;
  readonly Resp: ThriftResponseClass<ThriftReadable>;
  readonly timing: CallTiming;
  readonly pipeline: boolean;
  readonly resolve: (value: ThriftReadable) => void;
  readonly reject: (err: Error) => void;
  /** True once its bytes were handed to the socket. */
  written = false;
  /** `performance.now()` when it reached the head of the wire; -1 before. */
  headAt = -1;
  #timeoutTimer: NodeJS.Timeout | undefined;
  #overrunTimer: NodeJS.Timeout | undefined;

  constructor(init: PendingCallInit) {
    this.method = init.method;
    this.seqid = init.seqid;
    this.payload = init.payload;
    this.Resp = init.Resp;
    this.timing = init.timing;
    this.pipeline = init.pipeline;
    this.resolve = init.resolve;
    this.reject = init.reject;
  }

  /** Starts the time bound; `onTimeout` runs once if the call is still pending when it elapses. */
  armTimeout(onTimeout: (call: PendingCall) => void): void {
    this.#timeoutTimer = setTimeout(() => {
      this.#timeoutTimer = undefined;
      onTimeout(this);
    }, this.timing.timeoutMs);
  }

  /** The call is now the oldest one awaiting a reply: starts its overrun clock. */
  reachHead(now: number): void {
    if (this.headAt >= 0) return;
    this.headAt = now;
    const { overrunMs, onOverrun } = this.timing;
    if (overrunMs === undefined || onOverrun === undefined) return;
    this.#overrunTimer = setTimeout(() => {
      this.#overrunTimer = undefined;
      onOverrun();
    }, overrunMs);
  }

  /** Stops both clocks (the call is being settled). */
  settle(): void {
    if (this.#timeoutTimer) clearTimeout(this.#timeoutTimer);
    if (this.#overrunTimer) clearTimeout(this.#overrunTimer);
    this.#timeoutTimer = undefined;
    this.#overrunTimer = undefined;
  }
}
