/**
 * A cursor over a statement's significant tokens, with the small vocabulary the
 * simulator's statement parsers need (keywords, identifiers, table names,
 * balanced parentheses) and Impala's `ParseException` on anything unexpected.
 *
 * @internal
 */
import { isSignificant, isSymbol, isWord, tokenize, LexError, type Token } from './sql-lexer';
import { syntaxError } from './sql-errors';

/** A possibly database-qualified table name, lower case as Impala stores names. */
export interface TableName {
  readonly db: string | undefined;
  readonly name: string;
}

/** A table name with its database resolved. */
export interface QualifiedName {
  readonly db: string;
  readonly name: string;
}

/** Resolves an unqualified name against the session database. */
export function qualify(table: TableName, database: string): QualifiedName {
  return { db: table.db ?? database, name: table.name };
}

/** Walks the significant tokens of one statement. */
export class TokenCursor {
  /** The statement text. */
  readonly sql: string;
  /** Every token, whitespace and comments included. */
  readonly all: readonly Token[];
  /** The significant tokens, each with its index in {@link all}. */
  readonly sig: readonly Token[];
  readonly #allIndex: readonly number[];
  #pos = 0;

  /**
   * Tokenizes `sql`; a trailing `;` is dropped and a second statement is refused,
   * as Impala takes one statement per request.
   *
   * @param replacements - tokens to hand out from {@link tokensBetween} in place of
   *   the tokens starting at these offsets; parsing ({@link sig}) sees the original.
   * @throws SimSqlError (`ParseException`) when the text cannot be tokenized.
   */
  constructor(sql: string, replacements?: ReadonlyMap<number, Token>) {
    this.sql = sql;
    let all: Token[];
    try {
      all = tokenize(sql);
    } catch (err) {
      if (err instanceof LexError) {
        throw syntaxError(sql, { kind: 'symbol', text: sql[err.offset] ?? '', value: '', start: err.offset, end: err.offset + 1 });
      }
      throw err;
    }
    const sig: Token[] = [];
    const allIndex: number[] = [];
    all.forEach((t, i) => {
      if (isSignificant(t)) {
        sig.push(t);
        allIndex.push(i);
      }
    });
    while (sig.length > 0 && isSymbol(sig[sig.length - 1], ';')) {
      sig.pop();
      allIndex.pop();
    }
    const semi = sig.findIndex((t) => isSymbol(t, ';'));
    if (semi >= 0) throw syntaxError(sql, sig[semi + 1] ?? sig[semi]);
    const kept = all.slice(0, allIndex.length > 0 ? (allIndex[allIndex.length - 1] as number) + 1 : 0);
    this.all = replacements === undefined ? kept : kept.map((t) => replacements.get(t.start) ?? t);
    this.sig = sig;
    this.#allIndex = allIndex;
  }

  /** Index of the current significant token. */
  get pos(): number {
    return this.#pos;
  }

  set pos(value: number) {
    this.#pos = value;
  }

