import { AcquireTimeoutError, ClosedError, ImpalaError } from '../errors';
import type { ConnectionCloseReason } from '../events';
import type { ProtocolSession } from '../protocol/protocol-session';
import type { Clock, TimerHandle } from '../retry/clock';
import { watchAbort } from '../util/abort-watch';
import { PooledUnit } from './pooled-unit';

/** Sizes and times of one coordinator's pool. @internal */
export interface SessionPoolSettings {
  /** `host:port`, for messages. */
  address: string;
  /** Most units (idle + lent + being opened). */
  maxConnections: number;
  /** Units kept open when idle. */
  minIdle: number;
  /** How long an acquire waits, in ms. */
  acquireTimeoutMs: number;
  /** Idle units above `minIdle` are closed after this long, in ms; 0 = never. */
  idleTimeoutMs: number;
  /** Units are retired after this long (minus up to 2.5% jitter), in ms; 0 = never. */
  maxLifetimeMs: number;
}

/** What the pool asks of its owner. @internal */
export interface SessionPoolHooks {
  /** Opens a session (connect + OpenSession). */
  create(): Promise<ProtocolSession>;
  /** Before a unit is lent, without I/O: `true`, why to retire it, or undefined when {@link check} must decide. */
  quickCheck(unit: PooledUnit): true | ConnectionCloseReason | undefined;
  /** Before a unit is lent: `true`, or why to retire it. May repair the unit (reattach). Must not throw. */
  check(unit: PooledUnit): Promise<true | ConnectionCloseReason>;
  /** Closes a unit's session. Must not throw. */
  retire(unit: PooledUnit, reason: ConnectionCloseReason): Promise<void>;
  /** A create failed (health hears of it). */
  createFailed(error: Error): void;
  /** The coordinator's state, for acquire-timeout messages. */
  describeState(): string;
}

interface Waiter {
  readonly since: number;
  readonly resolve: (unit: PooledUnit) => void;
  readonly reject: (err: Error) => void;
  timer: TimerHandle | undefined;
  readonly signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  /** Stops watching the signal (one listener per signal however many callers wait on it). */
  unwatch: (() => void) | undefined;
}

const LIFETIME_JITTER = 0.025;

/**
 * The lending mechanism of one coordinator: idle units (most recently used first),
 * callers waiting in order, opens in progress, a size limit, idle and lifetime
 * retirement. It knows nothing of health or protocols; its owner supplies create,
 * check and retire.
 *
 * A failed open is one attempt: it fails the callers no other open in progress can
 * serve, and nothing is retried here (retries and health decide what follows).
 * Every timer of its own is unref'd; only an acquire's timer keeps the process alive,
 * because a caller is waiting.
 *
 * @internal
 */
export class SessionPool {
  readonly #s: SessionPoolSettings;
  readonly #hooks: SessionPoolHooks;
  readonly #clock: Clock;
  readonly #random: () => number;
  /** Every open unit: idle, lent, or being checked. */
  readonly #units = new Set<PooledUnit>();
  /** Idle units, least recently used first. */
  #idle: PooledUnit[] = [];
  #waiters: Waiter[] = [];
  /** Opens in progress: id → start time. */
  readonly #creating = new Map<number, number>();
  readonly #retiring = new Set<Promise<void>>();
  /** Units being closed (their CloseSession may hang: a cut must reach them too). */
  readonly #closingUnits = new Set<PooledUnit>();
  #lastCreateError: { error: Error; at: number } | undefined;
  /** The last cut: callers whose unit was being checked then get its error, not a new connect. */
  #lastCut: { generation: number; error: Error } | undefined;
  #generation = 0;
  #closed = false;
  #evictTimer: TimerHandle | undefined;
  #evictAt = Infinity;
  #nextCreateId = 0;

  constructor(settings: SessionPoolSettings, hooks: SessionPoolHooks, clock: Clock, random: () => number) {
    this.#s = settings;
    this.#hooks = hooks;
    this.#clock = clock;
    this.#random = random;
    this.#fill();
  }

  /** Increments each time every unit was made stale. */
  get generation(): number {
    return this.#generation;
  }

  /** Open units (idle + lent + checked). */
  get size(): number {
    return this.#units.size;
  }

