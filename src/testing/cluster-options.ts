import { ConfigError, ErrorCode } from '../errors';
import type { ServerTlsSettings } from './server/coordinator-server';
import type { SimClusterOptions, SimKerberosOptions, SimTlsOptions } from './types';

/** Defaults of {@link SimClusterOptions}. */
export const SIM_CLUSTER_DEFAULTS = Object.freeze({
  coordinators: 3,
  catalogLagMs: 0,
  processes: false,
  host: '127.0.0.1',
  disconnectedSessionTimeoutMs: 900_000,
  fetchRowsTimeoutMs: 10_000,
  version: '4.5.0',
  errorWrapper: true,
  startTimeoutMs: 20_000,
  idleSessionTimeoutMs: 0,
  idleQueryTimeoutMs: 0,
  httpCookieMaxAgeS: 86_400,
});

const KNOWN = new Set<string>([
  'coordinators',
  'catalogLagMs',
  'syncDdlDelayMs',
  'processes',
  'basePort',
  'beeswaxBasePort',
  'httpBasePort',
  'host',
  'users',
  'tokens',
  'httpCookieMaxAgeS',
  'disconnectedSessionTimeoutMs',
  'fetchRowsTimeoutMs',
  'version',
  'errorWrapper',
  'engine',
  'startTimeoutMs',
  'tls',
  'kerberos',
  'idleSessionTimeoutMs',
  'idleQueryTimeoutMs',
]);

/** Options with defaults applied and checked. */
export interface ResolvedClusterOptions {
  coordinators: number;
  catalogLagMs: number;
  syncDdlDelayMs: number | undefined;
  processes: boolean;
  basePort: number | undefined;
  beeswaxBasePort: number | undefined;
  httpBasePort: number | undefined;
  host: string;
  users: Record<string, string> | undefined;
  tokens: Record<string, string> | undefined;
  httpCookieMaxAgeS: number;
  disconnectedSessionTimeoutMs: number;
  fetchRowsTimeoutMs: number;
  version: string;
  errorWrapper: boolean;
  startTimeoutMs: number;
  tls: ServerTlsSettings | undefined;
  kerberos: SimKerberosOptions | undefined;
  idleSessionTimeoutMs: number;
  idleQueryTimeoutMs: number;
}

function invalid(option: string, message: string): ConfigError {
  return new ConfigError(ErrorCode.CONFIG_INVALID_VALUE, `startCluster: ${option} ${message}`, option);
}

