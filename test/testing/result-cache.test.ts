import { strict as assert } from 'node:assert';
import type { EncodedBatch } from '../../src/testing/engine/types';
import { concatBatches, sliceBatch } from '../../src/testing/hs2/batch-slices';
import { ResultCache } from '../../src/testing/hs2/result-cache';

/** A one-column i32 batch of these values (null = NULL). */
function batch(values: Array<number | null>, done = false): EncodedBatch {
  const nulls = Buffer.alloc(Math.ceil(values.length / 8));
  values.forEach((v, i) => {
    if (v === null) nulls[i >> 3]! |= 1 << (i & 7);
  });
  return { columns: [{ kind: 'i32Val', values: values.map((v) => v ?? 0), nulls }], rowCount: values.length, done };
}

function valuesOf(b: EncodedBatch | undefined): Array<number | null> {
  const col = b?.columns[0];
  if (col === undefined) return [];
  return (col.values as number[]).map((v, i) => ((((col.nulls[i >> 3] ?? 0) >> (i & 7)) & 1) === 1 ? null : v));
}

describe('result cache and batch slices (FETCH_FIRST, protocol reference §2.9)', () => {
  it('slices and concatenates batches keeping NULLs', () => {
    const joined = concatBatches([batch([1, null, 3]), batch([null, 5], true)]);
    assert.deepEqual(valuesOf(joined), [1, null, 3, null, 5]);
    assert.equal(joined.done, true);
    assert.deepEqual(valuesOf(sliceBatch(joined, 1, 4, false)), [null, 3, null]);
  });

  it('serves cached rows from any position across batches', () => {
    const cache = new ResultCache(10, true);
    cache.append(batch([0, 1, 2]));
    cache.append(batch([3, 4]));
    assert.equal(cache.rows, 5);
    assert.deepEqual(valuesOf(cache.read(1, 3)), [1, 2, 3]);
    assert.deepEqual(valuesOf(cache.read(4, 10)), [4]);
    assert.equal(cache.read(5, 10), undefined);
  });

  it('a query cache drops everything once more rows than its limit were produced; other results are kept whole', () => {
    const bounded = new ResultCache(4, true);
    bounded.append(batch([0, 1, 2, 3]));
    assert.equal(bounded.overflowed, false, 'exactly the limit fits');
    bounded.append(batch([4]));
    assert.equal(bounded.overflowed, true);
    assert.equal(bounded.rows, 0);
    const whole = new ResultCache(1, false);
    whole.append(batch([0, 1, 2]));
    assert.equal(whole.overflowed, false);
    assert.equal(whole.rows, 3);
  });
});
