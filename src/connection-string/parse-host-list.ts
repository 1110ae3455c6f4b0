import { ConfigError, ErrorCode } from '../errors';
import { splitHostList } from './address';
import { OptionCollector } from './option-collector';
import { finishParse, type ParsedConnectionString } from './parsed-connection-string';

/** Characters that never appear in `host:port,host:port` but do in URLs. */
const URL_CHARACTERS = /[/?#;@=&\s]/;

/** True when the text can only be a bare host list (no scheme, no URL punctuation). */
export function looksLikeHostList(text: string): boolean {
  return !URL_CHARACTERS.test(text);
}

/** Parses a bare `host[:port][,host[:port]...]` list (IPv6 in brackets). */
export function parseHostList(text: string): ParsedConnectionString {
  if (!looksLikeHostList(text)) {
    throw new ConfigError(ErrorCode.CONFIG_INVALID_URL, 'not a host list: expected host:port[,host:port...]');
  }
  const c = new OptionCollector('part', 'in the host list');
  c.set('coordinators', splitHostList(text), 'host list', `'${text}'`);
  return finishParse('host-list', c);
}
