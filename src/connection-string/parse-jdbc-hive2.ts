import { ConfigError, ErrorCode } from '../errors';
import { splitHostList } from './address';
import { suggestion } from './closest-match';
import { showValue } from './coerce';
import { JDBC_HIVE2_BY_NAME, JDBC_HIVE2_PROPERTIES } from './jdbc-hive2-properties';
import { OptionCollector } from './option-collector';
import { decodePart, finishParse, SECRET_HINT, type ParsedConnectionString } from './parsed-connection-string';
import { KNOWN_QUERY_OPTIONS, REMOVED_QUERY_OPTIONS } from './query-options';
import { isSecretName, optionForUrlName, URL_PARAMETER_NAMES } from './url-names';

const WHERE = 'in the jdbc:hive2 URL';
const PREFIX = 'jdbc:hive2://';

interface Pair {
  readonly name: string;
  readonly value: string;
  readonly afterSecret: string | undefined;
}

/**
 * Splits `name=value` pairs and percent-decodes both (Hive's driver reads these parts
 * through java.net.URI, which decodes them). `previousSecret` marks a pair that may be
 * the tail of a password cut at a delimiter, so its name is never echoed.
 */
function splitPairs(text: string, separators: RegExp, what: string, previousSecret: string | undefined): Pair[] {
  const pairs: Pair[] = [];
  let afterSecret = previousSecret;
  for (const chunk of text.split(separators)) {
    if (chunk.trim() === '') continue;
    const eq = chunk.indexOf('=');
    if (eq === -1) {
      const message = afterSecret
        ? `a ${what} after ${afterSecret} has no '=' ${WHERE}; ${SECRET_HINT}`
        : `${what} ${showValue(chunk.trim())} has no '=' ${WHERE}; write name=value`;
      throw new ConfigError(ErrorCode.CONFIG_INVALID_URL, message);
    }
    const name = decodePart(chunk.slice(0, eq), `a ${what} name`, afterSecret !== undefined).trim();
    const secret = isSecretName(name);
    const valueName = afterSecret ? `a value after ${afterSecret}` : `the value of '${name}'`;
    const value = decodePart(chunk.slice(eq + 1), valueName, secret || afterSecret !== undefined);
    pairs.push({ name, value: secret ? value : value.trim(), afterSecret });
    afterSecret = secret ? `'${name}'` : undefined;
  }
  return pairs;
}

/** Parses Apache Hive's `jdbc:hive2://h1:p1,h2:p2/db;sessionVars?hiveConfs#hiveVars`. */
export function parseJdbcHive2(text: string): ParsedConnectionString {
  let rest = text.slice(PREFIX.length);
  const c = new OptionCollector('property', WHERE);

  const hash = rest.indexOf('#');
  const hiveVars = hash === -1 ? '' : rest.slice(hash + 1);
  rest = hash === -1 ? rest : rest.slice(0, hash);
  const question = rest.indexOf('?');
  const hiveConfs = question === -1 ? '' : rest.slice(question + 1);
  rest = question === -1 ? rest : rest.slice(0, question);

  const hostsEnd = rest.search(/[/;]/);
  const hostsText = hostsEnd === -1 ? rest : rest.slice(0, hostsEnd);
  let path = hostsEnd === -1 ? '' : rest.slice(hostsEnd);
  if (path.startsWith('/')) path = path.slice(1);
  const semi = path.indexOf(';');
  const database = decodePart(semi === -1 ? path : path.slice(0, semi), 'the database', false).trim();
  const sessionVars = splitPairs(semi === -1 ? '' : path.slice(semi + 1), /;/, 'property', undefined);

  // Session variables first: serviceDiscoveryMode explains an odd host list better than the host check would.
  const headers: Record<string, string> = {};
  for (const pair of sessionVars) {
    if (pair.name.toLowerCase().startsWith('http.header.')) {
      const header = pair.name.slice('http.header.'.length);
      if (Object.keys(headers).some((h) => h.toLowerCase() === header.toLowerCase())) {
        throw new ConfigError(ErrorCode.CONFIG_CONFLICT, `HTTP header '${header}' is given twice ${WHERE} (names are case-insensitive)`, 'httpHeaders');
      }
      headers[header] = pair.value;
      continue;
    }
    applySessionVar(c, pair);
  }
  if (Object.keys(headers).length > 0) c.set('httpHeaders', headers, 'http.header.*', "'http.header...'");
  if (hostsText.includes('@')) {
    throw new ConfigError(ErrorCode.CONFIG_INVALID_URL, `jdbc:hive2 URLs take the user and password as ;user= and ;password= properties, not user@host; ${SECRET_HINT}`);
  }
  if (hostsText.trim() === '') {
    throw new ConfigError(ErrorCode.CONFIG_UNSUPPORTED, `jdbc:hive2:// without a host is Hive's embedded mode, which does not apply to Impala: name the coordinators, e.g. jdbc:hive2://host:21050/default`);
  }
  const hosts = splitHostList(hostsText);
  c.set('coordinators', hosts, 'host list', `'${hostsText}'`);
  if (hosts.some((h) => !/:\d+$/.test(h.trim()))) {
    c.warn(`a host ${WHERE} has no port: Hive's driver would use 10000, impala-ha uses Impala's default for the protocol (21050, or 28000 for http)`);
  }
  if (database !== '') c.set('database', database, 'database', `'/${database}'`);

  const lastSecret = sessionVars.length > 0 && isSecretName(sessionVars[sessionVars.length - 1]!.name) ? `'${sessionVars[sessionVars.length - 1]!.name}'` : undefined;
  for (const pair of splitPairs(hiveConfs, /[;&]/, 'Hive conf', lastSecret)) applyHiveConf(c, pair);
  const vars = hiveVars.split(';').filter((v) => v.trim() !== '').length;
  if (vars > 0) c.warn(`${vars} Hive variable(s) after '#' ${WHERE} are ignored: Impala ignores set:hivevar`);
  return finishParse('jdbc:hive2', c);
}

