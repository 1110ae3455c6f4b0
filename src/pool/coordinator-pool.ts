import createDebug from 'debug';
import { CONNECTION_DEFAULTS, type Channel } from '../connection';
import type { CoordinatorView } from '../balancer';
import { ClosedError, RpcTimeoutError } from '../errors';
import type { ConnectionCloseReason } from '../events';
import { acquireChannel, baseAttributes, connectChannel, traced } from '../events/tracing';
import type { CallBounds } from '../health/call-bounds';
import { HealthMonitor } from '../health/health-monitor';
import type { HealthState, HealthThresholds, HealthTransition } from '../health/coordinator-health';
import type { ProtocolSessionOptions } from '../protocol/open-session';
import { SESSION_RPC_NAMES, type ProtocolSession } from '../protocol/protocol-session';
import { withDeadline } from '../retry/clock';
import { healthSignal } from '../retry/retry-policy';
import { AbandonedSessions } from './abandoned-sessions';
import { KeepAlive } from './keep-alive';
import { Lease, type LeaseOwner } from './lease';
import type { CoordinatorStats } from './coordinator-stats';
import { LivenessGuard } from './liveness-guard';
import type { PoolDeps } from './pool-deps';
import type { PooledUnit } from './pooled-unit';
import { PoolView } from './pool-view';
import { SessionPool } from './session-pool';
import { UnitValidator } from './unit-validator';

const debug = createDebug('impala-ha:pool');

export type { CoordinatorStats } from './coordinator-stats';

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
  /**
   * Impala's FETCH_ROWS_TIMEOUT_MS as the client's session options set it, in ms
   * (0 = FetchResults may wait as long as the query runs). Default 10000, Impala's.
   */
  fetchRowsTimeoutMs?: number;
}

const EWMA_ALPHA = 0.2;

/**
 * One coordinator: its {@link SessionPool}, the validator, keepalive and abandoned
 * session closer around it, its {@link HealthMonitor}, and the live numbers the
 * balancer reads. Lends {@link Lease}s.
 *
 * Its {@link LivenessGuard} keeps "is the coordinator alive" apart from "is the query
 * done": every channel it opens carries the guard's CallPolicy, and a call that
 * overruns starts a liveness check on another channel. No answer: the coordinator is
 * marked down and every channel to it is cut at once, so callers move on in about two
 * overrun points instead of waiting for `rpcTimeoutMs`. An answer: the call goes on,
 * however long the query takes.
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
  /** The session options every channel to this coordinator is opened with (CallPolicy included). */
  readonly #sessionOptions: ProtocolSessionOptions;
  readonly #guard: LivenessGuard;
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
    this.view = new PoolView(this);
    this.#guard = new LivenessGuard({
      address: opts.address,
      protocol: opts.session.protocol ?? 'hs2',
      clock: deps.clock,
      fetchRowsTimeoutMs: opts.fetchRowsTimeoutMs,
      sessions: () => this.#sessions,
      openSession: () => this.#open('probe'),
      closed: () => this.#closed,
      onDead: (err) => this.#dead(err),
    });
    this.#sessionOptions = { ...opts.session, callPolicy: this.#guard.callPolicy };
    this.health = new HealthMonitor({
      address: opts.address,
      ...opts.health,
      random: deps.random,
      clock: deps.clock,
      probe: () => this.#probe(),
      onTransition: (t, err) => this.#onTransition(t, err),
    });
    const openChannel = (): Promise<Channel> => deps.openChannel(this.#sessionOptions);
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
        quickCheck: (unit) => this.#validator.quick(unit),
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
      observe: (ms) => this.#guard.latency.observe(ms),
    });
    this.#keepAlive = opts.keepAliveIntervalMs > 0 ? new KeepAlive(opts.keepAliveIntervalMs, this.#sessions, deps.clock, () => this.#fastTimeoutMs()) : undefined;
  }

  /** Requests in flight from this client, including those waiting for a connection. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** Smoothed request latency (EWMA), in ms. */
  get latencyMs(): number {
    return this.#latencyMs;
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
      const pending = traced(acquireChannel, () => baseAttributes(this.address), () => this.#sessions.acquire(signal));
      this.#guard.kick();
      const unit = await pending;
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

  /** Bounds and the latency estimate behind them, for stats and tests. */
  get bounds(): CallBounds {
    return this.#guard.bounds;
  }

  /** Closes every idle unit (their sessions on the server) and stops timers; lent units close on return. */
  async close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      this.health.close();
      this.#guard.close();
      this.#keepAlive?.stop();
    }
    await this.#sessions.close();
    await this.#abandoned.closeAll();
  }

  /**
   * Cuts every channel to the coordinator now (lent ones too) and fails waiting callers
   * with `error`; abandoned sessions are left to Impala's own timeout. For a close that
   * ran out of time, and a coordinator that failed its liveness check.
   */
  cut(error: Error): void {
    this.#sessions.cut(error);
    if (this.#closed) this.#abandoned.giveUp();
    this.#guard.cutOverrunning(error);
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
    this.#guard.latency.observe(this.#deps.clock.now() - started);
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
    return this.#guard.bounds.fastTimeoutMs();
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
      () => this.#deps.openSession(this.#sessionOptions),
    );
  }

  /**
   * A health probe: a full connect + OpenSession, bounded by `connectTimeoutMs`. The
   * session it opened joins the pool, so the first request after recovery finds one.
   */
  async #probe(): Promise<void> {
    const bound = this.#opts.session.connectTimeoutMs ?? CONNECTION_DEFAULTS.connectTimeoutMs;
    const open = this.#open('probe');
    const session = await withDeadline(this.#deps.clock, open, bound, () => {
      void open.then((late) => late.close()).catch(() => undefined);
      return new RpcTimeoutError(SESSION_RPC_NAMES[this.#opts.session.protocol ?? 'hs2'].open, bound, { coordinator: this.address, requestWritten: true });
    });
    if (this.#closed || !this.#sessions.adopt(session)) await session.close().catch(() => undefined);
  }

  /** The coordinator did not answer a liveness check: down, and every channel to it cut. */
  #dead(error: Error): void {
    debug('%s is down or hung: %s', this.address, error.message);
    this.health.failure('down', error);
    this.cut(error);
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
