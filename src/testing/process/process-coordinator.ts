import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import createDebug from 'debug';
import { ClosedError, ImpalaError } from '../../errors';
import { emptyCounts, RESTART_REBIND_MS, type RuntimeCounts, type RuntimePorts, type RuntimeSettings } from '../coordinator/coordinator-runtime';
import { DownWaiters } from '../coordinator/down-waiters';
import { admissionLimits, checkNonNegative, httpStatusFault, rpcDelay, shutdownTiming } from '../coordinator/fault-options';
import { type EncodedBatch, SimSqlError } from '../engine/types';
import type { EngineAccess } from '../engine-access';
import type { EngineGateway } from '../engine-gateway';
import type { AdmissionOptions, HttpStatusFaultOptions, RpcDelayOptions, ShutdownOptions, SimCoordinator } from '../types';
import { packBatch } from './batch-packing';
import { trackChild } from './child-registry';
import type { ControlCommand, FromChild, ToChild } from './ipc-messages';

const debug = createDebug('impala-ha:sim');

/** Bound on a child acknowledging a control command, in ms (a SIGSTOPped child answers after SIGCONT). */
const CONTROL_TIMEOUT_MS = 10_000;

/** The child entry next to this file: `.ts` under tsx (tests), `.js` from the build. */
function childEntry(): { file: string; execArgv: string[] } {
  const typescript = __filename.endsWith('.ts');
  return {
    file: join(__dirname, typescript ? 'coordinator-child.ts' : 'coordinator-child.js'),
    execArgv: typescript ? ['--require', 'tsx/cjs'] : [],
  };
}

/**
 * A simulated coordinator running as a child process. `kill()` sends a real
 * SIGKILL, `hang()` SIGSTOP and `resume()` SIGCONT; other faults go over IPC and
 * resolve when the child acknowledged them. The child reaches the SQL engine through
 * this object, which also keeps its counts as last reported.
 *
 * @internal
 */
export class ProcessCoordinator implements SimCoordinator {
  readonly index: number;
  readonly host: string;
  #port: number;
  #beeswaxPort: number;
  #httpPort: number;
  readonly #settings: RuntimeSettings;
  readonly #gateway: EngineGateway;
  readonly #engine: EngineAccess;
  readonly #startTimeoutMs: number;
  readonly #down = new DownWaiters();
  #child: ChildProcess | undefined;
  #up = false;
  #counts: RuntimeCounts = emptyCounts();
  #nextId = 1;
  readonly #acks = new Map<number, { resolve: (c: RuntimeCounts | undefined) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  #forgetting: Promise<void> = Promise.resolve();

  constructor(settings: RuntimeSettings, gateway: EngineGateway, startTimeoutMs: number) {
    this.index = settings.index;
    this.host = settings.host;
    this.#port = settings.port;
    this.#beeswaxPort = settings.beeswaxPort;
    this.#httpPort = settings.httpPort;
    this.#settings = settings;
    this.#gateway = gateway;
    this.#engine = gateway.accessFor(settings.index);
    this.#startTimeoutMs = startTimeoutMs;
  }

  get port(): number {
    return this.#port;
  }

  get address(): string {
    return `${this.host}:${this.#port}`;
  }

  get beeswaxPort(): number {
    return this.#beeswaxPort;
  }

  get beeswaxAddress(): string {
    return `${this.host}:${this.#beeswaxPort}`;
  }

  get httpPort(): number {
    return this.#httpPort;
  }

  get httpAddress(): string {
    return `${this.host}:${this.#httpPort}`;
  }

  get up(): boolean {
    return this.#up;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  counts(): RuntimeCounts {
    return this.#up ? this.#counts : emptyCounts();
  }

