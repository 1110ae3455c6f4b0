import createDebug from 'debug';
import { CONNECTION_DEFAULTS } from '../connection';
import type { CoordinatorView } from '../balancer';
import { ClosedError } from '../errors';
import type { ConnectionCloseReason } from '../events';
import { acquireChannel, baseAttributes, connectChannel, traced } from '../events/tracing';
import { HealthMonitor } from '../health/health-monitor';
import type { HealthState, HealthThresholds, HealthTransition } from '../health/coordinator-health';
import type { ProtocolSessionOptions } from '../protocol/open-session';
import type { ProtocolSession } from '../protocol/protocol-session';
import { healthSignal } from '../retry/retry-policy';
import { AbandonedSessions } from './abandoned-sessions';
import { KeepAlive } from './keep-alive';
import { Lease, type LeaseOwner } from './lease';
import type { PoolDeps } from './pool-deps';
import type { PooledUnit } from './pooled-unit';
import { SessionPool } from './session-pool';
import { UnitValidator } from './unit-validator';

const debug = createDebug('impala-ha:pool');

/** Settings of one coordinator's pool. @internal */
export interface CoordinatorPoolOptions {
  /** `host:port`. */
  address: string;
  /** Position in the configured list. */
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
}

/** Per-coordinator numbers in {@link ImpalaClient.stats}. */
export interface CoordinatorStats {
  address: string;
  state: HealthState;
  /** Pooled connections (idle + in use). */
  open: number;
  idle: number;
  inUse: number;
  /** Connections being opened. */
  connecting: number;
  /** Callers waiting for a connection. */
  waiting: number;
  /** Requests in flight from this client, including those waiting for a connection. */
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

/**
 * One coordinator: its {@link SessionPool}, the validator, keepalive and abandoned
 * session closer around it, its {@link HealthMonitor}, and the live numbers the
 * balancer reads. Lends {@link Lease}s.
 *
 * @internal
 */
export class CoordinatorPool implements LeaseOwner {
  readonly address: string;
  readonly index: number;
  readonly health: HealthMonitor;
  /** Live, read-only numbers for the balancer (read them during a pick, do not keep them). */
  readonly view: CoordinatorView;
  readonly #opts: CoordinatorPoolOptions;
  readonly #deps: PoolDeps;
  readonly #sessions: SessionPool;
  readonly #validator: UnitValidator;
  readonly #abandoned: AbandonedSessions;
  readonly #keepAlive: KeepAlive | undefined;
  readonly #selectableListeners: Array<() => void> = [];
  #inFlight = 0;
  #latencyMs = 0;
  #requests = 0;
  #errors = 0;
  #retries = 0;
  #closed = false;

