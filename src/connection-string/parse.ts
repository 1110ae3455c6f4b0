import { ConfigError, ErrorCode } from '../errors';
import { suggestion } from './closest-match';
import { showValue } from './coerce';
import { looksLikeHostList, parseHostList } from './parse-host-list';
import { parseImpalaUrl } from './parse-impala-url';
import { parseJdbcHive2 } from './parse-jdbc-hive2';
import { parseJdbcImpala } from './parse-jdbc-impala';
import type { ParsedConnectionString } from './parsed-connection-string';

/** Accepted forms, for error messages. */
export const ACCEPTED_FORMS =
  'impala://[user[:password]@]host[:port][,host[:port]...][/database][?option=value&...], impalas://..., impala+http://..., impala+https://..., ' +
  'jdbc:impala://host:port[/database][;Property=Value...], jdbc:hive2://host:port[,host:port]/database[;property=value][?conf=value][#var=value], ' +
  'or host[:port][,host[:port]...]';

const SCHEMES = ['impala://', 'impalas://', 'impala+http://', 'impala+https://', 'jdbc:impala://', 'jdbc:hive2://'];

/**
 * Reads one connection string in any accepted form and returns the options it sets
 * (normalised, not merged with defaults) and its warnings. Throws only
 * {@link ConfigError}: CONFIG_INVALID_URL for syntax, CONFIG_UNKNOWN_OPTION (naming the
 * closest valid name), CONFIG_INVALID_VALUE, CONFIG_CONFLICT, CONFIG_UNSUPPORTED.
 * Messages never contain the password.
 *
 * @example parseConnectionString('impala://alice:s3cret@h1,h2:21051/sales?balance=p2c')
 */
export function parseConnectionString(input: string): ParsedConnectionString {
  if (typeof input !== 'string') {
    throw new ConfigError(ErrorCode.CONFIG_INVALID_URL, `a connection string must be a string, got ${showValue(input)}`);
  }
  const text = input.trim();
  if (text === '') throw new ConfigError(ErrorCode.CONFIG_INVALID_URL, `the connection string is empty; expected ${ACCEPTED_FORMS}`);
  const lower = text.toLowerCase();
  if (lower.startsWith('impala://') || lower.startsWith('impalas://') || lower.startsWith('impala+http://') || lower.startsWith('impala+https://')) return parseImpalaUrl(text);
  if (lower.startsWith('jdbc:impala://')) return parseJdbcImpala(text);
  if (lower.startsWith('jdbc:hive2://')) return parseJdbcHive2(text);
  // A scheme, or a JDBC/impala prefix missing its '//' ('impala:21050' is a host named impala).
  const scheme = /^[a-z][a-z0-9+.-]*(?::[a-z][a-z0-9+.-]*)?:\/\//i.exec(text) ?? /^(?:jdbc:[a-z][a-z0-9+.-]*:?|impalas?:(?!\d))/i.exec(text);
  if (scheme) {
    const written = scheme[0];
    throw new ConfigError(
      ErrorCode.CONFIG_INVALID_URL,
      `unsupported connection string scheme ${showValue(written)}${suggestion(written, SCHEMES)}; accepted: ${ACCEPTED_FORMS}`,
    );
  }
  if (looksLikeHostList(text)) return parseHostList(text);
  // Do not echo the text: without a scheme we cannot tell where a password would be.
  throw new ConfigError(ErrorCode.CONFIG_INVALID_URL, `the connection string is not in a form impala-ha reads; expected ${ACCEPTED_FORMS}`);
}
