import { ArgumentError } from '../../errors';
import { findPlaceholders } from './placeholder-scanner';
import { toSqlLiteral } from './sql-literal';

// A character next to which a substituted value could merge into one token
// (`a?` + 5 → `a5`, `??` + 1, 2 → `12`): the value is then set apart by spaces.
const JOINS = /[\p{L}\p{N}_$.?'"`]/u;

/**
 * Replaces each `?` placeholder in `sql` with the SQL literal for the parameter at the
 * same index (see {@link toSqlLiteral} for the encoding of each type). Impala has no
 * server-side parameters, so values are inlined; each becomes one self-contained
 * literal or expression, so a value can never change the statement's structure.
 *
 * A `?` inside a string literal, a backtick-quoted identifier or a comment is left
 * alone; plan hints (`/* +... *\/`, `-- +...`) are SQL to Impala and are scanned.
 *
 * @throws {@link ArgumentError} when the number of placeholders and parameters
 * differ (both counts are in the message), when a parameter has an unsupported type
 * (its index and the accepted types are named), or when the statement has an
 * unterminated literal, identifier or comment.
 */
export function bindParams(sql: string, params: readonly unknown[]): string {
  if (typeof sql !== 'string') throw new ArgumentError(`the statement must be a string, got ${sql === null ? 'null' : typeof sql}`);
  if (!Array.isArray(params)) throw new ArgumentError(`params must be an array, got ${params === null ? 'null' : typeof params}`);
  const offsets = findPlaceholders(sql);
  if (offsets.length !== params.length) {
    throw new ArgumentError(
      `the statement has ${offsets.length} ? placeholder${offsets.length === 1 ? '' : 's'} but ${params.length} parameter${params.length === 1 ? ' was' : 's were'} given`,
    );
  }
  if (offsets.length === 0) return sql;
  let out = '';
  let from = 0;
  for (let k = 0; k < offsets.length; k++) {
    const at = offsets[k]!;
    const literal = toSqlLiteral(params[k], k);
    const before = at > 0 && JOINS.test(sql[at - 1]!) ? ' ' : '';
    const after = at + 1 < sql.length && JOINS.test(sql[at + 1]!) ? ' ' : '';
    out += sql.slice(from, at) + before + literal + after;
    from = at + 1;
  }
  return out + sql.slice(from);
}
