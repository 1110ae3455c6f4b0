import { openChannel, type Channel, type ConnectionOptions } from '../connection';
import type { EventSink } from '../events/event-sink';
import { openProtocolSession, type ProtocolSessionOptions } from '../protocol/open-session';
import type { ProtocolSession } from '../protocol/protocol-session';
import { systemClock, type Clock } from '../retry/clock';

/**
 * What the pool uses from the outside world, injected so unit tests run it on fake
 * sessions and fake timers.
 *
 * @internal
 */
export interface PoolDeps {
  /** Connects and opens a session (production: `openProtocolSession`). */
  openSession(options: ProtocolSessionOptions): Promise<ProtocolSession>;
  /** Opens a bare channel, for reattach and remote CloseSession (production: `openChannel`). */
  openChannel(options: ConnectionOptions): Promise<Channel>;
  /** Time and timers. */
  clock: Clock;
  /** Uniform [0, 1) source for jitter and balancing. */
  random: () => number;
  /** Where events go. */
  emit: EventSink;
}

/** The production dependencies, with `emit` supplied by the caller. @internal */
export function defaultPoolDeps(emit: EventSink, overrides: Partial<Omit<PoolDeps, 'emit'>> = {}): PoolDeps {
  return {
    openSession: overrides.openSession ?? openProtocolSession,
    openChannel: overrides.openChannel ?? openChannel,
    clock: overrides.clock ?? systemClock,
    random: overrides.random ?? Math.random,
    emit,
  };
}
