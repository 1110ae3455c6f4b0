import { strict as assert } from 'node:assert';
import type { CallOptions } from '../../../src/connection';
import * as rpc from '../../../src/protocol/hs2/hs2-rpc';
import * as T from '../../../src/thrift/gen-nodejs/TCLIService_types';

/** A channel that records the options of each call and answers with an OK status. */
function recorder(transport: 'http' | 'binary' = 'http'): { channel: rpc.RpcChannel; seen: CallOptions[] } {
  const seen: CallOptions[] = [];
  const channel: rpc.RpcChannel & { transport: string } = {
    transport,
    address: 'h:28000',
    call: async (_method, _req, Resp, opts) => {
      seen.push(opts ?? {});
      const resp = new Resp() as { status?: T.TStatus };
      resp.status = new T.TStatus({ statusCode: T.TStatusCode.SUCCESS_STATUS });
      return resp as never;
    },
  };
  return { channel, seen };
}

describe('hs2-rpc: tracing ids for the HTTP headers', () => {
  const guid = Buffer.from('0102030405060708090a0b0c0d0e0f10', 'hex');
  const session = new T.TSessionHandle({ sessionId: new T.THandleIdentifier({ guid, secret: Buffer.alloc(16) }) });
  const operation = new T.TOperationHandle({ operationId: new T.THandleIdentifier({ guid, secret: Buffer.alloc(16) }), operationType: 0, hasResultSet: true });

  it('passes the session id of session RPCs and the query id of operation RPCs', async () => {
    const { channel, seen } = recorder();
    await rpc.executeStatement(channel, new T.TExecuteStatementReq({ sessionHandle: session, statement: 'SELECT 1' }), { timeoutMs: 500 });
    await rpc.getOperationStatus(channel, new T.TGetOperationStatusReq({ operationHandle: operation }));
    await rpc.getLog(channel, new T.TGetLogReq({ operationHandle: operation }), { queryId: 'aaaaaaaaaaaaaaaa:bbbbbbbbbbbbbbbb' });
    assert.deepEqual(seen[0], { timeoutMs: 500, trace: { sessionId: '0807060504030201:100f0e0d0c0b0a09' } });
    assert.deepEqual(seen[1], { trace: { queryId: '0807060504030201:100f0e0d0c0b0a09' } });
    assert.deepEqual(seen[2], { trace: { queryId: 'aaaaaaaaaaaaaaaa:bbbbbbbbbbbbbbbb' } }, 'the context query id wins');
  });

  it('formats no ids for the binary wire, which has no headers', async () => {
    const { channel, seen } = recorder('binary');
    await rpc.executeStatement(channel, new T.TExecuteStatementReq({ sessionHandle: session, statement: 'SELECT 1' }), { timeoutMs: 500 });
    assert.deepEqual(seen[0], { timeoutMs: 500 });
  });
});