  /** Forks the child and waits until it listens (with `restart`, retrying a port still held for a moment). */
  async start(restart = false): Promise<void> {
    await this.#forgetting;
    const { file, execArgv } = childEntry();
    const child = fork(file, [], { execArgv, serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    trackChild(child);
    this.#child = child;
    this.#counts = emptyCounts();
    child.on('message', (msg: FromChild) => this.#onMessage(child, msg));
    child.once('exit', (code, signal) => this.#onExit(child, code, signal));
    const ready = new Promise<RuntimePorts>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new ClosedError(`simulated coordinator ${this.index} did not start within ${this.#startTimeoutMs} ms`));
      }, this.#startTimeoutMs);
      const onMessage = (msg: FromChild): void => {
        if (msg.type === 'ready' || msg.type === 'start-failed') {
          clearTimeout(timer);
          child.off('message', onMessage);
          child.off('exit', onExit);
          if (msg.type === 'ready') resolve({ port: msg.port, httpPort: msg.httpPort, beeswaxPort: msg.beeswaxPort });
          else reject(new ClosedError(`simulated coordinator ${this.index} could not listen on ${this.host}:${this.#port}: ${msg.message}`));
        }
      };
      const onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
        clearTimeout(timer);
        reject(new ClosedError(`simulated coordinator ${this.index} exited during start (code ${code}, signal ${signal})`));
      };
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
    this.#send(child, {
      type: 'init',
      settings: { ...this.#settings, port: this.#port, beeswaxPort: this.#beeswaxPort, httpPort: this.#httpPort },
      defaultQueryOptions: { ...this.#engine.defaultQueryOptions },
      retryBusyMs: restart ? RESTART_REBIND_MS : 0,
    });
    ({ port: this.#port, beeswaxPort: this.#beeswaxPort, httpPort: this.#httpPort } = await ready);
    this.#up = true;
    debug('coordinator %d listening on %s (Beeswax %s, HTTP %s; pid %d)', this.index, this.address, this.beeswaxAddress, this.httpAddress, child.pid);
  }

  #send(child: ChildProcess, msg: ToChild): void {
    // A child that just died makes send() fail with EPIPE; without a callback that error is thrown.
    if (child.connected) child.send(msg, (err) => err && debug('coordinator %d: message to pid %d lost: %s', this.index, child.pid, err.message));
  }

  #onMessage(child: ChildProcess, msg: FromChild): void {
    switch (msg.type) {
      case 'engine':
        void this.#serveEngine(child, msg);
        return;
      case 'counts':
        if (child === this.#child) this.#counts = msg.counts;
        return;
      case 'ack': {
        const ack = this.#acks.get(msg.id);
        if (ack === undefined) return;
        this.#acks.delete(msg.id);
        clearTimeout(ack.timer);
        if (msg.counts !== undefined && child === this.#child) this.#counts = msg.counts;
        ack.resolve(msg.counts);
        return;
      }
      default:
        return;
    }
  }

  async #serveEngine(child: ChildProcess, msg: Extract<FromChild, { type: 'engine' }>): Promise<void> {
    const engine = this.#engine;
    const args = msg.args as never[];
    let reply: ToChild;
    try {
      const value = await (engine[msg.method] as (...a: never[]) => Promise<unknown>)(...args);
      reply = { type: 'engine-reply', id: msg.id, ok: true, value: msg.method === 'fetch' ? packBatch(value as EncodedBatch) : value };
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      reply = { type: 'engine-reply', id: msg.id, ok: false, error: { message, sqlState: err instanceof SimSqlError ? err.sqlState : undefined } };
    }
    this.#send(child, reply);
  }

  #onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (child !== this.#child) return;
    debug('coordinator %d (pid %d) exited: code %s signal %s', this.index, child.pid, code, signal);
    this.#up = false;
    for (const ack of this.#acks.values()) {
      clearTimeout(ack.timer);
      ack.reject(new ClosedError(`simulated coordinator ${this.index} exited`));
    }
    this.#acks.clear();
    this.#forgetting = this.#gateway.forget(this.index).catch(() => undefined);
    void this.#forgetting.then(() => this.#down.notify());
  }

  #control(command: ControlCommand): Promise<RuntimeCounts | undefined> {
    const child = this.#child;
    if (child === undefined || !this.#up || !child.connected) return Promise.resolve(undefined);
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#acks.delete(id);
        reject(new ClosedError(`simulated coordinator ${this.index} did not acknowledge '${command.op}' within ${CONTROL_TIMEOUT_MS} ms (is it hung?)`));
      }, CONTROL_TIMEOUT_MS);
      timer.unref();
      this.#acks.set(id, { resolve, reject, timer });
      this.#send(child, { type: 'control', id, command });
    });
  }

  /** Exit of the current child, if any (resolved when it has exited and the engine forgot it). */
  async #waitExit(child: ChildProcess): Promise<void> {
    if (child.exitCode === null && child.signalCode === null) await new Promise<void>((resolve) => child.once('exit', () => resolve()));
    await this.#forgetting;
  }

  async kill(): Promise<void> {
    const child = this.#child;
    if (child === undefined || !this.#up) return;
    debug('SIGKILL coordinator %d (pid %d)', this.index, child.pid);
    const exited = this.#waitExit(child);
    child.kill('SIGKILL');
    await exited;
  }

  async restart(): Promise<void> {
    await this.kill();
    if (this.#child !== undefined) await this.#waitExit(this.#child);
    await this.start(true);
  }

  async hang(): Promise<void> {
    if (this.#up) this.#child?.kill('SIGSTOP');
  }

  async resume(): Promise<void> {
    if (this.#up) this.#child?.kill('SIGCONT');
  }

  async shutdown(options: ShutdownOptions = {}): Promise<void> {
    await this.#control({ op: 'shutdown', timing: shutdownTiming(options) });
  }

  waitUntilDown(timeoutMs = 30_000): Promise<void> {
    return this.#up ? this.#down.wait(this.address, timeoutMs) : this.#forgetting;
  }

  async dropIdle(ms: number): Promise<void> {
    await this.#control({ op: 'dropIdle', ms: checkNonNegative('dropIdle ms', ms) });
  }

  async setRpcDelay(delay: RpcDelayOptions): Promise<void> {
    await this.#control({ op: 'setRpcDelay', delay: rpcDelay(delay) });
  }

  async refuseConnections(n: number): Promise<void> {
    await this.#control({ op: 'refuseConnections', n: checkNonNegative('refuseConnections n', n, true) });
  }

  async dropDuringFetch(n = 1): Promise<void> {
    await this.#control({ op: 'dropDuringFetch', n: checkNonNegative('dropDuringFetch n', n, true) });
  }

  async setAdmission(options: AdmissionOptions | null): Promise<void> {
    await this.#control({ op: 'setAdmission', limits: admissionLimits(options) });
  }

  async injectHttpStatus(options: HttpStatusFaultOptions): Promise<void> {
    const f = httpStatusFault(options);
    await this.#control({ op: 'injectHttpStatus', status: f.status, count: f.count, retryAfterS: f.retryAfterS });
  }

  /** Asks the child for its current counts. */
  async refreshCounts(): Promise<RuntimeCounts> {
    const counts = await this.#control({ op: 'counts' }).catch((err: unknown) => {
      if (err instanceof ImpalaError) return undefined;
      throw err;
    });
    return counts ?? this.counts();
  }

  /** Stops for good (cluster stop): the child is SIGKILLed (SIGCONT first, in case it is stopped). */
  async stop(): Promise<void> {
    const child = this.#child;
    if (child === undefined) return;
    const exited = this.#waitExit(child);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
    this.#down.notify();
  }
}
