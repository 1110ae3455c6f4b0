/**
 * The HS2 protocol layer (typed RPCs, operations, columnar decoding, the
 * single-coordinator session) and client-side SQL parameter binding.
 */
export * from './hs2';
export * from './sql';
export type { ProtocolKind, ProtocolSession } from './protocol-session';
export { openProtocolSession, type ProtocolSessionOptions } from './open-session';
