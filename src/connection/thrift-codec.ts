import { TBinaryProtocol, TBufferedTransport, Thrift } from 'thrift';
import type { TProtocol } from 'thrift';
import { ErrorCode, ProtocolError } from '../errors';
import { BinaryWriter } from './binary-writer';
import type { ThriftReadable, ThriftRequest, ThriftResponseClass } from './types';

/** Thrift's transport keeps its read buffer in untyped fields; we feed it whole messages. */
interface ReadableBufferedTransport {
  inBuf: Buffer;
  readCursor: number;
  writeCursor: number;
  read(len: number): Buffer;
}

/**
 * thrift's `read` (binary fields) with `Buffer.allocUnsafe` instead of the deprecated
 * `new Buffer()`, whose deprecation check walks the stack on each of the first 10,000
 * calls. The bytes are copied: the message buffer is reused for later replies.
 */
function readCopy(this: ReadableBufferedTransport, len: number): Buffer {
  if (len < 0 || this.readCursor + len > this.writeCursor) throw new ProtocolError(`a reply field of ${len} bytes runs past the end of the message`);
  const out = Buffer.allocUnsafe(len);
  this.inBuf.copy(out, 0, this.readCursor, this.readCursor + len);
  this.readCursor += len;
  return out;
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
 * the whole args struct a {@link WHOLE_STRUCT} request writes itself. With
 * `lengthPrefix` the message is preceded by its 4-byte big-endian length (the SASL
 * data phase's framing), written in the same buffer.
 *
 * @internal
 */
export function encodeCall(method: string, seqid: number, req: ThriftRequest, lengthPrefix = false): Buffer {
  const writer = new BinaryWriter();
  if (lengthPrefix) writer.writeI32(0);
  writer.writeMessageBegin(method, Thrift.MessageType.CALL, seqid);
  if (isWhole(req)) {
    req.write(writer as unknown as TProtocol);
  } else {
    writer.writeStructBegin(`${method}_args`);
    writer.writeFieldBegin('req', Thrift.Type.STRUCT, 1);
    req.write(writer as unknown as TProtocol);
    writer.writeFieldEnd();
    writer.writeFieldStop();
    writer.writeStructEnd();
  }
  writer.writeMessageEnd();
  const out = writer.bytes();
  if (lengthPrefix) out.writeUInt32BE(out.length - 4, 0);
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
  // thrift's reading methods over the whole message; its constructor is skipped, as it
  // allocates a 1 KiB read buffer (through `new Buffer()`) that would go unused.
  const transport = Object.create(TBufferedTransport.prototype) as ReadableBufferedTransport;
  transport.inBuf = message;
  transport.readCursor = 0;
  transport.writeCursor = message.length;
  transport.read = readCopy;
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
