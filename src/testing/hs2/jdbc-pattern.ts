import { StatusFailure } from './status';

/** A name filter built from a JDBC search pattern. */
export type NameMatcher = (name: string) => boolean;

/**
 * Impala's matcher for the JDBC search patterns of GetSchemas, GetTables,
 * GetColumns and GetFunctions (PatternMatcher.createJdbcPatternMatcher): `%` is
 * any run of characters and `_` any one character (`\%` and `\_` stand for
 * themselves); everything else is a Java regular expression, so `.*` matches
 * anything too, and the whole name must match, case-sensitively. A null or
 * empty pattern matches everything.
 *
 * @throws StatusFailure - when the result is not a valid regular expression (a bare `*`, say).
 */
export function jdbcPatternMatcher(pattern: string | null | undefined): NameMatcher {
  // Thrift reads unset optional fields as null.
  if (pattern === undefined || pattern === null || pattern === '') return () => true;
  // The same substitutions, in the same order, as Impala's.
  const regex = pattern
    .replace(/([^\\])%/g, '$1.*')
    .replace(/\\%/g, '%')
    .replace(/^%/, '.*')
    .replace(/([^\\])_/g, '$1.')
    .replace(/\\_/g, '_')
    .replace(/^_/, '.');
  let re: RegExp;
  try {
    re = new RegExp(`^(?:${regex})$`, 'u');
  } catch (err) {
    // Impala's frontend fails the RPC with Java's PatternSyntaxException.
    const detail = err instanceof Error ? err.message.replace(/^Invalid regular expression: /, '') : String(err);
    throw new StatusFailure(`PatternSyntaxException: ${detail}\n`);
  }
  return (name) => re.test(name);
}

/** Impala's MetadataOp.isEmptyPattern: null, empty or `%`. */
export function isEmptyPattern(pattern: string | null | undefined): boolean {
  return pattern === undefined || pattern === null || pattern === '' || pattern === '%';
}
