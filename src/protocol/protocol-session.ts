import type { Channel } from '../connection';
import type { RowObject } from './hs2/row-decoder';
import type { RowStream } from './hs2/row-stream';
import type { QueryCallOptions } from './hs2/session-options';
import type { PingResult, SessionExecuteResult, SessionQueryResult } from './hs2/session-results';

/** Which Impala client protocol a session speaks. */
export type ProtocolKind = 'hs2' | 'beeswax';

/**
 * The RPC names a protocol uses for what the pool asks of every session, for errors
 * and logs that name the call: the first RPC of opening a session, and the ping.
 */
export const SESSION_RPC_NAMES: Readonly<Record<ProtocolKind, { readonly open: string; readonly ping: string }>> = Object.freeze({
  hs2: Object.freeze({ open: 'OpenSession', ping: 'PingImpalaHS2Service' }),
  // Beeswax has no session RPC: a connection is a session, checked with PingImpalaService.
  beeswax: Object.freeze({ open: 'PingImpalaService', ping: 'PingImpalaService' }),
});

/**
 * One channel plus one server-side session on one coordinator, whatever the protocol:
 * what the pool pools and pinned sessions lease. HS2 (`CoordinatorSession`, binary or
 * HTTP transport) and Beeswax (`BeeswaxSession`) implement it with the same result
 * types, value options and error codes, so pool, balancer, health, retry and session
 * code never look at the protocol.
 */
export interface ProtocolSession {
  /** The protocol spoken. */
  readonly protocol: ProtocolKind;
  /** Session id as Impala prints it, `<hex16>:<hex16>` (Beeswax: the connection's session id as the client knows it). */
  readonly sessionId: string;
  /** `host:port` (or label) of the coordinator the session lives on. */
  readonly coordinator: string;
  /** The coordinator's own identity (`http_addr` / web UI address), when the server told it. */
  readonly httpAddr: string | undefined;
  /** The channel in use (replaced by {@link reattach}). */
  readonly connection: Channel;
  /** True while a statement runs or its cleanup is still in progress. */
  readonly busy: boolean;
  /** True once {@link close} was called. (A broken channel shows as `connection.closed`.) */
  readonly closed: boolean;
  /**
   * Whether the server keeps the session when its channel drops, so {@link reattach}
   * can carry on over a new channel: HS2 yes (Impala's disconnected_session_timeout),
   * Beeswax no (session == connection).
   */
  readonly reattachable: boolean;
  /** Runs a statement and returns all its rows. */
  query<R = RowObject>(sql: string, options?: QueryCallOptions): Promise<SessionQueryResult<R>>;
  /** Runs a statement whose rows are not needed; DML reports the modified-row count. */
  execute(sql: string, options?: QueryCallOptions): Promise<SessionExecuteResult>;
  /** Streams the rows of a statement with at most one batch held. */
  stream<R = RowObject>(sql: string, options?: QueryCallOptions): RowStream<R>;
  /** Cancels running statements (or only `queryId`); returns how many. */
  cancel(queryId?: string): Promise<number>;
  /** Cheap liveness check that also proves the session is still known. */
  ping(options?: { timeoutMs?: number }): Promise<PingResult>;
  /** Carries on over a new channel to the same coordinator (only when {@link reattachable}). */
  reattach(connection: Channel): void;
  /** Closes the server-side session over another channel (its own is gone). */
  closeRemotely(connection: Channel, timeoutMs: number): Promise<void>;
  /** Closes the session on the server, then the channel. Bounded; safe to call twice. */
  close(): Promise<void>;
}
