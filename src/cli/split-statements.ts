/**
 * Splits a script into statements at `;` outside string literals, quoted identifiers
 * and comments, as impala-shell does for `-q` and `-f`. Empty statements (and ones
 * made only of comments) are dropped; each statement keeps its comments.
 */
export function splitStatements(script: string): string[] {
  const out: string[] = [];
  let start = 0;
  let i = 0;
  const n = script.length;
  while (i < n) {
    const c = script[i]!;
    if (c === "'" || c === '"' || c === '`') {
      i = skipQuoted(script, i, c);
    } else if (c === '-' && script[i + 1] === '-') {
      const end = script.indexOf('\n', i);
      i = end === -1 ? n : end + 1;
    } else if (c === '/' && script[i + 1] === '*') {
      const end = script.indexOf('*/', i + 2);
      i = end === -1 ? n : end + 2;
    } else if (c === ';') {
      push(out, script.slice(start, i));
      start = ++i;
    } else {
      i++;
    }
  }
  push(out, script.slice(start));
  return out;
}

/** Index just past the literal opened at `i` (backslash escapes, as Impala reads them). */
function skipQuoted(s: string, i: number, quote: string): number {
  let j = i + 1;
  while (j < s.length) {
    if (s[j] === '\\' && quote !== '`') j += 2;
    else if (s[j] === quote) return j + 1;
    else j++;
  }
  return s.length;
}

function push(out: string[], statement: string): void {
  const text = statement.trim();
  if (stripComments(text).trim() !== '') out.push(text);
}

function stripComments(s: string): string {
  return s.replace(/--[^\n]*/g, '').replace(/\/\*[\s\S]*?\*\//g, '');
}
