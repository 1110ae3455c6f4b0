import assert from 'node:assert/strict';
import { resolveFunction } from '../../../../src/testing/engine/analysis/builtin-functions';
import { decimal, parseTypeText, T, typeSql, type ImpalaType } from '../../../../src/testing/engine/analysis/impala-type';
import { literalSql, literalType, negate, parseDecimal } from '../../../../src/testing/engine/analysis/numeric-literal';
import { arithmeticResultType, compatibleType, isImplicitlyCastable } from '../../../../src/testing/engine/analysis/type-rules';

const sql = (t: ImpalaType | undefined): string | undefined => (t === undefined ? undefined : typeSql(t));

describe("simulator analysis: Impala's type rules", () => {
  describe('numeric literals (NumericLiteral.inferType, BigDecimal.toString)', () => {
    const cases: Array<[string, string, string]> = [
      ['1', 'TINYINT', '1'],
      ['127', 'TINYINT', '127'],
      ['128', 'SMALLINT', '128'],
      ['200', 'SMALLINT', '200'],
      ['32768', 'INT', '32768'],
      ['2147483648', 'BIGINT', '2147483648'],
      ['9223372036854775808', 'DECIMAL(19,0)', '9223372036854775808'],
      ['1.50', 'DECIMAL(3,2)', '1.50'],
      ['.5', 'DECIMAL(1,1)', '0.5'],
      ['0.00', 'DECIMAL(2,2)', '0'],
      ['1e3', 'SMALLINT', '1E+3'],
      ['1.5e2', 'SMALLINT', '1.5E+2'],
      ['1e-7', 'DECIMAL(7,7)', '1E-7'],
      ['1e40', 'DOUBLE', '1E+40'],
    ];
    for (const [text, type, printed] of cases) {
      it(`${text} is ${type}, printed ${printed}`, () => {
        const v = parseDecimal(text);
        assert.equal(typeSql(literalType(v)), type);
        assert.equal(literalSql(v), printed);
      });
    }

    it('folds the sign into the literal: -128 is TINYINT, -129 SMALLINT', () => {
      assert.equal(typeSql(literalType(negate(parseDecimal('128')))), 'TINYINT');
      assert.equal(typeSql(literalType(negate(parseDecimal('129')))), 'SMALLINT');
      assert.equal(literalSql(negate(parseDecimal('1.5'))), '-1.5');
    });
  });

  describe('arithmetic result types (TypesUtil, DECIMAL_V2)', () => {
    const cases: Array<[ImpalaType, string, ImpalaType, string]> = [
      [T.TINYINT, '+', T.TINYINT, 'SMALLINT'],
      [T.INT, '+', T.TINYINT, 'BIGINT'],
      [T.BIGINT, '*', T.BIGINT, 'BIGINT'],
      [T.INT, '+', T.FLOAT, 'DOUBLE'],
      [T.INT, '/', T.INT, 'DOUBLE'],
      [T.SMALLINT, '%', T.TINYINT, 'SMALLINT'],
      [decimal(10, 2), '+', decimal(5, 3), 'DECIMAL(12,3)'],
      [decimal(10, 2), '*', decimal(5, 3), 'DECIMAL(16,5)'],
      [decimal(10, 2), '/', decimal(5, 3), 'DECIMAL(19,8)'],
      [decimal(10, 2), '%', decimal(5, 3), 'DECIMAL(5,3)'],
      [decimal(38, 10), '*', decimal(38, 10), 'DECIMAL(38,6)'],
      [T.TINYINT, '*', decimal(2, 1), 'DECIMAL(6,1)'],
      [decimal(5, 2), '*', T.DOUBLE, 'DOUBLE'],
      [decimal(5, 2), '+', T.DOUBLE, 'DECIMAL(38,16)'],
      [T.NULL, '+', T.INT, 'BIGINT'],
    ];
    for (const [a, op, b, result] of cases) {
      it(`${typeSql(a)} ${op} ${typeSql(b)} is ${result}`, () => {
        assert.equal(typeSql(arithmeticResultType(a, b, op as '+')), result);
      });
    }
  });

  describe('assignment compatibility (ScalarType.getAssignmentCompatibleType)', () => {
    it('widens numbers, joins decimals, prefers floats over decimals unless strict', () => {
      assert.equal(sql(compatibleType(T.TINYINT, T.INT)), 'INT');
      assert.equal(sql(compatibleType(T.INT, decimal(2, 1))), 'DECIMAL(11,1)');
      assert.equal(sql(compatibleType(decimal(10, 2), decimal(12, 5))), 'DECIMAL(13,5)');
      assert.equal(sql(compatibleType(decimal(10, 2), T.DOUBLE)), 'DOUBLE');
      assert.equal(compatibleType(decimal(10, 2), T.DOUBLE, true), undefined);
      assert.equal(sql(compatibleType(T.BIGINT, T.FLOAT)), 'FLOAT');
      assert.equal(sql(compatibleType(T.BIGINT, T.FLOAT, true)), 'DOUBLE');
    });

    it('keeps CHAR/VARCHAR lengths, turns a mix with STRING into STRING, refuses string with number', () => {
      assert.equal(sql(compatibleType({ name: 'CHAR', length: 3 }, { name: 'CHAR', length: 5 })), 'CHAR(5)');
      assert.equal(sql(compatibleType({ name: 'VARCHAR', length: 3 }, T.STRING)), 'STRING');
      assert.equal(compatibleType(T.STRING, T.INT), undefined);
      assert.equal(sql(compatibleType(T.STRING, T.TIMESTAMP)), 'TIMESTAMP');
      assert.equal(compatibleType(T.STRING, T.TIMESTAMP, true), undefined);
    });

    it('casts implicitly only without loss when strict', () => {
      assert.ok(isImplicitlyCastable(T.INT, T.DOUBLE, true));
      assert.ok(!isImplicitlyCastable(T.DOUBLE, T.INT, false));
      assert.ok(isImplicitlyCastable(T.STRING, T.TIMESTAMP, false));
      assert.ok(!isImplicitlyCastable(T.STRING, T.TIMESTAMP, true));
      assert.ok(isImplicitlyCastable(T.INT, T.ANY_DECIMAL, true));
    });
  });

  describe('builtin overload resolution (FunctionUtils.resolveFunction)', () => {
    const ret = (name: string, ...args: ImpalaType[]): string | undefined => sql(resolveFunction(name, args)?.ret);
    it('picks the identical overload first, then lossless casts, then any cast', () => {
      assert.equal(ret('year', T.DATE), 'INT');
      assert.equal(ret('year', T.STRING), 'INT');
      assert.equal(ret('length', { name: 'CHAR', length: 4 }), 'INT');
      assert.equal(ret('if', T.BOOLEAN, T.TINYINT, T.INT), 'INT');
      assert.equal(ret('coalesce', T.INT, decimal(5, 2)), 'DECIMAL(*,*)');
      assert.equal(ret('concat', T.STRING, T.STRING, T.STRING), 'STRING');
      assert.equal(resolveFunction('concat', [T.INT]), undefined);
    });

    it('leaves overloads whose result changed between Impala releases unresolved', () => {
      assert.notEqual(resolveFunction('ceil', [T.DOUBLE]), undefined);
      assert.equal(resolveFunction('ceil', [T.DOUBLE])?.ret, undefined);
    });
  });

  it('reads Impala and DuckDB type spellings, not complex types', () => {
    assert.equal(sql(parseTypeText('decimal(10,2)')), 'DECIMAL(10,2)');
    assert.equal(sql(parseTypeText('INTEGER')), 'INT');
    assert.equal(sql(parseTypeText('VARCHAR')), 'STRING');
    assert.equal(sql(parseTypeText('varchar(8)')), 'VARCHAR(8)');
    assert.equal(sql(parseTypeText('HUGEINT')), 'DECIMAL(38,0)');
    assert.equal(parseTypeText('array<int>'), undefined);
    assert.equal(parseTypeText('UTINYINT'), undefined);
  });
});
