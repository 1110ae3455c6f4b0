import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { TBinaryProtocol, TBufferedTransport, Thrift, type TProtocol } from 'thrift';
import { decodeReply, encodeCall } from '../../src/connection/thrift-codec';
import type { ThriftReadable, ThriftRequest, ThriftResponseClass } from '../../src/connection/types';
import { ErrorCode, ImpalaError } from '../../src/errors';
import { toInt64 } from '../../src/protocol/hs2/int64';
import * as I from '../../src/thrift/gen-nodejs/ImpalaService_types';
import * as T from '../../src/thrift/gen-nodejs/TCLIService_types';

/** The call as thrift's own TBinaryProtocol writes it (what encodeCall replaced). */
function thriftEncode(method: string, seqid: number, req: object): Buffer {
  let out: Buffer | undefined;
  const transport = new TBufferedTransport(undefined, (msg?: Buffer) => {
    out = msg;
  });
  const p = new TBinaryProtocol(transport);
  p.writeMessageBegin(method, Thrift.MessageType.CALL, seqid);
  p.writeStructBegin(`${method}_args`);
  p.writeFieldBegin('req', Thrift.Type.STRUCT, 1);
  (req as ThriftRequest).write(p as TProtocol);
  p.writeFieldEnd();
  p.writeFieldStop();
  p.writeStructEnd();
  p.writeMessageEnd();
  p.flush();
  return out!;
}

/** A reply message as a server writes it. */
function reply(method: string, seqid: number, result: object, type: number = Thrift.MessageType.REPLY): Buffer {
  let out: Buffer | undefined;
  const p = new TBinaryProtocol(new TBufferedTransport(undefined, (msg?: Buffer) => (out = msg)));
  p.writeMessageBegin(method, type, seqid);
  p.writeStructBegin('result');
  p.writeFieldBegin('success', Thrift.Type.STRUCT, 0);
  (result as ThriftRequest).write(p as TProtocol);
  p.writeFieldEnd();
  p.writeFieldStop();
  p.writeStructEnd();
  p.writeMessageEnd();
  p.flush();
  return out!;
}

const handle = (guid: Buffer, secret: Buffer): T.THandleIdentifier => new T.THandleIdentifier({ guid, secret });
const session = new T.TSessionHandle({ sessionId: handle(Buffer.alloc(16, 7), Buffer.alloc(16, 9)) });
const operation = new T.TOperationHandle({ operationId: handle(Buffer.alloc(16, 1), Buffer.alloc(16, 2)), operationType: 0, hasResultSet: true, modifiedRowCount: -1.5 });

describe('thrift codec', () => {
  it('encodes calls byte for byte as thrift does, for every field type our requests use', () => {
    const requests: Array<[string, object]> = [
      ['OpenSession', new T.TOpenSessionReq({ client_protocol: 5, username: 'ålice', password: 'p', configuration: { 'use:database': 'sales', MEM_LIMIT: '2g' } })],
      ['ExecuteStatement', new T.TExecuteStatementReq({ sessionHandle: session, statement: 'SELECT "€" FROM t -- ✓', runAsync: true, confOverlay: { SYNC_DDL: '1' } })],
      ['FetchResults', new T.TFetchResultsReq({ operationHandle: operation, orientation: 0, maxRows: toInt64(-(2n ** 63n)), fetchType: -3 })],
      ['GetTables', new T.TGetTablesReq({ sessionHandle: session, schemaName: 'd%', tableTypes: ['TABLE', 'VIEW'] })],
      ['CloseImpalaOperation', new I.TCloseImpalaOperationReq({ operationHandle: operation })],
      ['GetRuntimeProfile', new I.TGetRuntimeProfileReq({ operationHandle: operation, sessionHandle: session, format: 0, include_query_attempts: false })],
      ['GetInfo', new T.TGetInfoReq({ sessionHandle: session, infoType: 18 })],
    ];
    for (const [method, req] of requests) {
      const seqid = 0x7fffffff;
      assert.deepEqual(encodeCall(method, seqid, req as ThriftRequest), thriftEncode(method, seqid, req), method);
    }
  });

  it('matches thrift for any statement, options, row counts and seqids (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 2000 }),
        fc.dictionary(fc.string({ maxLength: 20 }), fc.string({ maxLength: 40 })),
        fc.boolean(),
        fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
        fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
        (statement, confOverlay, runAsync, maxRows, seqid) => {
          const exec = new T.TExecuteStatementReq({ sessionHandle: session, statement, confOverlay: { ...confOverlay }, runAsync });
          assert.deepEqual(encodeCall('ExecuteStatement', seqid, exec as unknown as ThriftRequest), thriftEncode('ExecuteStatement', seqid, exec));
          const fetch = new T.TFetchResultsReq({ operationHandle: operation, orientation: 0, maxRows: toInt64(maxRows) });
          assert.deepEqual(encodeCall('FetchResults', seqid, fetch as unknown as ThriftRequest), thriftEncode('FetchResults', seqid, fetch));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('writes the SASL length prefix in the same buffer', () => {
    const req = new T.TGetInfoReq({ sessionHandle: session, infoType: 13 });
    const plain = encodeCall('GetInfo', 3, req as unknown as ThriftRequest);
    const framed = encodeCall('GetInfo', 3, req as unknown as ThriftRequest, true);
    assert.equal(framed.readUInt32BE(0), plain.length);
    assert.deepEqual(framed.subarray(4), plain);
  });

  it('decodes binary fields as copies, and rejects a field that runs past the message', () => {
    const msg = reply('ExecuteStatement', 4, new T.TExecuteStatementResp({ status: new T.TStatus({ statusCode: 0 }), operationHandle: operation }));
    const call = { method: 'ExecuteStatement', seqid: 4, Resp: T.TExecuteStatementResp as unknown as ThriftResponseClass<ThriftReadable> };
    const resp = decodeReply(msg, call, 'h:1') as unknown as T.TExecuteStatementResp;
    msg.fill(0);
    assert.deepEqual(resp.operationHandle!.operationId.guid, Buffer.alloc(16, 1));
    assert.deepEqual(resp.operationHandle!.operationId.secret, Buffer.alloc(16, 2));
    const good = reply('ExecuteStatement', 4, new T.TExecuteStatementResp({ status: new T.TStatus({ statusCode: 0 }), operationHandle: operation }));
    // Cut inside the secret: the binary field's length says more than there is.
    const cut = good.subarray(0, good.indexOf(Buffer.alloc(16, 2)) + 8);
    assert.throws(
      () => decodeReply(cut, call, 'h:1'),
      (e: unknown) => e instanceof ImpalaError && e.code === ErrorCode.PROTOCOL && /runs past the end of the message/.test(e.message),
    );
  });
});
