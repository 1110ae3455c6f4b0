import { ArgumentError } from '../../errors';
import type { AdmissionLimits } from '../hs2/admission-controller';
import type { ShutdownTiming } from '../hs2/coordinator-service';
import type { RpcDelay } from '../server/coordinator-server';
import type { AdmissionOptions, HttpStatusFaultOptions, RpcDelayOptions, ShutdownOptions } from '../types';

/** Default grace period of a simulated graceful shutdown, in ms (Impala's is 120 s; tests want it short). */
export const DEFAULT_SHUTDOWN_GRACE_MS = 0;
/** Default shutdown deadline, in ms. */
export const DEFAULT_SHUTDOWN_DEADLINE_MS = 30_000;
/** Default admission queue timeout, in ms (Impala's `--queue_wait_timeout_ms`). */
export const DEFAULT_QUEUE_TIMEOUT_MS = 60_000;

/** Checks a duration or count: a finite number ≥ 0 (integer when `integer`). */
export function checkNonNegative(what: string, value: unknown, integer = false): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (integer && !Number.isInteger(value))) {
    throw new ArgumentError(`${what} must be a ${integer ? 'non-negative integer' : 'finite number >= 0'}, got ${String(value)}`);
  }
  return value;
}

/** Shutdown options with defaults applied. */
export function shutdownTiming(options: ShutdownOptions = {}): ShutdownTiming {
  const graceMs = checkNonNegative('shutdown graceMs', options.graceMs ?? DEFAULT_SHUTDOWN_GRACE_MS);
  const deadlineMs = checkNonNegative('shutdown deadlineMs', options.deadlineMs ?? DEFAULT_SHUTDOWN_DEADLINE_MS);
  return { graceMs, deadlineMs };
}

/** Admission options with defaults applied; `null` means no limits. */
export function admissionLimits(options: AdmissionOptions | null): AdmissionLimits | undefined {
  if (options === null) return undefined;
  if (typeof options !== 'object') throw new ArgumentError(`admission options must be an object or null, got ${String(options)}`);
  return {
    maxRunning: checkNonNegative('admission maxRunning', options.maxRunning, true),
    maxQueued: checkNonNegative('admission maxQueued', options.maxQueued ?? 0, true),
    queueTimeoutMs: checkNonNegative('admission queueTimeoutMs', options.queueTimeoutMs ?? DEFAULT_QUEUE_TIMEOUT_MS),
  };
}

/** A validated per-RPC delay. */
export function rpcDelay(delay: RpcDelayOptions): RpcDelay {
  if (typeof delay === 'number') return checkNonNegative('RPC delay', delay);
  if (typeof delay !== 'object' || delay === null) throw new ArgumentError(`RPC delay must be a number of ms or { method?, ms }, got ${String(delay)}`);
  if (delay.method !== undefined && (typeof delay.method !== 'string' || delay.method === '')) {
    throw new ArgumentError(`RPC delay method must be a Thrift method name such as 'ExecuteStatement', got ${String(delay.method)}`);
  }
  const ms = checkNonNegative('RPC delay ms', delay.ms);
  return delay.method === undefined ? { ms } : { method: delay.method, ms };
}

/** A validated HTTP status fault. */
export function httpStatusFault(options: HttpStatusFaultOptions): { status: number; count: number; retryAfterS: number | undefined } {
  if (typeof options !== 'object' || options === null) throw new ArgumentError('injectHttpStatus takes { status, count?, retryAfterS? }');
  if (options.status !== 429 && options.status !== 502 && options.status !== 503) {
    throw new ArgumentError(`injectHttpStatus status must be 429, 502 or 503, got ${String(options.status)}`);
  }
  const count = checkNonNegative('injectHttpStatus count', options.count ?? 1, true);
  const retryAfterS = options.retryAfterS === undefined ? undefined : checkNonNegative('injectHttpStatus retryAfterS', options.retryAfterS, true);
  return { status: options.status, count, retryAfterS };
}
