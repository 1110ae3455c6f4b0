import type { CallPolicy, Channel } from '../connection';
import { ImpalaError, RpcTimeoutError } from '../errors';
import { CallBounds } from '../health/call-bounds';
import { LatencyEstimator } from '../health/latency-estimator';
import { SESSION_RPC_NAMES, type ProtocolKind, type ProtocolSession } from '../protocol/protocol-session';
import { withDeadline, type Clock } from '../retry/clock';
import { coordinatorCallPolicy } from './call-policy';
import { LivenessCheck } from './liveness-check';
import type { SessionPool } from './session-pool';
import { StallWatchdog } from './stall-watchdog';

/** Floor of the overrun point and the liveness-check bound, in ms. */
const LIVENESS_FLOOR_MS = 1000;
/** Impala's default FETCH_ROWS_TIMEOUT_MS. */
const IMPALA_FETCH_ROWS_TIMEOUT_MS = 10_000;

/** What a {@link LivenessGuard} needs from its coordinator's pool. @internal */
export interface LivenessGuardDeps {
  address: string;
  /** The protocol of the coordinator's sessions (names the RPCs in errors). */
  protocol: ProtocolKind;
  clock: Clock;
  /** Impala's FETCH_ROWS_TIMEOUT_MS for this client; default 10000. */
  fetchRowsTimeoutMs: number | undefined;
  /** The coordinator's pool (read lazily: the pool is built after the guard, whose CallPolicy it needs). */
  sessions(): SessionPool;
  /** Opens a session outside the pool's lending (traced as a probe). */
  openSession(): Promise<ProtocolSession>;
  /** The pool is closed: sessions opened from now on are closed, not adopted. */
  closed(): boolean;
  /** The coordinator did not answer: mark it down and cut its channels. */
  onDead(error: Error): void;
}

/**
 * Keeps "is the coordinator alive" apart from "is the query done", for one coordinator:
 * the {@link CallPolicy} every channel to it carries (bounds from observed latency, the
 * overrun hook every transport fires at the head of the wire, the latency feed), the
 * {@link StallWatchdog} for what the hook cannot report (connects before a channel
 * exists, calls still stalled after a check), and the single-flight
 * {@link LivenessCheck} they both start — a ping on an idle pooled session, or a new
 * session when none is idle.
 *
 * @internal
 */
export class LivenessGuard {
  readonly latency = new LatencyEstimator();
  readonly bounds: CallBounds;
  readonly callPolicy: CallPolicy;
  readonly #d: LivenessGuardDeps;
  readonly #check: LivenessCheck;
  readonly #watchdog: StallWatchdog;
  /** Channels whose call overran since the last check: cut with the rest if it fails. */
  readonly #overrunning = new Set<Channel>();
  /** Channels whose call overran and still waits, with their last activity then: checked again until a byte comes back. */
  readonly #stalled = new Map<Channel, number>();

  constructor(deps: LivenessGuardDeps) {
    this.#d = deps;
    this.bounds = new CallBounds({ floorMs: LIVENESS_FLOOR_MS, fetchRowsTimeoutMs: deps.fetchRowsTimeoutMs ?? IMPALA_FETCH_ROWS_TIMEOUT_MS }, this.latency);
    this.callPolicy = coordinatorCallPolicy(this.bounds, this.latency, (method, channel) => this.#onOverrun(method, channel));
    this.#check = new LivenessCheck({
      address: deps.address,
      clock: deps.clock,
      timeoutMs: () => this.bounds.livenessTimeoutMs(),
      ping: (ms) => this.#ping(ms),
      onDead: (err) => deps.onDead(err),
    });
    this.#watchdog = new StallWatchdog({
      clock: deps.clock,
      overrunMs: () => this.bounds.overrunMs(),
      stalledCall: () => this.#stillStalled(),
      oldestConnectStart: () => deps.sessions().oldestConnectStart(),
      onStall: (reason) => void this.#check.check(reason),
    });
  }

  /** A connect may have started: make sure the watchdog is looking. */
  kick(): void {
    this.#watchdog.kick();
  }

  /** Destroys the channels whose calls overran (a connect the pool cannot see yet, among others). */
  cutOverrunning(error: Error): void {
    for (const ch of [...this.#overrunning, ...this.#stalled.keys()]) ch.destroy(error);
    this.#overrunning.clear();
    this.#stalled.clear();
  }

  close(): void {
    this.#check.close();
    this.#watchdog.stop();
  }

  /** A call on `channel` overran its overrun point: is the coordinator alive? */
  #onOverrun(method: string, channel: Channel): void {
    if (this.#d.closed()) return;
    this.#overrunning.add(channel);
    this.#stalled.set(channel, channel.lastActivityAt);
    this.#watchdog.kick();
    // Answered: the calls that overran may go on. (Skipped as too soon after an answer:
    // keep them, a later check may still find the coordinator dead.)
    void this.#check.check(`${method} on connection #${channel.id} overran`).then((verdict) => {
      if (verdict === 'alive') this.#overrunning.clear();
      else for (const ch of this.#overrunning) if (ch.closed) this.#overrunning.delete(ch);
    });
  }

  /**
   * The liveness question, asked on a channel other than the stalled ones: a ping on an
   * idle pooled session, or, when none is idle, a new session (which then joins the
   * pool). Rejects when the coordinator did not answer within `timeoutMs`.
   */
  async #ping(timeoutMs: number): Promise<void> {
    const { clock, address } = this.#d;
    const sessions = this.#d.sessions();
    const started = clock.now();
    const [unit] = sessions.takeIdle((u) => !u.session.connection.closed && u.session.connection.pendingCalls === 0 && !u.session.busy, 1);
    if (unit) {
      try {
        const ping = SESSION_RPC_NAMES[unit.session.protocol].ping;
        await withDeadline(clock, unit.session.ping({ timeoutMs }), timeoutMs, () => new RpcTimeoutError(ping, timeoutMs, { coordinator: address, requestWritten: true }));
        this.latency.observe(clock.now() - started);
        sessions.release(unit);
      } catch (err) {
        // A server error is an answer, but the session is no good for anyone.
        sessions.release(unit, err instanceof ImpalaError && err.family === 'server' ? 'validationFailed' : 'error');
        throw err;
      }
      return;
    }
    const open = this.#d.openSession();
    const session = await withDeadline(clock, open, timeoutMs, () => {
      void open.then((late) => this.#keep(late)).catch(() => undefined);
      return new RpcTimeoutError(SESSION_RPC_NAMES[this.#d.protocol].open, timeoutMs, { coordinator: address, requestWritten: true });
    });
    this.latency.observe(clock.now() - started);
    await this.#keep(session);
  }

  /** A session opened for a check joins the pool when there is room; otherwise it is closed. */
  async #keep(session: ProtocolSession): Promise<void> {
    if (this.#d.closed() || !this.#d.sessions().adopt(session)) await session.close().catch(() => undefined);
  }

  /** A call that overran and still gets nothing back (answered, closed or active ones are forgotten). */
  #stillStalled(): string | undefined {
    const now = this.#d.clock.now();
    let reason: string | undefined;
    for (const [ch, activityAt] of this.#stalled) {
      if (ch.closed || ch.pendingCalls === 0 || ch.lastActivityAt !== activityAt) this.#stalled.delete(ch);
      else reason ??= `a call on connection #${ch.id} still has no reply after ${Math.round(now - ch.lastActivityAt)} ms`;
    }
    return reason;
  }
}
