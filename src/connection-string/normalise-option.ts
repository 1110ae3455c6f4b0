import { httpHeaderProblem } from '../connection/http-options';
import { ConfigError, ErrorCode } from '../errors';
import { normaliseAddress, normaliseHostName, splitHostList } from './address';
import { suggestion } from './closest-match';
import { isWellFormed, MAX_TIMER_MS, parseBoolean, parseDecimal, parseDuration, parseInteger, showValue } from './coerce';
import { OPTION_SPECS } from './defaults';
import type { TextCheck } from './option-spec';
import type { OptionName, ResolvedOptions } from './options';
import { KNOWN_QUERY_OPTIONS, queryOptionStatus } from './query-options';
import { Secret } from './secret';

/** Where warnings found while reading a value go. */
export interface WarningSink {
  warn(message: string): void;
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;
const TEXT_RULES: Readonly<Record<TextCheck, { readonly test: (v: string) => boolean; readonly expected: string }>> = {
  database: { test: (v) => /^[A-Za-z0-9_]{1,128}$/.test(v), expected: 'a database name of letters, digits and underscores (at most 128)' },
  httpPath: { test: (v) => /^[A-Za-z0-9._~!$&'()*+,;=:@%/-]{0,1024}$/.test(v), expected: 'a URL path such as cliservice (no spaces)' },
  user: { test: (v) => v.length > 0 && v.length <= 1024 && !CONTROL.test(v), expected: 'a non-empty user name without control characters' },
  serviceName: { test: (v) => /^[A-Za-z0-9._-]{1,255}$/.test(v), expected: 'a Kerberos service name such as impala' },
  kerberosHost: { test: () => true, expected: "a host name, or _HOST for each coordinator's own host" },
  realm: { test: (v) => /^[^\s/@]{1,255}$/.test(v), expected: 'a Kerberos realm such as EXAMPLE.COM' },
  path: { test: (v) => v.length > 0 && !CONTROL.test(v), expected: 'a file path' },
  pem: { test: (v) => isPemText(v) || (v.length > 0 && !CONTROL.test(v)), expected: 'a file path, or PEM text starting with -----BEGIN' },
  hostName: { test: () => true, expected: 'a host name' },
  label: { test: (v) => v.length > 0 && v.length <= 256 && !CONTROL.test(v), expected: 'non-empty text without control characters (at most 256)' },
};

/** Whether an option value is PEM text itself rather than the path of a PEM file. */
export function isPemText(value: string): boolean {
  return value.trimStart().startsWith('-----BEGIN');
}

function invalidValue(name: OptionName, raw: unknown, source: string, expected: string): ConfigError {
  const kind = OPTION_SPECS[name].type.type;
  const shown = kind === 'secret' || kind === 'token' || kind === 'headers' ? '' : ` ${showValue(raw)}`;
  return new ConfigError(ErrorCode.CONFIG_INVALID_VALUE, `invalid value${shown} for ${source}: expected ${expected}`, name);
}

function durationText(min: number, zero: string | undefined): string {
  const zeroText = zero ? ` (0 = ${zero})` : '';
  return `a duration in milliseconds from ${min} to ${MAX_TIMER_MS}${zeroText}: a number, or text with a unit such as '500ms', '30s', '2m', '1h'`;
}

function normaliseText(name: OptionName, check: TextCheck, raw: unknown, source: string): string {
  if (typeof raw !== 'string' || !isWellFormed(raw)) throw invalidValue(name, raw, source, TEXT_RULES[check].expected);
  let value = check === 'user' || check === 'label' || check === 'path' || check === 'pem' ? raw : raw.trim();
  if (check === 'httpPath') value = value.replace(/^\/+/, '');
  if (check === 'kerberosHost') {
    if (value.toUpperCase() === '_HOST') return '_HOST';
    return normaliseHostOrThrow(name, value, source);
  }
  if (check === 'hostName') return normaliseHostOrThrow(name, value, source);
  if (!TEXT_RULES[check].test(value)) throw invalidValue(name, raw, source, TEXT_RULES[check].expected);
  return value;
}

function normaliseHostOrThrow(name: OptionName, value: string, source: string): string {
  try {
    return normaliseHostName(value);
  } catch {
    throw invalidValue(name, value, source, TEXT_RULES.hostName.expected);
  }
}

function normaliseHosts(raw: unknown, source: string): readonly string[] {
  const list = typeof raw === 'string' ? splitHostList(raw) : raw;
  if (!Array.isArray(list) || !list.every((h): h is string => typeof h === 'string')) {
    throw invalidValue('coordinators', raw, source, "an array of 'host[:port]' strings or a comma-separated list");
  }
  if (list.length === 0) throw invalidValue('coordinators', raw, source, 'at least one coordinator');
  return Object.freeze(list.map((h) => normaliseAddress(h)));
}

/** Upper-cases and checks one query option name; warns about names Impala will not honour. */
export function normaliseQueryOptionName(key: string, source: string, sink: WarningSink): string {
  const name = key.trim().toUpperCase();
  if (!/^[A-Z_][A-Z0-9_.:-]{0,127}$/.test(name)) {
    throw new ConfigError(
      ErrorCode.CONFIG_INVALID_VALUE,
      `invalid query option name ${showValue(key)} in ${source}: expected letters, digits and underscores, like MEM_LIMIT`,
      'queryOptions',
    );
  }
  const status = queryOptionStatus(name);
  if (status === 'removed') sink.warn(`query option '${name}' was removed from Impala and has no effect`);
  if (status === 'unknown') {
    sink.warn(
      `query option '${name}' is not one this client knows${suggestion(name, KNOWN_QUERY_OPTIONS)}; it is sent as given, and Impala ignores names it does not know`,
    );
  }
  return name;
}

/** Turns one query option value into the string Impala receives. */
export function normaliseQueryOptionValue(name: string, raw: unknown, source: string): string {
  if (typeof raw === 'string' && isWellFormed(raw)) return raw;
  if (typeof raw === 'boolean') return raw ? 'true' : 'false';
  if (typeof raw === 'number' && Number.isFinite(raw)) return String(raw);
  throw new ConfigError(
    ErrorCode.CONFIG_INVALID_VALUE,
    `invalid value ${showValue(raw)} for query option '${name}' in ${source}: expected a string (valid Unicode), number or boolean`,
    'queryOptions',
  );
}

/** HTTP headers by name; values are never shown in messages. Undefined for an empty object. */
function normaliseHeaders(name: OptionName, raw: unknown, source: string): Readonly<Record<string, string>> | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw) || raw instanceof Secret) {
    throw invalidValue(name, raw, source, "an object of header name → value, e.g. { 'X-Gateway-Key': '...' }");
  }
  const out: Record<string, string> = {};
  const seen = new Set<string>();
  for (const [header, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    const problem = httpHeaderProblem(header, value);
    if (problem !== undefined) throw new ConfigError(ErrorCode.CONFIG_INVALID_VALUE, `invalid HTTP header in ${source}: ${problem}`, name);
    if (seen.has(header.toLowerCase())) throw new ConfigError(ErrorCode.CONFIG_CONFLICT, `HTTP header '${header}' is given twice in ${source} (names are case-insensitive)`, name);
    seen.add(header.toLowerCase());
    out[header] = value as string;
  }
  if (Object.keys(out).length === 0) return undefined;
  // Values may be keys: printing or serialising the options shows the names only.
  const masked = (): Record<string, string> => Object.fromEntries(Object.keys(out).map((k) => [k, '***']));
  Object.defineProperty(out, Symbol.for('nodejs.util.inspect.custom'), { value: masked, enumerable: false });
  Object.defineProperty(out, 'toJSON', { value: masked, enumerable: false });
  return Object.freeze(out);
}

/** Returns undefined for an empty object: with name-by-name merging it sets nothing. */
function normaliseQueryOptions(raw: unknown, source: string, sink: WarningSink): Readonly<Record<string, string>> | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw) || raw instanceof Secret) {
    throw invalidValue('queryOptions', raw, source, "an object of query options, e.g. { MEM_LIMIT: '2g' }");
  }
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    const name = normaliseQueryOptionName(key, source, sink);
    if (name in out) {
      throw new ConfigError(ErrorCode.CONFIG_CONFLICT, `query option '${name}' is given twice in ${source} (names are case-insensitive)`, 'queryOptions');
    }
    out[name] = normaliseQueryOptionValue(name, value, source);
  }
  return Object.keys(out).length === 0 ? undefined : Object.freeze(out);
}

