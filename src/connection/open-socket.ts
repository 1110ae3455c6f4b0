import * as net from 'node:net';
import * as tls from 'node:tls';
import { ConnectError, ErrorCode } from '../errors';
import { warnTlsUnverified } from './insecure-tls-warning';
import type { TlsOptions } from './types';

/** What {@link openSocket} needs. @internal */
export interface OpenSocketOptions {
  host: string;
  port: number;
  tls?: boolean | TlsOptions | undefined;
  keepAlive: boolean;
  keepAliveInitialDelayMs: number;
  /** Aborted when the overall connect bound elapses. */
  signal: AbortSignal;
  coordinator: string;
}

const TLS_CODES = /^(ERR_TLS|ERR_SSL|CERT_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_|HOSTNAME_MISMATCH|ERR_OSSL)/;

/** Maps a socket-level failure during connect to a {@link ConnectError}. @internal */
export function connectErrorFrom(err: NodeJS.ErrnoException, coordinator: string, tlsOn: boolean): ConnectError {
  const code = err.code ?? '';
  if (code === 'ECONNREFUSED') {
    return new ConnectError(ErrorCode.CONNECT_REFUSED, `connection to ${coordinator} refused (nothing listens on that port)`, { coordinator, cause: err });
  }
  if (tlsOn && (TLS_CODES.test(code) || /certificate|ssl|tls/i.test(err.message))) {
    return new ConnectError(ErrorCode.TLS_FAILED, `TLS handshake with ${coordinator} failed: ${err.message}`, { coordinator, cause: err });
  }
  return new ConnectError(ErrorCode.CONNECT_FAILED, `could not connect to ${coordinator}: ${code ? `${code} ` : ''}${err.message}`, { coordinator, cause: err });
}

/**
 * A TLS alert the server sent after the handshake looked complete: with TLS 1.3 a
 * server that requires a client certificate (or distrusts ours) says so only then,
 * and the client sees it on its first read. Returns a ConnectError TLS_FAILED saying
 * what the alert means, or undefined for any other error.
 *
 * @internal
 */
export function tlsAlertError(err: unknown, coordinator: string): ConnectError | undefined {
  const code = (err as NodeJS.ErrnoException | undefined)?.code ?? '';
  if (!/^ERR_SSL_.*ALERT/.test(code)) return undefined;
  const reason = /ALERT_(.*)$/.exec(code)![1]!.toLowerCase().replace(/_/g, ' ');
  const hint = /certificate required|handshake failure/.test(reason)
    ? ': the coordinator requires a client certificate (set tlsCert and tlsKey)'
    : /bad certificate|unknown ca|certificate unknown|unsupported certificate|certificate expired|certificate revoked/.test(reason)
      ? ': the coordinator does not accept our client certificate (tlsCert)'
      : '';
  return new ConnectError(ErrorCode.TLS_FAILED, `${coordinator} ended the TLS session with alert '${reason}'${hint}`, { coordinator, cause: err });
}

/**
 * Opens a TCP (or TLS) socket, resolving once it is connected (TLS: handshake and
 * certificate verification done). Rejects with a {@link ConnectError}; the socket is
 * destroyed on any failure, including the abort of `signal`.
 *
 * @internal
 */
export function openSocket(options: OpenSocketOptions): Promise<net.Socket> {
  const { host, port, coordinator, signal } = options;
  const tlsOn = options.tls !== undefined && options.tls !== false;
  return new Promise<net.Socket>((resolve, reject) => {
    let socket: net.Socket;
    if (tlsOn) {
      const t: TlsOptions = options.tls === true ? {} : (options.tls as TlsOptions);
      const rejectUnauthorized = t.rejectUnauthorized ?? true;
      const checkName = t.checkServerName ?? true;
      if (!rejectUnauthorized) warnTlsUnverified('certificate verification (rejectUnauthorized=false)');
      else if (!checkName) warnTlsUnverified('certificate name check (checkServerName=false)');
      // Each connection verifies its own host unless one name is given for all (a
      // balancer's name with TLS passthrough). SNI cannot carry an IP address.
      const servername = t.servername ?? (net.isIP(host) ? undefined : host);
      const expected = t.servername ?? host;
      try {
        socket = tls.connect({
          host,
          port,
          ca: t.ca,
          cert: t.cert,
          key: t.key,
          ...(t.passphrase !== undefined ? { passphrase: t.passphrase } : {}),
          rejectUnauthorized,
          minVersion: t.minVersion ?? 'TLSv1.2',
          ...(servername !== undefined ? { servername } : {}),
          checkServerIdentity: (_h: string, cert: tls.PeerCertificate) => (checkName ? tls.checkServerIdentity(expected, cert) : undefined),
        });
      } catch (err) {
        // Unusable key material (bad PEM, wrong passphrase) throws before any I/O.
        reject(new ConnectError(ErrorCode.TLS_FAILED, `TLS set-up for ${coordinator} failed: ${(err as Error).message} (check ca, cert, key and passphrase)`, { coordinator, cause: err }));
        return;
      }
    } else {
      socket = net.connect({ host, port });
    }
    const readyEvent = tlsOn ? 'secureConnect' : 'connect';
    const cleanup = (): void => {
      socket.off(readyEvent, onReady);
      socket.off('error', onError);
      signal.removeEventListener('abort', onAbort);
    };
    const onReady = (): void => {
      cleanup();
      socket.setNoDelay(true);
      socket.setKeepAlive(options.keepAlive, options.keepAliveInitialDelayMs);
      resolve(socket);
    };
    const onError = (err: NodeJS.ErrnoException): void => {
      cleanup();
      socket.destroy();
      reject(connectErrorFrom(err, coordinator, tlsOn));
    };
    const onAbort = (): void => {
      cleanup();
      socket.destroy();
      reject(signal.reason);
    };
    if (signal.aborted) {
      onAbort();
      return;
    }
    socket.once(readyEvent, onReady);
    socket.once('error', onError);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
