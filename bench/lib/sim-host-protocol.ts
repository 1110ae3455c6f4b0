/**
 * Messages between the benchmark process and the simulator host process
 * ({@link ./sim-host.ts}). Plain data over the Node IPC channel.
 */

/** Faults and controls of one coordinator, by name. */
export type CoordinatorOp = 'kill' | 'restart' | 'hang' | 'resume' | 'shutdown' | 'waitUntilDown' | 'dropIdle';

/** Cluster settings the host passes to `startCluster`. */
export interface HostClusterOptions {
  coordinators: number;
  /** Coordinators as child processes of the host (real SIGKILL/SIGSTOP). */
  processes: boolean;
}

/** A request to the host. */
export type HostRequest =
  | { id: number; type: 'start'; options: HostClusterOptions }
  | { id: number; type: 'seed'; sql: string }
  | { id: number; type: 'op'; index: number; op: CoordinatorOp; arg?: number | undefined }
  | { id: number; type: 'cpu' }
  | { id: number; type: 'stop' };

/** One coordinator as the host reports it after start. */
export interface HostCoordinator {
  index: number;
  host: string;
  port: number;
  address: string;
  /** Port of HS2 over HTTP. */
  httpPort: number;
}

/** The host's answer to the request with the same id. */
export type HostReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };

/** CPU time used by the simulator (host process and its coordinator children), in µs. */
export interface SimCpuUsage {
  user: number;
  system: number;
}
