import createDebug from 'debug';
import { ConfigError, ErrorCode } from '../errors';
import { parseAddress, formatAddress } from './address';
import { collectClientOptions, mergeLayers } from './collect-client-options';
import { showValue } from './coerce';
import { DEFAULT_PORTS, DEFAULTS, OPTION_NAMES } from './defaults';
import { formatConnectionString, inferAuth } from './format';
import type { ClientOptions, OptionName, ParsedOptions, ResolvedOptions } from './options';
import { parseConnectionString } from './parse';
import type { ParsedConnectionString } from './parsed-connection-string';

const debug = createDebug('impala-ha:config');

/** Name of the environment variable read when no URL and no coordinators are given. */
export const ENV_URL = 'IMPALA_URL';

function conflict(message: string, option: OptionName): ConfigError {
  return new ConfigError(ErrorCode.CONFIG_CONFLICT, message, option);
}

function parseEnvUrl(text: string): ParsedConnectionString {
  try {
    return parseConnectionString(text);
  } catch (err) {
    if (err instanceof ConfigError) throw new ConfigError(err.code as ConstructorParameters<typeof ConfigError>[0], `${ENV_URL} environment variable: ${err.message}`, err.option, err);
    throw err;
  }
}

function withPorts(coordinators: readonly string[], port: number, warnings: string[]): readonly string[] {
  const out: string[] = [];
  for (const entry of coordinators) {
    const address = parseAddress(entry);
    const full = formatAddress({ host: address.host, port: address.port ?? port });
    if (out.includes(full)) warnings.push(`coordinator '${full}' is listed more than once; it is used once`);
    else out.push(full);
  }
  return Object.freeze(out);
}

