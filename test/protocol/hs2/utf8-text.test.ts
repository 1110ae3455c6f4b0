import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { SHORT_TEXT_MAX, utf8Text } from '../../../src/protocol/hs2/utf8-text';

describe('utf8Text', () => {
  it('equals Buffer#toString("utf8") for any bytes at any offset (property)', () => {
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: SHORT_TEXT_MAX + 8 }),
      fc.uint8Array({ minLength: SHORT_TEXT_MAX - 1, maxLength: SHORT_TEXT_MAX + 1 }),
      fc.string({ unit: 'binary-ascii', maxLength: SHORT_TEXT_MAX + 8 }).map((s) => new Uint8Array(Buffer.from(s))),
      fc.string({ unit: 'grapheme', maxLength: 12 }).map((s) => new Uint8Array(Buffer.from(s))),
    );
    fc.assert(
      fc.property(bytes, fc.nat({ max: 5 }), (value, offset) => {
        const buf = Buffer.concat([Buffer.alloc(offset, 0x41), value, Buffer.from([0xff])]);
        assert.equal(utf8Text(buf, offset, offset + value.length), buf.toString('utf8', offset, offset + value.length));
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps NUL, DEL and replaces invalid sequences like the native decoder', () => {
    const cases = [[0x00, 0x7f], [0x61, 0x80], [0xc3], [0xe2, 0x82], [0xf0, 0x9f, 0x98, 0x80], [0xed, 0xa0, 0x80]];
    for (const c of cases) assert.equal(utf8Text(Buffer.from(c), 0, c.length), Buffer.from(c).toString('utf8'), `bytes ${c}`);
    assert.equal(utf8Text(Buffer.from('2024-02-29 23:59:59.123456789'), 0, 29), '2024-02-29 23:59:59.123456789');
    assert.equal(utf8Text(Buffer.alloc(0), 0, 0), '');
  });
});
