import type { EngineAccess } from '../engine-access';
import type { AdmissionLimits } from '../hs2/admission-controller';
import { CoordinatorService, type ServiceSettings, type ShutdownTiming } from '../hs2/coordinator-service';
import { Hs2Handler } from '../hs2/hs2-handler';
import { SimProcessor } from '../hs2/sim-processor';
import type { ServedSocket } from '../server/client-socket';
import { CoordinatorServer, type RequestProcessor, type RpcDelay } from '../server/coordinator-server';
import { HttpAuthority, type HttpAuthCounts } from '../server/http-authority';

/** Everything one coordinator incarnation needs to start. */
export interface RuntimeSettings extends ServiceSettings {
  /** SASL PLAIN users (name → password); `undefined` = NOSASL. Over HTTP: Basic. */
  users: Record<string, string> | undefined;
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
  /** Client connections on both ports. */
  connections: number;
  /** What the HTTP front end counted (requests, cookies, credentials, 401s). */
  http: HttpAuthCounts;
}

/** Counts of a coordinator that is down. */
export function emptyCounts(): RuntimeCounts {
  return { openSessions: 0, openOperations: 0, connections: 0, http: { requests: 0, cookieAccepted: 0, cookieRejected: 0, credentialsAccepted: 0, unauthorized: 0 } };
}

/**
 * One incarnation of a simulated coordinator: its two listening sockets (binary HS2
 * and HS2 over HTTP) over one HS2 state, with the fault switches, which act on both.
 * It runs in the test process or inside a child process; a restart is a new
 * incarnation on the same ports with empty state (and a new cookie secret).
 *
 * @internal
 */
export class CoordinatorRuntime {
  readonly #service: CoordinatorService;
  readonly #server: CoordinatorServer;
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
    // The service gets no passwords or tokens: they stay inside the SASL negotiator and the HTTP authority.
    const { users: passwords, tokens, httpPort, httpCookieMaxAgeS, ...serviceSettings } = settings;
    this.#service = new CoordinatorService(serviceSettings, engine, onChange);
    const users = passwords === undefined ? undefined : new Map(Object.entries(passwords));
    this.#authority = new HttpAuthority({ users, tokens: tokens === undefined ? undefined : new Map(Object.entries(tokens)), cookieMaxAgeS: httpCookieMaxAgeS });
    const processorFor = (socket: ServedSocket): RequestProcessor => {
      onChange();
      return new SimProcessor(new Hs2Handler(this.#service, socket)) as unknown as RequestProcessor;
    };
    const onClosed = (socket: ServedSocket): void => {
      this.#service.connectionClosed(socket.id);
      onChange();
    };
    this.#server = new CoordinatorServer({ host: settings.host, port: settings.port, users, processorFor, onClosed });
    this.#http = new CoordinatorServer({ host: settings.host, port: httpPort, kind: 'http', users: undefined, authority: this.#authority, processorFor, onClosed });
  }

  /** Listens on both ports (retrying a busy port for `retryBusyMs`, for restarts); resolves with them. */
  async start(retryBusyMs = 0): Promise<{ port: number; httpPort: number }> {
    const port = await this.#server.listen(retryBusyMs);
    let httpPort: number;
    try {
      httpPort = await this.#http.listen(retryBusyMs);
    } catch (err) {
      await this.#server.close();
      throw err;
    }
    // The service reports the real port in http_addr and profiles.
    this.#service.settings.port = port;
    this.#up = true;
    return { port, httpPort };
  }

  get up(): boolean {
    return this.#up;
  }

  get port(): number {
    return this.#server.port;
  }

  get httpPort(): number {
    return this.#http.port;
  }

  counts(): RuntimeCounts {
    if (!this.#up) return emptyCounts();
    return { ...this.#service.counts(), connections: this.#server.connections + this.#http.connections, http: { ...this.#authority.counts } };
  }

  hang(): void {
    this.#server.hang();
    this.#http.hang();
  }

  resume(): void {
    this.#server.resume();
    this.#http.resume();
  }

  dropIdle(ms: number): void {
    this.#server.dropIdle(ms);
    this.#http.dropIdle(ms);
  }

  setRpcDelay(delay: RpcDelay): void {
    this.#server.setRpcDelay(delay);
    this.#http.setRpcDelay(delay);
  }

  /** The next `n` connections to either port are accepted and reset. */
  refuseConnections(n: number): void {
    this.#server.refuseConnections(n);
    this.#http.refuseConnections(n);
  }

  /** The next `n` FetchResults replies on either port are cut in the middle. */
  dropDuringFetch(n: number): void {
    this.#server.dropDuringFetch(n);
    this.#http.dropDuringFetch(n);
  }

  /** HTTP port: the next `count` requests get `status` (and `Retry-After`) instead of an answer. */
  injectHttpStatus(status: number, count: number, retryAfterS: number | undefined): void {
    this.#http.injectHttpStatus(status, count, retryAfterS);
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
    await Promise.all(reset ? [this.#server.kill(), this.#http.kill()] : [this.#server.close(), this.#http.close()]);
    this.#onChange();
  }
}
