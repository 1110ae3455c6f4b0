/**
 * The HS2 protocol layer (typed RPCs, operations, columnar decoding, the
 * single-coordinator session), the Beeswax one (text rows, session == connection)
 * and client-side SQL parameter binding.
 */
export * from './hs2';
export * from './beeswax';
export * from './sql';
export type { ProtocolKind, ProtocolSession } from './protocol-session';
export { openProtocolSession, type ProtocolSessionOptions } from './open-session';
