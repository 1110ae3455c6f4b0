import { ArgumentError } from '../../errors';

/**
 * Finds `?` placeholders the way Impala's lexer (fe/src/main/jflex/sql-scanner.flex)
 * splits a statement: a `?` inside a string literal, a backtick-quoted identifier or a
 * comment is text, anything else is a placeholder.
 *
 * Lexer rules mirrored here:
 * - `'...'` and `"..."` string literals and `` `...` `` identifiers, where a backslash
 *   escapes the next character (except a line break);
 * - `-- ...` comments to the end of the line and `/* ... *\/` comments (not nested);
 * - plan hints: `-- +...` and a one-line `/* +... *\/` are NOT comments for Impala,
 *   their content is lexed as SQL, so it is scanned here too.
 *
 * Constructs Impala would not lex as a whole (an unterminated literal, identifier or
 * comment, a backslash before a line break) are rejected rather than guessed at, so
 * binding can never disagree with Impala about where a literal starts or ends.
 *
 * @returns the offsets of the placeholders, in order.
 * @throws {@link ArgumentError} naming the construct and its offset.
 * @internal
 */
export function findPlaceholders(sql: string): number[] {
  const found: number[] = [];
  const n = sql.length;
  let i = 0;
  while (i < n) {
    const ch = sql.charCodeAt(i);
    switch (ch) {
      case 0x3f /* ? */:
        found.push(i);
        i++;
        break;
      case 0x27 /* ' */:
      case 0x22 /* " */:
      case 0x60 /* ` */:
        i = skipQuoted(sql, i);
        break;
      case 0x2d /* - */:
        i = sql.charCodeAt(i + 1) === 0x2d ? skipLineComment(sql, i) : i + 1;
        break;
      case 0x2f /* / */:
        i = sql.charCodeAt(i + 1) === 0x2a ? skipBlockComment(sql, i) : i + 1;
        break;
      default:
        i++;
    }
  }
  return found;
}

/** A backslash may not escape a line break: Impala's `.` in `\\.` stops there. */
function isLineBreak(ch: number): boolean {
  return ch === 0x0a || ch === 0x0d || ch === 0x0b || ch === 0x0c || ch === 0x85 || ch === 0x2028 || ch === 0x2029;
}

function skipQuoted(sql: string, start: number): number {
  const quote = sql.charCodeAt(start);
  const what = quote === 0x60 ? 'quoted identifier' : 'string literal';
  for (let i = start + 1; i < sql.length; i++) {
    const ch = sql.charCodeAt(i);
    if (ch === quote) return i + 1;
    if (ch === 0x5c /* \ */) {
      if (i + 1 >= sql.length) break;
      if (isLineBreak(sql.charCodeAt(i + 1))) {
        throw new ArgumentError(`the statement has a backslash before a line break inside the ${what} starting at offset ${start}, which Impala does not accept`);
      }
      i++;
    }
  }
  throw new ArgumentError(`the statement has an unterminated ${what} starting at offset ${start}`);
}

function skipLineComment(sql: string, start: number): number {
  // `-- +hint`: Impala lexes the rest of the line as SQL.
  if (isHintAfter(sql, start + 2)) return start + 2;
  for (let i = start + 2; i < sql.length; i++) {
    const ch = sql.charCodeAt(i);
    if (ch === 0x0a || ch === 0x0d) return i;
  }
  return sql.length;
}

/** True when the text at `from` is ` `* `+` (spaces only, then a plus). */
function isHintAfter(sql: string, from: number): boolean {
  let i = from;
  while (sql.charCodeAt(i) === 0x20) i++;
  return sql.charCodeAt(i) === 0x2b;
}

function skipBlockComment(sql: string, start: number): number {
  const end = sql.indexOf('*/', start + 2);
  if (end < 0) {
    // `/* +hint` without an end is still a hint start for Impala; anything else is not a comment.
    if (isHintAfter(sql, start + 2)) return start + 2;
    throw new ArgumentError(`the statement has an unterminated /* comment starting at offset ${start}`);
  }
  const body = sql.slice(start + 2, end);
  // A one-line `/* +... */` is a plan hint whose content Impala lexes as SQL.
  if (isHintAfter(body, 0) && !/[\r\n]/.test(body)) return start + 2;
  return end + 2;
}
