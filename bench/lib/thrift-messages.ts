import { encodeCall as encodeClientCall } from '../../src/connection/thrift-codec';
import type { ThriftRequest } from '../../src/connection/types';
import { TBinaryProtocol, TBufferedTransport, type TProtocol } from 'thrift';
import { MessageScanner } from '../../src/connection/message-scanner';

/** The header of a strict TBinaryProtocol message. */
export interface MessageHeader {
  name: string;
  /** Thrift message type: 1 call, 2 reply, 3 exception, 4 oneway. */
  type: number;
  seqid: number;
  /** Byte offset of the seqid, to rewrite it in place. */
  seqidOffset: number;
}

/** Reads the header of a strict (versioned) TBinaryProtocol message. */
export function readHeader(message: Buffer): MessageHeader {
  const version = message.readInt32BE(0);
  if ((version & 0xffff0000) !== (0x80010000 | 0)) throw new Error(`not a strict TBinaryProtocol message (0x${(version >>> 0).toString(16)})`);
  const nameLength = message.readInt32BE(4);
  const name = message.toString('utf8', 8, 8 + nameLength);
  const seqidOffset = 8 + nameLength;
  return { name, type: version & 0xff, seqid: message.readInt32BE(seqidOffset), seqidOffset };
}

/** A copy of `message` answering call `seqid`. */
export function withSeqid(message: Buffer, seqid: number): Buffer {
  const copy = Buffer.from(message);
  copy.writeInt32BE(seqid, readHeader(message).seqidOffset);
  return copy;
}

/** Encodes a call `method(req)` (argument at field 1), exactly as impala-ha's connection sends it. */
export function encodeCall(method: string, seqid: number, req: object): Buffer {
  return encodeClientCall(method, seqid, req as ThriftRequest);
}

/** Thrift's buffered transport keeps its read buffer in untyped fields. */
interface ReadableTransport {
  inBuf: Buffer;
  readCursor: number;
  writeCursor: number;
}

/** A TBinaryProtocol (thrift 0.24, the project's) reading one whole message from memory. */
export function protocolOver(message: Buffer): TProtocol {
  const transport = new TBufferedTransport() as unknown as ReadableTransport;
  transport.inBuf = message;
  transport.readCursor = 0;
  transport.writeCursor = message.length;
  return new TBinaryProtocol(transport as unknown as TBufferedTransport) as TProtocol;
}

/**
 * Splits a byte stream into whole Thrift messages (unframed TBinaryProtocol, as
 * NOSASL HS2 sends them) without decoding them, with the project's MessageScanner.
 * The receive buffer grows by doubling, so a large reply is copied O(1) times.
 */
export class MessageSplitter {
  #buf = Buffer.allocUnsafe(64 * 1024);
  #len = 0;
  readonly #scanner = new MessageScanner();

  /** Adds bytes and returns the messages they completed (copies, safe to keep). */
  push(chunk: Buffer): Buffer[] {
    if (this.#len + chunk.length > this.#buf.length) {
      let size = this.#buf.length * 2;
      while (size < this.#len + chunk.length) size *= 2;
      const bigger = Buffer.allocUnsafe(size);
      this.#buf.copy(bigger, 0, 0, this.#len);
      this.#buf = bigger;
    }
    chunk.copy(this.#buf, this.#len);
    this.#len += chunk.length;
    const out: Buffer[] = [];
    for (;;) {
      const end = this.#scanner.scan(this.#buf, this.#len);
      if (end < 0 || end > this.#len) break;
      out.push(Buffer.from(this.#buf.subarray(0, end)));
      this.#buf.copy(this.#buf, 0, end, this.#len);
      this.#len -= end;
      this.#scanner.reset();
      if (this.#len === 0) break;
    }
    return out;
  }
}
