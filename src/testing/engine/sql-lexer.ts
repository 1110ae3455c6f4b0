/**
 * A lexer for Impala's SQL dialect, just deep enough for the simulator: it knows
 * quotes, comments, identifiers, numbers and punctuation, so the rewriter and the
 * statement parser never mistake text inside a string or a comment for SQL.
 *
 * Impala quoting (unlike standard SQL): `'...'` and `"..."` are both string
 * literals, with backslash escapes; identifiers are quoted with backticks.
 *
 * @internal
 */

/** What a token is. `ident` is a backtick-quoted identifier. */
export type TokenKind = 'word' | 'ident' | 'string' | 'number' | 'symbol' | 'space' | 'comment';

/** One lexical token of the statement text. */
export interface Token {
  readonly kind: TokenKind;
  /** The exact source text of the token. */
  readonly text: string;
  /**
   * Decoded value: for `string` the literal's characters with escapes resolved,
   * for `ident` the name inside the backticks, for `word` the upper-cased word,
   * otherwise the text.
   */
  readonly value: string;
  /** Offset of the first character in the statement, in UTF-16 code units. */
  readonly start: number;
  /** Offset just past the last character. */
  readonly end: number;
}

/** Thrown for text that cannot be split into tokens (an unterminated quote or comment). */
export class LexError extends Error {
  readonly offset: number;
  constructor(message: string, offset: number) {
    super(message);
    this.name = 'LexError';
    this.offset = offset;
  }
}

const MULTI_CHAR_SYMBOLS = ['<=>', '<=', '>=', '<>', '!=', '||', '::', '==', '&&'];
const WORD_START = /[\p{L}_]/u;
const WORD_PART = /[\p{L}\p{N}_$]/u;
const DIGIT = /[0-9]/;
const SPACE = /\s/;

// Impala resolves these escapes in both quote styles; `\%` and `\_` keep their
// backslash because they matter to LIKE patterns, any other `\x` is just `x`.
const ESCAPES: Readonly<Record<string, string>> = {
  n: '\n',
  t: '\t',
  r: '\r',
  b: '\b',
  '0': '\0',
  Z: '\x1a',
  '%': '\\%',
  _: '\\_',
};

/**
 * Splits a statement into tokens, whitespace and comments included, so that
 * concatenating every token's `text` gives the input back.
 *
 * @throws {@link LexError} for an unterminated string, identifier or comment.
 */
export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const push = (kind: TokenKind, end: number, value?: string): void => {
    const text = sql.slice(i, end);
    tokens.push({ kind, text, value: value ?? (kind === 'word' ? text.toUpperCase() : text), start: i, end });
    i = end;
  };
  while (i < sql.length) {
    const c = sql[i] as string;
    const next = sql[i + 1];
    if (SPACE.test(c)) {
      let j = i + 1;
      while (j < sql.length && SPACE.test(sql[j] as string)) j++;
      push('space', j);
    } else if (c === '-' && next === '-') {
      const eol = sql.indexOf('\n', i);
      push('comment', eol < 0 ? sql.length : eol);
    } else if (c === '/' && next === '*') {
      const close = sql.indexOf('*/', i + 2);
      if (close < 0) throw new LexError('Unterminated comment', i);
      push('comment', close + 2);
    } else if (c === "'" || c === '"') {
      const [value, end] = readString(sql, i);
      push('string', end, value);
    } else if (c === '`') {
      const close = sql.indexOf('`', i + 1);
      if (close < 0) throw new LexError('Unterminated quoted identifier', i);
      push('ident', close + 1, sql.slice(i + 1, close));
    } else if (DIGIT.test(c) || (c === '.' && next !== undefined && DIGIT.test(next))) {
      push('number', readNumber(sql, i));
    } else if (WORD_START.test(c)) {
      let j = i + 1;
      while (j < sql.length && WORD_PART.test(sql[j] as string)) j++;
      push('word', j);
    } else {
      const multi = MULTI_CHAR_SYMBOLS.find((s) => sql.startsWith(s, i));
      push('symbol', i + (multi?.length ?? 1));
    }
  }
  return tokens;
}

function readString(sql: string, start: number): [string, number] {
  const quote = sql[start];
  let value = '';
  let j = start + 1;
  while (j < sql.length) {
    const ch = sql[j] as string;
    if (ch === '\\' && j + 1 < sql.length) {
      const esc = sql[j + 1] as string;
      value += ESCAPES[esc] ?? esc;
      j += 2;
    } else if (ch === quote) {
      // A doubled quote inside the literal is one quote character (standard SQL habit).
      if (sql[j + 1] === quote) {
        value += quote;
        j += 2;
      } else {
        return [value, j + 1];
      }
    } else {
      value += ch;
      j++;
    }
  }
  throw new LexError('Unterminated string literal', start);
}

function readNumber(sql: string, start: number): number {
  let j = start;
  while (j < sql.length && DIGIT.test(sql[j] as string)) j++;
  if (sql[j] === '.') {
    j++;
    while (j < sql.length && DIGIT.test(sql[j] as string)) j++;
  }
  if ((sql[j] === 'e' || sql[j] === 'E') && /[0-9+-]/.test(sql[j + 1] ?? '')) {
    j += 2;
    while (j < sql.length && DIGIT.test(sql[j] as string)) j++;
  }
  return j;
}

/** True for tokens that carry meaning (not whitespace or comments). */
export function isSignificant(token: Token): boolean {
  return token.kind !== 'space' && token.kind !== 'comment';
}

/** True when the token is the given keyword (case-insensitive, `keyword` upper case). */
export function isWord(token: Token | undefined, keyword: string): boolean {
  return token !== undefined && token.kind === 'word' && token.value === keyword;
}

/** True when the token is the given punctuation. */
export function isSymbol(token: Token | undefined, symbol: string): boolean {
  return token !== undefined && token.kind === 'symbol' && token.text === symbol;
}

/** Renders a string as a DuckDB string literal. */
export function duckString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** Renders a name as a DuckDB quoted identifier. */
export function duckIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
