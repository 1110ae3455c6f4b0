import { ArgumentError } from '../errors';
import type { Channel } from './channel';
import { Connection } from './connection';
import { HttpConnection } from './http-connection';
import type { ConnectionOptions } from './types';

/**
 * Opens the channel `options.transport` asks for (default `'binary'`), authenticated
 * and ready for calls; the whole sequence is bounded by `connectTimeoutMs`.
 *
 * @throws {@link ConnectError} (refused, timeout, TLS, auth, other), or an
 * `ArgumentError` for unusable options.
 */
export function openChannel(options: ConnectionOptions): Promise<Channel> {
  const transport = options.transport ?? 'binary';
  switch (transport) {
    case 'binary':
      return Connection.open(options);
    case 'http':
      return HttpConnection.open(options);
    default:
      return Promise.reject(new ArgumentError(`transport must be 'binary' or 'http', got ${JSON.stringify(transport)}`));
  }
}
