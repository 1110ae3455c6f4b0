import assert from 'node:assert/strict';
import { formatAddress, MAX_TIMER_MS, parseAddress, parseDuration } from '../../src/connection-string';
import { closestMatch, editDistance, suggestion } from '../../src/connection-string/closest-match';
import { parseBoolean, parseDecimal, parseInteger } from '../../src/connection-string/coerce';
import { ErrorCode } from '../../src/errors';
import { expectConfigError } from './helpers';

describe('connection strings: value readers', () => {
  it('reads durations with and without units', () => {
    const cases: ReadonlyArray<[unknown, number | undefined]> = [
      [0, 0], [250, 250], ['250', 250], ['500ms', 500], ['30s', 30000], ['30S', 30000], ['1.5s', 1500], ['.5s', 500],
      ['0.1s', 100], ['2m', 120000], ['1h', 3600000], [' 10 s ', 10000], [String(MAX_TIMER_MS), MAX_TIMER_MS],
      [1.5, undefined], [-1, undefined], ['-1s', undefined], ['0.5ms', undefined], ['1d', undefined], ['1e3', undefined],
      ['', undefined], ['s', undefined], ['10 seconds', undefined], [Number.NaN, undefined], [Infinity, undefined], [true, undefined],
    ];
    for (const [input, expected] of cases) assert.equal(parseDuration(input), expected, JSON.stringify(input));
  });

  it('reads integers, decimals and booleans strictly', () => {
    assert.deepStrictEqual(['7', '+7', '007', 7, '7.0', '0x7', '7e1', '', -7, ' 7 '].map(parseInteger), [7, 7, 7, 7, undefined, undefined, undefined, undefined, undefined, 7]);
    assert.deepStrictEqual(['0.2', '.5', '1', 0.25, '1e-1', '-0.1', 'abc', '1e999', '1.'].map(parseDecimal), [0.2, 0.5, 1, 0.25, 0.1, undefined, undefined, undefined, 1]);
    assert.deepStrictEqual(['true', 'TRUE', '1', 'yes', 'on', 'false', '0', 'no', 'off', true, 1, 0, 'maybe', ''].map(parseBoolean), [
      true, true, true, true, true, false, false, false, false, true, true, false, undefined, undefined,
    ]);
  });

  it('splits and normalises host addresses', () => {
    assert.deepStrictEqual(parseAddress('H1.Example.com:21050'), { host: 'h1.example.com', port: 21050 });
    assert.deepStrictEqual(parseAddress('10.0.0.1'), { host: '10.0.0.1', port: undefined });
    assert.deepStrictEqual(parseAddress('[::FFFF:10.0.0.1]:1'), { host: '::ffff:10.0.0.1', port: 1 });
    assert.deepStrictEqual(parseAddress('[fe80::1%eth0]'), { host: 'fe80::1%eth0', port: undefined });
    assert.equal(formatAddress(parseAddress('[fe80::1%25eth0]:65535')), '[fe80::1%eth0]:65535');
    assert.equal(formatAddress({ host: 'my_host', port: undefined }), 'my_host');
    expectConfigError(() => parseAddress('h:'), ErrorCode.CONFIG_INVALID_VALUE, /invalid port ''/);
    expectConfigError(() => parseAddress('[::1]x'), ErrorCode.CONFIG_INVALID_VALUE, /unexpected 'x' after '\]'/);
    expectConfigError(() => parseAddress('-bad.example.com'), ErrorCode.CONFIG_INVALID_VALUE, /invalid host/);
    expectConfigError(() => parseAddress(`${'a'.repeat(64)}.com`), ErrorCode.CONFIG_INVALID_VALUE, /invalid host/);
  });

  it('finds the closest name, case-insensitively', () => {
    assert.equal(editDistance('kitten', 'sitting'), 3);
    assert.equal(editDistance('Balance', 'balance'), 0);
    assert.equal(closestMatch('retires', ['retries', 'rise', 'fall']), 'retries');
    assert.equal(closestMatch('x', []), undefined);
    assert.equal(suggestion('fal', ['fall', 'rise']), "; did you mean 'fall'?");
    assert.match(suggestion('completely-different', ['fall']), /closest valid name is 'fall'/);
  });
});
