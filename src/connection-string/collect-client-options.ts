import { ConfigError, ErrorCode } from '../errors';
import { suggestion } from './closest-match';
import { showValue } from './coerce';
import { OPTION_NAMES } from './defaults';
import { OptionCollector } from './option-collector';
import type { OptionName, ParsedOptions } from './options';
import { Secret } from './secret';

/** An options object read and checked, before any URL or default is merged in. */
export interface CollectedClientOptions {
  /** The options the object sets, normalised and frozen. */
  readonly options: ParsedOptions;
  /** Its `url` field, if any. */
  readonly url: string | undefined;
  /** Warnings found while reading it. */
  readonly warnings: readonly string[];
}

const OPTION_SET: ReadonlySet<string> = new Set(OPTION_NAMES);

/**
 * Reads an options object (a `ClientOptions`, or a `ResolvedOptions` handed back in):
 * every key must be an option name (exact spelling), `url`, or `warnings` (ignored, so a
 * resolved object can be resolved again). Undefined values count as not set.
 */
export function collectClientOptions(input: object): CollectedClientOptions {
  if (Array.isArray(input) || input instanceof Secret) {
    throw new ConfigError(ErrorCode.CONFIG_INVALID_VALUE, `expected a connection string or an options object, got ${showValue(input)}`);
  }
  const c = new OptionCollector('option', '');
  let url: string | undefined;
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined || key === 'warnings') continue;
    if (key === 'url') {
      if (typeof value !== 'string') throw new ConfigError(ErrorCode.CONFIG_INVALID_VALUE, `invalid value ${showValue(value)} for option 'url': expected a connection string`, 'url');
      url = value;
      continue;
    }
    if (!OPTION_SET.has(key)) {
      throw new ConfigError(ErrorCode.CONFIG_UNKNOWN_OPTION, `unknown option ${showValue(key)}${suggestion(key, [...OPTION_NAMES, 'url'])}`, key);
    }
    c.set(key as OptionName, value, key);
  }
  return { options: c.result(), url, warnings: c.warnings };
}

/**
 * Merges option layers, lowest precedence first: a later layer's value replaces an
 * earlier one, except `queryOptions`, which merge name by name.
 */
export function mergeLayers(...layers: readonly ParsedOptions[]): ParsedOptions {
  const out: Record<string, unknown> = {};
  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer)) {
      if (value === undefined) continue;
      out[key] = key === 'queryOptions' ? Object.freeze({ ...(out.queryOptions as object | undefined), ...(value as object) }) : value;
    }
  }
  return Object.freeze(out) as ParsedOptions;
}
