import { strict as assert } from 'node:assert';
import { optionValueError, parseMemSpec } from '../../../src/testing/engine/option-values';

describe('query option values (Impala query-options.cc, query-option-parser.h)', () => {
  it('parses byte sizes like ParseMemSpec: units k/m/g with or without b, -1 as 0, no percentages', () => {
    assert.equal(parseMemSpec('1024'), 1024);
    assert.equal(parseMemSpec('1 B'), 1);
    assert.equal(parseMemSpec('2k'), 2048);
    assert.equal(parseMemSpec('1.5MB'), 1.5 * 1024 * 1024);
    assert.equal(parseMemSpec('4G'), 4 * 1024 ** 3);
    assert.equal(parseMemSpec('-1'), 0);
    assert.equal(parseMemSpec(''), 0);
    for (const bad of ['lots', '1%', '1tb', '1.5', '-5', 'Not a number!']) assert.equal(parseMemSpec(bad), undefined, bad);
  });

  it('refuses values with Impala texts: parse, range, non-negative, enum, power of two, timezone', () => {
    assert.equal(optionValueError('MEM_LIMIT', 'lots'), "Failed to parse query option 'MEM_LIMIT': lots");
    assert.equal(optionValueError('MEM_LIMIT', '-5'), "Failed to parse query option 'MEM_LIMIT': -5");
    assert.equal(optionValueError('MT_DOP', '65'), 'Invalid value for query option MT_DOP: 65 is not in range [0, 64]');
    assert.equal(optionValueError('BATCH_SIZE', '1M'), "Failed to parse query option 'BATCH_SIZE': 1M");
    assert.equal(optionValueError('EXEC_TIME_LIMIT_S', '-3'), 'Invalid value for query option EXEC_TIME_LIMIT_S: Value must be non-negative: -3');
    assert.equal(optionValueError('FETCH_ROWS_TIMEOUT_MS', '99999999999999999999'), "Failed to parse query option 'FETCH_ROWS_TIMEOUT_MS': 99999999999999999999");
    assert.equal(
      optionValueError('RUNTIME_FILTER_MODE', 'sometimes'),
      "Invalid runtime filter mode: 'sometimes'. Valid values are OFF(0), LOCAL(1), GLOBAL(2).",
    );
    assert.equal(optionValueError('DEFAULT_SPILLABLE_BUFFER_SIZE', '3'), 'Invalid value for query option DEFAULT_SPILLABLE_BUFFER_SIZE: Value must be a power of two: 3');
    assert.equal(optionValueError('TIMEZONE', 'Mars/Olympus'), "Invalid timezone name 'Mars/Olympus'.");
  });

  it('accepts what Impala accepts: enum names or numbers in any case, booleans and free text anything, empty resets', () => {
    for (const [name, value] of [
      ['EXPLAIN_LEVEL', 'verbose'],
      ['EXPLAIN_LEVEL', '2'],
      ['REPLICA_PREFERENCE', 'remote'],
      ['SYNC_DDL', 'maybe'],
      ['REQUEST_POOL', 'root.etl'],
      ['MEM_LIMIT', '2gb'],
      ['MEM_LIMIT', ''],
      ['TIMEZONE', '"Europe/Paris"'],
      ['MIN_SPILLABLE_BUFFER_SIZE', '64k'],
      ['QUERY_TIMEOUT_S', '0'],
    ] as const) {
      assert.equal(optionValueError(name, value), undefined, `${name}=${value}`);
    }
  });
});
