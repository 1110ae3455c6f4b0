/** Statements that only read, by their first keyword (`WITH` is left out: Impala allows `WITH ... INSERT`). */
const READ_ONLY = new Set(['SELECT', 'VALUES', 'SHOW', 'DESCRIBE', 'DESC', 'EXPLAIN']);

/**
 * The statement's first keyword, upper-cased, after whitespace, comments (`-- ...`
 * and `/* ... *\/`) and opening parentheses; `''` when it does not start with a word.
 *
 * @internal
 */
export function leadingKeyword(sql: string): string {
  const n = sql.length;
  let i = 0;
  while (i < n) {
    const ch = sql[i]!;
    if (ch === '-' && sql[i + 1] === '-') {
      const nl = sql.indexOf('\n', i);
      if (nl < 0) return '';
      i = nl + 1;
    } else if (ch === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      if (end < 0) return '';
      i = end + 2;
    } else if (ch === '(' || /\s/.test(ch)) {
      i++;
    } else {
      break;
    }
  }
  let j = i;
  while (j < n && /[A-Za-z]/.test(sql[j]!)) j++;
  return sql.slice(i, j).toUpperCase();
}

/**
 * Whether a statement certainly only reads (SELECT, VALUES, SHOW, DESCRIBE, EXPLAIN),
 * judged by its first keyword. False when in doubt.
 *
 * @internal
 */
export function isReadOnlyStatement(sql: string): boolean {
  return READ_ONLY.has(leadingKeyword(sql));
}
