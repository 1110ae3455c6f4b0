import createDebug from 'debug';
import type { Channel } from '../connection';
import { ErrorCode, ImpalaError } from '../errors';
import type { ProtocolSession } from '../protocol/protocol-session';

const debug = createDebug('impala-ha:pool');

/** Most sessions kept for a later CloseSession; past it the oldest are left to Impala's disconnected-session timeout. */
const MAX_ABANDONED = 256;

/**
 * Server-side sessions whose channel was cut (a proxy's idle timeout, a network
 * blip): Impala keeps them for `disconnected_session_timeout` (15 min), holding
 * memory and a slot, unless someone closes them. Each is closed over a new channel in
 * the background as soon as it is abandoned, and again when the pool closes.
 *
 * @internal
 */
export class AbandonedSessions {
  readonly #address: string;
  readonly #openChannel: () => Promise<Channel>;
  readonly #timeoutMs: () => number;
  readonly #open = new Set<ProtocolSession>();
  readonly #running = new Set<Promise<void>>();

  constructor(address: string, openChannel: () => Promise<Channel>, timeoutMs: () => number) {
    this.#address = address;
    this.#openChannel = openChannel;
    this.#timeoutMs = timeoutMs;
  }

  /** Sessions still open on the server, as far as we know. */
  get size(): number {
    return this.#open.size;
  }

  /** Starts closing `session` on the server in the background. */
  add(session: ProtocolSession): void {
    this.#open.add(session);
    if (this.#open.size > MAX_ABANDONED) this.#open.delete(this.#open.values().next().value!);
    this.#track(this.#close(session));
  }

  /** Stops trying: the sessions left are left to Impala's disconnected-session timeout. */
  giveUp(): void {
    this.#open.clear();
  }

  /** Tries once more to close every session still open, and waits for all attempts. */
  async closeAll(): Promise<void> {
    for (const s of this.#open) this.#track(this.#close(s));
    while (this.#running.size > 0) await Promise.allSettled([...this.#running]);
  }

  #track(p: Promise<void>): void {
    this.#running.add(p);
    void p.finally(() => this.#running.delete(p));
  }

  async #close(session: ProtocolSession): Promise<void> {
    let channel: Channel | undefined;
    try {
      channel = await this.#openChannel();
      await session.closeRemotely(channel, this.#timeoutMs());
      this.#open.delete(session);
    } catch (err) {
      // A coordinator that no longer knows the session (restart) has nothing to close.
      if (err instanceof ImpalaError && err.code === ErrorCode.INVALID_SESSION) this.#open.delete(session);
      else debug('%s could not close abandoned session %s yet: %s', this.#address, session.sessionId, (err as Error).message);
    } finally {
      if (channel) await channel.close().catch(() => undefined);
    }
  }
}
