import { createRequire } from 'node:module';
import * as hive from 'hive-driver';
import JsonResult from 'hive-driver/dist/result/JsonResult';
import type { TCLIServiceTypes, TableSchema, RowSet } from 'hive-driver/dist/hive/Types';
import type IOperation from 'hive-driver/dist/contracts/IOperation';
import type { RpcChannel } from '../../src/protocol/hs2/hs2-rpc';
import type { ThriftReadable, ThriftRequest, ThriftResponseClass } from '../../src/connection/types';
import { hs2Rpc, columnsFromSchema, RowDecoder } from '../../src/protocol/hs2';
import { toInt64 } from '../../src/protocol/hs2/int64';
import * as T from '../../src/thrift/gen-nodejs/TCLIService_types';
import { decodeReply } from './raw-hs2';

/**
 * Decoders of captured reply bytes, in process (no socket): each client's own Thrift
 * reader and row conversion, from the same bytes. Each resolves with the rows decoded.
 */
export type BytesDecoder = (fetchReplies: readonly Buffer[]) => Promise<number>;

/**
 * An RPC channel that answers every call with the next captured reply, read the way
 * `Connection` reads one: the reply class the client asks for reads field 0 of a
 * TBinaryProtocol over a buffered transport holding the whole message.
 */
class CapturedReplies implements RpcChannel {
  readonly address = 'captured';
  next: Buffer | undefined;

  call<R extends ThriftReadable>(_method: string, _req: ThriftRequest, Resp: ThriftResponseClass<R>): Promise<R> {
    const message = this.next;
    if (!message) return Promise.reject(new Error('no captured reply queued'));
    this.next = undefined;
    return Promise.resolve(decodeReply(message, Resp));
  }
}

/**
 * impala-ha: the client's own path for a batch, whatever it is inside: the
 * `hs2Rpc.fetchResults` wrapper with the reply class it reads into, then
 * `RowDecoder` with the default value options (object rows).
 */
export async function impalaHaDecoder(metadataReply: Buffer): Promise<BytesDecoder> {
  const channel = new CapturedReplies();
  const operationHandle = new T.TOperationHandle({ operationId: new T.THandleIdentifier({ guid: Buffer.alloc(16), secret: Buffer.alloc(16) }), operationType: 0, hasResultSet: true });
  channel.next = metadataReply;
  const meta = await hs2Rpc.getResultSetMetadata(channel, new T.TGetResultSetMetadataReq({ operationHandle }));
  const columns = columnsFromSchema(meta.schema);
  const req = new T.TFetchResultsReq({ operationHandle, orientation: T.TFetchOrientation.FETCH_NEXT, maxRows: toInt64(10_000) });
  return async (replies) => {
    // One decoder per statement, as the client builds one per result.
    const decoder = new RowDecoder(columns);
    let rows = 0;
    for (const m of replies) {
      channel.next = m;
      const resp = await hs2Rpc.fetchResults(channel, req);
      if (resp.results) rows += decoder.decode(resp.results).length;
    }
    return rows;
  };
}

/** The parts of hive-driver's thrift 0.20 runtime used to read a message from memory. */
interface HiveThriftRuntime {
  TBufferedTransport: new () => { inBuf: Buffer; readCursor: number; writeCursor: number };
  TBinaryProtocol: new (t: unknown) => HiveProtocol;
  Thrift: { Type: { STOP: number; STRUCT: number } };
}
interface HiveProtocol {
  readMessageBegin(): unknown;
  readStructBegin(): unknown;
  readFieldBegin(): { ftype: number; fid: number };
  readFieldEnd(): void;
  skip(type: number): void;
}
interface HiveReadable {
  read(input: HiveProtocol): void;
}

// hive-driver's own thrift (0.20), resolved from hive-driver's location, and its generated types.
const hiveThrift = createRequire(require.resolve('hive-driver'))('thrift') as HiveThriftRuntime;
const hiveTypes = hive.thrift.TCLIService_types as TCLIServiceTypes & Record<string, new () => HiveReadable>;

function hiveDecodeReply<R extends HiveReadable>(message: Buffer, Resp: new () => R): R {
  const transport = new hiveThrift.TBufferedTransport();
  transport.inBuf = message;
  transport.readCursor = 0;
  transport.writeCursor = message.length;
  const input = new hiveThrift.TBinaryProtocol(transport);
  input.readMessageBegin();
  input.readStructBegin();
  const out = new Resp();
  for (;;) {
    const f = input.readFieldBegin();
    if (f.ftype === hiveThrift.Thrift.Type.STOP) break;
    if (f.fid === 0 && f.ftype === hiveThrift.Thrift.Type.STRUCT) out.read(input);
    else input.skip(f.ftype);
    input.readFieldEnd();
  }
  return out;
}

/** hive-driver: its thrift 0.20 reader and generated structs, then its JsonResult (what HiveUtils.getResult uses). */
export function hiveDriverDecoder(metadataReply: Buffer): BytesDecoder {
  const meta = hiveDecodeReply(metadataReply, hiveTypes['TGetResultSetMetadataResp']!) as unknown as { schema: TableSchema };
  return async (replies) => {
    let rows = 0;
    for (const m of replies) {
      const resp = hiveDecodeReply(m, hiveTypes['TFetchResultsResp']!) as unknown as { results: RowSet };
      const result = new JsonResult(hiveTypes);
      // JsonResult reads only the schema and the fetched row sets of an operation.
      result.setOperation({ getSchema: () => meta.schema, getData: () => [resp.results] } as unknown as IOperation);
      rows += (result.getValue() as unknown[]).length;
    }
    return rows;
  };
}
