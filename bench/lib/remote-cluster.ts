import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import type { CoordinatorOp, HostClusterOptions, HostCoordinator, HostReply, HostRequest, SimCpuUsage } from './sim-host-protocol';

/** Bound on one host command (start, a fault, a stats read), in ms. */
const COMMAND_TIMEOUT_MS = 60_000;
/** Bound on seeding a table (DuckDB builds it), in ms. */
const SEED_TIMEOUT_MS = 300_000;
/** Bound on the host exiting after stop, in ms, before it is killed. */
const EXIT_TIMEOUT_MS = 10_000;

/** Options of {@link RemoteCluster.start}. */
export interface RemoteClusterOptions {
  /** Number of coordinators. Default 3. */
  coordinators?: number;
  /** Coordinators as child processes of the host. Default false. */
  processes?: boolean;
  /** Extra Node flags for the host process (e.g. `--cpu-prof` to profile the simulator). Default none. */
  nodeFlags?: readonly string[];
  /**
   * The host script to run, e.g. another checkout's `bench/lib/sim-host.ts` to
   * measure that version of the simulator. Default: this checkout's.
   */
  hostScript?: string;
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * A simulated Impala cluster running in its own process (the simulator host), so
 * the client under test has the benchmark process's event loop to itself. Mirrors
 * the faults of `SimCoordinator`; every command is bounded in time.
 */
export class RemoteCluster {
  readonly coordinators: readonly HostCoordinator[];
  /** How the simulator runs, for the report. */
  readonly mode: string;
  readonly #child: ChildProcess;
  readonly #pending: Map<number, Pending>;
  readonly #exited: Promise<void>;
  #nextId: number;
  #stopped: Promise<void> | undefined;

  private constructor(child: ChildProcess, pending: Map<number, Pending>, exited: Promise<void>, nextId: number, coordinators: HostCoordinator[], processes: boolean) {
    this.#child = child;
    this.#pending = pending;
    this.#exited = exited;
    this.#nextId = nextId;
    this.coordinators = coordinators;
    const n = `${coordinators.length} coordinator${coordinators.length === 1 ? '' : 's'}`;
    this.mode = processes
      ? `its own host process, ${n} as child processes of it (processes: true)`
      : `its own host process, ${n} and the DuckDB engine in it (processes: false)`;
  }

  /** Forks the host, starts the cluster in it, and resolves once every coordinator listens. */
  static async start(options: RemoteClusterOptions = {}): Promise<RemoteCluster> {
    const script = options.hostScript ?? join(__dirname, __filename.endsWith('.ts') ? 'sim-host.ts' : 'sim-host.js');
    const typescript = script.endsWith('.ts');
    const child = fork(script, [], {
      execArgv: [...(typescript ? ['--require', 'tsx/cjs'] : []), ...(options.nodeFlags ?? [])],
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    const pending = new Map<number, Pending>();
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const failAll = (why: string): void => {
      for (const [id, p] of pending) {
        clearTimeout(p.timer);
        pending.delete(id);
        p.reject(new Error(why));
      }
    };
    child.on('message', (msg: HostReply) => {
      const p = pending.get(msg.id);
      if (!p) return;
      pending.delete(msg.id);
      clearTimeout(p.timer);
      if (msg.ok) p.resolve(msg.value);
      else p.reject(new Error(`simulator host: ${msg.error}`));
    });
    child.once('exit', (code, signal) => failAll(`the simulator host exited (${signal ?? `code ${code}`})`));
    child.on('error', (err) => failAll(`the simulator host failed: ${err.message}`));
    const hostOptions: HostClusterOptions = { coordinators: options.coordinators ?? 3, processes: options.processes ?? false };
    const request = sender(child, pending);
    try {
      const coordinators = (await request({ id: 1, type: 'start', options: hostOptions }, COMMAND_TIMEOUT_MS)) as HostCoordinator[];
      return new RemoteCluster(child, pending, exited, 2, coordinators, hostOptions.processes);
    } catch (err) {
      child.kill('SIGKILL');
      throw err;
    }
  }

  /** `host:port` of every coordinator. */
  get addresses(): string[] {
    return this.coordinators.map((c) => c.address);
  }

  /** Runs DuckDB SQL on the shared engine (tables visible on every coordinator at once). */
  async seed(sql: string): Promise<void> {
    await this.#request({ type: 'seed', sql }, SEED_TIMEOUT_MS);
  }

  /** Applies a fault or control to coordinator `index` and resolves when it is in effect. */
  async op(index: number, op: CoordinatorOp, arg?: number): Promise<void> {
    await this.#request({ type: 'op', index, op, arg }, op === 'waitUntilDown' ? (arg ?? 30_000) + COMMAND_TIMEOUT_MS : COMMAND_TIMEOUT_MS);
  }

  /** CPU time the simulator has used so far (host and coordinator children), in µs. */
  async cpuUsage(): Promise<SimCpuUsage> {
    return (await this.#request({ type: 'cpu' }, COMMAND_TIMEOUT_MS)) as SimCpuUsage;
  }

  /** Runs `work` and returns its result with the simulator's CPU time meanwhile, in µs. */
  async withCpu<T>(work: () => Promise<T>): Promise<{ value: T; simCpuMicros: number }> {
    const a = await this.cpuUsage();
    const value = await work();
    const b = await this.cpuUsage();
    return { value, simCpuMicros: b.user + b.system - a.user - a.system };
  }

  /** Stops the cluster and the host process. Safe to call twice. */
  stop(): Promise<void> {
    this.#stopped ??= this.#stop();
    return this.#stopped;
  }

  async #stop(): Promise<void> {
    if (this.#child.exitCode === null && this.#child.signalCode === null) {
      await this.#request({ type: 'stop' }, COMMAND_TIMEOUT_MS).catch(() => undefined);
      if (this.#child.connected) this.#child.disconnect();
      const timer = setTimeout(() => this.#child.kill('SIGKILL'), EXIT_TIMEOUT_MS);
      await this.#exited;
      clearTimeout(timer);
    }
  }

  #request(body: DistributiveOmit<HostRequest, 'id'>, timeoutMs: number): Promise<unknown> {
    return sender(this.#child, this.#pending)({ ...body, id: this.#nextId++ } as HostRequest, timeoutMs);
  }
}

type DistributiveOmit<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;

function sender(child: ChildProcess, pending: Map<number, Pending>): (req: HostRequest, timeoutMs: number) => Promise<unknown> {
  return (req, timeoutMs) =>
    new Promise<unknown>((resolve, reject) => {
      if (!child.connected) {
        reject(new Error('the simulator host is not running'));
        return;
      }
      const timer = setTimeout(() => {
        pending.delete(req.id);
        reject(new Error(`the simulator host did not answer '${req.type}' within ${timeoutMs} ms`));
      }, timeoutMs);
      pending.set(req.id, { resolve, reject, timer });
      child.send(req);
    });
}
