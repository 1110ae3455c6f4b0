import { ErrorCode, ImpalaError } from '../errors';
import type { ProtocolSession } from '../protocol/protocol-session';
import type { PooledUnit } from './pooled-unit';

/**
 * What a failure leaves of a leased connection and its server-side session:
 * - `reuse`: both are fine (the server answered with an error; the stream is aligned);
 * - `reconnect`: the channel is unusable, the server-side session may live on (a new
 *   channel can carry it when the session is reattachable);
 * - `discard`: the session is unknown to the server or cannot take new work.
 */
export type AfterFailure = 'reuse' | 'reconnect' | 'discard';

/**
 * Decides, in one place, whether a connection is broken after a failure. Pooled calls
 * give back only `reuse`; pinned sessions reattach on `reconnect` and reopen (or are
 * lost) on `discard`.
 */
export function connectionAfterFailure(err: unknown, session: ProtocolSession): AfterFailure {
  if (session.closed) return 'discard';
  if (err instanceof ImpalaError) {
    switch (err.code) {
      case ErrorCode.INVALID_SESSION:
      case ErrorCode.SESSION_EXPIRED:
      case ErrorCode.SERVER_SHUTTING_DOWN:
        return 'discard';
      default:
    }
  }
  if (session.connection.closed) return 'reconnect';
  // An error we did not type leaves the stream in an unknown state.
  if (!(err instanceof ImpalaError)) return 'reconnect';
  if (err.family === 'connection' || err.family === 'protocol' || err.family === 'connect' || err.code === ErrorCode.RPC_TIMEOUT) return 'reconnect';
  return 'reuse';
}

/** What a lease needs from the pool that lent it. @internal */
export interface LeaseOwner {
  /** `host:port`. */
  readonly address: string;
  /** A request on the lease starts: it counts as in flight. */
  requestStarted(): void;
  /** A request on the lease ended; `latencyMs` feeds the latency average when it succeeded. */
  requestEnded(ok: boolean, latencyMs: number): void;
  /** Feeds a failure to health (passive check). */
  noteFailure(err: unknown): void;
  /** Takes the unit back (or closes it with `discard`). */
  giveBack(unit: PooledUnit, discard: boolean): void;
  /** Monotonic time in ms. */
  now(): number;
}

/** How a lease ends. */
export interface LeaseEnd {
  /** The failure the last request ended with, if it failed. */
  error?: unknown;
  /** Close the session instead of pooling it (e.g. its SET state changed). */
  discard?: boolean;
  /** The request was aborted by its caller: health hears nothing. */
  aborted?: boolean;
}

/**
 * One pooled session lent to one caller: a pooled call for its duration, a pinned
 * session for its lifetime. Its session is always there; it is given back exactly
 * once (later calls of {@link release} do nothing).
 *
 * @internal
 */
export class Lease {
  readonly #owner: LeaseOwner;
  readonly #unit: PooledUnit;
  #released = false;
  #requestStart: number | undefined;

  /** `running`: the owner already counts a request on this lease (started at acquire). */
  constructor(owner: LeaseOwner, unit: PooledUnit, running = false) {
    this.#owner = owner;
    this.#unit = unit;
    if (running) this.#requestStart = owner.now();
  }

  /** The leased session. */
  get session(): ProtocolSession {
    return this.#unit.session;
  }

  /** `host:port` of the coordinator the lease is on. */
  get coordinator(): string {
    return this.#owner.address;
  }

  /** The pool that lent it. */
  get owner(): LeaseOwner {
    return this.#owner;
  }

  get released(): boolean {
    return this.#released;
  }

  /** A request starts on this lease (in flight for the balancer, timed for latency). */
  begin(): void {
    if (this.#requestStart !== undefined || this.#released) return;
    this.#requestStart = this.#owner.now();
    this.#owner.requestStarted();
  }

  /**
   * The request ended. A failure is fed to health (unless `aborted`) and its verdict
   * returned: what is left of the connection (see {@link connectionAfterFailure}).
   */
  end(outcome: { error?: unknown; aborted?: boolean } = {}): AfterFailure {
    const failed = 'error' in outcome;
    if (this.#requestStart !== undefined) {
      this.#owner.requestEnded(!failed, this.#owner.now() - this.#requestStart);
      this.#requestStart = undefined;
    }
    if (!failed) return 'reuse';
    if (!outcome.aborted) this.#owner.noteFailure(outcome.error);
    return connectionAfterFailure(outcome.error, this.#unit.session);
  }

  /**
   * Ends a running request (if any) and gives the session back to the pool: pooled
   * again only when the connection is reusable, the request was not aborted and
   * `discard` is not set. Safe to call more than once.
   */
  release(how: LeaseEnd = {}): void {
    if (this.#released) return;
    const verdict = this.end('error' in how ? { error: how.error, aborted: how.aborted === true } : {});
    this.#released = true;
    // An aborted request leaves its cancel and close running against a server that may
    // not answer: close the session rather than queue the next caller behind them.
    // (Cleanup that runs after a success, like a background CloseOperation, is fine:
    // the next call simply follows it on the channel.)
    const discard = how.discard === true || how.aborted === true || verdict !== 'reuse';
    this.#owner.giveBack(this.#unit, discard);
  }
}