/** Cross-option rules: what one option means depends on another. Adds warnings, throws conflicts. */
function checkCombinations(o: { [K in OptionName]: ResolvedOptions[K] }, given: ParsedOptions, warnings: string[]): void {
  const hasPassword = o.password !== undefined;
  if (hasPassword && o.token !== undefined) throw conflict("both a password and a token are given; use either auth 'ldap' (user and password) or auth 'jwt' (token)", 'token');
  if (hasPassword && o.auth !== 'ldap') {
    const why = o.auth === 'nosasl' ? 'uses no authentication' : o.auth === 'plain' ? 'sends a user name only' : o.auth === 'jwt' ? 'uses a bearer token' : 'uses Kerberos';
    throw conflict(`auth '${o.auth}' ${why}, but a password is given; use auth 'ldap' to send it, or remove it`, 'auth');
  }
  if (o.token !== undefined && o.auth !== 'jwt') throw conflict(`a token is given but auth is '${o.auth}'; use auth 'jwt' to send it, or remove it`, 'token');
  if (o.auth === 'jwt') {
    if (o.token === undefined) throw conflict("auth 'jwt' needs a token (the token option, or jwt= in URLs)", 'token');
    if (o.protocol !== 'hs2-http') throw conflict(`auth 'jwt' (bearer token) works over HTTP only; set protocol 'hs2-http' (impala+http://, transportMode=http), not '${o.protocol}'`, 'auth');
    if (!o.tls) warnings.push('the bearer token is sent in clear text because tls is off; turn tls on (impala+https://, ssl=true)');
  }
  if (Object.keys(o.httpHeaders).length > 0 && o.protocol !== 'hs2-http') warnings.push(`httpHeaders ignored: protocol is '${o.protocol}', not 'hs2-http'`);
  if ((o.auth === 'ldap' || o.auth === 'plain') && o.user === undefined) {
    const what = given.auth === undefined ? 'a password is given without a user' : `auth '${o.auth}' needs a user`;
    throw conflict(`${what}; set user (in URLs: user:password@host, JDBC UID or user)`, 'user');
  }
  if (o.auth === 'ldap' && !hasPassword) throw conflict(`auth 'ldap' needs a password; set password, or use auth 'plain' to send only the user name`, 'password');
  if (o.auth === 'ldap' && !o.tls) warnings.push("the LDAP password is sent in clear text because tls is off; turn tls on (impalas://, impala+https://, SSL=1, ssl=true)");
  if (o.auth === 'gssapi' && o.user !== undefined) warnings.push('user is ignored with Kerberos (gssapi): the user comes from the Kerberos ticket');
  if (o.auth !== 'gssapi') {
    const kerberos = (['kerberosHostFqdn', 'kerberosRealm', 'kerberosServiceName', 'kerberosCanonicalizeHostName'] as const).filter((k) => given[k] !== undefined && given[k] !== DEFAULTS[k]);
    if (kerberos.length > 0) warnings.push(`${kerberos.join(', ')} ignored: auth is '${o.auth}', not 'gssapi'`);
  } else {
    const fixedHost = o.kerberosHostFqdn !== undefined && o.kerberosHostFqdn !== '_HOST';
    if (fixedHost && o.kerberosCanonicalizeHostName !== 'none') {
      warnings.push(`kerberosCanonicalizeHostName '${o.kerberosCanonicalizeHostName}' ignored: kerberosHostFqdn '${o.kerberosHostFqdn}' is used as written for every coordinator`);
    }
    if (o.kerberosRealm !== undefined) {
      warnings.push(`kerberosRealm '${o.kerberosRealm}' is shown in messages only: the Kerberos library maps the server principal's realm from krb5.conf ([domain_realm], default_realm)`);
    }
  }
  checkTls(o, given, warnings);
  if (given.httpPath !== undefined && given.httpPath !== DEFAULTS.httpPath && o.protocol !== 'hs2-http') warnings.push(`httpPath ignored: protocol is '${o.protocol}', not 'hs2-http'`);
  if (o.minIdlePerCoordinator > o.maxConnectionsPerCoordinator) {
    throw conflict(`minIdlePerCoordinator (${o.minIdlePerCoordinator}) is above maxConnectionsPerCoordinator (${o.maxConnectionsPerCoordinator})`, 'minIdlePerCoordinator');
  }
  if (o.healthCheckIntervalMs > o.healthCheckMaxIntervalMs) {
    throw conflict(`healthCheckIntervalMs (${o.healthCheckIntervalMs} ms) is above healthCheckMaxIntervalMs (${o.healthCheckMaxIntervalMs} ms)`, 'healthCheckIntervalMs');
  }
  if (o.retryBaseDelayMs > o.retryMaxDelayMs) {
    throw conflict(`retryBaseDelayMs (${o.retryBaseDelayMs} ms) is above retryMaxDelayMs (${o.retryMaxDelayMs} ms)`, 'retryBaseDelayMs');
  }
  const clientId = o.queryOptions.CLIENT_IDENTIFIER;
  if (o.applicationName !== undefined && clientId !== undefined && clientId !== o.applicationName) {
    throw conflict(`applicationName ${showValue(o.applicationName)} and query option CLIENT_IDENTIFIER ${showValue(clientId)} disagree; set one`, 'applicationName');
  }
}

