import { strict as assert } from 'node:assert';
import { TBinaryProtocol, TBufferedTransport } from 'thrift';
import type { EncodedBatch } from '../../src/testing/engine/types';
import { encodeFetchResultsResp } from '../../src/testing/hs2/fetch-reply-encoder';
import { toRowSet } from '../../src/testing/hs2/row-set';
import { okStatus } from '../../src/testing/hs2/status';
import * as T from '../../src/thrift/gen-nodejs/TCLIService_types';

/** What the generated Thrift writer produces for the same response. */
function generated(batch: EncodedBatch, offset: number, hasMoreRows: boolean): Buffer {
  let out: Buffer = Buffer.alloc(0);
  const transport = new TBufferedTransport(undefined, (buf) => {
    out = buf ?? Buffer.alloc(0);
  });
  const resp = new T.TFetchResultsResp({ status: okStatus(), hasMoreRows, results: toRowSet(batch, offset) });
  (resp as unknown as { write(p: TBinaryProtocol): void }).write(new TBinaryProtocol(transport));
  transport.flush();
  return out;
}

describe('simulator: fast FetchResults encoder', () => {
  it('writes exactly the bytes of the generated writer for every column kind, NULLs included', () => {
    const nulls = Buffer.from([0b00000101]);
    const batch: EncodedBatch = {
      rowCount: 3,
      done: false,
      columns: [
        { kind: 'boolVal', values: [false, true, false], nulls },
        { kind: 'byteVal', values: [0, -128, 127], nulls },
        { kind: 'i16Val', values: [0, -32768, 32767], nulls },
        { kind: 'i32Val', values: [0, -2147483648, 2147483647], nulls },
        { kind: 'i64Val', values: [0n, -(2n ** 63n), 2n ** 63n - 1n], nulls },
        { kind: 'doubleVal', values: [0, Number.NaN, -Infinity], nulls },
        { kind: 'stringVal', values: [Buffer.alloc(0), Buffer.from('héllo'), Buffer.from([0xff, 0x00])], nulls },
        { kind: 'binaryVal', values: [Buffer.alloc(0), Buffer.from([1, 2, 3]), Buffer.alloc(0)], nulls },
      ],
    };
    assert.deepEqual(encodeFetchResultsResp(batch, 4096, true), generated(batch, 4096, true));
  });

  it('handles an empty batch and a large offset', () => {
    const batch: EncodedBatch = { rowCount: 0, done: true, columns: [{ kind: 'stringVal', values: [], nulls: Buffer.alloc(0) }] };
    assert.deepEqual(encodeFetchResultsResp(batch, 2 ** 40, false), generated(batch, 2 ** 40, false));
  });
});
