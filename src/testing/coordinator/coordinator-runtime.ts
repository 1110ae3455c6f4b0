import { BeeswaxHandler } from '../beeswax/beeswax-handler';
import * as ImpalaService from '../../thrift/gen-nodejs/ImpalaService';
import type { EngineAccess } from '../engine-access';
import type { AdmissionLimits } from '../hs2/admission-controller';
import { CoordinatorService, type ServiceSettings, type ShutdownTiming } from '../hs2/coordinator-service';
import { Hs2Handler } from '../hs2/hs2-handler';
import { SimProcessor } from '../hs2/sim-processor';
import type { ServedSocket } from '../server/client-socket';
import { CoordinatorServer, type RequestProcessor, type RpcDelay, type ServerTlsSettings } from '../server/coordinator-server';
import { KerberosAcceptor, type KerberosAcceptorSettings } from '../server/gssapi-mechanism';
import { HttpAuthority, type HttpAuthCounts } from '../server/http-authority';

/** Everything one coordinator incarnation needs to start. */
export interface RuntimeSettings extends ServiceSettings {
  /** SASL PLAIN users (name → password); `undefined` = no PLAIN. Over HTTP: Basic. */
  users: Record<string, string> | undefined;
  /** SASL GSSAPI acceptor (binary ports only); `undefined` = no Kerberos. NOSASL when neither is set. */
  kerberos?: KerberosAcceptorSettings | undefined;
  /** TLS on every port (HTTPS on the HTTP one); `undefined` = plain TCP. */
  tls?: ServerTlsSettings | undefined;
  /** Port of the Beeswax front end (0 = any free port). */
  beeswaxPort: number;
  /** Port of the HS2-over-HTTP front end (0 = any free port). */
  httpPort: number;
  /** HTTP bearer tokens (token → user); `undefined` = no Bearer auth. */
  tokens: Record<string, string> | undefined;
  /** `Max-Age` of the HTTP auth cookie, in s; 0 = no cookies. */
  httpCookieMaxAgeS: number;
}

/** How long a restart retries its port while the previous incarnation still holds it, in ms. */
export const RESTART_REBIND_MS = 5000;

/** Open sessions, registered operations and client connections of a live coordinator. */
export interface RuntimeCounts {
  openSessions: number;
  openOperations: number;
  /** Client connections on all three ports. */
  connections: number;
  /** What the HTTP front end counted (requests, cookies, credentials, 401s). */
  http: HttpAuthCounts;
}

/** The ports one incarnation listens on. */
export interface RuntimePorts {
  /** Binary HS2. */
  port: number;
  /** HS2 over HTTP. */
  httpPort: number;
  /** Beeswax. */
  beeswaxPort: number;
}

/** Counts of a coordinator that is down. */
export function emptyCounts(): RuntimeCounts {
  return { openSessions: 0, openOperations: 0, connections: 0, http: { requests: 0, cookieAccepted: 0, cookieRejected: 0, credentialsAccepted: 0, negotiateAccepted: 0, unauthorized: 0 } };
}

/**
 * One incarnation of a simulated coordinator: its three listening sockets (binary
 * HS2, HS2 over HTTP and Beeswax) over one state, with the fault switches, which act
 * on all three.
 * It runs in the test process or inside a child process; a restart is a new
 * incarnation on the same ports with empty state (and a new cookie secret).
 *
 * @internal
 */