/**
 * Checks and converts one option value from any source (URL text or an options object).
 * Returns undefined for "not set" (an empty password). Throws a {@link ConfigError}
 * CONFIG_INVALID_VALUE naming `source`, the value (never a password) and what is accepted.
 *
 * @param source How the user wrote it, for messages: `option 'fetchSize'`, `URL parameter 'fetch_size'`...
 */
export function normaliseOption<K extends OptionName>(name: K, raw: unknown, source: string, sink: WarningSink): ResolvedOptions[K] | undefined {
  return normaliseAny(name, raw, source, sink) as ResolvedOptions[K] | undefined;
}

function normaliseAny(name: OptionName, raw: unknown, source: string, sink: WarningSink): unknown {
  const t = OPTION_SPECS[name].type;
  switch (t.type) {
    case 'duration': {
      const v = parseDuration(raw);
      if (v === undefined || v < t.min || v > t.max) throw invalidValue(name, raw, source, durationText(t.min, t.zero));
      return v;
    }
    case 'integer': {
      const v = parseInteger(raw);
      if (v === undefined || v < t.min || v > t.max) throw invalidValue(name, raw, source, `a whole number from ${t.min} to ${t.max}`);
      return v;
    }
    case 'decimal': {
      const v = parseDecimal(raw);
      if (v === undefined || v < t.min || v > t.max) throw invalidValue(name, raw, source, `a number from ${t.min} to ${t.max}`);
      return v;
    }
    case 'boolean': {
      const v = parseBoolean(raw);
      if (v === undefined) throw invalidValue(name, raw, source, 'true or false (also 1/0, yes/no, on/off)');
      return v;
    }
    case 'enum': {
      const word = typeof raw === 'string' ? raw.trim().toLowerCase() : undefined;
      const v = word === undefined ? undefined : (t.aliases?.[word] ?? t.values.find((x) => x === word));
      if (v === undefined) throw invalidValue(name, raw, source, `one of ${t.values.map((x) => `'${x}'`).join(', ')}`);
      return v;
    }
    case 'secret': {
      if (!(raw instanceof Secret) && typeof raw !== 'string') throw invalidValue(name, raw, source, 'a string or a Secret (value not shown)');
      const secret = Secret.from(raw);
      if (secret.reveal() === '') return undefined;
      if (secret.reveal().includes('\u0000')) throw invalidValue(name, raw, source, 'a password without NUL characters, which SASL PLAIN cannot carry (value not shown)');
      if (!isWellFormed(secret.reveal())) throw invalidValue(name, raw, source, 'a password of valid Unicode text (value not shown)');
      return secret;
    }
    case 'token': {
      if (typeof raw === 'function') return raw;
      if (!(raw instanceof Secret) && typeof raw !== 'string') throw invalidValue(name, raw, source, 'a string, a Secret or a function returning the token (value not shown)');
      const secret = Secret.from(raw);
      if (secret.reveal() === '') return undefined;
      if (/[\s]/.test(secret.reveal()) || !isWellFormed(secret.reveal())) throw invalidValue(name, raw, source, 'a token without spaces or line breaks (value not shown)');
      return secret;
    }
    case 'headers':
      return normaliseHeaders(name, raw, source);
    case 'hosts':
      return normaliseHosts(raw, source);
    case 'queryOptions':
      return normaliseQueryOptions(raw, source, sink);
    case 'text':
      return normaliseText(name, t.check, raw, source);
  }
}
