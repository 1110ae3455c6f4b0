import { strict as assert } from 'node:assert';
import { isReadOnlyStatement, leadingKeyword } from '../../../src/protocol/sql/leading-keyword';

describe('leadingKeyword / isReadOnlyStatement', () => {
  it('reads the first keyword past whitespace, comments and parentheses', () => {
    assert.equal(leadingKeyword('  select 1'), 'SELECT');
    assert.equal(leadingKeyword('-- note\n/* x */ ((Values (1)))'), 'VALUES');
    assert.equal(leadingKeyword('/* +straight_join */SELECT 1'), 'SELECT');
    assert.equal(leadingKeyword('-- only a comment'), '');
    assert.equal(leadingKeyword('/* unterminated SELECT'), '');
    assert.equal(leadingKeyword('`t`'), '');
  });

  it('calls only certain reads read-only', () => {
    for (const sql of ['SELECT 1', 'show tables', 'DESCRIBE t', 'desc t', 'EXPLAIN SELECT 1', '(select 1) union (select 2)', 'values (1)']) {
      assert.equal(isReadOnlyStatement(sql), true, sql);
    }
    for (const sql of ['WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x', 'INSERT INTO t VALUES (1)', 'SET MEM_LIMIT=1g', 'USE db', 'CREATE TABLE t (a INT)', 'selected', '', 'upsert into t values (1)']) {
      assert.equal(isReadOnlyStatement(sql), false, sql);
    }
  });
});
