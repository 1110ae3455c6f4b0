import { ArgumentError } from '../errors';
import { BeeswaxSession } from './beeswax/beeswax-session';
import { CoordinatorSession } from './hs2/coordinator-session';
import type { CoordinatorSessionOptions } from './hs2/session-options';
import type { ProtocolKind, ProtocolSession } from './protocol-session';

/** Options of {@link openProtocolSession}: a session's options plus the protocol to speak. */
export interface ProtocolSessionOptions extends CoordinatorSessionOptions {
  /** `'hs2'` (default; binary or HTTP transport) or `'beeswax'` (legacy, port 21000). */
  protocol?: ProtocolKind | undefined;
}

/**
 * Connects and opens a session in the protocol `options.protocol` asks for.
 *
 * @throws what the protocol's own `open` throws (ConnectError, ServerError,
 * ProtocolError), or an ArgumentError for an unknown protocol.
 */
export function openProtocolSession(options: ProtocolSessionOptions): Promise<ProtocolSession> {
  const protocol = options.protocol ?? 'hs2';
  switch (protocol) {
    case 'hs2':
      return CoordinatorSession.open(options);
    case 'beeswax':
      return BeeswaxSession.open(options);
    default:
      return Promise.reject(new ArgumentError(`protocol must be 'hs2' or 'beeswax', got ${JSON.stringify(protocol)}`));
  }
}
