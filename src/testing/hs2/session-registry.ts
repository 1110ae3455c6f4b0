import { timingSafeEqual } from 'node:crypto';
import type * as T from '../../thrift/gen-nodejs/TCLIService_types';
import type { SessionState } from '../engine/types';
import { HANDLE_BYTES, guidKey, newRandomId, printId } from './handle-ids';
import { invalidSessionText, malformedHandleText } from './impala-messages';
import { StatusFailure } from './status';

/** One HS2 session held by a simulated coordinator. */
export class SimSession {
  readonly guid: Buffer;
  readonly secret: Buffer;
  /** Printed id, as in `Invalid session id: <id>`. */
  readonly id: string;
  readonly key: string;
  /** Negotiated protocol version (clamped to V6). */
  readonly protocol: number;
  /** Front end that opened it, as runtime profiles name it. */
  readonly type: 'HIVESERVER2' | 'BEESWAX';
  /** Database, options and user; SET and USE change it when they finish. */
  readonly state: SessionState;
  /**
   * The user authenticated on the connection that opened it; differs from `state.user`
   * under impersonation (`doAs`). Later calls must come from the same user.
   */
  connectedUser: string;
  /** Ids of connections that used the session; it lives on without them for a while. */
  readonly connections = new Set<number>();
  /** Keys of its registered operations. */
  readonly operations = new Set<string>();
  disconnectTimer: NodeJS.Timeout | undefined;
  /** When the last RPC using the session ended (`Date.now()` ms). */
  lastActivity = Date.now();
  /** RPCs using the session right now; a session in use never expires. */
  activeRpcs = 0;
  /** Idle expiry (IDLE_SESSION_TIMEOUT / --idle_session_timeout), in ms; 0 = never. */
  idleTimeoutMs = 0;
  idleTimer: NodeJS.Timeout | undefined;
  /** Expired for inactivity: only CloseSession still works (protocol reference §5.7a). */
  expired = false;

  constructor(protocol: number, state: SessionState, type: 'HIVESERVER2' | 'BEESWAX' = 'HIVESERVER2') {
    this.guid = newRandomId();
    this.secret = newRandomId();
    this.id = printId(this.guid);
    this.key = guidKey(this.guid);
    this.protocol = protocol;
    this.state = state;
    this.type = type;
    this.connectedUser = state.user;
  }
}

/**
 * The sessions of one coordinator and their link to connections. A session is not
 * tied to the connection that opened it: any connection to the same coordinator may
 * use it, and when its last connection closes it survives for
 * `disconnectedTimeoutMs` before it is closed (Impala's
 * `--disconnected_session_timeout`, protocol reference §2.17).
 *
 * @internal
 */
export class SessionRegistry {
  readonly #sessions = new Map<string, SimSession>();
  readonly #disconnectedTimeoutMs: number;
  readonly #onExpired: (session: SimSession) => void;
  readonly #onIdle: (session: SimSession) => void;
  /** Ids of this incarnation's closed connections (ids are never reused). */
  readonly #closedConnections = new Set<number>();

  /**
   * @param onExpired called when a disconnected session times out, after it was removed.
   * @param onIdle called when a session's idle timeout fires; it is then marked expired but kept.
   */
  constructor(disconnectedTimeoutMs: number, onExpired: (session: SimSession) => void, onIdle: (session: SimSession) => void = () => undefined) {
    this.#disconnectedTimeoutMs = disconnectedTimeoutMs;
    this.#onExpired = onExpired;
    this.#onIdle = onIdle;
  }

  get size(): number {
    return this.#sessions.size;
  }

  /** Opens a session used by connection `connectionId`. */
  open(connectionId: number, protocol: number, state: SessionState, type: 'HIVESERVER2' | 'BEESWAX' = 'HIVESERVER2'): SimSession {
    const session = new SimSession(protocol, state, type);
    this.#sessions.set(session.key, session);
    this.link(session, connectionId);
    return session;
  }

