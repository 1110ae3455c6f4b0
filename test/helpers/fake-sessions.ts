import { EventEmitter } from 'node:events';
import sinon from 'sinon';
import type { CallPolicy, Channel } from '../../src/connection';
import { ConnectError, ConnectionLostError, ErrorCode, serverError } from '../../src/errors';
import type { ClientEventName, ClientEvents } from '../../src/events';
import type { EventSink } from '../../src/events/event-sink';
import type { ProtocolKind, ProtocolSession } from '../../src/protocol/protocol-session';
import type { PingResult, SessionExecuteResult, SessionQueryResult } from '../../src/protocol/hs2/session-results';
import type { Clock, TimerHandle } from '../../src/retry/clock';
import type { CoordinatorPoolOptions } from '../../src/pool/coordinator-pool';
import type { PoolDeps } from '../../src/pool/pool-deps';

/**
 * Fakes for unit tests of the pool, cluster, attempt loop and health monitor: pure
 * units, no sockets. Integration tests use the simulator over real loopback sockets.
 */

let nextId = 1;

/** A channel that carries nothing; it records how it ended. */
export class FakeChannel extends EventEmitter implements Channel {
  readonly id = nextId++;
  readonly transport = 'binary' as const;
  readonly createdAt: number;
  closed = false;
  pendingCalls = 0;
  lastActivityAt: number;
  destroyedWith: Error | undefined;

  constructor(
    readonly address: string,
    now: number,
  ) {
    super();
    this.createdAt = now;
    this.lastActivityAt = now;
  }

  call<T extends object>(method: string): Promise<T> {
    return Promise.reject(new Error(`FakeChannel cannot send ${method}`));
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  destroy(err?: Error): void {
    if (this.closed) return;
    this.closed = true;
    this.destroyedWith = err ?? new Error('destroyed');
    this.emit('close', this.destroyedWith);
  }
}

/** What a fake coordinator does when asked to open a session, ping, or run a statement. */
export type Behaviour = 'up' | 'refuse' | 'hang';

/** Runs a statement on a fake session: resolve, throw, or never settle. */
export type StatementHandler = (sql: string, session: FakeSession, signal: AbortSignal | undefined) => Promise<void>;

/** A fake coordinator: opens fake sessions as its behaviour says. */
export class FakeCoordinator {
  behaviour: Behaviour = 'up';
  /** Ping answers; `'hang'` never settles, an Error rejects. */
  ping: 'ok' | 'hang' | Error = 'ok';
  /** Statement behaviour; default: succeed at once. */
  handler: StatementHandler = async () => undefined;
  readonly sessions: FakeSession[] = [];
  readonly channels: FakeChannel[] = [];
  opens = 0;
  /** Sessions outlive their channel (HS2) or end with it (Beeswax). */
  reattachable = true;
  /** The protocol its sessions report. */
  protocol: ProtocolKind = 'hs2';
  /** CloseSession: `'hang'` never answers. */
  closeBehaviour: 'ok' | 'hang' = 'ok';
  /** The CallPolicy the pool installed on the last channel it asked for. */
  policy: CallPolicy | undefined;
  /** Sessions the coordinator knows (a restart forgets them). */
  readonly known = new Set<string>();
  readonly remotelyClosed: string[] = [];
  #sessionSeq = 0;

  constructor(
    readonly address: string,
    readonly clock: Clock,
  ) {}

  /** Forgets every session (like a restart). */
  restart(): void {
    this.known.clear();
  }

  openChannel(): Promise<FakeChannel> {
    this.opens++;
    if (this.behaviour === 'refuse') return Promise.reject(new ConnectError(ErrorCode.CONNECT_REFUSED, `connection to ${this.address} refused`, { coordinator: this.address }));
    if (this.behaviour === 'hang') return new Promise(() => undefined);
    const ch = new FakeChannel(this.address, this.clock.now());
    this.channels.push(ch);
    return Promise.resolve(ch);
  }

