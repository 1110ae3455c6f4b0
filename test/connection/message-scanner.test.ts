import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import Int64 from 'node-int64';
import { TBinaryProtocol, TBufferedTransport, Thrift } from 'thrift';
import { MessageScanner } from '../../src/connection/message-scanner';
import { ErrorCode, ImpalaError } from '../../src/errors';
import * as T from '../../src/thrift/gen-nodejs/TCLIService_types';

/** Encodes a FetchResults reply the way a server would. */
function encodeReply(resp: T.TFetchResultsResp, name = 'FetchResults'): Buffer {
  let out: Buffer | undefined;
  const p = new TBinaryProtocol(new TBufferedTransport(undefined, (b?: Buffer) => (out = b)));
  p.writeMessageBegin(name, Thrift.MessageType.REPLY, 7);
  p.writeStructBegin('result');
  p.writeFieldBegin('success', Thrift.Type.STRUCT, 0);
  (resp as unknown as { write(p: unknown): void }).write(p);
  p.writeFieldEnd();
  p.writeFieldStop();
  p.writeStructEnd();
  p.writeMessageEnd();
  p.flush();
  return out!;
}

const nulls = (n: number): Buffer => Buffer.alloc(Math.ceil(n / 8));

const columnArb = (rows: number): fc.Arbitrary<T.TColumn> =>
  fc.oneof(
    fc.array(fc.string(), { minLength: rows, maxLength: rows }).map((v) => new T.TColumn({ stringVal: new T.TStringColumn({ values: v.map((s) => Buffer.from(s)), nulls: nulls(rows) }) })),
    fc.array(fc.double(), { minLength: rows, maxLength: rows }).map((v) => new T.TColumn({ doubleVal: new T.TDoubleColumn({ values: v, nulls: nulls(rows) }) })),
    fc.array(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), { minLength: rows, maxLength: rows }).map(
      (v) =>
        new T.TColumn({
          i64Val: new T.TI64Column({
            values: v.map((b) => {
              const buf = Buffer.alloc(8);
              buf.writeBigInt64BE(b);
              return new Int64(buf);
            }),
            nulls: nulls(rows),
          }),
        }),
    ),
    fc.array(fc.boolean(), { minLength: rows, maxLength: rows }).map((v) => new T.TColumn({ boolVal: new T.TBoolColumn({ values: v, nulls: nulls(rows) }) })),
  );

const replyArb = fc.integer({ min: 0, max: 40 }).chain((rows) =>
  fc
    .tuple(fc.array(columnArb(rows), { maxLength: 5 }), fc.boolean(), fc.option(fc.string(), { nil: undefined }), fc.dictionary(fc.string(), fc.string()))
    .map(
      ([columns, more, info]) =>
        new T.TFetchResultsResp({
          status: new T.TStatus({ statusCode: 0, infoMessages: info === undefined ? undefined : [info] }),
          hasMoreRows: more,
          results: new T.TRowSet({ startRowOffset: new Int64(0), rows: [], columns }),
        }),
    ),
);

describe('MessageScanner', () => {
  it('finds the exact end of any reply, whatever the chunk boundaries, and never before', () => {
    fc.assert(
      fc.property(replyArb, fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 50 }), fc.uint8Array({ maxLength: 8 }), (resp, cuts, trailer) => {
        const msg = encodeReply(resp);
        const stream = Buffer.concat([msg, Buffer.from(trailer)]);
        const scanner = new MessageScanner();
        let avail = 0;
        let i = 0;
        let found = -1;
        while (found < 0 && avail < stream.length) {
          avail = Math.min(stream.length, avail + cuts[i++ % cuts.length]!);
          found = scanner.scan(stream, avail);
          if (found >= 0) assert.ok(found <= avail);
          else assert.ok(avail < msg.length || avail === stream.length);
        }
        assert.equal(found, msg.length);
      }),
      { numRuns: 300 },
    );
  });

  it('rejects bytes that cannot be a Thrift message with a protocol error', () => {
    const scanner = new MessageScanner();
    const http = Buffer.from('HTTP/1.1 400 Bad Request\r\n\r\n');
    assert.throws(
      () => scanner.scan(http, http.length),
      (err: unknown) => err instanceof ImpalaError && err.code === ErrorCode.PROTOCOL,
    );
    const badVersion = Buffer.from([0x80, 0x02, 0, 2, 0, 0, 0, 0]);
    assert.throws(() => new MessageScanner().scan(badVersion, badVersion.length), /bad Thrift message version/);
  });

  it('walks a 1M-value string column in one pass when fed in 64 KiB chunks', function () {
    this.timeout(60_000); // encoding the 1M-value fixture with thrift's writer is the slow part
    const rows = 1_000_000;
    const values = Array.from({ length: rows }, (_, i) => Buffer.from(`v${i}`));
    const msg = encodeReply(
      new T.TFetchResultsResp({
        status: new T.TStatus({ statusCode: 0 }),
        hasMoreRows: false,
        results: new T.TRowSet({ startRowOffset: new Int64(0), rows: [], columns: [new T.TColumn({ stringVal: new T.TStringColumn({ values, nulls: nulls(rows) }) })] }),
      }),
    );
    const scanner = new MessageScanner();
    let found = -1;
    for (let avail = 65536; found < 0; avail = Math.min(msg.length, avail + 65536)) found = scanner.scan(msg, avail);
    assert.equal(found, msg.length);
  });
});
