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
 * One call on a binary connection from `call()` to its settlement, with the due
 * times of its two clocks: the time bound runs from `call()` (queueing included), the
 * overrun clock from when the call reaches the head of the wire, i.e. is written and
 * every earlier call was answered, so the server is working on it. The connection's
 * call clock acts on them; a settled call leaves the connection's lists, and with them
 * every clock.
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
  /** `performance.now()` when its time bound elapses. */
  readonly deadlineAt: number;
  /** `performance.now()` when its overrun hook is due; Infinity while not at the head or without a hook. */
  overrunAt = Number.POSITIVE_INFINITY;

  /** @param now `performance.now()` at `call()`, where the time bound counts from */
  constructor(init: PendingCallInit, now: number) {
    this.method = init.method;
    this.seqid = init.seqid;
    this.payload = init.payload;
    this.Resp = init.Resp;
    this.timing = init.timing;
    this.pipeline = init.pipeline;
    this.resolve = init.resolve;
    this.reject = init.reject;
    this.deadlineAt = now + init.timing.timeoutMs;
  }

  /**
   * The call is now the oldest one awaiting a reply: starts its overrun clock. Returns
   * when the overrun hook is due (Infinity: never), for the connection's clock.
   */
  reachHead(now: number): number {
    if (this.headAt >= 0) return Number.POSITIVE_INFINITY;
    this.headAt = now;
    const { overrunMs, onOverrun } = this.timing;
    if (overrunMs !== undefined && onOverrun !== undefined) this.overrunAt = now + overrunMs;
    return this.overrunAt;
  }

  /** Runs the overrun hook if it is due at `now` (once); returns when it is due otherwise (Infinity: never). */
  checkOverrun(now: number): number {
    if (this.overrunAt > now) return this.overrunAt;
    this.overrunAt = Number.POSITIVE_INFINITY;
    this.timing.onOverrun?.();
    return Number.POSITIVE_INFINITY;
  }
}