  async openSession(): Promise<FakeSession> {
    const ch = await this.openChannel();
    const s = new FakeSession(this, ch, `${this.address}#${++this.#sessionSeq}`);
    this.sessions.push(s);
    this.known.add(s.sessionId);
    return s;
  }
}

/** A fake pooled session on a {@link FakeCoordinator}. */
export class FakeSession implements ProtocolSession {
  readonly httpAddr = undefined;
  busy = false;
  closed = false;
  statements: string[] = [];
  pings = 0;
  #connection: FakeChannel;

  constructor(
    readonly server: FakeCoordinator,
    connection: FakeChannel,
    readonly sessionId: string,
  ) {
    this.#connection = connection;
  }

  get coordinator(): string {
    return this.server.address;
  }

  get protocol(): ProtocolKind {
    return this.server.protocol;
  }

  get reattachable(): boolean {
    return this.server.reattachable;
  }

  get connection(): FakeChannel {
    return this.#connection;
  }

  async query<R>(sql: string, options: { signal?: AbortSignal | undefined } = {}): Promise<SessionQueryResult<R>> {
    await this.#run(sql, options.signal);
    return { rows: [] as R[], columns: [], queryId: '0000000000000001:0000000000000002', coordinator: this.coordinator, attempts: 1, rowsFetched: 0 };
  }

  async execute(sql: string, options: { signal?: AbortSignal | undefined } = {}): Promise<SessionExecuteResult> {
    await this.#run(sql, options.signal);
    return { queryId: '0000000000000001:0000000000000002', coordinator: this.coordinator };
  }

  stream(): never {
    throw new Error('FakeSession does not stream');
  }

  async cancel(): Promise<number> {
    return 0;
  }

  ping(): Promise<PingResult> {
    this.pings++;
    if (this.#connection.closed) return Promise.reject(new ConnectionLostError('lost', false, { method: 'PingImpalaHS2Service', coordinator: this.coordinator }));
    const p = this.server.ping;
    if (p === 'hang') return new Promise(() => undefined);
    if (p instanceof Error) return Promise.reject(p);
    if (!this.server.known.has(this.sessionId)) return Promise.reject(serverError(`Invalid session id: ${this.sessionId}`));
    this.#connection.lastActivityAt = this.server.clock.now();
    return Promise.resolve({ version: 'fake', webserverAddress: '', latencyMs: 0 });
  }

  reattach(connection: Channel): void {
    this.#connection = connection as FakeChannel;
  }

  async closeRemotely(): Promise<void> {
    this.server.remotelyClosed.push(this.sessionId);
    this.server.known.delete(this.sessionId);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.server.closeBehaviour === 'hang' && !this.#connection.closed) {
      // CloseSession never answered: only a cut channel ends the wait.
      await new Promise<void>((resolve) => this.#connection.once('close', () => resolve()));
      return;
    }
    this.server.known.delete(this.sessionId);
    await this.#connection.close();
  }

  async #run(sql: string, signal: AbortSignal | undefined): Promise<void> {
    if (this.#connection.closed) throw new ConnectionLostError('connection closed', false, { method: 'ExecuteStatement', coordinator: this.coordinator });
    if (!this.server.known.has(this.sessionId)) throw serverError(`Invalid session id: ${this.sessionId}`);
    this.statements.push(sql);
    this.busy = true;
    const channel = this.#connection;
    channel.pendingCalls++;
    channel.lastActivityAt = this.server.clock.now();
    // Like a real channel: the CallPolicy's overrun hook fires once for a call that waits past its overrun point.
    const policy = this.server.policy;
    const overrunMs = policy?.overrunMs?.('FetchResults');
    const overrun = overrunMs !== undefined && policy?.onOverrun ? this.server.clock.setTimeout(() => policy.onOverrun!('FetchResults', channel), overrunMs) : undefined;
    let onClose: (() => void) | undefined;
    // Like a real channel: when it is cut, the call waiting on it fails at once.
    const cut = new Promise<never>((_, reject) => {
      onClose = () =>
        reject(new ConnectionLostError(`the connection was lost while waiting (${channel.destroyedWith?.message ?? 'closed'})`, true, { method: 'FetchResults', coordinator: this.coordinator, cause: channel.destroyedWith }));
      channel.once('close', onClose);
    });
    try {
      await Promise.race([this.server.handler(sql, this, signal), cut]);
      channel.lastActivityAt = this.server.clock.now();
    } finally {
      if (overrun) this.server.clock.clearTimeout(overrun);
      channel.pendingCalls--;
      channel.off('close', onClose!);
      cut.catch(() => undefined);
      this.busy = false;
    }
  }
}

/** A {@link Clock} on sinon's fake timers, with a record of which timers were unref'd. */
export class FakeClock implements Clock {
  readonly timers: sinon.SinonFakeTimers;
  readonly unrefd = new Set<TimerHandle>();
  readonly refd = new Set<TimerHandle>();

