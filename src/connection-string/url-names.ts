import { OPTION_NAMES, OPTION_SPECS } from './defaults';
import type { OptionName } from './options';

const BY_LOWER_NAME: ReadonlyMap<string, OptionName> = new Map(
  OPTION_NAMES.filter((n) => OPTION_SPECS[n].inUrl).flatMap((n) => [n, ...OPTION_SPECS[n].aliases].map((a) => [a.toLowerCase(), n] as const)),
);

/** Prefix of session query options in `impala://` URLs: `queryOptions.MEM_LIMIT=2g`. */
export const QUERY_OPTION_PREFIX = 'queryOptions.';

/** Prefix of extra HTTP headers in `impala://` URLs: `httpHeaders.X-Gateway=abc` (values treated as secrets). */
export const HTTP_HEADER_PREFIX = 'httpHeaders.';

/**
 * The option a URL parameter or JDBC property names (its own name or an alias), matched
 * case-insensitively; undefined when it names none.
 */
export function optionForUrlName(name: string): OptionName | undefined {
  return BY_LOWER_NAME.get(name.toLowerCase());
}

/** Every name accepted as a URL parameter (options and aliases), for "did you mean". */
export const URL_PARAMETER_NAMES: readonly string[] = Object.freeze(
  OPTION_NAMES.filter((n) => OPTION_SPECS[n].inUrl).flatMap((n) => [n, ...OPTION_SPECS[n].aliases]),
);

/**
 * Property and parameter names whose values are credentials. Redaction masks their
 * values and messages never show them, in every URL form.
 */
export function isSecretName(name: string): boolean {
  return /pwd|passw|passphrase|secret|token|jwt|authorization|cookie\.|credential|^(tls|ssl|client)_?key$|^httpheaders\.|^http\.header\./i.test(name);
}