  /** The significant token `offset` places ahead, or `undefined` past the end. */
  peek(offset = 0): Token | undefined {
    return this.sig[this.#pos + offset];
  }

  /** True when every significant token has been consumed. */
  atEnd(): boolean {
    return this.#pos >= this.sig.length;
  }

  /** Consumes and returns the current token. */
  next(): Token | undefined {
    const t = this.sig[this.#pos];
    if (t !== undefined) this.#pos++;
    return t;
  }

  /** True when the tokens ahead are exactly these keywords. */
  isWord(...keywords: string[]): boolean {
    return keywords.every((kw, i) => isWord(this.peek(i), kw));
  }

  /** Consumes the keywords if they are next, in order; otherwise consumes nothing. */
  acceptWord(...keywords: string[]): boolean {
    if (!this.isWord(...keywords)) return false;
    this.#pos += keywords.length;
    return true;
  }

  /** Consumes the keywords or fails with a `ParseException`. */
  expectWord(...keywords: string[]): void {
    keywords.forEach((kw, i) => {
      if (!isWord(this.peek(i), kw)) {
        this.#pos += i;
        this.fail([kw]);
      }
    });
    this.#pos += keywords.length;
  }

  /** True when the next token is this punctuation. */
  isSymbol(symbol: string, offset = 0): boolean {
    return isSymbol(this.peek(offset), symbol);
  }

  /** Consumes the punctuation if it is next. */
  acceptSymbol(symbol: string): boolean {
    if (!this.isSymbol(symbol)) return false;
    this.#pos++;
    return true;
  }

  /** Consumes the punctuation or fails with a `ParseException`. */
  expectSymbol(symbol: string): void {
    if (!this.acceptSymbol(symbol)) this.fail([symbol]);
  }

  /** Consumes an identifier (a word or a backtick-quoted name), lower-cased; `undefined` if none is next. */
  identifier(): string | undefined {
    const t = this.peek();
    if (t === undefined || (t.kind !== 'word' && t.kind !== 'ident')) return undefined;
    this.#pos++;
    return t.kind === 'word' ? t.text.toLowerCase() : t.value.toLowerCase();
  }

  /** Consumes an identifier or fails with a `ParseException`. */
  expectIdentifier(): string {
    const name = this.identifier();
    if (name === undefined) this.fail(['IDENTIFIER']);
    return name;
  }

  /** Consumes `[db.]name`. */
  tableName(): TableName {
    const first = this.expectIdentifier();
    if (!this.acceptSymbol('.')) return { db: undefined, name: first };
    return { db: first, name: this.expectIdentifier() };
  }

  /** Consumes a string literal and returns its value. */
  stringLiteral(): string {
    const t = this.peek();
    if (t?.kind !== 'string') this.fail(['STRING LITERAL']);
    this.#pos++;
    return t.value;
  }

  /**
   * Consumes a parenthesised group, nested groups included.
   *
   * @returns the significant-token indices just inside the parentheses, `[start, end)`.
   */
  balanced(): [number, number] {
    this.expectSymbol('(');
    const start = this.#pos;
    let depth = 1;
    while (depth > 0) {
      const t = this.next();
      if (t === undefined) this.fail([')']);
      if (isSymbol(t, '(')) depth++;
      else if (isSymbol(t, ')')) depth--;
    }
    return [start, this.#pos - 1];
  }

  /**
   * Splits the significant tokens `[start, end)` at top-level commas.
   *
   * @returns one `[start, end)` range per item.
   */
  splitTopLevel(start: number, end: number): Array<[number, number]> {
    const items: Array<[number, number]> = [];
    let depth = 0;
    let itemStart = start;
    for (let i = start; i < end; i++) {
      const t = this.sig[i];
      if (isSymbol(t, '(') || isSymbol(t, '<')) depth++;
      else if (isSymbol(t, ')') || isSymbol(t, '>')) depth--;
      else if (depth === 0 && isSymbol(t, ',')) {
        items.push([itemStart, i]);
        itemStart = i + 1;
      }
    }
    if (itemStart < end) items.push([itemStart, end]);
    return items;
  }

  /** Every token (whitespace included) from significant token `start` up to, not including, significant token `end`. */
  tokensBetween(start: number, end: number = this.sig.length): Token[] {
    if (start >= this.sig.length || start >= end) return [];
    const from = this.#allIndex[start] as number;
    const to = end >= this.sig.length ? this.all.length : (this.#allIndex[end] as number);
    return this.all.slice(from, to);
  }

  /** Source text of significant tokens `[start, end)`. */
  textBetween(start: number, end: number = this.sig.length): string {
    const first = this.sig[start];
    const last = this.sig[Math.min(end, this.sig.length) - 1];
    if (first === undefined || last === undefined || start >= end) return '';
    return this.sql.slice(first.start, last.end);
  }

  /** Fails unless every token has been consumed. */
  expectEnd(): void {
    if (!this.atEnd()) this.fail();
  }

  /** Throws Impala's `ParseException` at the current token. */
  fail(expected: readonly string[] = []): never {
    throw syntaxError(this.sql, this.peek(), expected);
  }
}
