import { timingSafeEqual } from 'node:crypto';
import type * as T from '../../thrift/gen-nodejs/TCLIService_types';
import type { EngineAccess } from '../engine-access';
import { AdmissionController } from './admission-controller';
import { HANDLE_BYTES, guidKey, printId } from './handle-ids';
import {
  invalidHandleText,
  malformedHandleText,
  queryExpiredText,
  queryNotFoundText,
  SESSION_EXPIRED_CANCEL_TEXT,
  SESSION_NO_CONNECTIONS_TEXT,
  shuttingDownText,
} from './impala-messages';
import { QueryExpiry } from './query-expiry';
import { SessionRegistry, type SimSession } from './session-registry';
import type { SimOperation } from './sim-operation';
import { StatusFailure } from './status';

/** Settings of one simulated coordinator's HS2 service. */
export interface ServiceSettings {
  /** 0-based index in the cluster (the engine's catalog view). */
  index: number;
  host: string;
  port: number;
  /** Impala version reported by GetInfo (DBMS_VER) and in Ping's version string. */
  version: string;
  /** Wrap query errors as `Query <id> failed:\n...` (Impala 4.5+). */
  errorWrapper: boolean;
  disconnectedSessionTimeoutMs: number;
  fetchRowsTimeoutMs: number;
  /** Impala's `--idle_session_timeout`: default idle expiry of sessions, in ms; 0 = never. */
  idleSessionTimeoutMs: number;
  /** Impala's `--idle_query_timeout`: default (and cap of QUERY_TIMEOUT_S) idle expiry of queries, in ms; 0 = never. */
  idleQueryTimeoutMs: number;
}

/** Whether `version` (`'4.5.0'`) is at least `major.minor`. */
export function versionAtLeast(version: string, major: number, minor: number): boolean {
  const [a = 0, b = 0] = version.split('.').map((p) => Number.parseInt(p, 10) || 0);
  return a > major || (a === major && b >= minor);
}

/** Graceful shutdown timing (protocol reference §5.1). */
export interface ShutdownTiming {
  /** Time before the coordinator may exit even when idle, in ms. */
  graceMs: number;
  /** Time after which it exits whatever still runs, in ms. */
  deadlineMs: number;
}

/** Who is calling: one accepted socket. */
export interface CallerContext {
  /** Process-unique connection id. */
  readonly id: number;
  /** User authenticated by SASL PLAIN or HTTP auth, when the coordinator requires it. */
  readonly user: string | undefined;
  /** HTTP `?doAs=` of the request being served: the user to act as. */
  readonly doAs?: string | undefined;
}

/** How often a shutting-down coordinator checks whether it may exit, in ms. */
const SHUTDOWN_POLL_MS = 50;

/** Closed queries kept for GetRuntimeProfile/GetExecSummary, like Impala's `--query_log_size`. */
const QUERY_LOG_SIZE = 200;

/**
 * The state of one simulated coordinator's HS2 front end: sessions, registered
 * queries, admission, graceful shutdown. RPC handlers ({@link Hs2Handler}) work
 * through it. Everything here is lost when the coordinator is killed or restarted,
 * as Impala's per-process memory is.
 *
 * @internal
 */
