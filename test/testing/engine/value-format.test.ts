import assert from 'node:assert/strict';
import { DuckDBListValue, DuckDBMapValue, DuckDBStructValue, DuckDBTimestampValue } from '@duckdb/node-api';
import { NullBitmap } from '../../../src/testing/engine/column-encoder';
import {
  formatDate,
  formatDecimal,
  formatMicros,
  formatNanos,
  jsonText,
  TimestampFormatter,
} from '../../../src/testing/engine/value-format';

describe('engine value formats (protocol reference §2.10)', () => {
  describe('formatDecimal', () => {
    it('prints exactly `scale` fractional digits with a leading 0 below 1', () => {
      assert.equal(formatDecimal(150n, 2), '1.50');
      assert.equal(formatDecimal(-5n, 2), '-0.05');
      assert.equal(formatDecimal(5n, 3), '0.005');
      assert.equal(formatDecimal(0n, 2), '0.00');
      assert.equal(formatDecimal(12n, 0), '12');
      assert.equal(formatDecimal(-12n, 0), '-12');
    });

    it('gives the same text from the number fast path and from bigint', () => {
      for (const v of [0, 1, -1, 99, -100, 123456789012345, -999999999999999]) {
        for (const scale of [0, 1, 2, 5, 15]) assert.equal(formatDecimal(v, scale), formatDecimal(BigInt(v), scale));
      }
    });

    it('keeps all 38 digits exact', () => {
      const max = 10n ** 38n - 1n;
      assert.equal(formatDecimal(max, 10), '9999999999999999999999999999.9999999999');
      assert.equal(formatDecimal(-max, 38), `-0.${'9'.repeat(38)}`);
    });
  });

  describe('formatDate', () => {
    it('prints YYYY-MM-DD around the epoch, leap days and century rules', () => {
      assert.equal(formatDate(0), '1970-01-01');
      assert.equal(formatDate(-1), '1969-12-31');
      assert.equal(formatDate(11016), '2000-02-29');
      assert.equal(formatDate(-25508), '1900-03-01');
      assert.equal(formatDate(2932896), '9999-12-31');
      assert.equal(formatDate(-208657), '1398-09-19');
    });

    it('agrees with Date for every day of a few centuries', () => {
      for (let d = -200000; d <= 200000; d += 37) {
        assert.equal(formatDate(d), new Date(d * 86400000).toISOString().slice(0, 10));
      }
    });
  });

  describe('timestamps', () => {
    it('prints 19 characters when the fraction is zero and 9 fractional digits otherwise', () => {
      assert.equal(formatMicros(0n), '1970-01-01 00:00:00');
      assert.equal(formatMicros(1_500_000n), '1970-01-01 00:00:01.500000000');
      assert.equal(formatMicros(1_577_840_523_123_456n), '2020-01-01 01:02:03.123456000');
      assert.equal(formatNanos(1_577_840_523_123_456_789n), '2020-01-01 01:02:03.123456789');
      assert.equal(formatNanos(1n), '1970-01-01 00:00:00.000000001');
    });

    it('handles instants before the epoch', () => {
      assert.equal(formatMicros(-1n), '1969-12-31 23:59:59.999999000');
      assert.equal(formatNanos(-500_000_000n), '1969-12-31 23:59:59.500000000');
      assert.equal(formatMicros(-17_987_443_200_000_000n), '1400-01-01 00:00:00');
    });

    it('switches to bigint arithmetic beyond 2^53 microseconds without losing digits', () => {
      // 9999-12-31 23:59:59.999999 is ~2.5e17 µs, beyond Number's exact range.
      assert.equal(formatMicros(253_402_300_799_999_999n), '9999-12-31 23:59:59.999999000');
    });

    it('reports DuckDB infinities as no value (NULL for Impala)', () => {
      const f = new TimestampFormatter();
      assert.equal(f.value(DuckDBTimestampValue.PosInf), undefined);
      assert.equal(f.value(DuckDBTimestampValue.NegInf), undefined);
      assert.equal(f.value(new DuckDBTimestampValue(0n)), '1970-01-01 00:00:00');
    });

    it('does not reuse a stale day when consecutive rows change day', () => {
      const f = new TimestampFormatter();
      assert.equal(f.format(0, 86_399_999_999_999), '1970-01-01 23:59:59.999999999');
      assert.equal(f.format(1, 0), '1970-01-02 00:00:00');
    });
  });

  describe('jsonText', () => {
    it('prints arrays, structs and maps like Impala prints complex types', () => {
      assert.equal(jsonText(new DuckDBListValue([1, 2, null])), '[1,2,null]');
      assert.equal(jsonText(new DuckDBStructValue({ a: 1, b: new DuckDBListValue([true]) })), '{"a":1,"b":[true]}');
      assert.equal(jsonText(new DuckDBMapValue([{ key: 'k', value: 2 }, { key: 'q"', value: 'x' }])), '{"k":2,"q\\"":"x"}');
      assert.equal(jsonText(new DuckDBMapValue([{ key: 7, value: 1.5 }])), '{7:1.5}');
      assert.equal(jsonText(new DuckDBListValue([Number.NaN, Number.POSITIVE_INFINITY])), '[NaN,Infinity]');
    });
  });

  describe('NullBitmap', () => {
    it('sets bits LSB first and sizes the bitmap ceil(rows/8)', () => {
      const bitmap = new NullBitmap();
      for (let i = 0; i < 17; i++) bitmap.push(i === 0 || i === 7 || i === 8 || i === 16);
      const bytes = bitmap.take();
      assert.deepEqual([...bytes], [0b1000_0001, 0b0000_0001, 0b0000_0001]);
    });

    it('starts empty again after take', () => {
      const bitmap = new NullBitmap();
      for (let i = 0; i < 200; i++) bitmap.push(true);
      assert.equal(bitmap.take().length, 25);
      bitmap.push(false);
      assert.deepEqual([...bitmap.take()], [0]);
      assert.equal(bitmap.take().length, 0);
    });
  });
});
