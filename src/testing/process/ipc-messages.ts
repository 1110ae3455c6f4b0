import type { RuntimeCounts, RuntimePorts, RuntimeSettings } from '../coordinator/coordinator-runtime';
import type { AdmissionLimits } from '../hs2/admission-controller';
import type { ShutdownTiming } from '../hs2/coordinator-service';
import type { RpcDelay } from '../server/coordinator-server';

/**
 * Messages between the test process and a coordinator child process. The channel
 * uses Node's `advanced` serialization, so bigint and Buffer cross it intact.
 *
 * @internal
 */

/** Engine methods a child may call. */
export type EngineMethod = 'plan' | 'execute' | 'fetch' | 'cancel' | 'release';

/** A fault or control command for the child; `id` pairs it with its ack. */
export type ControlCommand =
  | { op: 'dropIdle'; ms: number }
  | { op: 'setRpcDelay'; delay: RpcDelay }
  | { op: 'refuseConnections'; n: number }
  | { op: 'dropDuringFetch'; n: number }
  | { op: 'setAdmission'; limits: AdmissionLimits | undefined }
  | { op: 'injectHttpStatus'; status: number; count: number; retryAfterS: number | undefined }
  | { op: 'shutdown'; timing: ShutdownTiming }
  | { op: 'counts' };

/** Parent → child. */
export type ToChild =
  | { type: 'init'; settings: RuntimeSettings; defaultQueryOptions: Record<string, string>; retryBusyMs: number }
  | { type: 'control'; id: number; command: ControlCommand }
  | { type: 'engine-reply'; id: number; ok: true; value: unknown }
  | { type: 'engine-reply'; id: number; ok: false; error: { message: string; sqlState: string | undefined } };

/** Child → parent. */
export type FromChild =
  | ({ type: 'ready' } & RuntimePorts)
  | { type: 'start-failed'; message: string }
  | { type: 'engine'; id: number; method: EngineMethod; args: unknown[] }
  | { type: 'ack'; id: number; counts?: RuntimeCounts }
  | { type: 'counts'; counts: RuntimeCounts }
  | { type: 'exiting' };
