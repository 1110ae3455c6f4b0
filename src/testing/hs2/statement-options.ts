import { optionValueError } from '../engine/option-values';
import { invalidCacheSizeText } from './impala-messages';
import { StatusFailure } from './status';

/**
 * How the HS2 front end reads query options from OpenSession's configuration
 * and ExecuteStatement's confOverlay (protocol reference §2.5, §2.6), and the
 * idle timeouts they set.
 *
 * @internal
 */

/** confOverlay key enabling FETCH_FIRST; matched exactly, as Impala does. */
export const RESULT_CACHE_KEY = 'impala.resultset.cache.size';
/** confOverlay key of child queries (internal to Impala); matched exactly. */
const PARENT_QUERY_KEY = 'impala.parent_query_id';
const HIVECONF_PREFIX = 'set:hiveconf:';

/** A statement's confOverlay, checked. */
export interface StatementOverlay {
  /** Query options, keys upper case. */
  readonly options: Record<string, string>;
  /** `impala.resultset.cache.size`, when given (0 or less leaves caching off). */
  readonly cacheSize: number | undefined;
}

/**
 * Reads a confOverlay as Impala does before it registers the query, so failures
 * carry no `Query <id> failed:` wrapper: an unknown key is `Invalid query option:
 * <key>`, a refused value Impala's parse or range error, a cache size that is not
 * an integer `Invalid value '<v>' for 'impala.resultset.cache.size' option.`.
 *
 * @param known - option names (upper case) the engine has.
 */
export function readOverlay(conf: Readonly<Record<string, string>> | null | undefined, known: Readonly<Record<string, string>>): StatementOverlay {
  const options: Record<string, string> = {};
  let cacheSize: number | undefined;
  for (const [key, value] of Object.entries(conf ?? {})) {
    if (key === RESULT_CACHE_KEY) {
      if (!/^\s*[+-]?\d+\s*$/.test(value) || !Number.isSafeInteger(Number(value))) throw new StatusFailure(invalidCacheSizeText(value));
      cacheSize = Number(value);
      continue;
    }
    if (key === PARENT_QUERY_KEY) continue;
    const name = key.toUpperCase();
    // Unlike OpenSession, ExecuteStatement refuses unknown options and bad values (§2.6).
    if (!Object.hasOwn(known, name)) throw new StatusFailure(`Invalid query option: ${key}\n`);
    const error = optionValueError(name, value);
    if (error !== undefined) throw new StatusFailure(`${error}\n`);
    options[name] = value;
  }
  return { options, cacheSize };
}

/** OpenSession's configuration, read. */
export interface SessionConfiguration {
  /** `use:database`, lower case; `default` when not given. */
  readonly database: string;
  /** Session query options, keys upper case. */
  readonly options: Record<string, string>;
}

/**
 * Reads OpenSession's configuration as Impala does: `use:database` picks the
 * database, Hive JDBC's `set:hiveconf:` prefix is stripped, and every key that is
 * not a query option, or whose value the option refuses, is ignored silently
 * (§2.5).
 */
export function readSessionConfiguration(conf: Readonly<Record<string, string>> | null | undefined, known: Readonly<Record<string, string>>): SessionConfiguration {
  let database = 'default';
  const options: Record<string, string> = {};
  for (const [key, value] of Object.entries(conf ?? {})) {
    const lower = key.toLowerCase();
    if (lower === 'use:database') {
      if (value !== '') database = value.toLowerCase();
      continue;
    }
    const name = (lower.startsWith(HIVECONF_PREFIX) ? key.slice(HIVECONF_PREFIX.length) : key).toUpperCase();
    if (!Object.hasOwn(known, name) || value === '' || optionValueError(name, value) !== undefined) continue;
    options[name] = value;
  }
  return { database, options };
}

/** A non-negative whole number of seconds from an option value, in ms; undefined when unset or not one. */
function secondsOption(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '' || !/^\s*\+?\d+\s*$/.test(value)) return undefined;
  return Number(value) * 1000;
}

/** A session's idle timeout: IDLE_SESSION_TIMEOUT when set, else the coordinator's `--idle_session_timeout`; in ms. */
export function sessionIdleTimeoutMs(options: Readonly<Record<string, string>>, clusterDefaultMs: number): number {
  return secondsOption(options.IDLE_SESSION_TIMEOUT) ?? clusterDefaultMs;
}

/**
 * A query's idle timeout: QUERY_TIMEOUT_S (overlay, then session) when set and
 * not 0, capped by `--idle_query_timeout` when that is set; else the flag; in ms.
 */
export function queryIdleTimeoutMs(overlay: Readonly<Record<string, string>>, session: Readonly<Record<string, string>>, clusterDefaultMs: number): number {
  const option = secondsOption(overlay.QUERY_TIMEOUT_S) ?? secondsOption(session.QUERY_TIMEOUT_S) ?? 0;
  if (option <= 0) return clusterDefaultMs;
  return clusterDefaultMs > 0 ? Math.min(option, clusterDefaultMs) : option;
}