function intIn(option: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalid(option, `must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
  return value;
}

function ms(option: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw invalid(option, `must be a number of milliseconds >= 0, got ${JSON.stringify(value)}`);
  return value;
}

function bool(option: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw invalid(option, `must be true or false, got ${JSON.stringify(value)}`);
  return value;
}

/** Each front end needs `coordinators` consecutive ports; ranges given explicitly must not overlap. */
function checkPortRanges(coordinators: number, ranges: ReadonlyArray<readonly [option: string, label: string, base: number | undefined]>): void {
  for (let i = 1; i < ranges.length; i++) {
    const [option, , base] = ranges[i]!;
    if (base === undefined) continue;
    for (const [otherOption, otherLabel, otherBase] of ranges.slice(0, i)) {
      if (otherBase !== undefined && Math.abs(base - otherBase) < coordinators) {
        throw invalid(option, `must leave room for ${coordinators} ${otherLabel} ports from ${otherOption} ${otherBase}, got ${base}`);
      }
    }
  }
}

/** Applies defaults and rejects values the simulator cannot use, naming the option and what is accepted. */
export function resolveClusterOptions(options: SimClusterOptions): ResolvedClusterOptions {
  if (typeof options !== 'object' || options === null) throw new ConfigError(ErrorCode.CONFIG_INVALID_VALUE, 'startCluster: options must be an object');
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key)) {
      throw new ConfigError(ErrorCode.CONFIG_UNKNOWN_OPTION, `startCluster: unknown option '${key}' (accepted: ${[...KNOWN].join(', ')})`, key);
    }
  }
  const d = SIM_CLUSTER_DEFAULTS;
  const coordinators = intIn('coordinators', options.coordinators ?? d.coordinators, 1, 64);
  const basePort = options.basePort === undefined ? undefined : intIn('basePort', options.basePort, 1, 65535 - (coordinators - 1));
  const beeswaxBasePort = options.beeswaxBasePort === undefined ? undefined : intIn('beeswaxBasePort', options.beeswaxBasePort, 1, 65535 - (coordinators - 1));
  const httpBasePort = options.httpBasePort === undefined ? undefined : intIn('httpBasePort', options.httpBasePort, 1, 65535 - (coordinators - 1));
  checkPortRanges(coordinators, [
    ['basePort', 'HS2', basePort],
    ['beeswaxBasePort', 'Beeswax', beeswaxBasePort],
    ['httpBasePort', 'HTTP', httpBasePort],
  ]);
  const host = options.host ?? d.host;
  if (typeof host !== 'string' || host === '') throw invalid('host', `must be a non-empty host name or address, got ${JSON.stringify(host)}`);
  const version = options.version ?? d.version;
  if (typeof version !== 'string' || version === '') throw invalid('version', `must be a non-empty string such as '4.5.0', got ${JSON.stringify(version)}`);
  let users: Record<string, string> | undefined;
  if (options.users !== undefined) {
    if (typeof options.users !== 'object' || options.users === null || Object.keys(options.users).length === 0) {
      throw invalid('users', 'must be an object mapping at least one user name to its password');
    }
    for (const [name, password] of Object.entries(options.users)) {
      if (name === '' || name.includes('\0') || typeof password !== 'string') {
        // Never echo the password.
        throw invalid('users', `entry '${name}' must have a non-empty name without NUL and a string password`);
      }
    }
    users = { ...options.users };
  }
  let tokens: Record<string, string> | undefined;
  if (options.tokens !== undefined) {
    if (typeof options.tokens !== 'object' || options.tokens === null || Object.keys(options.tokens).length === 0) {
      throw invalid('tokens', 'must be an object mapping at least one bearer token to its user name');
    }
    let i = 0;
    for (const [token, user] of Object.entries(options.tokens)) {
      i++;
      // Never echo the token.
      if (!token.includes('.') || /[\s]/.test(token) || typeof user !== 'string' || user === '') {
        throw invalid('tokens', `entry ${i} must be a token containing '.' without spaces (Impala treats only such values as JWTs), mapped to a non-empty user name`);
      }
    }
    tokens = { ...options.tokens };
  }
  return {
    coordinators,
    catalogLagMs: ms('catalogLagMs', options.catalogLagMs ?? d.catalogLagMs),
    syncDdlDelayMs: options.syncDdlDelayMs === undefined ? undefined : ms('syncDdlDelayMs', options.syncDdlDelayMs),
    processes: bool('processes', options.processes ?? d.processes),
    basePort,
    beeswaxBasePort,
    httpBasePort,
    host,
    users,
    tokens,
    httpCookieMaxAgeS: intIn('httpCookieMaxAgeS', options.httpCookieMaxAgeS ?? d.httpCookieMaxAgeS, 0, 315_360_000),
    disconnectedSessionTimeoutMs: ms('disconnectedSessionTimeoutMs', options.disconnectedSessionTimeoutMs ?? d.disconnectedSessionTimeoutMs),
    fetchRowsTimeoutMs: ms('fetchRowsTimeoutMs', options.fetchRowsTimeoutMs ?? d.fetchRowsTimeoutMs),
    version,
    errorWrapper: bool('errorWrapper', options.errorWrapper ?? d.errorWrapper),
    startTimeoutMs: ms('startTimeoutMs', options.startTimeoutMs ?? d.startTimeoutMs),
    tls: options.tls === undefined ? undefined : tlsOptions(options.tls),
    kerberos: options.kerberos === undefined ? undefined : kerberosOptions(options.kerberos),
    idleSessionTimeoutMs: ms('idleSessionTimeoutMs', options.idleSessionTimeoutMs ?? d.idleSessionTimeoutMs),
    idleQueryTimeoutMs: ms('idleQueryTimeoutMs', options.idleQueryTimeoutMs ?? d.idleQueryTimeoutMs),
  };
}

const isPem = (v: unknown): v is string | Buffer => (typeof v === 'string' && v.includes('-----BEGIN')) || (Buffer.isBuffer(v) && v.includes('-----BEGIN'));

function tlsOptions(tls: SimTlsOptions): ServerTlsSettings {
  if (typeof tls !== 'object' || tls === null) throw invalid('tls', 'must be an object { cert, key, passphrase?, ca?, requireClientCert? }');
  // PEM text is checked by shape only: the contents are never echoed.
  if (!isPem(tls.cert)) throw invalid('tls.cert', 'must be a PEM certificate (text or Buffer starting with -----BEGIN)');
  if (!isPem(tls.key)) throw invalid('tls.key', 'must be a PEM private key (text or Buffer starting with -----BEGIN)');
  if (tls.ca !== undefined && !isPem(tls.ca)) throw invalid('tls.ca', 'must be PEM CA certificates (text or Buffer starting with -----BEGIN)');
  if (tls.passphrase !== undefined && typeof tls.passphrase !== 'string') throw invalid('tls.passphrase', 'must be a string (value not shown)');
  const requireClientCert = tls.requireClientCert === undefined ? false : bool('tls.requireClientCert', tls.requireClientCert);
  if (requireClientCert && tls.ca === undefined) throw invalid('tls.ca', 'is needed with requireClientCert: the CA that signs client certificates');
  return { cert: tls.cert, key: tls.key, requireClientCert, ...(tls.passphrase === undefined ? {} : { passphrase: tls.passphrase }), ...(tls.ca === undefined ? {} : { ca: tls.ca }) };
}

function kerberosOptions(k: SimKerberosOptions): SimKerberosOptions {
  if (typeof k !== 'object' || k === null) throw invalid('kerberos', 'must be an object { keytab, principal? }');
  if (typeof k.keytab !== 'string' || k.keytab === '') throw invalid('kerberos.keytab', `must be the path of a keytab file, got ${JSON.stringify(k.keytab)}`);
  if (k.principal !== undefined && (typeof k.principal !== 'string' || !/^[^/@\s]+\/[^/@\s]+@[^/@\s]+$/.test(k.principal))) {
    throw invalid('kerberos.principal', `must look like service/host@REALM (impalad's --principal), got ${JSON.stringify(k.principal)}`);
  }
  return { keytab: k.keytab, ...(k.principal === undefined ? {} : { principal: k.principal }) };
}
