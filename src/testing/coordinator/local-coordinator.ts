import createDebug from 'debug';
import type { EngineGateway } from '../engine-gateway';
import type { AdmissionOptions, HttpStatusFaultOptions, RpcDelayOptions, ShutdownOptions, SimCoordinator } from '../types';
import { CoordinatorRuntime, emptyCounts, RESTART_REBIND_MS, type RuntimeCounts, type RuntimeSettings } from './coordinator-runtime';
import { DownWaiters } from './down-waiters';
import { admissionLimits, checkNonNegative, httpStatusFault, rpcDelay, shutdownTiming } from './fault-options';

const debug = createDebug('impala-ha:sim');

/**
 * A simulated coordinator running inside the test process. Faults take effect
 * synchronously; the returned promises are already settled unless the fault waits
 * for something (kill, restart).
 *
 * @internal
 */
export class LocalCoordinator implements SimCoordinator {
  readonly index: number;
  readonly host: string;
  #port: number;
  #beeswaxPort: number;
  #httpPort: number;
  readonly #settings: RuntimeSettings;
  readonly #gateway: EngineGateway;
  readonly #down = new DownWaiters();
  #runtime: CoordinatorRuntime | undefined;
  #forgetting: Promise<void> = Promise.resolve();

  constructor(settings: RuntimeSettings, gateway: EngineGateway) {
    this.index = settings.index;
    this.host = settings.host;
    this.#port = settings.port;
    this.#beeswaxPort = settings.beeswaxPort;
    this.#httpPort = settings.httpPort;
    this.#settings = settings;
    this.#gateway = gateway;
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
    return this.#runtime?.up ?? false;
  }

  get pid(): number | undefined {
    return undefined;
  }

  /** Starts the first (or, with `restart`, a new) incarnation on this coordinator's port. */
  async start(restart = false): Promise<void> {
    await this.#forgetting;
    const runtime = new CoordinatorRuntime(
      { ...this.#settings, port: this.#port, beeswaxPort: this.#beeswaxPort, httpPort: this.#httpPort },
      this.#gateway.accessFor(this.index),
      () => undefined,
      () => this.#exited(runtime),
    );
    this.#runtime = runtime;
    ({ port: this.#port, beeswaxPort: this.#beeswaxPort, httpPort: this.#httpPort } = await runtime.start(restart ? RESTART_REBIND_MS : 0));
    debug('coordinator %d listening on %s (Beeswax %s, HTTP %s)', this.index, this.address, this.beeswaxAddress, this.httpAddress);
  }

  #exited(runtime: CoordinatorRuntime): void {
    if (this.#runtime !== runtime) return;
    debug('coordinator %d finished its graceful shutdown', this.index);
    this.#forgetting = this.#gateway.forget(this.index).catch(() => undefined);
    this.#down.notify();
  }

  counts(): RuntimeCounts {
    return this.#runtime?.counts() ?? emptyCounts();
  }

  async kill(): Promise<void> {
    const runtime = this.#runtime;
    if (runtime === undefined || !runtime.up) return;
    debug('killing coordinator %d', this.index);
    await runtime.kill();
    this.#forgetting = this.#gateway.forget(this.index).catch(() => undefined);
    await this.#forgetting;
    this.#down.notify();
  }

  async restart(): Promise<void> {
    await this.kill();
    await this.start(true);
  }

  async hang(): Promise<void> {
    this.#runtime?.hang();
  }

  async resume(): Promise<void> {
    this.#runtime?.resume();
  }

  async shutdown(options: ShutdownOptions = {}): Promise<void> {
    const timing = shutdownTiming(options);
    this.#runtime?.shutdown(timing);
  }

  waitUntilDown(timeoutMs = 30_000): Promise<void> {
    return this.up ? this.#down.wait(this.address, timeoutMs) : Promise.resolve();
  }

  async dropIdle(ms: number): Promise<void> {
    const checked = checkNonNegative('dropIdle ms', ms);
    this.#runtime?.dropIdle(checked);
  }

  async setRpcDelay(delay: RpcDelayOptions): Promise<void> {
    const checked = rpcDelay(delay);
    this.#runtime?.setRpcDelay(checked);
  }

  async refuseConnections(n: number): Promise<void> {
    const checked = checkNonNegative('refuseConnections n', n, true);
    this.#runtime?.refuseConnections(checked);
  }

  async dropDuringFetch(n = 1): Promise<void> {
    const checked = checkNonNegative('dropDuringFetch n', n, true);
    this.#runtime?.dropDuringFetch(checked);
  }

  async setAdmission(options: AdmissionOptions | null): Promise<void> {
    const limits = admissionLimits(options);
    this.#runtime?.setAdmission(limits);
  }

  async injectHttpStatus(options: HttpStatusFaultOptions): Promise<void> {
    const f = httpStatusFault(options);
    this.#runtime?.injectHttpStatus(f.status, f.count, f.retryAfterS);
  }

  /** Stops for good (cluster stop): connections closed, state dropped. */
  async stop(): Promise<void> {
    const runtime = this.#runtime;
    this.#runtime = undefined;
    if (runtime?.up === true) {
      await runtime.kill();
      await this.#gateway.forget(this.index).catch(() => undefined);
    }
    this.#down.notify();
  }
}