export class CoordinatorService {
  readonly settings: ServiceSettings;
  readonly engine: EngineAccess;
  readonly sessions: SessionRegistry;
  readonly admission = new AdmissionController();
  readonly #operations = new Map<string, SimOperation>();
  readonly #queryLog = new Map<string, SimOperation>();
  /** Status of queries the coordinator ended itself (idle expiry), kept after they were unregistered (4.4+, IMPALA-12602). */
  readonly #terminated = new Map<string, string>();
  readonly queryExpiry = new QueryExpiry((op) => void this.#expireQuery(op));
  readonly #onChange: () => void;
  #shutdown: { startedAt: number; timing: ShutdownTiming; onIdle: () => void; timers: NodeJS.Timeout[] } | undefined;
  #disposed = false;

  /**
   * @param onChange called whenever a count in {@link counts} may have changed.
   */
  constructor(settings: ServiceSettings, engine: EngineAccess, onChange: () => void) {
    this.settings = settings;
    this.engine = engine;
    this.#onChange = onChange;
    this.sessions = new SessionRegistry(
      settings.disconnectedSessionTimeoutMs,
      (s) => void this.#expireSession(s),
      (s) => void this.#idleSession(s),
    );
  }

  /** Whether kill/restart has thrown this state away. */
  get disposed(): boolean {
    return this.#disposed;
  }

  /** Open sessions and registered operations. */
  counts(): { openSessions: number; openOperations: number } {
    return { openSessions: this.sessions.size, openOperations: this.#operations.size };
  }

  /** Notifies the owner that counts changed. */
  changed(): void {
    if (!this.#disposed) this.#onChange();
  }

  /** Throws Impala's shutdown text when graceful shutdown has begun. */
  assertAcceptingWork(): void {
    const s = this.#shutdown;
    if (s === undefined) return;
    const elapsed = Date.now() - s.startedAt;
    let executing = 0;
    for (const op of this.#operations.values()) if (op.executing) executing++;
    throw new StatusFailure(
      shuttingDownText({
        graceLeftMs: s.timing.graceMs - elapsed,
        deadlineLeftMs: s.timing.deadlineMs - elapsed,
        registered: this.#operations.size,
        executing,
      }),
    );
  }

  /** True once graceful shutdown has begun. */
  get shuttingDown(): boolean {
    return this.#shutdown !== undefined;
  }

  /**
   * Starts graceful shutdown: new sessions and statements are refused from now on;
   * `onIdle` runs once the grace period has passed and no query is registered, or at
   * the deadline, whichever comes first.
   */
  beginShutdown(timing: ShutdownTiming, onIdle: () => void): void {
    if (this.#shutdown !== undefined || this.#disposed) return;
    const state = { startedAt: Date.now(), timing, onIdle, timers: [] as NodeJS.Timeout[] };
    this.#shutdown = state;
    // Polled, like impalad's shutdown thread, so the reply to the RPC that closed the
    // last query goes out before the coordinator exits.
    state.timers.push(setInterval(() => this.#checkShutdownDone(), SHUTDOWN_POLL_MS), setTimeout(() => this.#finishShutdown(), Math.max(0, timing.deadlineMs)));
    for (const t of state.timers) t.unref();
  }

  #checkShutdownDone(): void {
    const s = this.#shutdown;
    if (s === undefined || this.#disposed) return;
    if (Date.now() - s.startedAt >= s.timing.graceMs && this.#operations.size === 0) this.#finishShutdown();
  }

  #finishShutdown(): void {
    const s = this.#shutdown;
    if (s === undefined || this.#disposed) return;
    for (const t of s.timers) clearTimeout(t);
    s.timers.length = 0;
    this.#shutdown = { ...s, onIdle: () => undefined };
    s.onIdle();
  }

  /** Registers a new operation under its session. */
  register(op: SimOperation): void {
    this.#operations.set(op.key, op);
    op.spec.session.operations.add(op.key);
    this.changed();
  }

  /**
   * Finds the operation a handle names. Unknown ids get Impala's invalid-handle text;
   * a known id with the wrong secret gets `Query id <qid> not found.`.
   */
  resolveOperation(handle: T.TOperationHandle | undefined): SimOperation {
    const id = handle?.operationId;
    const guid = id?.guid ?? Buffer.alloc(0);
    const secret = id?.secret ?? Buffer.alloc(0);
    if (guid.length !== HANDLE_BYTES || secret.length !== HANDLE_BYTES) throw new StatusFailure(malformedHandleText(guid.length, secret.length));
    const op = this.#operations.get(guidKey(guid));
    if (op === undefined) {
      const terminated = this.#terminated.get(guidKey(guid));
      throw new StatusFailure(terminated === undefined ? invalidHandleText(printId(guid)) : `${terminated}\n`);
    }
    if (!timingSafeEqual(op.spec.session.secret, secret)) throw new StatusFailure(queryNotFoundText(printId(guid)));
    return op;
  }

  /** The registered operation with this guid, whatever its secret (Beeswax handles carry none). */
  operationById(guid: Buffer): SimOperation | undefined {
    return this.#operations.get(guidKey(guid));
  }

  /** Finds a registered or recently closed query by handle (GetRuntimeProfile/GetExecSummary). */
  findQuery(handle: T.TOperationHandle | undefined, session: SimSession): SimOperation {
    const guid = handle?.operationId?.guid ?? Buffer.alloc(0);
    const key = guidKey(guid);
    const op = this.#operations.get(key) ?? this.#queryLog.get(key);
    if (op === undefined || op.spec.session.state.user !== session.state.user) throw new StatusFailure(queryNotFoundText(printId(guid)));
    return op;
  }

  /** Unregisters an operation (CloseOperation, fetch error, session close); it stays in the query log. */
  async unregister(op: SimOperation, reason?: string): Promise<void> {
    if (this.#operations.get(op.key) !== op) return;
    this.#operations.delete(op.key);
    op.spec.session.operations.delete(op.key);
    this.queryExpiry.stop(op);
    this.#queryLog.set(op.key, op);
    if (this.#queryLog.size > QUERY_LOG_SIZE) {
      const oldest = this.#queryLog.keys().next().value;
      if (oldest !== undefined) this.#queryLog.delete(oldest);
    }
    this.changed();
    await op.close(reason);
  }

  /** Closes a session: its queries are cancelled and unregistered. */
  async closeSession(session: SimSession): Promise<void> {
    this.sessions.remove(session);
    this.changed();
    await this.#closeOperationsOf(session);
  }

  async #expireSession(session: SimSession): Promise<void> {
    this.changed();
    await this.#closeOperationsOf(session, SESSION_NO_CONNECTIONS_TEXT);
  }

  /** Idle session expiry: its queries end; the session stays (only CloseSession works on it). */
  async #idleSession(session: SimSession): Promise<void> {
    await this.#closeOperationsOf(session, SESSION_EXPIRED_CANCEL_TEXT);
  }

  /**
   * Idle query expiry: Impala 4.4+ unregisters the query and keeps its status for
   * later RPCs on the handle; earlier versions fail it and keep it registered.
   */
  async #expireQuery(op: SimOperation): Promise<void> {
    if (this.#disposed || this.#operations.get(op.key) !== op) return;
    const text = queryExpiredText(op.queryId, op.idleTimeoutMs);
    if (!versionAtLeast(this.settings.version, 4, 4)) {
      await op.expire(text);
      return;
    }
    this.#terminated.set(op.key, text);
    if (this.#terminated.size > QUERY_LOG_SIZE) {
      const oldest = this.#terminated.keys().next().value;
      if (oldest !== undefined) this.#terminated.delete(oldest);
    }
    await this.unregister(op, text);
  }

  async #closeOperationsOf(session: SimSession, reason?: string): Promise<void> {
    const ops = [...session.operations].map((k) => this.#operations.get(k)).filter((o): o is SimOperation => o !== undefined);
    await Promise.all(ops.map((op) => this.unregister(op, reason)));
  }

  /** A socket closed: its sessions start their disconnected-session clock. */
  connectionClosed(connectionId: number): void {
    if (!this.#disposed) this.sessions.connectionClosed(connectionId);
  }

  /** Registered operations (for shutdown counters and tests). */
  operations(): IterableIterator<SimOperation> {
    return this.#operations.values();
  }

  /**
   * Throws all state away without telling the engine (the owner calls
   * `forgetCoordinator`): what a killed process loses.
   */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    if (this.#shutdown !== undefined) for (const t of this.#shutdown.timers) clearTimeout(t);
    this.sessions.clear();
    this.admission.dispose();
    for (const op of this.#operations.values()) {
      this.queryExpiry.stop(op);
      op.abandon();
    }
    this.#operations.clear();
    this.#queryLog.clear();
    this.#terminated.clear();
  }
}
