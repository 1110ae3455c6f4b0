import { BeeswaxHandler } from '../beeswax/beeswax-handler';
import * as ImpalaService from '../../thrift/gen-nodejs/ImpalaService';
import type { EngineAccess } from '../engine-access';
import type { AdmissionLimits } from '../hs2/admission-controller';
import { CoordinatorService, type ServiceSettings, type ShutdownTiming } from '../hs2/coordinator-service';
import { Hs2Handler } from '../hs2/hs2-handler';
import { SimProcessor } from '../hs2/sim-processor';
import { CoordinatorServer, type RequestProcessor, type RpcDelay, type ServerTlsSettings } from '../server/coordinator-server';
import { KerberosAcceptor, type KerberosAcceptorSettings } from '../server/gssapi-mechanism';

/** Everything one coordinator incarnation needs to start. */
export interface RuntimeSettings extends ServiceSettings {
  /** SASL PLAIN users (name → password); `undefined` = no PLAIN. */
  users: Record<string, string> | undefined;
  /** SASL GSSAPI acceptor; `undefined` = no Kerberos. NOSASL when neither is set. */
  kerberos?: KerberosAcceptorSettings | undefined;
  /** TLS on the port; `undefined` = plain TCP. */
  tls?: ServerTlsSettings | undefined;
  /** Port of the Beeswax front end (0 = any free port). */
  beeswaxPort: number;
}

/** How long a restart retries its port while the previous incarnation still holds it, in ms. */
export const RESTART_REBIND_MS = 5000;

/** Open sessions, registered operations and client connections of a live coordinator. */
export interface RuntimeCounts {
  openSessions: number;
  openOperations: number;
  connections: number;
}

/**
 * One incarnation of a simulated coordinator: its listening socket and its HS2 state,
 * with the fault switches. It runs in the test process or inside a child process;
 * a restart is a new incarnation on the same port with empty state.
 *
 * @internal
 */
export class CoordinatorRuntime {
  readonly #service: CoordinatorService;
  readonly #server: CoordinatorServer;
  readonly #beeswax: CoordinatorServer;
  readonly #onChange: () => void;
  readonly #onExit: () => void;
  #up = false;

  /**
   * @param onChange counts may have changed.
   * @param onExit the coordinator stopped by itself (end of graceful shutdown).
   */
  constructor(settings: RuntimeSettings, engine: EngineAccess, onChange: () => void, onExit: () => void) {
    this.#onChange = onChange;
    this.#onExit = onExit;
    // The service gets no passwords or keys: they stay inside the SASL negotiator and TLS.
    const { users: passwords, kerberos, tls, beeswaxPort, ...serviceSettings } = settings;
    this.#service = new CoordinatorService(serviceSettings, engine, onChange);
    const users = passwords === undefined ? undefined : new Map(Object.entries(passwords));
    // Acquired here so a bad keytab fails the start, not every connection.
    const acceptor = kerberos === undefined ? undefined : new KerberosAcceptor(kerberos);
    this.#server = new CoordinatorServer({
      host: settings.host,
      port: settings.port,
      sasl: users === undefined && acceptor === undefined ? undefined : { users, kerberos: acceptor },
      tls,
      processorFor: (socket) => {
        onChange();
        return new SimProcessor(new Hs2Handler(this.#service, socket)) as unknown as RequestProcessor;
      },
      onClosed: (socket) => {
        this.#service.connectionClosed(socket.id);
        onChange();
      },
    });
    // Beeswax on its own port, over the same state: one session per connection.
    const beeswaxHandlers = new WeakMap<object, BeeswaxHandler>();
    this.#beeswax = new CoordinatorServer({
      host: settings.host,
      port: beeswaxPort,
      sasl: users === undefined && acceptor === undefined ? undefined : { users, kerberos: acceptor },
      tls,
      processorFor: (socket) => {
        const handler = new BeeswaxHandler(this.#service, socket);
        beeswaxHandlers.set(socket, handler);
        onChange();
        return new ImpalaService.Processor(handler) as unknown as RequestProcessor;
      },
      onClosed: (socket) => {
        beeswaxHandlers.get(socket)?.connectionClosed();
        onChange();
      },
    });
  }

  /** Listens (retrying a busy port for `retryBusyMs`, for restarts); resolves with the HS2 port. */
  async start(retryBusyMs = 0): Promise<number> {
    const port = await this.#server.listen(retryBusyMs);
    try {
      await this.#beeswax.listen(retryBusyMs);
    } catch (err) {
      await this.#server.close();
      throw err;
    }
    // The service reports the real port in http_addr and profiles.
    this.#service.settings.port = port;
    this.#up = true;
    return port;
  }

  get up(): boolean {
    return this.#up;
  }

  get port(): number {
    return this.#server.port;
  }

  /** The Beeswax port (after {@link start}). */
  get beeswaxPort(): number {
    return this.#beeswax.port;
  }

  counts(): RuntimeCounts {
    if (!this.#up) return { openSessions: 0, openOperations: 0, connections: 0 };
    return { ...this.#service.counts(), connections: this.#server.connections + this.#beeswax.connections };
  }

  // Connection faults act on every front end (HS2 and Beeswax) of the coordinator.

  hang(): void {
    for (const s of this.#servers()) s.hang();
  }

  resume(): void {
    for (const s of this.#servers()) s.resume();
  }

  dropIdle(ms: number): void {
    for (const s of this.#servers()) s.dropIdle(ms);
  }

  setRpcDelay(delay: RpcDelay): void {
    for (const s of this.#servers()) s.setRpcDelay(delay);
  }

  refuseConnections(n: number): void {
    for (const s of this.#servers()) s.refuseConnections(n);
  }

  dropDuringFetch(n: number): void {
    for (const s of this.#servers()) s.dropDuringFetch(n);
  }

  #servers(): CoordinatorServer[] {
    return [this.#server, this.#beeswax];
  }

  setAdmission(limits: AdmissionLimits | undefined): void {
    this.#service.admission.setLimits(limits);
  }

  /** Starts graceful shutdown; the runtime stops itself (connections closed) when it is over. */
  shutdown(timing: ShutdownTiming): void {
    if (!this.#up) return;
    this.#service.beginShutdown(timing, () => {
      void this.#stop(false).then(() => this.#onExit());
    });
  }

  /** Resets every connection and drops all state. */
  kill(): Promise<void> {
    return this.#stop(true);
  }

  async #stop(reset: boolean): Promise<void> {
    if (!this.#up) return;
    this.#up = false;
    this.#service.dispose();
    await Promise.all(this.#servers().map((s) => (reset ? s.kill() : s.close())));
    this.#onChange();
  }
}
