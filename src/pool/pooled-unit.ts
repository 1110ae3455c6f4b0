import type { ProtocolSession } from '../protocol/protocol-session';

/**
 * What the per-coordinator generic-pool holds: one connection + one HS2 session, or
 * the error that prevented opening one.
 *
 * generic-pool retries a failed `create()` at once for as long as a request waits,
 * which would hammer a dead coordinator in a tight loop. So `create()` never fails:
 * a failure becomes a unit carrying the error, which the acquirer destroys and
 * reports. One failed connect is one attempt.
 *
 * @internal
 */
export class PooledUnit {
  /** The session, or undefined for a failed create. */
  readonly session: ProtocolSession | undefined;
  /** Why the create failed. */
  readonly error: Error | undefined;
  /** Pool generation at creation; older generations are discarded on borrow. */
  readonly generation: number;
  /** performance.now() at creation. */
  readonly createdAt: number;
  /** performance.now() after which the unit is retired (maxLifetimeMs minus jitter). */
  readonly expiresAt: number;
  /** performance.now() when it was last given back to the pool. */
  returnedAt: number;
  /** Lent to a caller right now. */
  leased = false;

  constructor(session: ProtocolSession | undefined, error: Error | undefined, generation: number, createdAt: number, expiresAt: number) {
    this.session = session;
    this.error = error;
    this.generation = generation;
    this.createdAt = createdAt;
    this.expiresAt = expiresAt;
    this.returnedAt = createdAt;
  }
}
