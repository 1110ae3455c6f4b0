import assert from 'node:assert/strict';
import { rewriteTokens } from '../../../src/testing/engine/dialect-rewrite';
import { LexError, tokenize } from '../../../src/testing/engine/sql-lexer';
import { findTableReferences, nullLiteralNames } from '../../../src/testing/engine/statement-scan';
import { TokenCursor } from '../../../src/testing/engine/token-cursor';
import { SimSqlError } from '../../../src/testing/engine/types';

function rewrite(sql: string): string {
  return rewriteTokens(tokenize(sql)).sql;
}

function refs(sql: string): string[] {
  return findTableReferences(new TokenCursor(sql).sig).map((r) => `${r.role}:${r.table.db ?? ''}.${r.table.name}`);
}

describe('engine SQL dialect handling', () => {
  describe('tokenize', () => {
    it('gives the input back when the tokens are concatenated', () => {
      const sql = "SELECT `a b`, 'it\\'s', \"dq\" -- note\n/* block */ FROM t WHERE x <= 1.5e3";
      assert.equal(tokenize(sql).map((t) => t.text).join(''), sql);
    });

    it("reads both quote styles as string literals with Impala's backslash escapes", () => {
      const strings = tokenize(`'a\\'b' "c\\"d" 'e''f' 'tab\\tnl\\n' 'like\\%'`).filter((t) => t.kind === 'string');
      assert.deepEqual(strings.map((t) => t.value), ["a'b", 'c"d', "e'f", 'tab\tnl\n', 'like\\%']);
    });

    it('reads backticks as identifiers and keeps keywords upper-cased in value', () => {
      const [ident, , word] = tokenize('`My Col` select');
      assert.equal(ident?.kind, 'ident');
      assert.equal(ident?.value, 'My Col');
      assert.equal(word?.value, 'SELECT');
    });

    it('refuses an unterminated string with its offset', () => {
      assert.throws(() => tokenize("SELECT 'abc"), (err: unknown) => err instanceof LexError && err.offset === 7);
    });
  });

  describe('rewriteTokens', () => {
    it('turns Impala strings into DuckDB literals and backticks into double quotes', () => {
      assert.equal(rewrite("SELECT `x`, \"it's\", 'a\\\\b' FROM `default`.`t`"), `SELECT "x", 'it''s', 'a\\b' FROM "default"."t"`);
    });

    it('quotes the default database name, which DuckDB reserves', () => {
      assert.equal(rewrite('SELECT * FROM default.t JOIN Default.u ON true'), 'SELECT * FROM "default".t JOIN "default".u ON true');
      assert.equal(rewrite("SELECT 'default.t'"), "SELECT 'default.t'");
    });

    it('sums sleep(ms) calls into delayMs and keeps the call', () => {
      const out = rewriteTokens(tokenize('SELECT sleep(100), SLEEP( 250 ) FROM t'));
      assert.equal(out.delayMs, 350);
      assert.equal(out.sql, 'SELECT sleep(100), SLEEP( 250 ) FROM t');
    });

    it('refuses sleep() with a non-literal argument', () => {
      assert.throws(() => rewriteTokens(tokenize('SELECT sleep(x) FROM t')), (err: unknown) => err instanceof SimSqlError && /^AnalysisException: sleep\(\)/.test(err.message));
    });

    it("uses Impala's DECIMAL default precision and REAL = DOUBLE in casts", () => {
      assert.equal(rewrite('SELECT CAST(x AS DECIMAL), CAST(y AS DECIMAL(5,2)), CAST(z AS REAL)'), 'SELECT CAST(x AS DECIMAL(9,0)), CAST(y AS DECIMAL(5,2)), CAST(z AS DOUBLE)');
    });

    it('maps DIV and <=>, drops hints and comments', () => {
      assert.equal(rewrite('SELECT STRAIGHT_JOIN a DIV b FROM t JOIN [SHUFFLE] u ON t.a <=> u.a /* +noclustered */'), 'SELECT   a // b FROM t JOIN   u ON t.a  IS NOT DISTINCT FROM  u.a');
    });
  });

  describe('findTableReferences', () => {
    it('finds FROM and JOIN tables, qualified or not', () => {
      assert.deepEqual(refs('SELECT * FROM a JOIN db.b ON a.x = b.x LEFT JOIN `c` USING (x)'), ['source:.a', 'source:db.b', 'source:.c']);
    });

    it('follows comma lists and subqueries and skips table functions and CTE names', () => {
      assert.deepEqual(
        refs('WITH w AS (SELECT * FROM base) SELECT * FROM w, x AS x1, (SELECT 1 FROM y) s, range(10) r WHERE z IN (SELECT q FROM sub)'),
        ['source:.base', 'source:.x', 'source:.y', 'source:.sub'],
      );
    });

    it('ignores FROM inside function calls', () => {
      assert.deepEqual(refs("SELECT extract(year FROM ts), substring(s FROM 2), trim(both 'x' from s) FROM t"), ['source:.t']);
    });

    it('marks written tables as targets', () => {
      assert.deepEqual(refs('INSERT INTO tgt SELECT * FROM src'), ['target:.tgt', 'source:.src']);
      assert.deepEqual(refs('INSERT OVERWRITE TABLE db.tgt SELECT 1'), ['target:db.tgt']);
      assert.deepEqual(refs('UPDATE u SET a = 1 FROM v WHERE u.id = v.id'), ['target:.u', 'source:.v']);
      assert.deepEqual(refs('DELETE FROM d WHERE a IN (SELECT a FROM e)'), ['target:.d', 'source:.e']);
      assert.deepEqual(refs('DELETE d WHERE a = 1'), ['target:.d']);
      assert.deepEqual(refs('MERGE INTO m USING s ON m.id = s.id WHEN MATCHED THEN DELETE'), ['target:.m', 'source:.s']);
    });

    it('does not look inside strings or comments', () => {
      assert.deepEqual(refs("SELECT 'FROM fake' FROM real_t -- FROM other"), ['source:.real_t']);
    });
  });

  describe('nullLiteralNames', () => {
    it('names bare NULL select items, aliased or not', () => {
      assert.deepEqual([...nullLiteralNames(new TokenCursor('SELECT NULL, NULL AS x, NULL y, 1 AS z FROM t').sig)].sort(), ['null', 'x', 'y']);
      assert.deepEqual([...nullLiteralNames(new TokenCursor('SELECT a IS NULL, coalesce(NULL, 1) FROM t').sig)], []);
    });
  });

  describe('TokenCursor', () => {
    it('drops one trailing semicolon and refuses a second statement', () => {
      assert.equal(new TokenCursor('SELECT 1;').sig.length, 2);
      assert.throws(() => new TokenCursor('SELECT 1; SELECT 2'), (err: unknown) => err instanceof SimSqlError && /^ParseException: Syntax error in line 1:/.test(err.message));
    });

    it("reports a lexing error as Impala's ParseException with a caret", () => {
      assert.throws(
        () => new TokenCursor("SELECT 'open"),
        (err: unknown) => err instanceof SimSqlError && err.message.split('\n').slice(1, 3).join('\n') === "SELECT 'open\n       ^",
      );
    });
  });
});
