import { ConnectError, ConnectionLostError, ErrorCode, ImpalaError } from '../errors';
import { CONNECTION_DEFAULTS } from './connection';
import { HTTP_DEFAULTS } from './http-options';
import { HttpWire } from './http-wire';
import { openSocket } from './open-socket';
import type { ConnectionOptions } from './types';

/**
 * Opens one TCP (or TLS) connection for HTTP exchanges within `boundMs`, also giving
 * up when `signal` aborts (with its reason).
 *
 * @throws {@link ConnectError} (refused, timeout, TLS, other), or the signal's reason.
 * @internal
 */
export async function openWire(options: ConnectionOptions, address: string, boundMs: number, signal: AbortSignal | undefined): Promise<HttpWire> {
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new ConnectError(ErrorCode.CONNECT_TIMEOUT, `connecting to ${address} did not complete within ${Math.round(boundMs)} ms`, { coordinator: address })),
    boundMs,
  );
  const onAbort = (): void => controller.abort(signal!.reason);
  if (signal?.aborted) onAbort();
  else signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const socket = await openSocket({
      host: options.host,
      port: options.port,
      tls: options.tls,
      keepAlive: options.keepAlive ?? CONNECTION_DEFAULTS.keepAlive,
      keepAliveInitialDelayMs: options.keepAliveInitialDelayMs ?? CONNECTION_DEFAULTS.keepAliveInitialDelayMs,
      signal: controller.signal,
      coordinator: address,
    });
    return new HttpWire(socket, HTTP_DEFAULTS.maxHeaderBytes, options.maxMessageBytes ?? CONNECTION_DEFAULTS.maxMessageBytes);
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}

/**
 * What a failed reconnect inside a call means to the caller: the channel was lost
 * before the request was sent (retry elsewhere is safe, and the coordinator counts
 * as down), except for TLS and auth failures, which another try would repeat.
 *
 * @internal
 */
export function connectError(err: unknown, address: string, method: string): ImpalaError {
  if (err instanceof ImpalaError && (err.code === ErrorCode.TLS_FAILED || err.code === ErrorCode.AUTH_FAILED)) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new ConnectionLostError(`the HTTP channel to ${address} could not reconnect before ${method} was sent: ${message}`, false, { coordinator: address, cause: err, method });
}
