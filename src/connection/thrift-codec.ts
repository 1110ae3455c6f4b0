import { TBinaryProtocol, TBufferedTransport, Thrift } from 'thrift';
import type { TProtocol } from 'thrift';
import { ErrorCode, ProtocolError } from '../errors';
import type { ThriftReadable, ThriftRequest, ThriftResponseClass } from './types';

/** Thrift's transport keeps its read buffer in untyped fields; we feed it whole messages. */
interface ReadableBufferedTransport {
  inBuf: Buffer;
  readCursor: number;
  writeCursor: number;
}

/** What decoding a reply needs to know about the call it answers. @internal */
export interface CallIdentity {
  readonly method: string;
  readonly seqid: number;
  readonly Resp: ThriftResponseClass<ThriftReadable>;
}

/**
 * Marks a request object, or the instances of a reply class, that encode the whole
 * Thrift args or result struct themselves. HS2 methods all take one `req` struct and
 * return a struct in field 0, which {@link encodeCall} / {@link decodeReply} wrap and
 * unwrap; Beeswax methods take zero to three arguments of any type and return an
 * i32, a string, a list or nothing, with declared exceptions in fields 1 and 2.
 */
export const WHOLE_STRUCT: unique symbol = Symbol('impala-ha.thrift.wholeStruct');

/** A request or reply carrying the {@link WHOLE_STRUCT} mark. */
export interface WholeStruct {
  readonly [WHOLE_STRUCT]: true;
}

function isWhole(value: object): value is WholeStruct {
  return (value as Partial<WholeStruct>)[WHOLE_STRUCT] === true;
}

/**
 * Encodes one call: message header, then the args struct with the single `req`
 * field (id 1) that every TCLIService / ImpalaHiveServer2Service method takes, or
 * the whole args struct a {@link WHOLE_STRUCT} request writes itself.
 *
 * @internal
 */
export function encodeCall(method: string, seqid: number, req: ThriftRequest): Buffer {
  let out: Buffer | undefined;
  const transport = new TBufferedTransport(undefined, (msg?: Buffer) => {
    out = msg;
  });
  const protocol = new TBinaryProtocol(transport);
  protocol.writeMessageBegin(method, Thrift.MessageType.CALL, seqid);
  if (isWhole(req)) {
    req.write(protocol);
  } else {
    protocol.writeStructBegin(`${method}_args`);
    protocol.writeFieldBegin('req', Thrift.Type.STRUCT, 1);
    req.write(protocol);
    protocol.writeFieldEnd();
    protocol.writeFieldStop();
    protocol.writeStructEnd();
  }
  protocol.writeMessageEnd();
  protocol.flush();
  if (!out) throw new Error('the Thrift encoder produced no bytes');
  return out;
}

/**
 * Decodes a whole reply message: checks it answers `call`, turns a
 * TApplicationException into a ProtocolError, and reads the result struct (field 0),
 * or lets a {@link WHOLE_STRUCT} reply read the whole result struct itself.
 *
 * @internal
 */
export function decodeReply(message: Buffer, call: CallIdentity, address: string): ThriftReadable {
  const transport = new TBufferedTransport() as unknown as ReadableBufferedTransport;
  transport.inBuf = message;
  transport.readCursor = 0;
  transport.writeCursor = message.length;
  const protocol = new TBinaryProtocol(transport as unknown as TBufferedTransport) as TProtocol;
  const header = protocol.readMessageBegin();
  if (header.rseqid !== call.seqid) {
    throw new ProtocolError(`${address} answered seqid ${header.rseqid} to ${call.method} seqid ${call.seqid}`, { coordinator: address });
  }
  if (header.mtype === Thrift.MessageType.EXCEPTION) {
    const x = new Thrift.TApplicationException();
    x.read(protocol);
    throw new ProtocolError(`${address} could not serve ${call.method}: ${x.message || 'TApplicationException'} (Thrift type ${(x as unknown as { type?: number }).type ?? "?"})`, {
      code: ErrorCode.THRIFT_APPLICATION,
      coordinator: address,
    });
  }
  if (header.mtype !== Thrift.MessageType.REPLY) {
    throw new ProtocolError(`${address} sent message type ${header.mtype} in reply to ${call.method}`, { coordinator: address });
  }
  if (header.fname !== call.method) {
    throw new ProtocolError(`${address} answered ${String(header.fname)} to ${call.method}`, { coordinator: address });
  }
  const result = new call.Resp();
  if (isWhole(result)) {
    result.read(protocol);
    return result;
  }
  let found = false;
  protocol.readStructBegin();
  for (;;) {
    const field = protocol.readFieldBegin();
    if (field.ftype === Thrift.Type.STOP) break;
    if (field.fid === 0 && field.ftype === Thrift.Type.STRUCT) {
      result.read(protocol);
      found = true;
    } else {
      protocol.skip(field.ftype);
    }
    protocol.readFieldEnd();
  }
  protocol.readStructEnd();
  if (!found) throw new ProtocolError(`${address} sent an empty result for ${call.method}`, { coordinator: address });
  return result;
}