  constructor(opts: CoordinatorPoolOptions, deps: PoolDeps) {
    this.#opts = opts;
    this.#deps = deps;
    this.address = opts.address;
    this.index = opts.index;
    const self = this;
    this.view = {
      address: opts.address,
      index: opts.index,
      get inFlight() {
        return self.#inFlight;
      },
      get latencyMs() {
        return self.#latencyMs;
      },
      get weight() {
        return self.health.weight();
      },
    };
    this.health = new HealthMonitor({
      address: opts.address,
      ...opts.health,
      random: deps.random,
      clock: deps.clock,
      probe: () => this.#probe(),
      onTransition: (t, err) => this.#onTransition(t, err),
    });
    const openChannel = () => deps.openChannel(this.#opts.session);
    this.#abandoned = new AbandonedSessions(opts.address, openChannel, () => this.#fastTimeoutMs());
    this.#sessions = new SessionPool(
      {
        address: opts.address,
        maxConnections: opts.maxConnections,
        minIdle: opts.minIdle,
        acquireTimeoutMs: opts.acquireTimeoutMs,
        idleTimeoutMs: opts.idleTimeoutMs,
        maxLifetimeMs: opts.maxLifetimeMs,
      },
      {
        create: () => this.#create(),
        check: (unit) => this.#validator.check(unit),
        retire: (unit, reason) => this.#retire(unit, reason),
        createFailed: (err) => this.noteFailure(err),
        describeState: () => `coordinator ${this.health.state}${this.health.lastError ? ` (${this.health.lastError.message})` : ''}`,
      },
      deps.clock,
      deps.random,
    );
    this.#validator = new UnitValidator({
      address: opts.address,
      validateAfterIdleMs: opts.validateAfterIdleMs,
      clock: deps.clock,
      emit: deps.emit,
      generation: () => this.#sessions.generation,
      openChannel,
      pingTimeoutMs: () => this.#fastTimeoutMs(),
      noteFailure: (err) => this.noteFailure(err),
    });
    this.#keepAlive = opts.keepAliveIntervalMs > 0 ? new KeepAlive(opts.keepAliveIntervalMs, this.#sessions, deps.clock, () => this.#fastTimeoutMs()) : undefined;
  }

  /** Whether new work may go there (up or suspect). */
  get selectable(): boolean {
    return this.health.selectable;
  }

  get state(): HealthState {
    return this.health.state;
  }

  get lastError(): Error | undefined {
    return this.health.lastError;
  }

  get generation(): number {
    return this.#sessions.generation;
  }

  /** Called when the coordinator becomes selectable or stops being so. */
  onSelectableChange(listener: () => void): void {
    this.#selectableListeners.push(listener);
  }

  /** Probes now instead of waiting for the backoff (no-op while selectable or probing). */
  probeSoon(): void {
    this.health.probeSoon();
  }

  /**
   * Lends a session, as a {@link Lease} with a request already running: the request
   * counts as in flight from this call on, so the balancer sees queued and connecting
   * requests too. Rejects with the connect error when the open made for this caller
   * failed, AcquireTimeoutError, ClosedError, or the signal's reason.
   */
  async acquire(signal?: AbortSignal): Promise<Lease> {
    if (this.#closed) throw new ClosedError(`the pool of ${this.address} is closed`, { coordinator: this.address });
    this.#inFlight++;
    this.#requests++;
    try {
      const unit = await traced(acquireChannel, () => baseAttributes(this.address), () => this.#sessions.acquire(signal));
      return new Lease(this, unit, true);
    } catch (err) {
      this.#inFlight--;
      throw err;
    }
  }

  /** Carries a pinned session over a new channel to this coordinator (see {@link UnitValidator.reattach}). */
  reattach(session: ProtocolSession): Promise<void> {
    return this.#validator.reattach(session);
  }

  /** Counts a retry caused by a failure here. */
  noteRetry(): void {
    this.#retries++;
  }

  /** Feeds a failure to health (passive check) and clears the pool when it says the coordinator restarted. */
  noteFailure(err: unknown): void {
    this.#errors++;
    const signal = healthSignal(err);
    if (signal === 'none') return;
    if (signal === 'restarted') {
      this.clear(`session unknown to the coordinator (restarted?): ${(err as Error).message}`);
      return;
    }
    this.health.failure(signal, err as Error);
  }

  /** Marks every current unit stale; idle ones lose their channels now, lent ones on return. */
  clear(reason: string): void {
    this.#sessions.clear();
    debug('%s pool cleared (generation %d): %s', this.address, this.#sessions.generation, reason);
    this.#deps.emit('poolCleared', { time: new Date(), coordinator: this.address, generation: this.#sessions.generation, reason });
  }

  stats(): CoordinatorStats {
    return {
      address: this.address,
      state: this.health.state,
      open: this.#sessions.size,
      idle: this.#sessions.idle,
      inUse: this.#sessions.inUse,
      connecting: this.#sessions.connecting,
      waiting: this.#sessions.waiting,
      inFlight: this.#inFlight,
      latencyMs: Math.round(this.#latencyMs * 100) / 100,
      requests: this.#requests,
      errors: this.#errors,
      retries: this.#retries,
      generation: this.#sessions.generation,
      weight: Math.round(this.health.weight() * 1000) / 1000,
      lastError: this.health.lastError?.message,
    };
  }

  /** Closes every idle unit (their sessions on the server) and stops timers; lent units close on return. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.health.close();
    this.#keepAlive?.stop();
    await this.#sessions.close();
    await this.#abandoned.closeAll();
  }

  // LeaseOwner

  /** @internal */
  requestStarted(): void {
    this.#inFlight++;
    this.#requests++;
  }

  /** @internal */
  requestEnded(ok: boolean, latencyMs: number): void {
    this.#inFlight--;
    if (!ok) return;
    this.#latencyMs = this.#latencyMs === 0 ? latencyMs : this.#latencyMs + EWMA_ALPHA * (latencyMs - this.#latencyMs);
    this.health.success();
  }

  /** @internal */
  giveBack(unit: PooledUnit, discard: boolean): void {
    this.#sessions.release(unit, discard ? 'error' : undefined);
  }

  /** @internal */
  now(): number {
    return this.#deps.clock.now();
  }

  async #create(): Promise<ProtocolSession> {
    const started = this.#deps.clock.now();
    const session = await this.#open('pool');
    this.#deps.emit('connectionCreated', {
      time: new Date(),
      coordinator: this.address,
      connectionId: session.connection.id,
      sessionId: session.sessionId,
      durationMs: Math.round((this.#deps.clock.now() - started) * 100) / 100,
    });
    return session;
  }

  async #retire(unit: PooledUnit, reason: ConnectionCloseReason): Promise<void> {
    const s = unit.session;
    // The server keeps a session whose channel was cut; close it over a new channel in
    // the background (a hung coordinator must not delay anyone).
    if (s.reattachable && s.connection.closed && !s.closed) this.#abandoned.add(s);
    const id = s.connection.id;
    await s.close().catch(() => undefined);
    this.#deps.emit('connectionClosed', { time: new Date(), coordinator: this.address, connectionId: id, reason });
  }

  /** Bound on RPCs that must answer fast (validation and keepalive pings, remote CloseSession), in ms. */
  #fastTimeoutMs(): number {
    return this.#opts.session.connectTimeoutMs ?? CONNECTION_DEFAULTS.connectTimeoutMs;
  }

  /** Connects and opens a session, traced on `impala-ha:connect`. */
  #open(purpose: 'pool' | 'probe'): Promise<ProtocolSession> {
    return traced(
      connectChannel,
      () => {
        const ctx = baseAttributes(this.address);
        ctx['db.namespace'] = this.#opts.session.database;
        ctx['impala.purpose'] = purpose;
        return ctx;
      },
      () => this.#deps.openSession(this.#opts.session),
    );
  }

  async #probe(): Promise<void> {
    const session = await this.#open('probe');
    await session.close().catch(() => undefined);
  }

  #onTransition(t: HealthTransition, err: Error | undefined): void {
    const base = { time: new Date(), coordinator: this.address, previous: t.from, reason: t.reason };
    if (t.to === 'down') {
      this.clear(`coordinator down: ${t.reason}`);
      this.#deps.emit('coordinatorDown', { ...base, error: err });
    } else if (t.to === 'draining') {
      this.#deps.emit('coordinatorDraining', base);
    } else if (t.to === 'up' && t.from !== 'suspect') {
      this.#deps.emit('coordinatorUp', base);
    }
    const wasSelectable = t.from === 'up' || t.from === 'suspect';
    const isSelectable = t.to === 'up' || t.to === 'suspect';
    if (wasSelectable !== isSelectable) for (const l of this.#selectableListeners) l();
  }
}
