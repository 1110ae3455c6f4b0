import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { ErrorCode, ImpalaError } from '../../../src/errors';
import { guidToQueryId, queryIdToGuid } from '../../../src/protocol/hs2/query-id';

describe('query ids', () => {
  it('prints each 8-byte half of the guid little-endian, like Impala PrintId', () => {
    // hi = 0xd74d8ce632c9d4d0, lo = 0x75c5a51100000000, each stored little-endian.
    const hi = Buffer.alloc(8);
    hi.writeBigUInt64LE(0xd74d8ce632c9d4d0n);
    const lo = Buffer.alloc(8);
    lo.writeBigUInt64LE(0x75c5a51100000000n);
    const guid = Buffer.concat([hi, lo]);
    assert.equal(guid.toString('hex'), 'd0d4c932e68c4dd70000000011a5c575');
    assert.equal(guidToQueryId(guid), 'd74d8ce632c9d4d0:75c5a51100000000');
  });

  it('parses a printed id back into the same 16 bytes, in either case', () => {
    const guid = queryIdToGuid('D74D8CE632C9D4D0:75c5a51100000000');
    assert.equal(guid.readBigUInt64LE(0), 0xd74d8ce632c9d4d0n);
    assert.equal(guid.readBigUInt64LE(8), 0x75c5a51100000000n);
  });

  it('round-trips any 16 bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (bytes) => {
        const id = guidToQueryId(bytes);
        assert.match(id, /^[0-9a-f]{16}:[0-9a-f]{16}$/);
        assert.deepEqual(new Uint8Array(queryIdToGuid(id)), bytes);
      }),
    );
  });

  it('rejects a malformed guid from the server as a protocol error', () => {
    assert.throws(
      () => guidToQueryId(Buffer.alloc(15)),
      (e) => e instanceof ImpalaError && e.code === ErrorCode.PROTOCOL && /15 bytes, expected 16/.test(e.message),
    );
  });

  it('rejects a malformed printed id as an argument error that shows the accepted form', () => {
    for (const bad of ['', 'abc', 'd74d8ce632c9d4d0-75c5a51100000000', 'g74d8ce632c9d4d0:75c5a51100000000', 'd74d8ce632c9d4d0:75c5a5110000000']) {
      assert.throws(
        () => queryIdToGuid(bad),
        (e) => e instanceof ImpalaError && e.code === ErrorCode.INVALID_ARGUMENT && /16 hex digits/.test(e.message),
      );
    }
  });
});
