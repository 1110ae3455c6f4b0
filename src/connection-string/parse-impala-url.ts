import { ConfigError, ErrorCode } from '../errors';
import { splitHostList } from './address';
import { showValue } from './coerce';
import { OPTION_SPECS } from './defaults';
import { OptionCollector } from './option-collector';
import { decodePart, finishParse, unknownName, type ParsedConnectionString } from './parsed-connection-string';
import { KNOWN_QUERY_OPTIONS } from './query-options';
import { HTTP_HEADER_PREFIX, isSecretName, optionForUrlName, QUERY_OPTION_PREFIX, URL_PARAMETER_NAMES } from './url-names';

const WHERE = 'in the impala:// URL';

/** Where the user:password part of an `impala://` URL ends, and whether it looks mangled. */
export interface UserinfoBounds {
  /** Index (in the text after `://`) of the `@` ending the userinfo, or -1 when there is none. */
  readonly at: number;
  /** Index where the host list ends (first `/`, `?` or `#` after the userinfo). */
  readonly hostsEnd: number;
  /**
   * True when an `@` further on suggests a password with an unencoded `/`, `?` or `#`:
   * then nothing after `://` may be quoted in messages, since it could be the password.
   */
  readonly mangled: boolean;
}

function firstDelimiter(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (c === '/' || c === '?' || c === '#') return i;
  }
  return text.length;
}

/**
 * Finds the userinfo of `scheme://[user[:password]@]hosts[/db][?query]`. An unencoded
 * `@` or `:` in the password is tolerated (the last `@` before the path wins). Shared
 * with redaction so both agree on what the password is.
 */
export function locateUserinfo(rest: string): UserinfoBounds {
  const end = firstDelimiter(rest, 0);
  const at = rest.lastIndexOf('@', end - 1);
  if (at !== -1) return { at, hostsEnd: firstDelimiter(rest, at + 1), mangled: false };
  // No '@' before the first delimiter. An '@' later that is not inside a `name=value`
  // value, or a "host:port" whose port is not a number, means the password contains '/',
  // '?' or '#' and was cut there.
  const tail = rest.slice(end);
  const laterAt = tail.indexOf('@');
  if (laterAt === -1) return { at: -1, hostsEnd: end, mangled: false };
  const authority = rest.slice(0, end);
  const colon = authority.lastIndexOf(':');
  const badPort = !authority.includes('[') && colon !== -1 && !/^\d*$/.test(authority.slice(colon + 1));
  const inValue = tail.slice(0, laterAt).includes('=');
  return { at: -1, hostsEnd: end, mangled: badPort || !inValue };
}

/** Schemes of the `impala://` form and what each implies. */
export const IMPALA_SCHEMES: Readonly<Record<string, { tls?: true; http?: true }>> = Object.freeze({
  impala: {},
  impalas: { tls: true },
  'impala+http': { http: true },
  'impala+https': { http: true, tls: true },
});

