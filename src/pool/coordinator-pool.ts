import { performance } from 'node:perf_hooks';
import createDebug from 'debug';
import * as genericPool from 'generic-pool';
import { CONNECTION_DEFAULTS, openChannel, type Channel } from '../connection';
import type { CoordinatorView } from '../balancer';
import { AcquireTimeoutError, ClosedError, ErrorCode, ImpalaError } from '../errors';
import type { ConnectionCloseReason, ClientEventName, ClientEvents } from '../events';
import { HealthMonitor } from '../health/health-monitor';
import type { HealthState, HealthThresholds, HealthTransition } from '../health/coordinator-health';
import { openProtocolSession, type ProtocolSessionOptions } from '../protocol/open-session';
import type { ProtocolSession } from '../protocol/protocol-session';
import { healthSignal } from '../retry/retry-policy';
import { PooledUnit } from './pooled-unit';

const debug = createDebug('impala-ha:pool');

/** Emits a client event (the client adds diagnostics_channel publishing). @internal */
export type EventSink = <K extends ClientEventName>(name: K, payload: ClientEvents[K][0]) => void;

/** Settings of one coordinator's pool. @internal */
export interface CoordinatorPoolOptions {
  /** `host:port`. */
  address: string;
  index: number;
  /** How to open a session there (host/port included). */
  session: ProtocolSessionOptions;
  maxConnections: number;
  minIdle: number;
  acquireTimeoutMs: number;
  idleTimeoutMs: number;
  validateAfterIdleMs: number;
  maxLifetimeMs: number;
  keepAliveIntervalMs: number;
  health: HealthThresholds & { intervalMs: number; maxIntervalMs: number };
  emit: EventSink;
  random: () => number;
}

/** Per-coordinator numbers in {@link ImpalaClient.stats}. */
export interface CoordinatorStats {
  address: string;
  state: HealthState;
  /** Pooled connections (idle + in use). */
  open: number;
  idle: number;
  inUse: number;
  /** Callers waiting for a connection. */
  waiting: number;
  /** Requests in flight from this client. */
  inFlight: number;
  /** Smoothed request latency (EWMA, α = 0.2), in ms. */
  latencyMs: number;
  requests: number;
  errors: number;
  retries: number;
  /** Pool generation: increments each time the pool is cleared. */
  generation: number;
  /** Traffic share in (0, 1] (below 1 during slow start). */
  weight: number;
  lastError: string | undefined;
}

const EWMA_ALPHA = 0.2;
const LIFETIME_JITTER = 0.025;
/** Most sessions kept for a later CloseSession after their socket was cut. */
const MAX_ABANDONED = 256;

/**
 * One coordinator: a generic-pool of {@link PooledUnit}s, its health monitor, and
 * the counters the balancer reads.
 *
 * Borrowing validates: a unit of an older generation or past its lifetime is
 * discarded; one idle longer than `validateAfterIdleMs` is pinged; one whose socket
 * was cut while idle (a proxy's idle timeout, `dropIdle`) is reattached — a new
 * socket carrying the same HS2 session, which Impala keeps for 15 minutes.
 *
 * @internal
 */
export class CoordinatorPool {
  readonly address: string;
  readonly index: number;
  readonly monitor: HealthMonitor;
  readonly #opts: CoordinatorPoolOptions;
  readonly #pool: genericPool.Pool<PooledUnit>;
  readonly #units = new Set<PooledUnit>();
  /** Sessions whose socket was cut, still open on the server until closed over a new socket. */
  readonly #abandoned = new Set<ProtocolSession>();
  readonly #background = new Set<Promise<void>>();
  #generation = 0;
  #inFlight = 0;
  #latencyMs = 0;
  #requests = 0;
  #errors = 0;
  #retries = 0;
  #closed = false;
  #keepAliveTimer: NodeJS.Timeout | undefined;