  /**
   * Finds the session a handle names and links it to the calling connection.
   * Throws Impala's `Invalid session id` (unknown id or wrong secret) or
   * `Malformed THandleIdentifier`.
   */
  resolve(handle: T.TSessionHandle | undefined, connectionId: number): SimSession {
    const id = handle?.sessionId;
    const guid = id?.guid ?? Buffer.alloc(0);
    const secret = id?.secret ?? Buffer.alloc(0);
    if (guid.length !== HANDLE_BYTES || secret.length !== HANDLE_BYTES) {
      throw new StatusFailure(malformedHandleText(guid.length, secret.length));
    }
    const session = this.#sessions.get(guidKey(guid));
    if (session === undefined || !timingSafeEqual(session.secret, secret)) throw new StatusFailure(invalidSessionText(printId(guid)));
    this.link(session, connectionId);
    return session;
  }

  /** Finds a session by key without linking (for internal bookkeeping). */
  get(key: string): SimSession | undefined {
    return this.#sessions.get(key);
  }

  /** Marks the session as used by a connection; a pending disconnect expiry is cancelled. */
  link(session: SimSession, connectionId: number): void {
    // A request read after its connection closed (buffered while the process was stopped) runs, but links nothing.
    if (this.#closedConnections.has(connectionId)) {
      if (session.connections.size === 0 && session.disconnectTimer === undefined) this.#startExpiry(session);
      return;
    }
    session.connections.add(connectionId);
    if (session.disconnectTimer !== undefined) {
      clearTimeout(session.disconnectTimer);
      session.disconnectTimer = undefined;
    }
  }

  /** A connection closed: sessions left without connections start their expiry clock. */
  connectionClosed(connectionId: number): void {
    this.#closedConnections.add(connectionId);
    for (const session of this.#sessions.values()) {
      if (!session.connections.delete(connectionId) || session.connections.size > 0) continue;
      this.#startExpiry(session);
    }
  }

  #startExpiry(session: SimSession): void {
    session.disconnectTimer = setTimeout(() => {
      session.disconnectTimer = undefined;
      if (this.#sessions.get(session.key) !== session || session.connections.size > 0) return;
      this.#sessions.delete(session.key);
      clearTimeout(session.idleTimer);
      this.#onExpired(session);
    }, this.#disconnectedTimeoutMs);
    session.disconnectTimer.unref();
  }

  /** An RPC starts using the session: it cannot expire until {@link leave}. */
  enter(session: SimSession): void {
    session.activeRpcs++;
    clearTimeout(session.idleTimer);
    session.idleTimer = undefined;
  }

  /** An RPC that used the session ended: its idle clock starts again. */
  leave(session: SimSession): void {
    session.activeRpcs = Math.max(0, session.activeRpcs - 1);
    session.lastActivity = Date.now();
    this.#armIdle(session);
  }

  /** Sets the session's idle timeout (ms, 0 = never) and restarts its clock. */
  setIdleTimeout(session: SimSession, ms: number): void {
    session.idleTimeoutMs = ms;
    this.#armIdle(session);
  }

  #armIdle(session: SimSession): void {
    clearTimeout(session.idleTimer);
    session.idleTimer = undefined;
    if (session.idleTimeoutMs <= 0 || session.activeRpcs > 0 || session.expired || this.#sessions.get(session.key) !== session) return;
    const due = session.lastActivity + session.idleTimeoutMs - Date.now();
    session.idleTimer = setTimeout(() => {
      session.idleTimer = undefined;
      if (session.activeRpcs > 0 || session.expired || this.#sessions.get(session.key) !== session) return;
      session.expired = true;
      this.#onIdle(session);
    }, Math.max(0, due));
    session.idleTimer.unref();
  }

  /** Removes a session (CloseSession); returns false when it was not registered. */
  remove(session: SimSession): boolean {
    clearTimeout(session.disconnectTimer);
    clearTimeout(session.idleTimer);
    session.disconnectTimer = undefined;
    session.idleTimer = undefined;
    return this.#sessions.delete(session.key);
  }

  /** Drops every session and its timers (coordinator killed or stopped). */
  clear(): void {
    for (const session of this.#sessions.values()) {
      clearTimeout(session.disconnectTimer);
      clearTimeout(session.idleTimer);
    }
    this.#sessions.clear();
  }

  values(): IterableIterator<SimSession> {
    return this.#sessions.values();
  }
}
