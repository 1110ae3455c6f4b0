import assert from 'node:assert/strict';
import type { SelectItem } from '../../../../src/testing/engine/analysis/expr-ast';
import { columnLabel } from '../../../../src/testing/engine/analysis/expr-label';
import { parseExpr, Unsupported } from '../../../../src/testing/engine/analysis/expr-parser';
import { identSql } from '../../../../src/testing/engine/analysis/ident-quoting';
import { TokenCursor } from '../../../../src/testing/engine/token-cursor';

/** The label Impala gives `SELECT <text>` (no alias). */
function label(text: string): string {
  const cur = new TokenCursor(text);
  const expr = parseExpr(cur);
  assert.ok(cur.atEnd(), `parsed all of ${text}`);
  const item: SelectItem = { kind: 'expr', expr, alias: undefined, start: 0, end: cur.sig.length };
  return columnLabel(item);
}

describe("simulator analysis: Impala's column labels (Expr.toSql, SelectListItem.toColumnLabel)", () => {
  const cases: Array<[string, string]> = [
    ['1+1', '1 + 1'],
    ['(1 + 1) * 2', '(1 + 1) * 2'],
    ['ID', 'id'],
    ['T.Id', 't.id'],
    ['`t`.`Col`', 't.col'],
    ['MAX(Price)', 'max(price)'],
    ['max(dec)', 'max(`dec`)'],
    ['count(*)', 'count(*)'],
    ['COUNT(DISTINCT a)', 'count(distinct a)'],
    ["CAST('t' AS BOOLEAN)", "cast('t' as boolean)"],
    ['cast(x as decimal)', 'cast(x as decimal(9,0))'],
    ['cast(x as integer)', 'cast(x as int)'],
    ['TRUE', 'true'],
    ['NULL', 'null'],
    ['"double"', "'double'"],
    ["'it\\'s'", "'it\\'s'"],
    ["DATE '2020-1-2'", "date '2020-01-02'"],
    ['1.50', '1.50'],
    ['0.00', '0'],
    ['1e3', '1e+3'],
    ['-5', '-5'],
    ['-x', '-1 * x'],
    ['a <> b', 'a != b'],
    ['a <=> b', 'a is not distinct from b'],
    ['a NOT LIKE b', 'not a like b'],
    ['a not in (1,2)', 'a not in (1, 2)'],
    ['a BETWEEN 1 AND 2', 'a between 1 and 2'],
    ['a IS NOT NULL', 'a is not null'],
    ['CASE WHEN a THEN 1 ELSE 2 END', 'case when a then 1 else 2 end'],
    ['nullif(a, b)', 'if(a is distinct from b, a, null)'],
    ['nvl2(a, b, c)', 'if(a is not null, b, c)'],
    ['mod(a, 3)', 'a % 3'],
    ['a DIV 2', 'a div 2'],
    ['ts + INTERVAL 1 DAYS', 'ts + interval 1 days'],
    ['INTERVAL 2 hour + ts', 'interval 2 hour + ts'],
    ["A || 'b'", "a || 'b'"],
  ];
  for (const [text, expected] of cases) {
    it(`${text} → ${expected}`, () => assert.equal(label(text), expected));
  }

  it('keeps the case of an analytic call and abbreviates its window', () => {
    assert.equal(label('ROW_NUMBER() OVER (ORDER BY Id)'), 'row_number() OVER(...)');
    assert.equal(label('sum(Qty) OVER (PARTITION BY a)'), 'sum(Qty) OVER(...)');
  });

  it('lower-cases aliases', () => {
    const cur = new TokenCursor('a + 1');
    const expr = parseExpr(cur);
    assert.equal(columnLabel({ kind: 'expr', expr, alias: 'Total_Qty', start: 0, end: 3 }), 'total_qty');
  });

  it('leaves subqueries and other unmodelled forms to DuckDB', () => {
    for (const text of ['(SELECT 1)', "TIMESTAMP '2020-01-01'", 'EXISTS (SELECT 1)']) {
      assert.throws(() => {
        const cur = new TokenCursor(text);
        parseExpr(cur);
        if (!cur.atEnd()) throw new Unsupported('trailing tokens');
      }, Unsupported);
    }
  });

  it('quotes Hive and Impala keywords, leading digits and underscores, not plain names', () => {
    assert.equal(identSql('id'), 'id');
    assert.equal(identSql('Price'), 'Price');
    for (const word of ['date', 'key', 'year', 'user', 'comment', 'dec', 'days', 'select', '_c0', '1a', 'a b']) {
      assert.equal(identSql(word), `\`${word}\``, word);
    }
  });
});