  constructor(opts: CoordinatorPoolOptions) {
    this.#opts = opts;
    this.address = opts.address;
    this.index = opts.index;
    this.monitor = new HealthMonitor({
      address: opts.address,
      ...opts.health,
      random: opts.random,
      probe: () => this.#probe(),
      onTransition: (t, err) => this.#onTransition(t, err),
    });
    this.#pool = genericPool.createPool<PooledUnit>(
      {
        create: () => this.#create(),
        destroy: (unit) => this.#destroy(unit),
        validate: (unit) => this.#validate(unit),
      },
      {
        max: opts.maxConnections,
        min: opts.minIdle,
        acquireTimeoutMillis: opts.acquireTimeoutMs,
        testOnBorrow: true,
        // Idle units above minIdle go after idleTimeoutMs; minIdle ones stay.
        softIdleTimeoutMillis: opts.idleTimeoutMs > 0 ? opts.idleTimeoutMs : -1,
        idleTimeoutMillis: Number.MAX_SAFE_INTEGER,
        evictionRunIntervalMillis: opts.idleTimeoutMs > 0 ? Math.min(opts.idleTimeoutMs, 30_000) : 0,
        numTestsPerEvictionRun: opts.maxConnections,
        autostart: opts.minIdle > 0,
      },
    );
    if (opts.keepAliveIntervalMs > 0) {
      this.#keepAliveTimer = setInterval(() => this.#keepAlive(), Math.max(100, Math.floor(opts.keepAliveIntervalMs / 2)));
      this.#keepAliveTimer.unref();
    }
  }

  /** Immutable snapshot for the balancer. */
  view(): CoordinatorView {
    return { address: this.address, index: this.index, inFlight: this.#inFlight, latencyMs: this.#latencyMs, weight: this.monitor.weight() };
  }

  get generation(): number {
    return this.#generation;
  }

  /**
   * Lends a unit with a live session. Rejects with the connect error when no
   * session could be opened (one attempt), or AcquireTimeoutError.
   */
  async acquire(): Promise<PooledUnit> {
    if (this.#closed) throw new ClosedError(`the pool of ${this.address} is closed`, { coordinator: this.address });
    const started = performance.now();
    for (let attempt = 0; ; attempt++) {
      let unit: PooledUnit;
      try {
        unit = await this.#pool.acquire();
      } catch (err) {
        if ((err as Error).name === 'TimeoutError') throw new AcquireTimeoutError(this.#opts.acquireTimeoutMs, { coordinator: this.address, cause: err });
        throw err;
      }
      if (unit.error) {
        const stale = unit.createdAt < started;
        await this.#pool.destroy(unit).catch(() => undefined);
        // A failure recorded before this request started (a minIdle fill) is not this request's answer.
        if (stale && attempt === 0) continue;
        this.noteFailure(unit.error);
        throw unit.error;
      }
      unit.leased = true;
      return unit;
    }
  }

  /** Gives a unit back; `broken` units (socket or session gone) are destroyed instead. */
  async release(unit: PooledUnit, broken: boolean): Promise<void> {
    unit.leased = false;
    unit.returnedAt = performance.now();
    const s = unit.session;
    if (broken || !s || s.closed || unit.generation !== this.#generation || this.#closed) {
      await this.#pool.destroy(unit).catch(() => undefined);
      return;
    }
    await this.#pool.release(unit).catch(() => undefined);
  }

  /** A request starts here (for leastconn/p2c). */
  begin(): void {
    this.#inFlight++;
    this.#requests++;
  }

  /** A request ended; `latencyMs` feeds the EWMA when it succeeded. */
  end(ok: boolean, latencyMs: number): void {
    this.#inFlight--;
    if (ok) {
      this.#latencyMs = this.#latencyMs === 0 ? latencyMs : this.#latencyMs + EWMA_ALPHA * (latencyMs - this.#latencyMs);
      this.monitor.success();
    }
  }

  /** Counts a retry caused by a failure here. */
  noteRetry(): void {
    this.#retries++;
  }

  /** Feeds a failure to health (passive check) and clears the pool when it says so. */
  noteFailure(err: Error): void {
    this.#errors++;
    const signal = healthSignal(err);
    if (signal === 'restarted') {
      this.clear(`session unknown to the coordinator (restarted?): ${err.message}`);
      return;
    }
    this.monitor.failure(signal, err);
  }

  /** Marks every current unit stale; idle ones lose their sockets now, lent ones on return. */
  clear(reason: string): void {
    this.#generation++;
    debug('%s pool cleared (generation %d): %s', this.address, this.#generation, reason);
    this.#opts.emit('poolCleared', { time: new Date(), coordinator: this.address, generation: this.#generation, reason });
    for (const unit of this.#units) {
      if (!unit.leased) unit.session?.connection.destroy();
    }
  }

  stats(): CoordinatorStats {
    return {
      address: this.address,
      state: this.monitor.state,
      open: this.#pool.size,
      idle: this.#pool.available,
      inUse: this.#pool.borrowed,
      waiting: this.#pool.pending,
      inFlight: this.#inFlight,
      latencyMs: Math.round(this.#latencyMs * 100) / 100,
      requests: this.#requests,
      errors: this.#errors,
      retries: this.#retries,
      generation: this.#generation,
      weight: Math.round(this.monitor.weight() * 1000) / 1000,
      lastError: this.monitor.lastError?.message,
    };
  }

  /** Closes every unit (their sessions on the server) and stops timers. Lent units close on return. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.monitor.close();
    if (this.#keepAliveTimer) clearInterval(this.#keepAliveTimer);
    await this.#pool.drain();
    await this.#pool.clear();
    await Promise.allSettled([...this.#background]);
    await Promise.allSettled([...this.#abandoned].map((s) => this.#closeAbandoned(s)));
  }

  async #create(): Promise<PooledUnit> {
    const started = performance.now();
    const lifetime = this.#opts.maxLifetimeMs > 0 ? this.#opts.maxLifetimeMs * (1 - LIFETIME_JITTER * this.#opts.random()) : Infinity;
    try {
      const session = await openProtocolSession(this.#opts.session);
      const now = performance.now();
      const unit = new PooledUnit(session, undefined, this.#generation, now, now + lifetime);
      this.#units.add(unit);
      this.#opts.emit('connectionCreated', {
        time: new Date(),
        coordinator: this.address,
        connectionId: session.connection.id,
        sessionId: session.sessionId,
        durationMs: Math.round((now - started) * 100) / 100,
      });
      return unit;
    } catch (err) {
      debug('%s could not open a session: %s', this.address, (err as Error).message);
      const now = performance.now();
      return new PooledUnit(undefined, err as Error, this.#generation, now, now);
    }
  }

  /** Closes an abandoned session over a new socket; true when the server confirmed. */
  async #closeAbandoned(s: ProtocolSession): Promise<boolean> {
    let conn: Channel | undefined;
    try {
      conn = await openChannel(this.#opts.session);
      await s.closeRemotely(conn, this.#validationTimeoutMs);
      this.#abandoned.delete(s);
      return true;
    } catch (err) {
      // A coordinator that no longer knows the session (restart) has nothing to close.
      if (err instanceof ImpalaError && err.code === ErrorCode.INVALID_SESSION) {
        this.#abandoned.delete(s);
        return true;
      }
      debug('%s could not close abandoned session %s yet: %s', this.address, s.sessionId, (err as Error).message);
      return false;
    } finally {
      if (conn) await conn.close().catch(() => undefined);
    }
  }

  async #destroy(unit: PooledUnit, reason?: ConnectionCloseReason): Promise<void> {
    this.#units.delete(unit);
    const s = unit.session;
    if (!s) return;
    if (s.reattachable && s.connection.closed && !s.closed) {
      // The server keeps a session whose socket was cut; close it over a new socket in
      // the background (a hung coordinator must not delay the caller), again at close().
      this.#abandoned.add(s);
      // Bounded: past the cap the oldest are left to Impala's disconnected-session timeout.
      if (this.#abandoned.size > MAX_ABANDONED) this.#abandoned.delete(this.#abandoned.values().next().value!);
      const p = this.#closeAbandoned(s).then(() => undefined);
      this.#background.add(p);
      void p.finally(() => this.#background.delete(p));
    }
    const why: ConnectionCloseReason =
      reason ?? (this.#closed ? 'poolClosed' : unit.generation !== this.#generation ? 'stale' : performance.now() >= unit.expiresAt ? 'lifetime' : s.connection.closed ? 'error' : 'idle');
    const id = s.connection.id;
    await s.close().catch(() => undefined);
    this.#opts.emit('connectionClosed', { time: new Date(), coordinator: this.address, connectionId: id, reason: why });
  }

  async #validate(unit: PooledUnit): Promise<boolean> {
    if (unit.error) return true; // the acquirer reports it
    const s = unit.session!;
    if (unit.generation !== this.#generation || s.closed) return false;
    const now = performance.now();
    if (now >= unit.expiresAt) return false;
    const idleMs = now - Math.max(unit.returnedAt, s.connection.lastActivityAt);
    if (s.connection.closed) return s.reattachable ? this.#reattach(unit, idleMs) : false;
    if (idleMs < this.#opts.validateAfterIdleMs) return true;
    try {
      await s.ping({ timeoutMs: this.#validationTimeoutMs });
      this.#opts.emit('connectionValidated', { time: new Date(), coordinator: this.address, connectionId: s.connection.id, how: 'ping', idleMs: Math.round(idleMs) });
      return true;
    } catch (err) {
      debug('%s ping of an idle connection failed: %s', this.address, (err as Error).message);
      if (s.reattachable && s.connection.closed && !(err instanceof ImpalaError && err.code === ErrorCode.RPC_TIMEOUT)) return this.#reattach(unit, idleMs);
      if (err instanceof ImpalaError && err.code === ErrorCode.RPC_TIMEOUT) this.noteFailure(err);
      return false;
    }
  }

  /**
   * Carries a unit's HS2 session over a new socket to the same coordinator (the old
   * one was cut) and checks with a ping that the coordinator still knows it.
   *
   * @throws the connect error, or IMPALA_ERR_INVALID_SESSION when the coordinator
   * restarted (or a proxy sent the new socket to another coordinator).
   */
  async reattachUnit(unit: PooledUnit, idleMs = 0): Promise<void> {
    const s = unit.session!;
    const conn = await openChannel(this.#opts.session);
    s.reattach(conn);
    await s.ping({ timeoutMs: this.#validationTimeoutMs });
    this.#opts.emit('connectionValidated', { time: new Date(), coordinator: this.address, connectionId: conn.id, how: 'reattached', idleMs: Math.round(idleMs) });
    debug('%s reattached session %s on connection #%d', this.address, s.sessionId, conn.id);
  }

  /** A socket cut while idle: carry the same HS2 session on a new socket. */
  async #reattach(unit: PooledUnit, idleMs: number): Promise<boolean> {
    const s = unit.session!;
    try {
      await this.reattachUnit(unit, idleMs);
      return true;
    } catch (err) {
      debug('%s could not reattach session %s: %s', this.address, s.sessionId, (err as Error).message);
      if (err instanceof ImpalaError && (err.family === 'connect' || err.code === ErrorCode.CONNECTION_LOST)) this.noteFailure(err);
      else if (err instanceof ImpalaError && err.code === ErrorCode.INVALID_SESSION) this.noteFailure(err);
      return false;
    }
  }

  /** Validation is part of lending a connection: bounded like connecting, not like a query. */
  get #validationTimeoutMs(): number {
    return this.#opts.session.connectTimeoutMs ?? CONNECTION_DEFAULTS.connectTimeoutMs;
  }

  async #probe(): Promise<void> {
    const session = await openProtocolSession({ ...this.#opts.session });
    await session.close().catch(() => undefined);
  }

  #onTransition(t: HealthTransition, err: Error | undefined): void {
    const base = { time: new Date(), coordinator: this.address, previous: t.from, reason: t.reason };
    if (t.to === 'down') {
      this.clear(`coordinator down: ${t.reason}`);
      this.#opts.emit('coordinatorDown', { ...base, error: err });
    } else if (t.to === 'draining') {
      this.#opts.emit('coordinatorDraining', base);
    } else if (t.to === 'up' && t.from !== 'suspect') {
      this.#opts.emit('coordinatorUp', base);
    }
  }

  #keepAlive(): void {
    const now = performance.now();
    for (const unit of this.#units) {
      const s = unit.session;
      if (unit.leased || !s || s.closed || s.connection.closed || s.busy) continue;
      if (now - Math.max(unit.returnedAt, s.connection.lastActivityAt) < this.#opts.keepAliveIntervalMs) continue;
      s.ping().catch(() => s.connection.destroy());
    }
  }
}
