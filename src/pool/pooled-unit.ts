import type { ProtocolSession } from '../protocol/protocol-session';

/**
 * What a coordinator's pool holds: one channel + one server-side session, with the
 * bookkeeping that lending and retiring it need. Times are on the pool's clock.
 *
 * @internal
 */
export class PooledUnit {
  readonly session: ProtocolSession;
  /** Pool generation at creation; older generations are discarded. */
  readonly generation: number;
  /** When it was created. */
  readonly createdAt: number;
  /** After this it is retired (maxLifetimeMs minus jitter; Infinity for never). */
  readonly expiresAt: number;
  /** When it was last given back (or created). */
  returnedAt: number;
  /** Lent to a caller, or being validated / pinged by the pool, right now. */
  busy = false;

  constructor(session: ProtocolSession, generation: number, createdAt: number, expiresAt: number) {
    this.session = session;
    this.generation = generation;
    this.createdAt = createdAt;
    this.expiresAt = expiresAt;
    this.returnedAt = createdAt;
  }

  /** Time since it was last used, by the pool's clock or the channel's own traffic, whichever is later. */
  idleFor(now: number): number {
    return now - Math.max(this.returnedAt, this.session.connection.lastActivityAt);
  }
}
