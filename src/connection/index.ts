export { Connection, CONNECTION_DEFAULTS, formatAddress } from './connection';
export type { AuthOptions, CallOptions, ConnectionOptions, ThriftReadable, ThriftRequest, ThriftResponseClass, TlsOptions } from './types';
