import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { ErrorCode, ImpalaError } from '../../../src/errors';
import { asBinary, bindParams, toSqlLiteral } from '../../../src/protocol/sql';
import { impalaStringValue, lexImpala, type Token } from './impala-lexer';

function argumentError(err: unknown, pattern: RegExp): boolean {
  assert.ok(err instanceof ImpalaError, `expected an ImpalaError, got ${String(err)}`);
  assert.equal(err.code, ErrorCode.INVALID_ARGUMENT);
  assert.match(err.message, pattern);
  return true;
}

const kinds = (tokens: Token[]): string[] => tokens.map((t) => (t.kind === 'OP' || t.kind === 'IDENT' ? `${t.kind}:${t.text.toLowerCase()}` : t.kind));

describe('bindParams', () => {
  describe('encoding', () => {
    it('encodes each supported type as an Impala literal', () => {
      const when = new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 678));
      const sql = bindParams('SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?', [
        'it\'s "x"',
        42,
        -1.5,
        9223372036854775807n,
        -9223372036854775808n,
        true,
        false,
        null,
        undefined,
        when,
        Buffer.from([0, 0xff, 0x10]),
        asBinary(Buffer.from('ab')),
      ]);
      assert.equal(
        sql,
        "SELECT 'it\\'s \\\"x\\\"', 42, (-1.5), 9223372036854775807, (-9223372036854775808), TRUE, FALSE, NULL, NULL, " +
          "CAST('2024-01-02 03:04:05.678' AS TIMESTAMP), unhex('00ff10'), CAST(unhex('6162') AS BINARY)",
      );
    });

    it('encodes NaN and infinities as casts Impala understands', () => {
      assert.equal(bindParams('SELECT ?, ?, ?', [NaN, Infinity, -Infinity]), "SELECT CAST('nan' AS DOUBLE), CAST('inf' AS DOUBLE), CAST('-inf' AS DOUBLE)");
    });

    it('escapes backslashes, quotes, line breaks, tabs and NUL', () => {
      assert.equal(toSqlLiteral('a\\b\'c"d\ne\rf\tg\0h', 0), "'a\\\\b\\'c\\\"d\\ne\\rf\\tg\\000h'");
    });

    it('writes NUL in the three-digit octal form so following digits stay digits', () => {
      const literal = toSqlLiteral('\u000012', 0);
      assert.equal(literal, "'\\00012'");
      assert.equal(impalaStringValue(literal), '\u000012');
    });

    it('keeps a negative number in parentheses so `-?` cannot start a comment', () => {
      const sql = bindParams('SELECT 1-? FROM t', [-5]);
      assert.equal(sql, 'SELECT 1-(-5) FROM t');
      assert.deepEqual(kinds(lexImpala(sql)), kinds(lexImpala('SELECT 1-(-0) FROM t')));
    });

    it('sets a value apart when it would merge with the next or previous token', () => {
      assert.equal(bindParams('SELECT a? FROM t', [5]), 'SELECT a 5 FROM t');
      assert.equal(bindParams('SELECT ??', [1, 2]), 'SELECT 1  2');
    });

    it('rejects unsupported values naming the index and the accepted types', () => {
      for (const bad of [{}, [1], Symbol('s'), () => 1, new Map()]) {
        assert.throws(() => bindParams('SELECT ?, ?', [1, bad]), (e) => argumentError(e, /params\[1\] is .*a parameter must be a string, number, bigint, boolean, null, undefined, Date/));
      }
    });

    it('rejects invalid dates and dates outside four-digit years', () => {
      assert.throws(() => bindParams('SELECT ?', [new Date(NaN)]), (e) => argumentError(e, /params\[0\] is an invalid Date/));
      assert.throws(() => bindParams('SELECT ?', [new Date(Date.UTC(10000, 0, 1))]), (e) => argumentError(e, /year 10000/));
    });

    it('rejects strings with an unpaired surrogate instead of sending them altered', () => {
      assert.throws(() => bindParams('SELECT ?', ['a\uD800b']), (e) => argumentError(e, /params\[0\].*unpaired UTF-16 surrogate/));
    });
  });

  describe('placeholders', () => {
    it('ignores ? inside literals, quoted identifiers and comments', () => {
      const sql = "SELECT '?', \"?\", `?`, 'it\\'s ?', ? -- ?\n, /* ? */ ?";
      assert.equal(bindParams(sql, [1, 2]), "SELECT '?', \"?\", `?`, 'it\\'s ?', 1 -- ?\n, /* ? */ 2");
    });

    it('treats plan hints as SQL, like Impala', () => {
      assert.equal(bindParams('SELECT /* +straight_join */ ? -- +noclustered\n', [1]), 'SELECT /* +straight_join */ 1 -- +noclustered\n');
      // A one-line `/* +...*/` is lexed, so a ? inside it is a placeholder too.
      assert.equal(bindParams('SELECT /* +x(?) */ 1', [7]), 'SELECT /* +x(7) */ 1');
      // A multi-line one is an ordinary comment.
      assert.equal(bindParams('SELECT /* +x(?)\n */ 1', []), 'SELECT /* +x(?)\n */ 1');
    });

    it('reports a count mismatch with both counts', () => {
      assert.throws(() => bindParams('SELECT ?, ?', [1]), (e) => argumentError(e, /2 \? placeholders but 1 parameter was given/));
      assert.throws(() => bindParams('SELECT 1', [1]), (e) => argumentError(e, /0 \? placeholders but 1 parameter was given/));
    });

    it('rejects statements Impala would not lex as a whole', () => {
      assert.throws(() => bindParams("SELECT 'abc ?", ['x']), (e) => argumentError(e, /unterminated string literal starting at offset 7/));
      assert.throws(() => bindParams('SELECT `a ?', ['x']), (e) => argumentError(e, /unterminated quoted identifier/));
      assert.throws(() => bindParams('SELECT 1 /* ?', ['x']), (e) => argumentError(e, /unterminated \/\* comment/));
      assert.throws(() => bindParams("SELECT 'a\\\nb', ?", ['x']), (e) => argumentError(e, /backslash before a line break/));
    });

    it('returns the statement unchanged when there is nothing to bind', () => {
      assert.equal(bindParams("SELECT 'a?' -- ?", []), "SELECT 'a?' -- ?");
    });
  });

  describe('properties (injection safety)', () => {
    // Characters that matter to Impala's lexer and unescaper, mixed with arbitrary text.
    const tricky = fc.constantFrom("'", '"', '`', '\\', '\n', '\r', '\r\n', '\t', '\0', '?', '--', '/*', '*/', '-- +', '/* +', ';', '0', '1', '7', 'u', 'u0041', '%', '_', '\u2028', '\u0085', 'é', '😀');
    const text = fc.array(fc.oneof(tricky, fc.string({ unit: 'grapheme', maxLength: 8 })), { maxLength: 24 }).map((parts) => parts.join(''));
    const templates = [
      'SELECT ?',
      'SELECT 1-? FROM t',
      "SELECT * FROM t WHERE a = ? AND b = '?' -- ?\n AND c = ?",
      'SELECT /* ? */ ?, "?", `?`',
      'SELECT /* +straight_join */ ? FROM t',
      'SELECT x/?*2, ??',
      'INSERT INTO t VALUES (?, ?, ?) -- +hint ?',
    ];
    const template = fc.constantFrom(...templates);

    it('a string parameter always binds as exactly one STRING token that decodes to the original', () => {
      fc.assert(
        fc.property(template, fc.array(text, { minLength: 4, maxLength: 4 }), (tpl, values) => {
          const count = lexImpala(tpl).filter((t) => t.kind === 'UNEXPECTED' && t.text === '?').length;
          const params = values.slice(0, count);
          const bound = bindParams(tpl, params);
          const got = lexImpala(bound);
          // Same structure as the template with every placeholder turned into one string literal.
          const expected = kinds(lexImpala(tpl)).map((k) => (k === 'UNEXPECTED' ? 'STRING' : k));
          const gotKinds = kinds(got);
          // The template's own literals are STRING too: compare position by position.
          assert.deepEqual(gotKinds, expected);
          const placeholderPositions = lexImpala(tpl)
            .map((t, i) => (t.kind === 'UNEXPECTED' && t.text === '?' ? i : -1))
            .filter((i) => i >= 0);
          placeholderPositions.forEach((pos, k) => assert.equal(impalaStringValue(got[pos]!.text), params[k]));
        }),
        { numRuns: 400 },
      );
    });

    it('numbers, bigints, booleans, null, dates and bytes keep the statement structure', () => {
      const value = fc.oneof(
        fc.double(),
        fc.integer(),
        fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
        fc.boolean(),
        fc.constant(null),
        fc.date({ min: new Date(Date.UTC(1400, 0, 1)), max: new Date(Date.UTC(9999, 11, 31)), noInvalidDate: true }),
        fc.uint8Array({ maxLength: 16 }),
        text,
      );
      fc.assert(
        fc.property(template, fc.array(value, { minLength: 4, maxLength: 4 }), (tpl, values) => {
          const tplTokens = lexImpala(tpl);
          const count = tplTokens.filter((t) => t.kind === 'UNEXPECTED' && t.text === '?').length;
          const params = values.slice(0, count);
          // Lexing the whole bound statement equals lexing the template with each ? replaced
          // by the tokens of its literal alone: nothing merges across a value's edges.
          const expected: string[] = [];
          let k = 0;
          for (const t of tplTokens) {
            if (t.kind === 'UNEXPECTED' && t.text === '?') expected.push(...kinds(lexImpala(toSqlLiteral(params[k], k++))));
            else expected.push(...kinds([t]));
          }
          assert.deepEqual(kinds(lexImpala(bindParams(tpl, params))), expected);
        }),
        { numRuns: 400 },
      );
    });
  });
});
