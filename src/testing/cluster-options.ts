import { ConfigError, ErrorCode } from '../errors';
import type { SimClusterOptions } from './types';

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
  httpCookieMaxAgeS: 86_400,
});

const KNOWN = new Set<string>([
  'coordinators',
  'catalogLagMs',
  'syncDdlDelayMs',
  'processes',
  'basePort',
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
]);

/** Options with defaults applied and checked. */
export interface ResolvedClusterOptions {
  coordinators: number;
  catalogLagMs: number;
  syncDdlDelayMs: number | undefined;
  processes: boolean;
  basePort: number | undefined;
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
  const httpBasePort = options.httpBasePort === undefined ? undefined : intIn('httpBasePort', options.httpBasePort, 1, 65535 - (coordinators - 1));
  if (basePort !== undefined && httpBasePort !== undefined && Math.abs(basePort - httpBasePort) < coordinators) {
    throw invalid('httpBasePort', `must leave room for ${coordinators} binary ports from basePort ${basePort}; got ${httpBasePort}`);
  }
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
  };
}
