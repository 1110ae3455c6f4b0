export { Connection, CONNECTION_DEFAULTS, formatAddress } from './connection';
export { openChannel } from './open-channel';
export type { Channel, TransportKind } from './channel';
export type { AuthOptions, CallOptions, ConnectionOptions, ThriftReadable, ThriftRequest, ThriftResponseClass, TlsOptions } from './types';