/** Parses `impala://`, `impalas://`, `impala+http://` and `impala+https://` URLs (see docs/configuration.md). */
export function parseImpalaUrl(text: string): ParsedConnectionString {
  const schemeEnd = text.indexOf('://');
  const scheme = text.slice(0, schemeEnd).toLowerCase();
  const rest = text.slice(schemeEnd + 3);
  const c = new OptionCollector('URL parameter', WHERE);
  const implied = IMPALA_SCHEMES[scheme] ?? {};
  if (implied.tls) c.set('tls', true, `${scheme}://`, `'${scheme}://'`);
  if (implied.http) c.set('protocol', 'hs2-http', `${scheme}://`, `'${scheme}://'`);

  const bounds = locateUserinfo(rest);
  if (bounds.mangled) {
    throw new ConfigError(
      ErrorCode.CONFIG_INVALID_URL,
      `the impala:// URL cannot be split into user:password@hosts/database?options; percent-encode '/', '?', '#' and '%' in the user name and password (e.g. / as %2F)`,
    );
  }
  if (bounds.at !== -1) {
    const userinfo = rest.slice(0, bounds.at);
    const colon = userinfo.indexOf(':');
    const user = decodePart(colon === -1 ? userinfo : userinfo.slice(0, colon), 'the user name', false);
    if (user !== '') c.set('user', user, 'user');
    if (colon !== -1) c.set('password', decodePart(userinfo.slice(colon + 1), 'the password', true), 'password');
  }

  const hostsText = rest.slice(bounds.at + 1, bounds.hostsEnd);
  if (hostsText !== '') c.set('coordinators', splitHostList(hostsText), 'host list', `'${hostsText}'`);

  let i = bounds.hostsEnd;
  if (rest[i] === '/') {
    const pathEnd = rest.slice(i).search(/[?#]/);
    const path = pathEnd === -1 ? rest.slice(i + 1) : rest.slice(i + 1, i + pathEnd);
    const database = decodePart(path, 'the database', false);
    if (database.includes('/')) {
      throw new ConfigError(ErrorCode.CONFIG_INVALID_URL, `unexpected '/' in the database part ${showValue(database)} ${WHERE}: expected /database?options`, 'database');
    }
    if (database !== '') c.set('database', database, 'path', `'/${database}'`);
    i = pathEnd === -1 ? rest.length : i + pathEnd;
  }
  if (rest[i] === '?') {
    const hash = rest.indexOf('#', i);
    const headers = parseQuery(rest.slice(i + 1, hash === -1 ? rest.length : hash), c);
    if (Object.keys(headers).length > 0) c.set('httpHeaders', headers, `${HTTP_HEADER_PREFIX}*`, `'${HTTP_HEADER_PREFIX}...'`);
    i = hash === -1 ? rest.length : hash;
  }
  if (i < rest.length) {
    throw new ConfigError(ErrorCode.CONFIG_INVALID_URL, `impala:// URLs have no '#fragment' part; percent-encode '#' as %23 where it belongs to a value`);
  }
  return finishParse('impala', c);
}

/** Reads the `?name=value&...` part; returns the `httpHeaders.<Name>` pairs for the caller to set at once. */
function parseQuery(query: string, c: OptionCollector): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const pair of query.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    if (eq === -1) {
      throw new ConfigError(ErrorCode.CONFIG_INVALID_URL, `URL parameter ${showValue(decodePart(pair, 'a parameter name', false))} ${WHERE} has no value; write name=value`);
    }
    // '+' stays a plus sign: this is RFC 3986 percent-encoding, not HTML form encoding.
    const name = decodePart(pair.slice(0, eq), 'a parameter name', false).trim();
    const option = optionForUrlName(name);
    const value = decodePart(pair.slice(eq + 1), `the value of '${name}'`, (option !== undefined && OPTION_SPECS[option].type.type === 'secret') || isSecretName(name));
    if (name.toLowerCase().startsWith(QUERY_OPTION_PREFIX.toLowerCase())) {
      c.setQueryOption(name.slice(QUERY_OPTION_PREFIX.length), value, name);
      continue;
    }
    if (name.toLowerCase().startsWith(HTTP_HEADER_PREFIX.toLowerCase())) {
      const header = name.slice(HTTP_HEADER_PREFIX.length);
      if (Object.keys(headers).some((h) => h.toLowerCase() === header.toLowerCase())) {
        throw new ConfigError(ErrorCode.CONFIG_CONFLICT, `HTTP header '${header}' is given twice ${WHERE} (names are case-insensitive)`, 'httpHeaders');
      }
      headers[header] = value;
      continue;
    }
    if (option === undefined || option === 'queryOptions') {
      if (KNOWN_QUERY_OPTIONS.has(name.toUpperCase())) {
        throw new ConfigError(
          ErrorCode.CONFIG_UNKNOWN_OPTION,
          `unknown URL parameter ${showValue(name)} ${WHERE}; '${name.toUpperCase()}' is an Impala query option: write ${QUERY_OPTION_PREFIX}${name.toUpperCase()}=${value}`,
          name,
        );
      }
      throw unknownName('URL parameter', name, WHERE, URL_PARAMETER_NAMES);
    }
    c.set(option, value, name);
  }
  return headers;
}
