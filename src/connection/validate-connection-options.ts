import { ArgumentError } from '../errors';
import { checkCallPolicy } from './call-timing';
import type { ConnectionOptions } from './types';

/**
 * Checks the options of a binary Connection before any socket is opened.
 *
 * @throws {@link ArgumentError} naming the option, what it was and what is accepted.
 * @internal
 */
export function validateConnectionOptions(options: ConnectionOptions): void {
  if (typeof options.host !== 'string' || options.host.length === 0) {
    throw new ArgumentError(`host must be a non-empty string, got ${JSON.stringify(options.host)}`);
  }
  if (!Number.isInteger(options.port) || options.port < 1 || options.port > 65535) {
    throw new ArgumentError(`port must be an integer from 1 to 65535, got ${String(options.port)}`);
  }
  for (const key of ['connectTimeoutMs', 'rpcTimeoutMs', 'maxMessageBytes'] as const) {
    const v = options[key];
    if (v !== undefined && !(typeof v === 'number' && v > 0 && Number.isFinite(v))) {
      throw new ArgumentError(`${key} must be a positive finite number, got ${String(v)}`);
    }
  }
  checkCallPolicy(options.callPolicy);
  const auth = options.auth;
  if (auth && auth.mechanism !== 'NOSASL' && auth.mechanism !== 'PLAIN' && auth.mechanism !== 'GSSAPI') {
    throw new ArgumentError(`auth.mechanism must be 'NOSASL', 'PLAIN' or 'GSSAPI', got ${JSON.stringify((auth as { mechanism: unknown }).mechanism)}`);
  }
}