export class CoordinatorRuntime {
  readonly #service: CoordinatorService;
  readonly #server: CoordinatorServer;
  readonly #beeswax: CoordinatorServer;
  readonly #http: CoordinatorServer;
  readonly #authority: HttpAuthority;
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
    // The service gets no passwords, tokens or keys: they stay inside the SASL negotiator, the HTTP authority and TLS.
    const { users: passwords, kerberos, tls, beeswaxPort, tokens, httpPort, httpCookieMaxAgeS, ...serviceSettings } = settings;
    this.#service = new CoordinatorService(serviceSettings, engine, onChange);
    const users = passwords === undefined ? undefined : new Map(Object.entries(passwords));
    // Acquired here so a bad keytab fails the start, not every connection.
    const acceptor = kerberos === undefined ? undefined : new KerberosAcceptor(kerberos);
    const sasl = users === undefined && acceptor === undefined ? undefined : { users, kerberos: acceptor };
    this.#server = new CoordinatorServer({
      host: settings.host,
      port: settings.port,
      sasl,
      tls,
      processorFor: (socket) => this.#hs2Processor(socket),
      onClosed: (socket) => this.#hs2Closed(socket),
    });
    // Beeswax on its own port, over the same state: one session per connection.
    const beeswaxHandlers = new WeakMap<object, BeeswaxHandler>();
    this.#beeswax = new CoordinatorServer({
      host: settings.host,
      port: beeswaxPort,
      sasl,
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
    // HS2 over HTTP (HTTPS with tls): authenticated by HTTP headers (Basic, Bearer, SPNEGO with the same keytab), never SASL.
    this.#authority = new HttpAuthority({
      users,
      tokens: tokens === undefined ? undefined : new Map(Object.entries(tokens)),
      cookieMaxAgeS: httpCookieMaxAgeS,
      secureCookies: tls !== undefined,
      negotiate: acceptor,
    });
    this.#http = new CoordinatorServer({
      host: settings.host,
      port: httpPort,
      kind: 'http',
      sasl: undefined,
      authority: this.#authority,
      tls,
      processorFor: (socket) => this.#hs2Processor(socket),
      onClosed: (socket) => this.#hs2Closed(socket),
    });
  }

  #hs2Processor(socket: ServedSocket): RequestProcessor {
    this.#onChange();
    return new SimProcessor(new Hs2Handler(this.#service, socket)) as unknown as RequestProcessor;
  }

  #hs2Closed(socket: ServedSocket): void {
    this.#service.connectionClosed(socket.id);
    this.#onChange();
  }

  /** Listens on every port (retrying a busy port for `retryBusyMs`, for restarts); resolves with them. */
  async start(retryBusyMs = 0): Promise<RuntimePorts> {
    const port = await this.#server.listen(retryBusyMs);
    const started: CoordinatorServer[] = [this.#server];
    try {
      for (const s of [this.#beeswax, this.#http]) {
        await s.listen(retryBusyMs);
        started.push(s);
      }
    } catch (err) {
      await Promise.all(started.map((s) => s.close()));
      throw err;
    }
    // The service reports the real port in http_addr and profiles.
    this.#service.settings.port = port;
    this.#up = true;
    return { port, httpPort: this.#http.port, beeswaxPort: this.#beeswax.port };
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

  /** The HS2-over-HTTP port (after {@link start}). */
  get httpPort(): number {
    return this.#http.port;
  }

  counts(): RuntimeCounts {
    if (!this.#up) return emptyCounts();
    return {
      ...this.#service.counts(),
      connections: this.#servers().reduce((n, s) => n + s.connections, 0),
      http: { ...this.#authority.counts },
    };
  }

  // Connection faults act on every front end (binary HS2, HTTP and Beeswax) of the coordinator.

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

  /** The next `n` connections to each port are accepted and reset. */
  refuseConnections(n: number): void {
    for (const s of this.#servers()) s.refuseConnections(n);
  }

  /** The next `n` FetchResults (Beeswax: fetch) replies on each port are cut in the middle. */
  dropDuringFetch(n: number): void {
    for (const s of this.#servers()) s.dropDuringFetch(n);
  }

  /** HTTP port: the next `count` requests get `status` (and `Retry-After`) instead of an answer. */
  injectHttpStatus(status: number, count: number, retryAfterS: number | undefined): void {
    this.#http.injectHttpStatus(status, count, retryAfterS);
  }

  #servers(): CoordinatorServer[] {
    return [this.#server, this.#beeswax, this.#http];
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
