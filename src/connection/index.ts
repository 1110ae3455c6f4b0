export { Connection, CONNECTION_DEFAULTS, formatAddress } from './connection';
export { openChannel } from './open-channel';
export type { Channel, TransportKind } from './channel';
export type { AuthOptions, CallOptions, CallPolicy, ConnectionOptions, ThriftReadable, ThriftRequest, ThriftResponseClass, TlsOptions } from './types';
