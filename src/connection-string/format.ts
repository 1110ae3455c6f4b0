import { collectClientOptions, mergeLayers } from './collect-client-options';
import { DEFAULTS, OPTION_NAMES, OPTION_SPECS } from './defaults';
import type { AuthMechanism, ClientOptions, OptionName, ParsedOptions, ResolvedOptions } from './options';
import { parseConnectionString } from './parse';
import { Secret } from './secret';
import { HTTP_HEADER_PREFIX, QUERY_OPTION_PREFIX } from './url-names';

/** How {@link formatConnectionString} writes the URL. */
export interface FormatOptions {
  /** Write the password (percent-encoded) into `user:password@`, and other secrets (`tlsKeyPassphrase`) as parameters. @default false (secrets are left out) */
  readonly includePassword?: boolean;
  /** Leave out options equal to their default (the host list is always written). @default false */
  readonly omitDefaults?: boolean;
}

// Written elsewhere in the URL, not as `name=value` parameters.
const NOT_PARAMETERS: ReadonlySet<OptionName> = new Set(['coordinators', 'user', 'password', 'database', 'queryOptions', 'token', 'httpHeaders']);

/** The auth a client infers when none is given: LDAP with a password, JWT with a token, PLAIN with only a user. */
export function inferAuth(user: string | undefined, password: Secret | undefined, token?: unknown): AuthMechanism {
  if (password !== undefined) return 'ldap';
  if (token !== undefined) return 'jwt';
  return user !== undefined ? 'plain' : 'nosasl';
}

function isDefault(name: OptionName, value: unknown, options: ParsedOptions): boolean {
  if (name === 'auth') return value === inferAuth(options.user, options.password, options.token);
  return value === DEFAULTS[name];
}

function hostForUrl(address: string): string {
  // An IPv6 zone is '%zone' in our addresses and '%25zone' in URLs.
  return address.replace('%', '%25');
}

/**
 * Writes options as the canonical `impala://` URL: `user[:password]@hosts/database?name=value...`
 * with every value percent-encoded, parameters in documentation order and query options
 * as `queryOptions.NAME=value`. Parsing the result gives the same options back
 * (`parseConnectionString(formatConnectionString(o, { includePassword: true }))`).
 * Credentials — the password, a bearer token (`token=`) and HTTP header values
 * (`httpHeaders.<Name>=`), which may carry keys — are written only with
 * `{ includePassword: true }`; a token given as a function is never written.
 *
 * @param options Options from any source: a parse result's `options`, a `ClientOptions`
 *   object (its `url` merged in) or a `ResolvedOptions`.
 */
export function formatConnectionString(options: ClientOptions | ResolvedOptions | ParsedOptions, format: FormatOptions = {}): string {
  const collected = collectClientOptions(options);
  const o = collected.url === undefined ? collected.options : mergeLayers(parseConnectionString(collected.url).options, collected.options);
  let url = 'impala://';
  const password = format.includePassword === true ? o.password : undefined;
  if (o.user !== undefined || password !== undefined) {
    url += `${encodeURIComponent(o.user ?? '')}${password === undefined ? '' : `:${encodeURIComponent(password.reveal())}`}@`;
  }
  url += (o.coordinators ?? []).map(hostForUrl).join(',');
  if (o.database !== undefined && !(format.omitDefaults === true && o.database === DEFAULTS.database)) url += `/${encodeURIComponent(o.database)}`;

  const params: string[] = [];
  for (const name of OPTION_NAMES) {
    const value = o[name];
    if (value === undefined || NOT_PARAMETERS.has(name)) continue;
    if (format.omitDefaults === true && isDefault(name, value, o)) continue;
    if (OPTION_SPECS[name].type.type === 'secret') {
      // Other credentials (tlsKeyPassphrase) follow the password's rule.
      if (format.includePassword === true) params.push(`${name}=${encodeURIComponent((value as Secret).reveal())}`);
      continue;
    }
    params.push(`${name}=${encodeURIComponent(String(value))}`);
  }
  for (const [key, value] of Object.entries(o.queryOptions ?? {})) {
    params.push(`${QUERY_OPTION_PREFIX}${encodeURIComponent(key)}=${encodeURIComponent(value)}`);
  }
  if (format.includePassword === true) {
    if (o.token instanceof Secret) params.push(`token=${encodeURIComponent(o.token.reveal())}`);
    for (const [key, value] of Object.entries(o.httpHeaders ?? {})) params.push(`${HTTP_HEADER_PREFIX}${encodeURIComponent(key)}=${encodeURIComponent(value)}`);
  }
  if (params.length > 0) url += `?${params.join('&')}`;
  return url;
}