  constructor() {
    this.timers = sinon.useFakeTimers({ now: 0, toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date', 'performance'] });
  }

  now(): number {
    return this.timers.now;
  }

  setTimeout(callback: () => void, ms: number): TimerHandle {
    const handle = this.timers.setTimeout(callback, ms) as unknown as { ref(): unknown; unref(): unknown };
    const self = this;
    const wrapped: TimerHandle & { inner: unknown } = {
      inner: handle,
      ref() {
        self.unrefd.delete(wrapped);
        self.refd.add(wrapped);
        return wrapped;
      },
      unref() {
        self.refd.delete(wrapped);
        self.unrefd.add(wrapped);
        return wrapped;
      },
    };
    this.refd.add(wrapped);
    return wrapped;
  }

  clearTimeout(handle: TimerHandle): void {
    this.timers.clearTimeout((handle as unknown as { inner: number }).inner);
    this.refd.delete(handle);
    this.unrefd.delete(handle);
  }

  /** Advances time, running timers and the promise callbacks they start. */
  tick(ms: number): Promise<number> {
    return this.timers.tickAsync(ms);
  }

  /** Lets pending promise callbacks run without moving time. */
  flush(): Promise<number> {
    return this.timers.tickAsync(0);
  }

  restore(): void {
    this.timers.restore();
  }
}

/** Collects emitted events by name. */
export class EventLog {
  readonly events: Array<{ name: ClientEventName; payload: unknown }> = [];
  readonly sink: EventSink = (name, payload) => {
    this.events.push({ name, payload });
  };

  of<K extends ClientEventName>(name: K): Array<ClientEvents[K][0]> {
    return this.events.filter((e) => e.name === name).map((e) => e.payload as ClientEvents[K][0]);
  }
}

/** Fake coordinators by address and pool dependencies that reach them. */
export class FakeWorld {
  readonly clock = new FakeClock();
  readonly log = new EventLog();
  readonly coordinators = new Map<string, FakeCoordinator>();
  random: () => number = () => 0.5;

  coordinator(address: string): FakeCoordinator {
    let c = this.coordinators.get(address);
    if (!c) {
      c = new FakeCoordinator(address, this.clock);
      this.coordinators.set(address, c);
    }
    return c;
  }

  deps(): PoolDeps {
    return {
      openSession: (o) => {
        const c = this.coordinator(o.label ?? `${o.host}:${o.port}`);
        c.policy = o.callPolicy;
        return c.openSession();
      },
      openChannel: (o) => {
        const c = this.coordinator(o.label ?? `${o.host}:${o.port}`);
        c.policy = o.callPolicy;
        return c.openChannel();
      },
      clock: this.clock,
      random: () => this.random(),
      emit: this.log.sink,
    };
  }

  restore(): void {
    this.clock.restore();
  }
}

/** Pool settings for unit tests: small, fast, every bound finite. */
export function poolOptions(address: string, index: number, over: Partial<CoordinatorPoolOptions> = {}): CoordinatorPoolOptions {
  const [host, port] = [address.slice(0, address.lastIndexOf(':')), Number(address.slice(address.lastIndexOf(':') + 1))];
  return {
    address,
    index,
    session: { host, port, label: address, connectTimeoutMs: 1000 },
    maxConnections: 4,
    minIdle: 0,
    acquireTimeoutMs: 5000,
    idleTimeoutMs: 0,
    validateAfterIdleMs: 500,
    maxLifetimeMs: 0,
    keepAliveIntervalMs: 0,
    health: { fall: 3, rise: 1, slowStartMs: 0, intervalMs: 1000, maxIntervalMs: 8000 },
    ...over,
  };
}

