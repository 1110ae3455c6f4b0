import createDebug from 'debug';
import { ArgumentError } from '../errors';
import type { Channel } from './channel';
import type { CallOptions, CallPolicy } from './types';

const debug = createDebug('impala-ha:connection');

/** The time rules one call runs under, once its own options and the channel's policy are merged. */
export interface CallTiming {
  /** Bound on the call in ms, counted from `call()`. */
  readonly timeoutMs: number;
  /** Ms at the head of the wire after which {@link onOverrun} fires; undefined = never. */
  readonly overrunMs: number | undefined;
  /** The hook to fire once on overrun (already bound to the method and channel); undefined = none. */
  readonly onOverrun: (() => void) | undefined;
}

/**
 * Merges a call's own options with the channel's {@link CallPolicy}: each of
 * `timeoutMs`, `overrunMs` and `onOverrun` comes from the call when it sets it, else
 * from the policy for this method, else (timeout only) from the channel's
 * `rpcTimeoutMs`. Every transport uses this so they all apply a policy alike.
 *
 * @throws {@link ArgumentError} naming the offending option (or policy hook and method)
 * for a bound that is not a positive finite number of ms, or a hook that is not a function.
 */
export function resolveCallTiming(method: string, opts: CallOptions, policy: CallPolicy | undefined, rpcTimeoutMs: number, channel: Channel): CallTiming {
  const timeoutMs = opts.timeoutMs ?? fromPolicy(policy, 'timeoutMs', method) ?? rpcTimeoutMs;
  if (!isPositiveMs(timeoutMs)) {
    const source = opts.timeoutMs !== undefined ? `timeoutMs for ${method}` : `callPolicy.timeoutMs('${method}')`;
    throw new ArgumentError(`${source} must be a positive number of milliseconds, got ${String(timeoutMs)}`);
  }
  const overrunMs = opts.overrunMs ?? fromPolicy(policy, 'overrunMs', method);
  if (overrunMs !== undefined && !isPositiveMs(overrunMs)) {
    const source = opts.overrunMs !== undefined ? `overrunMs for ${method}` : `callPolicy.overrunMs('${method}')`;
    throw new ArgumentError(`${source} must be a positive number of milliseconds or undefined, got ${String(overrunMs)}`);
  }
  if (opts.onOverrun !== undefined && typeof opts.onOverrun !== 'function') {
    throw new ArgumentError(`onOverrun for ${method} must be a function, got ${typeof opts.onOverrun}`);
  }
  let onOverrun: (() => void) | undefined;
  if (overrunMs !== undefined) {
    const own = opts.onOverrun;
    const hook = policy?.onOverrun;
    if (own) onOverrun = () => guarded('onOverrun', method, own);
    else if (hook) onOverrun = () => guarded('callPolicy.onOverrun', method, () => hook.call(policy, method, channel));
  }
  return { timeoutMs, overrunMs, onOverrun };
}

/**
 * Tells the policy a call's latency; a throwing observer is logged, never allowed to
 * break the reply path.
 */
export function observeLatency(policy: CallPolicy | undefined, method: string, latencyMs: number): void {
  const observe = policy?.observe;
  if (!observe) return;
  // Inline rather than through guarded(): this runs for every answered call.
  try {
    observe.call(policy, method, latencyMs);
  } catch (err) {
    debug('callPolicy.observe for %s threw: %s', method, (err as Error)?.message ?? String(err));
  }
}

/**
 * Checks a {@link CallPolicy} given in connection options.
 *
 * @throws {@link ArgumentError} when it is not an object or one of its members is not a function.
 */
export function checkCallPolicy(policy: unknown): void {
  if (policy === undefined) return;
  if (policy === null || typeof policy !== 'object') throw new ArgumentError(`callPolicy must be an object of optional hooks, got ${policy === null ? 'null' : typeof policy}`);
  for (const key of ['timeoutMs', 'overrunMs', 'onOverrun', 'observe'] as const) {
    const v = (policy as Record<string, unknown>)[key];
    if (v !== undefined && typeof v !== 'function') throw new ArgumentError(`callPolicy.${key} must be a function, got ${typeof v}`);
  }
}

function fromPolicy(policy: CallPolicy | undefined, key: 'timeoutMs' | 'overrunMs', method: string): number | undefined {
  const hook = policy?.[key];
  if (!hook) return undefined;
  try {
    return hook.call(policy, method);
  } catch (err) {
    throw new ArgumentError(`callPolicy.${key}('${method}') threw: ${(err as Error)?.message ?? String(err)}`, err);
  }
}

function isPositiveMs(v: unknown): v is number {
  return typeof v === 'number' && v > 0 && Number.isFinite(v);
}

function guarded(what: string, method: string, fn: () => void): void {
  try {
    fn();
  } catch (err) {
    debug('%s for %s threw: %s', what, method, (err as Error)?.message ?? String(err));
  }
}
