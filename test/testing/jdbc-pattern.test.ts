import { strict as assert } from 'node:assert';
import { isEmptyPattern, jdbcPatternMatcher } from '../../src/testing/hs2/jdbc-pattern';
import { StatusFailure } from '../../src/testing/hs2/status';

describe('JDBC search patterns (Impala PatternMatcher.createJdbcPatternMatcher)', () => {
  const matches = (pattern: string | null, name: string): boolean => jdbcPatternMatcher(pattern)(name);

  it('% is any run and _ any one character; \\% and \\_ are themselves', () => {
    assert.ok(matches('sa%', 'sales'));
    assert.ok(matches('%es', 'sales'));
    assert.ok(matches('s_les', 'sales'));
    assert.ok(!matches('s_les', 'sles'));
    assert.ok(matches('a\\_b', 'a_b'));
    assert.ok(!matches('a\\_b', 'axb'));
    assert.ok(matches('100\\%', '100%'));
  });

  it('the rest is a regular expression matched whole and case-sensitively', () => {
    assert.ok(matches('sal.*', 'sales'));
    assert.ok(matches('[st]ales', 'tales'));
    assert.ok(!matches('sale', 'sales'), 'the whole name must match');
    assert.ok(!matches('SALES', 'sales'));
  });

  it('null or empty matches everything; a bare * is an invalid expression', () => {
    assert.ok(matches(null, 'anything'));
    assert.ok(matches('', 'anything'));
    assert.throws(() => jdbcPatternMatcher('*'), (e: unknown) => e instanceof StatusFailure && e.message.startsWith('PatternSyntaxException: '));
    assert.ok(isEmptyPattern('%') && isEmptyPattern(null) && isEmptyPattern('') && !isEmptyPattern('default'));
  });
});
