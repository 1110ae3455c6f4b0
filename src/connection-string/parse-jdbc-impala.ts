import { ConfigError, ErrorCode } from '../errors';
import { splitHostList } from './address';
import { showValue } from './coerce';
import { OPTION_SPECS } from './defaults';
import { JDBC_IMPALA_BY_NAME, JDBC_IMPALA_PROPERTIES } from './jdbc-impala-properties';
import { OptionCollector } from './option-collector';
import { finishParse, SECRET_HINT, unknownName, type ParsedConnectionString } from './parsed-connection-string';
import { KNOWN_QUERY_OPTIONS, REMOVED_QUERY_OPTIONS } from './query-options';
import { isSecretName, optionForUrlName, URL_PARAMETER_NAMES } from './url-names';

const WHERE = 'in the jdbc:impala URL';
const PREFIX = 'jdbc:impala://';

/** One `name=value` chunk of a JDBC URL, with the property before it (for safe messages). */
export interface PropertyChunk {
  readonly name: string;
  readonly value: string;
  /** Set when the previous property held a secret: this chunk may be a piece of it. */
  readonly afterSecret: string | undefined;
}

/**
 * Splits `;`-separated properties. A value wrapped in braces may contain `;`
 * (`PWD={a;b}`), as in Cloudera's drivers. Values are taken literally: the Cloudera
 * driver does not percent-decode them, so neither do we.
 */
export function splitBracedProperties(text: string, where: string): PropertyChunk[] {
  const chunks: PropertyChunk[] = [];
  let afterSecret: string | undefined;
  let i = 0;
  while (i <= text.length) {
    let end = text.indexOf(';', i);
    const eq = text.indexOf('=', i);
    if (eq !== -1 && (end === -1 || eq < end) && text[eq + 1] === '{') {
      const close = text.indexOf('}', eq + 2);
      if (close === -1) {
        const named = afterSecret ? `a value after ${afterSecret}` : `the value of '${text.slice(i, eq).trim()}'`;
        throw new ConfigError(ErrorCode.CONFIG_INVALID_URL, `unclosed '{' in ${named} ${where}`);
      }
      end = text.indexOf(';', close);
    }
    const chunk = text.slice(i, end === -1 ? text.length : end);
    i = end === -1 ? text.length + 1 : end + 1;
    if (chunk.trim() === '') continue;
    const at = chunk.indexOf('=');
    if (at === -1) {
      const what = afterSecret ? `a property after ${afterSecret} has no '=' ${where}; ${SECRET_HINT}` : `property ${showValue(chunk.trim())} has no '=' ${where}; write name=value`;
      throw new ConfigError(ErrorCode.CONFIG_INVALID_URL, what);
    }
    const name = chunk.slice(0, at).trim();
    let value = chunk.slice(at + 1);
    const braced = value.startsWith('{') && value.trimEnd().endsWith('}');
    value = braced ? value.trimEnd().slice(1, -1) : value;
    chunks.push({ name, value, afterSecret });
    afterSecret = isSecretName(name) ? `'${name}'` : undefined;
  }
  return chunks;
}

/** Parses Cloudera's `jdbc:impala://host:port[,host:port][/db][;Prop=Value...]`. */
export function parseJdbcImpala(text: string): ParsedConnectionString {
  const rest = text.slice(PREFIX.length);
  const c = new OptionCollector('property', WHERE);
  const semi = rest.indexOf(';');
  const head = semi === -1 ? rest : rest.slice(0, semi);
  if (head.includes('@')) {
    throw new ConfigError(ErrorCode.CONFIG_INVALID_URL, `jdbc:impala URLs take the user and password as UID and PWD properties, not user@host; ${SECRET_HINT}`);
  }
  if (/[?#]/.test(head)) {
    throw new ConfigError(ErrorCode.CONFIG_INVALID_URL, `unexpected '?' or '#' ${WHERE}: properties follow ';', e.g. jdbc:impala://host:21050/db;AuthMech=3`);
  }
  const slash = head.indexOf('/');
  const hostsText = slash === -1 ? head : head.slice(0, slash);
  const database = slash === -1 ? '' : head.slice(slash + 1).trim();
  if (hostsText.trim() === '') throw new ConfigError(ErrorCode.CONFIG_INVALID_URL, `no host ${WHERE}: expected jdbc:impala://host:21050/database`);
  c.set('coordinators', splitHostList(hostsText), 'host list', `'${hostsText}'`);
  if (database !== '') c.set('database', database, 'schema', `'/${database}'`);

  const properties = semi === -1 ? [] : splitBracedProperties(rest.slice(semi + 1), WHERE);
  for (const { name, value, afterSecret } of properties) applyProperty(c, name, value, afterSecret);
  return finishParse('jdbc:impala', c);
}

function applyProperty(c: OptionCollector, name: string, rawValue: string, afterSecret: string | undefined): void {
  const lower = name.toLowerCase();
  const property = JDBC_IMPALA_BY_NAME.get(lower);
  // Credentials keep every character; other values are trimmed (URLs copied from Java
  // sources often carry line breaks between properties).
  const option = property ? undefined : optionForUrlName(name);
  const secret = property?.secret === true || (option !== undefined && (OPTION_SPECS[option].type.type === 'secret' || OPTION_SPECS[option].type.type === 'token'));
  const value = secret ? rawValue : rawValue.trim();
  if (property) return property.apply(value, { collector: c, label: name });
  if (option !== undefined && option !== 'queryOptions' && option !== 'coordinators') return c.set(option, value, name);
  const upper = name.toUpperCase();
  if (KNOWN_QUERY_OPTIONS.has(upper) || REMOVED_QUERY_OPTIONS.has(upper)) return c.setQueryOption(upper, value, name);
  throw unknownName('property', name, WHERE, [...JDBC_IMPALA_PROPERTIES.map((p) => p.name), ...URL_PARAMETER_NAMES, ...KNOWN_QUERY_OPTIONS], afterSecret);
}
