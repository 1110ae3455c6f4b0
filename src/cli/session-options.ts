import * as fs from 'node:fs';
import type { ResolvedOptions } from '../connection-string/options';
import type { ProtocolSessionOptions } from '../protocol/open-session';

/**
 * What a direct session to `address` is opened with, from resolved client options:
 * the same transport, authentication, TLS and time bounds the pool would use.
 */
export function directSessionOptions(o: ResolvedOptions, address: string): ProtocolSessionOptions {
  const { host, port } = splitAddress(address);
  const password = o.password?.reveal() ?? '';
  return {
    host,
    port,
    label: address,
    auth: o.auth === 'nosasl' ? { mechanism: 'NOSASL' } : { mechanism: 'PLAIN', username: o.user ?? 'anonymous', password: o.auth === 'plain' ? '' : password },
    ...(o.tls ? { tls: tlsOptions(o) } : {}),
    connectTimeoutMs: o.connectTimeoutMs,
    rpcTimeoutMs: o.rpcTimeoutMs,
    ...(o.user !== undefined && o.auth === 'nosasl' ? { username: o.user } : {}),
    database: o.database,
  };
}

/** Node TLS options from resolved client options. */
export function tlsOptions(o: ResolvedOptions): { rejectUnauthorized: boolean; ca?: Buffer; servername?: string } {
  return {
    rejectUnauthorized: o.tlsRejectUnauthorized,
    ...(o.tlsCa ? { ca: fs.readFileSync(o.tlsCa) } : {}),
    ...(o.tlsServername ? { servername: o.tlsServername } : {}),
  };
}

/** Splits `host:port` / `[v6]:port` (resolved addresses always carry a port). */
export function splitAddress(address: string): { host: string; port: number } {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(address) ?? /^([^:]+):(\d+)$/.exec(address);
  if (!m) throw new Error(`coordinator address '${address}' is not host:port`);
  return { host: m[1]!, port: Number(m[2]) };
}
