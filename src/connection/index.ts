export { Connection, CONNECTION_DEFAULTS, formatAddress } from './connection';
export { openChannel } from './open-channel';
export { HttpConnection } from './http-connection';
export { AuthCookieStore } from './cookie-jar';
export { BasicAuthenticator, BearerAuthenticator, type BearerTokenProvider, type BearerTokenRequest, type HttpAuthContext, type HttpAuthenticator } from './http-auth';
export { NegotiateAuthenticator, NEGOTIATE_MAX_CONTINUATIONS, type GssInitiatorFactory } from './http-negotiate';
export { HTTP_DEFAULTS, IDEMPOTENT_METHODS, type HttpTransportOptions } from './http-options';
export type { Channel, TransportKind } from './channel';
export type { AuthOptions, CallOptions, CallPolicy, ConnectionOptions, ThriftReadable, ThriftRequest, ThriftResponseClass, TlsOptions } from './types';
