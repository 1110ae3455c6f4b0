import { ConfigError, ErrorCode } from '../errors';
import { suggestion } from './closest-match';
import { showValue } from './coerce';
import type { OptionCollector } from './option-collector';
import type { AuthMechanism, ParsedOptions } from './options';

/** Which syntax a connection string used. */
export type ConnectionStringForm = 'impala' | 'jdbc:impala' | 'jdbc:hive2' | 'host-list';

/** What one connection string says: only the options it sets, plus what it ignored. */
export interface ParsedConnectionString {
  /** The syntax recognised. */
  readonly form: ConnectionStringForm;
  /** Normalised options the string sets (frozen). Coordinators may lack a port. */
  readonly options: ParsedOptions;
  /** Properties accepted but ignored, and other notes (never contain a password). Frozen. */
  readonly warnings: readonly string[];
}

const SENDS_NO_PASSWORD: Readonly<Record<AuthMechanism, string | undefined>> = {
  nosasl: 'uses no authentication',
  plain: 'sends a user name only',
  gssapi: 'uses Kerberos',
  jwt: 'uses a bearer token',
  ldap: undefined,
};

/**
 * Refuses a source that both picks an authentication that sends no password and gives a
 * password (`AuthMech=0;PWD=...`, `auth=noSasl;password=...`): the password would be
 * dropped silently.
 */
export function checkAuthAgainstPassword(collector: OptionCollector): void {
  const auth = collector.get('auth') as AuthMechanism | undefined;
  if (auth === undefined || !collector.has('password')) return;
  const why = SENDS_NO_PASSWORD[auth];
  if (why === undefined) return;
  throw new ConfigError(
    ErrorCode.CONFIG_CONFLICT,
    `${collector.shownAs('auth')} ${why}, but ${collector.shownAs('password')} gives a password${collector.where ? ` ${collector.where}` : ''}; ` +
      `use LDAP authentication (auth=ldap, JDBC AuthMech=3) to send it, or remove it`,
    'auth',
  );
}

/** Freezes a parse result after the checks every form shares. */
export function finishParse(form: ConnectionStringForm, collector: OptionCollector): ParsedConnectionString {
  checkAuthAgainstPassword(collector);
  return Object.freeze({ form, options: collector.result(), warnings: Object.freeze([...collector.warnings]) });
}

/**
 * Percent-decodes one URL part. `what` names it in the error; the text itself is shown
 * only when `secret` is false.
 */
export function decodePart(text: string, what: string, secret: boolean): string {
  if (!text.includes('%')) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    const shown = secret ? '' : ` ${showValue(text)}`;
    throw new ConfigError(
      ErrorCode.CONFIG_INVALID_URL,
      `invalid percent-encoding in ${what}${shown}: write '%' as %25 and use %XX for reserved characters`,
    );
  }
}

/** CONFIG_UNKNOWN_OPTION naming the closest valid name (or, when `hidden`, not echoing the name). */
export function unknownName(kind: string, name: string, where: string, candidates: Iterable<string>, hidden?: string): ConfigError {
  if (hidden !== undefined) {
    return new ConfigError(ErrorCode.CONFIG_UNKNOWN_OPTION, `unknown ${kind} after ${hidden} ${where}; ${SECRET_HINT}`);
  }
  return new ConfigError(ErrorCode.CONFIG_UNKNOWN_OPTION, `unknown ${kind} ${showValue(name)} ${where}${suggestion(name, candidates)}`, name);
}

/** Advice given when a secret value seems to have swallowed or spilled into a delimiter. */
export const SECRET_HINT =
  "if the password contains reserved characters (';', '?', '#', '&', '/', '%'), percent-encode them in impala:// and jdbc:hive2 URLs, or wrap the value in braces in jdbc:impala URLs (PWD={...})";
