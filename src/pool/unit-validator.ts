import createDebug from 'debug';
import type { Channel } from '../connection';
import { ErrorCode, ImpalaError } from '../errors';
import type { ConnectionCloseReason } from '../events';
import type { EventSink } from '../events/event-sink';
import type { ProtocolSession } from '../protocol/protocol-session';
import type { Clock } from '../retry/clock';
import type { PooledUnit } from './pooled-unit';

const debug = createDebug('impala-ha:pool');

/** What the validator needs from its pool. @internal */
export interface UnitValidatorDeps {
  address: string;
  /** Ping a unit idle longer than this before lending it, in ms; 0 = always. */
  validateAfterIdleMs: number;
  clock: Clock;
  emit: EventSink;
  /** The pool's current generation. */
  generation(): number;
  /** A new channel to the same coordinator. */
  openChannel(): Promise<Channel>;
  /** Bound on a validation ping, in ms (a ping must answer fast). */
  pingTimeoutMs(): number;
  /** Feeds a failure to health. */
  noteFailure(err: unknown): void;
  /** Told the round trip of every validation ping that answered, in ms. */
  observe?(latencyMs: number): void;
}

/**
 * Decides whether an idle unit may be lent, repairing what it can: a unit of an older
 * generation, closed, or past its lifetime is retired; one idle longer than
 * `validateAfterIdleMs` is pinged; one whose channel was cut while idle is reattached —
 * a new channel carrying the same server-side session, which Impala keeps for 15
 * minutes — so SET state and the session survive a proxy's idle cut.
 *
 * @internal
 */
export class UnitValidator {
  readonly #d: UnitValidatorDeps;

  constructor(deps: UnitValidatorDeps) {
    this.#d = deps;
  }

  /**
   * The verdict when it needs no I/O: `true` (lend it), a reason to retire it, or
   * undefined when it must be pinged or reattached first ({@link check}).
   */
  quick(unit: PooledUnit): true | ConnectionCloseReason | undefined {
    const s = unit.session;
    if (unit.generation !== this.#d.generation()) return 'stale';
    if (s.closed) return 'error';
    const now = this.#d.clock.now();
    if (now >= unit.expiresAt) return 'lifetime';
    if (s.connection.closed) return s.reattachable ? undefined : 'error';
    return unit.idleFor(now) < this.#d.validateAfterIdleMs ? true : undefined;
  }

  /** `true` to lend the unit, else why to retire it. Never throws. */
  async check(unit: PooledUnit): Promise<true | ConnectionCloseReason> {
    const quick = this.quick(unit);
    if (quick !== undefined) return quick;
    const s = unit.session;
    const idleMs = unit.idleFor(this.#d.clock.now());
    if (s.connection.closed) return this.#reattach(s, idleMs);
    try {
      const pong = await s.ping({ timeoutMs: this.#d.pingTimeoutMs() });
      this.#d.observe?.(pong.latencyMs);
      this.#d.emit('connectionValidated', { time: new Date(), coordinator: this.#d.address, connectionId: s.connection.id, how: 'ping', idleMs: Math.round(idleMs) });
      return true;
    } catch (err) {
      debug('%s ping of an idle connection failed: %s', this.#d.address, (err as Error).message);
      const timedOut = err instanceof ImpalaError && err.code === ErrorCode.RPC_TIMEOUT;
      if (s.reattachable && s.connection.closed && !timedOut) return this.#reattach(s, idleMs);
      if (timedOut) this.#d.noteFailure(err);
      return 'validationFailed';
    }
  }

  /**
   * Carries a session over a new channel to the same coordinator (its own was cut)
   * and checks with a ping that the coordinator still knows it.
   *
   * @throws the connect error, or IMPALA_ERR_INVALID_SESSION when the coordinator
   * restarted (or a proxy sent the new channel to another coordinator).
   */
  async reattach(session: ProtocolSession, idleMs = 0): Promise<void> {
    const channel = await this.#d.openChannel();
    try {
      session.reattach(channel);
    } catch (err) {
      await channel.close().catch(() => undefined);
      throw err;
    }
    await session.ping({ timeoutMs: this.#d.pingTimeoutMs() });
    this.#d.emit('connectionValidated', { time: new Date(), coordinator: this.#d.address, connectionId: channel.id, how: 'reattached', idleMs: Math.round(idleMs) });
    debug('%s reattached session %s on connection #%d', this.#d.address, session.sessionId, channel.id);
  }

  async #reattach(session: ProtocolSession, idleMs: number): Promise<true | ConnectionCloseReason> {
    try {
      await this.reattach(session, idleMs);
      return true;
    } catch (err) {
      debug('%s could not reattach session %s: %s', this.#d.address, session.sessionId, (err as Error).message);
      if (err instanceof ImpalaError && (err.family === 'connect' || err.code === ErrorCode.CONNECTION_LOST || err.code === ErrorCode.INVALID_SESSION)) this.#d.noteFailure(err);
      return 'validationFailed';
    }
  }
}
