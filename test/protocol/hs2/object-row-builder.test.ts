import { strict as assert } from 'node:assert';
import { objectRowBuilder } from '../../../src/protocol/hs2/object-row-builder';

/** `rowCount` rows of three columns: a number, a string (NULL every 7th row) and a bigint. */
function columns(rowCount: number): unknown[][] {
  const ids: unknown[] = [];
  const names: unknown[] = [];
  const bigs: unknown[] = [];
  for (let r = 0; r < rowCount; r++) {
    ids.push(r);
    names.push(r % 7 === 0 ? null : `n${r}`);
    bigs.push(BigInt(r) * 10n ** 12n);
  }
  return [ids, names, bigs];
}

describe('objectRowBuilder', () => {
  const keys = ['id', '__proto__', 'big'];

  for (const rowCount of [0, 1, 63, 64, 1000]) {
    it(`builds ${rowCount} rows with every key as an own property, in column order (small batches use the shared builder, large ones the decoder's own)`, () => {
      const build = objectRowBuilder(keys);
      const cols = columns(rowCount);
      const rows = build(cols, rowCount);
      assert.equal(rows.length, rowCount);
      for (let r = 0; r < rowCount; r++) {
        const row = rows[r]!;
        assert.deepEqual(Object.keys(row), keys);
        assert.equal(Object.getPrototypeOf(row), Object.prototype, 'a `__proto__` column must not replace the prototype');
        assert.equal(row.id, cols[0]![r]);
        assert.equal(Object.getOwnPropertyDescriptor(row, '__proto__')?.value, cols[1]![r]);
        assert.equal(row.big, cols[2]![r]);
      }
    });
  }

  it('two results of the same shape, one decoded after the other in small and large batches, each get their own values', () => {
    const a = objectRowBuilder(keys);
    const b = objectRowBuilder(keys);
    const small = columns(3);
    const large = columns(200);
    assert.equal(a(large, 200)[199]!.id, 199);
    assert.equal(b(small, 3)[2]!.id, 2);
    assert.equal(a(small, 3)[1]!.big, 10n ** 12n);
    assert.equal(b(large, 200)[150]!.big, 150n * 10n ** 12n);
  });
});