function applySessionVar(c: OptionCollector, { name, value, afterSecret }: Pair): void {
  const lower = name.toLowerCase();
  const property = JDBC_HIVE2_BY_NAME.get(lower);
  if (property) return property.apply(value, { collector: c, label: name });
  if (lower.startsWith('http.cookie.')) {
    return c.warn(`an HTTP cookie property ${WHERE} is ignored: cookies are managed by the client (auth and load-balancer cookies)`);
  }
  const option = optionForUrlName(name);
  if (option !== undefined && option !== 'queryOptions' && option !== 'coordinators') {
    return c.set(option, value, name);
  }
  if (afterSecret !== undefined) {
    throw new ConfigError(ErrorCode.CONFIG_UNKNOWN_OPTION, `unknown property after ${afterSecret} ${WHERE}; ${SECRET_HINT}`);
  }
  const upper = name.toUpperCase();
  if (KNOWN_QUERY_OPTIONS.has(upper) || REMOVED_QUERY_OPTIONS.has(upper)) {
    throw new ConfigError(
      ErrorCode.CONFIG_UNKNOWN_OPTION,
      `'${name}' ${WHERE} is an Impala query option, not a Hive session property: put it after '?', e.g. jdbc:hive2://host:21050/db;auth=noSasl?${upper}=...`,
      name,
    );
  }
  const candidates = [...JDBC_HIVE2_PROPERTIES.map((p) => p.name), ...URL_PARAMETER_NAMES];
  throw new ConfigError(ErrorCode.CONFIG_UNKNOWN_OPTION, `unknown property ${showValue(name)} ${WHERE}${suggestion(name, candidates)}`, name);
}

function applyHiveConf(c: OptionCollector, { name, value, afterSecret }: Pair): void {
  const lower = name.toLowerCase();
  if (lower === 'hive.server2.transport.mode' || lower === 'hive.server2.thrift.http.path') {
    return JDBC_HIVE2_BY_NAME.get(lower)!.apply(value, { collector: c, label: name });
  }
  const upper = name.toUpperCase();
  if (afterSecret !== undefined && !KNOWN_QUERY_OPTIONS.has(upper) && !REMOVED_QUERY_OPTIONS.has(upper)) {
    // Right after a password, an unknown name may be the rest of a password that
    // contained '?': ignore it and never echo it.
    return c.warn(`a Hive conf after ${afterSecret} ${WHERE} is ignored; ${SECRET_HINT}`);
  }
  if (name.includes('.')) return c.warn(`Hive conf '${name}' ${WHERE} is ignored: it is a Hive setting, not an Impala query option`);
  c.setQueryOption(name, value, name);
}