  get idle(): number {
    return this.#idle.length;
  }

  get inUse(): number {
    return this.#units.size - this.#idle.length;
  }

  get waiting(): number {
    return this.#waiters.length;
  }

  get connecting(): number {
    return this.#creating.size;
  }

  /** The units, for keepalive and liveness cuts (do not keep the iterator). */
  units(): IterableIterator<PooledUnit> {
    return this.#units.values();
  }

  /**
   * Lends a unit: an idle one that passes its check, else a new one when there is room,
   * else the next one given back. Rejects with the open's error when the open made for
   * this caller failed, AcquireTimeoutError (naming the cause) after `acquireTimeoutMs`,
   * or the signal's reason.
   */
  acquire(signal?: AbortSignal): Promise<PooledUnit> {
    if (this.#closed) return Promise.reject(new ClosedError(`the pool of ${this.#s.address} is closed`, { coordinator: this.#s.address }));
    if (signal?.aborted) return Promise.reject(signal.reason);
    // Fast path, the common case under load: nobody waits and the most recently used
    // idle unit can be lent without I/O — no waiter, no timer.
    while (this.#waiters.length === 0 && this.#idle.length > 0) {
      const unit = this.#idle[this.#idle.length - 1]!;
      const verdict = this.#hooks.quickCheck(unit);
      if (verdict === undefined) break;
      this.#idle.pop();
      if (verdict === true) {
        unit.busy = true;
        return Promise.resolve(unit);
      }
      this.#retire(unit, verdict);
    }
    return new Promise<PooledUnit>((resolve, reject) => {
      const waiter: Waiter = { since: this.#clock.now(), resolve, reject, timer: undefined, signal, onAbort: undefined, unwatch: undefined };
      waiter.timer = this.#clock.setTimeout(() => this.#drop(waiter, this.#timeoutError()), this.#s.acquireTimeoutMs);
      if (signal) {
        waiter.onAbort = () => this.#drop(waiter, signal.reason as Error);
        waiter.unwatch = watchAbort(signal, waiter.onAbort);
      }
      this.#waiters.push(waiter);
      this.#dispatch();
    });
  }

  /** Gives a unit back; with a `retire` reason (or when stale or closed) it is closed instead. */
  release(unit: PooledUnit, retire?: ConnectionCloseReason): void {
    if (!this.#units.has(unit) || !unit.busy) return;
    unit.busy = false;
    unit.returnedAt = this.#clock.now();
    const reason = retire ?? this.#staleReason(unit);
    if (reason) {
      this.#retire(unit, reason);
    } else {
      this.#idle.push(unit);
      this.#scheduleEviction();
    }
    this.#dispatch();
  }

  /**
   * Takes up to `limit` idle units matching `pick` out of the idle list (marked busy),
   * most recently used first, for the owner's own use; give them back with {@link release}.
   */
  takeIdle(pick: (unit: PooledUnit) => boolean, limit = Infinity): PooledUnit[] {
    const taken: PooledUnit[] = [];
    for (let i = this.#idle.length - 1; i >= 0 && taken.length < limit; i--) {
      const u = this.#idle[i]!;
      if (!pick(u)) continue;
      this.#idle.splice(i, 1);
      u.busy = true;
      taken.push(u);
    }
    return taken;
  }

  /**
   * Adds a session opened elsewhere (a health probe, a liveness check) as an idle unit,
   * when there is room; false (and nothing done) otherwise.
   */
  adopt(session: ProtocolSession): boolean {
    if (this.#closed || this.#units.size + this.#creating.size >= this.#s.maxConnections) return false;
    const now = this.#clock.now();
    const lifetime = this.#s.maxLifetimeMs > 0 ? this.#s.maxLifetimeMs * (1 - LIFETIME_JITTER * this.#random()) : Infinity;
    const unit = new PooledUnit(session, this.#generation, now, now + lifetime);
    this.#units.add(unit);
    this.#idle.push(unit);
    this.#scheduleEviction();
    this.#dispatch();
    return true;
  }

  /** When the oldest open in progress started; undefined when none is. */
  oldestConnectStart(): number | undefined {
    let oldest: number | undefined;
    for (const t of this.#creating.values()) if (oldest === undefined || t < oldest) oldest = t;
    return oldest;
  }

  /** Makes every unit stale: idle ones are closed now, lent ones when given back. */
  clear(): void {
    this.#generation++;
    for (const u of this.#idle.splice(0)) this.#retire(u, 'stale');
  }

  /**
   * The coordinator is gone or hung: every unit's channel is destroyed with `error`
   * (lent ones too, so their calls fail at once), and every waiting caller gets it.
   */
  cut(error: Error): void {
    this.clear();
    this.#lastCut = { generation: this.#generation, error };
    for (const u of this.#units) u.session.connection.destroy(error);
    for (const u of this.#closingUnits) u.session.connection.destroy(error);
    for (const w of this.#waiters.slice()) this.#drop(w, error);
  }

  /** Refuses new acquires, fails waiting ones, closes idle units; lent ones close when given back. Resolves when closing units finished. */
  async close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      if (this.#evictTimer) this.#clock.clearTimeout(this.#evictTimer);
      this.#evictTimer = undefined;
      for (const w of this.#waiters.slice()) this.#drop(w, new ClosedError(`the pool of ${this.#s.address} was closed`, { coordinator: this.#s.address }));
      for (const u of this.#idle.splice(0)) this.#retire(u, 'poolClosed');
    }
    while (this.#retiring.size > 0) await Promise.allSettled([...this.#retiring]);
  }

  #dispatch(): void {
    if (this.#closed) return;
    while (this.#waiters.length > 0 && this.#idle.length > 0) this.#lend(this.#idle.pop()!, this.#waiters.shift()!);
    // Open units for callers that no open in progress will serve, within the limit.
    while (this.#waiters.length > this.#creating.size && this.#units.size + this.#creating.size < this.#s.maxConnections) this.#create();
  }

  #lend(unit: PooledUnit, waiter: Waiter): void {
    unit.busy = true;
    const generation = this.#generation;
    void this.#hooks.check(unit).then((verdict) => {
      if (verdict !== true) {
        unit.busy = false;
        this.#retire(unit, verdict);
        const cut = this.#lastCut;
        if (cut && cut.generation > generation) {
          // The coordinator was given up on while this unit was checked: the caller
          // moves on with that verdict instead of waiting for a new connect there.
          if (this.#settle(waiter)) waiter.reject(cut.error);
        } else if (this.#settle(waiter)) {
          // The caller did not get a unit: back to the head of the line.
          this.#waiters.unshift(this.#rewait(waiter));
        }
        this.#dispatch();
        return;
      }
      if (this.#settle(waiter)) {
        waiter.resolve(unit);
      } else {
        // The caller gave up while the unit was being checked.
        unit.busy = true;
        this.release(unit);
      }
    });
  }

  #create(): void {
    const id = this.#nextCreateId++;
    this.#creating.set(id, this.#clock.now());
    const generation = this.#generation;
    this.#hooks.create().then(
      (session) => {
        this.#creating.delete(id);
        const now = this.#clock.now();
        const lifetime = this.#s.maxLifetimeMs > 0 ? this.#s.maxLifetimeMs * (1 - LIFETIME_JITTER * this.#random()) : Infinity;
        const unit = new PooledUnit(session, generation, now, now + lifetime);
        this.#units.add(unit);
        if (this.#closed || generation !== this.#generation) {
          this.#retire(unit, this.#closed ? 'poolClosed' : 'stale');
        } else {
          this.#idle.push(unit);
          this.#scheduleEviction();
        }
        this.#dispatch();
      },
      (err: unknown) => {
        this.#creating.delete(id);
        const error = err instanceof Error ? err : new Error(String(err));
        this.#lastCreateError = { error, at: this.#clock.now() };
        this.#hooks.createFailed(error);
        // One failed open is one attempt: the callers no other open serves get its error.
        while (this.#waiters.length > this.#creating.size) this.#drop(this.#waiters[0]!, error);
      },
    );
  }

  /** Rejects a waiter, in line or being served a unit (no-op when already settled). */
  #drop(waiter: Waiter, error: Error): void {
    const i = this.#waiters.indexOf(waiter);
    if (i >= 0) this.#waiters.splice(i, 1);
    if (this.#settle(waiter)) waiter.reject(error);
  }

  /** Clears a waiter's timer and listener; false when it was already settled. */
  #settle(waiter: Waiter): boolean {
    if (waiter.timer === undefined) return false;
    this.#clock.clearTimeout(waiter.timer);
    waiter.timer = undefined;
    waiter.unwatch?.();
    waiter.unwatch = undefined;
    return true;
  }

  /** Re-arms a waiter whose unit failed its check, keeping its original deadline. */
  #rewait(waiter: Waiter): Waiter {
    const left = Math.max(0, waiter.since + this.#s.acquireTimeoutMs - this.#clock.now());
    waiter.timer = this.#clock.setTimeout(() => this.#drop(waiter, this.#timeoutError()), left);
    if (waiter.onAbort) waiter.unwatch = watchAbort(waiter.signal!, waiter.onAbort);
    return waiter;
  }

  #staleReason(unit: PooledUnit): ConnectionCloseReason | undefined {
    if (this.#closed) return 'poolClosed';
    if (unit.generation !== this.#generation) return 'stale';
    if (unit.session.closed || unit.session.connection.closed) return 'error';
    if (this.#clock.now() >= unit.expiresAt) return 'lifetime';
    return undefined;
  }

  #retire(unit: PooledUnit, reason: ConnectionCloseReason): void {
    if (!this.#units.delete(unit)) return;
    const i = this.#idle.indexOf(unit);
    if (i >= 0) this.#idle.splice(i, 1);
    this.#closingUnits.add(unit);
    const p = this.#hooks.retire(unit, reason).catch(() => undefined);
    this.#retiring.add(p);
    void p.finally(() => {
      this.#retiring.delete(p);
      this.#closingUnits.delete(unit);
      this.#fill();
    });
  }

  /** Keeps `minIdle` units open (in the background; a failure is only reported to health). */
  #fill(): void {
    if (this.#closed) return;
    while (this.#units.size + this.#creating.size < Math.min(this.#s.minIdle, this.#s.maxConnections)) this.#create();
  }

  #scheduleEviction(): void {
    if (this.#closed || this.#idle.length === 0) return;
    let at = Infinity;
    const removable = this.#idle.length - this.#s.minIdle;
    for (let k = 0; k < this.#idle.length; k++) {
      const u = this.#idle[k]!;
      at = Math.min(at, u.expiresAt);
      if (k < removable && this.#s.idleTimeoutMs > 0) at = Math.min(at, u.returnedAt + this.#s.idleTimeoutMs);
    }
    if (at === Infinity || (this.#evictTimer && at >= this.#evictAt)) return;
    if (this.#evictTimer) this.#clock.clearTimeout(this.#evictTimer);
    this.#evictAt = at;
    this.#evictTimer = this.#clock.setTimeout(() => this.#evict(), Math.max(0, at - this.#clock.now()));
    // Idle upkeep never keeps the process alive.
    this.#evictTimer.unref();
  }

  #evict(): void {
    this.#evictTimer = undefined;
    this.#evictAt = Infinity;
    const now = this.#clock.now();
    let removable = this.#idle.length - this.#s.minIdle;
    for (const u of this.#idle.slice()) {
      if (now >= u.expiresAt) {
        this.#retire(u, 'lifetime');
        removable--;
      } else if (removable > 0 && this.#s.idleTimeoutMs > 0 && now - u.returnedAt >= this.#s.idleTimeoutMs) {
        this.#retire(u, 'idle');
        removable--;
      }
    }
    this.#scheduleEviction();
  }

  #timeoutError(): AcquireTimeoutError {
    const now = this.#clock.now();
    const parts = [`${this.inUse} of ${this.#s.maxConnections} connections in use`];
    const oldest = this.oldestConnectStart();
    if (oldest !== undefined) parts.push(`${this.#creating.size} connect(s) pending, the oldest for ${Math.round(now - oldest)} ms without an answer`);
    const last = this.#lastCreateError;
    if (last) parts.push(`last connect error ${Math.round(now - last.at)} ms ago: ${last.error instanceof ImpalaError ? `${last.error.code}: ` : ''}${last.error.message}`);
    parts.push(this.#hooks.describeState());
    return new AcquireTimeoutError(this.#s.acquireTimeoutMs, { coordinator: this.#s.address, reason: parts.join('; '), cause: last?.error });
  }
}