/** TLS rules: files and names need tls on; a certificate needs its key; verification off warns. */
function checkTls(o: { [K in OptionName]: ResolvedOptions[K] }, given: ParsedOptions, warnings: string[]): void {
  if (!o.tls) {
    for (const name of ['tlsCa', 'tlsServername', 'tlsCert', 'tlsKey', 'tlsKeyPassphrase'] as const) {
      if (o[name] !== undefined) throw conflict(`${name} is set but tls is off; turn tls on (tls=true, impalas://) or remove ${name}`, name);
    }
    if (given.tlsRejectUnauthorized === false) warnings.push('tlsRejectUnauthorized=false ignored: tls is off');
    if (given.tlsVerifyServerName === false) warnings.push('tlsVerifyServerName=false ignored: tls is off');
    return;
  }
  if (o.tlsCert !== undefined && o.tlsKey === undefined) throw conflict('tlsCert is set without tlsKey; a client certificate needs its private key (PEM)', 'tlsKey');
  if (o.tlsKey !== undefined && o.tlsCert === undefined) throw conflict('tlsKey is set without tlsCert; set the client certificate (PEM) too', 'tlsCert');
  if (o.tlsKeyPassphrase !== undefined && o.tlsKey === undefined) throw conflict('tlsKeyPassphrase is set without tlsKey', 'tlsKeyPassphrase');
  if (!o.tlsRejectUnauthorized && !warnings.some((w) => w.includes('certificate verification off'))) {
    warnings.push('TLS certificate verification off (tlsRejectUnauthorized=false): a machine in the network path can pose as a coordinator');
  } else if (o.tlsRejectUnauthorized && !o.tlsVerifyServerName && !warnings.some((w) => w.includes('name check off'))) {
    warnings.push("TLS certificate name check off (tlsVerifyServerName=false): any certificate from a trusted CA is accepted for every coordinator; prefer tlsServername with the certificate's name");
  }
}

/**
 * Builds the client's whole configuration from a connection string or an options
 * object, with precedence **explicit fields > URL > `IMPALA_URL` > defaults**.
 *
 * - A string is a connection string in any accepted form.
 * - An object may carry `url`; its other fields override the URL's (`queryOptions`
 *   merge name by name).
 * - `IMPALA_URL` is read only when neither a URL nor `coordinators` is given, so its
 *   credentials never go to hosts it does not name.
 * - Missing ports become the protocol's default (21050, 28000, 21000); auth is inferred
 *   when not given (`ldap` with a password, `plain` with only a user, else `nosasl`).
 *
 * The result and its arrays and maps are frozen. Throws {@link ConfigError} only; the
 * password never appears in messages, warnings or the `impala-ha:config` debug line.
 *
 * @param env Environment to read `IMPALA_URL` from. @default process.env
 */
export function resolveOptions(input?: string | ClientOptions, env: Readonly<Record<string, string | undefined>> = process.env): ResolvedOptions {
  let explicit: ParsedOptions = {};
  let url: string | undefined;
  const warnings: string[] = [];
  if (typeof input === 'string') {
    url = input;
  } else if (input !== undefined && input !== null) {
    if (typeof input !== 'object') throw new ConfigError(ErrorCode.CONFIG_INVALID_VALUE, `expected a connection string or an options object, got ${showValue(input)}`);
    const collected = collectClientOptions(input);
    explicit = collected.options;
    url = collected.url;
    warnings.push(...collected.warnings);
  }
  let source = url !== undefined ? 'connection string' : 'options';
  let parsed: ParsedConnectionString | undefined;
  if (url !== undefined) {
    parsed = parseConnectionString(url);
  } else if (explicit.coordinators === undefined && (env[ENV_URL] ?? '').trim() !== '') {
    parsed = parseEnvUrl(env[ENV_URL]!);
    source = ENV_URL;
  }
  const given = mergeLayers(parsed?.options ?? {}, explicit);
  warnings.unshift(...(parsed?.warnings ?? []));

  const protocol = given.protocol ?? DEFAULTS.protocol;
  const out: Record<string, unknown> = {};
  for (const name of OPTION_NAMES) out[name] = given[name] ?? DEFAULTS[name];
  out.coordinators = withPorts(given.coordinators ?? ['localhost'], DEFAULT_PORTS[protocol], warnings);
  out.auth = given.auth ?? inferAuth(given.user, given.password, given.token);
  const values = out as { [K in OptionName]: ResolvedOptions[K] };
  checkCombinations(values, given, warnings);
  const resolved = Object.freeze({ ...values, warnings: Object.freeze([...new Set(warnings)]) }) as ResolvedOptions;

  if (debug.enabled) {
    debug('resolved options from %s: %s', source, formatConnectionString(resolved, { omitDefaults: true }));
    for (const w of resolved.warnings) debug('warning: %s', w);
  }
  return resolved;
}
