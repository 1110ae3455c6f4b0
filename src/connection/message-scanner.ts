import { ProtocolError } from '../errors';

// TBinaryProtocol type ids.
const STOP = 0;
const STRING = 11;
const STRUCT = 12;
const MAP = 13;
const SET = 14;
const LIST = 15;

/** Encoded size of fixed-width values, indexed by type id (0 = not fixed). */
const FIXED_SIZE = new Uint8Array(17);
FIXED_SIZE[2] = 1; // BOOL
FIXED_SIZE[3] = 1; // BYTE
FIXED_SIZE[4] = 8; // DOUBLE
FIXED_SIZE[6] = 2; // I16
FIXED_SIZE[8] = 4; // I32
FIXED_SIZE[10] = 8; // I64
FIXED_SIZE[16] = 16; // UUID

const MAX_DEPTH = 64;

interface StructFrame {
  kind: 0;
}
interface ContainerFrame {
  kind: 1;
  /** Element types: for a list/set both are the element type; for a map key then value. */
  first: number;
  second: number;
  /** Values still to read (a map counts keys and values separately). */
  left: number;
}
type Frame = StructFrame | ContainerFrame;

/**
 * Finds where one TBinaryProtocol message ends in a byte stream that arrives in
 * pieces, without decoding it.
 *
 * Unframed (NOSASL) Thrift has no length prefix, so the end of a reply is only
 * known by walking its structure. Thrift's own node transport re-parses the whole
 * message from the start on every chunk, which is quadratic in the reply size; this
 * scanner keeps its place between chunks, skips fixed-width lists in one step and
 * does not allocate per value, so a reply is walked once whatever its size.
 *
 * @internal
 */
export class MessageScanner {
  #pos = 0;
  #headerDone = false;
  #stack: Frame[] = [];
  #done = false;

  /** Resets for the next message. */
  reset(): void {
    this.#pos = 0;
    this.#headerDone = false;
    this.#stack.length = 0;
    this.#done = false;
  }

  /**
   * Continues the walk over `buf[0..avail)` (the message's first byte at offset 0).
   * Returns the message length once it is complete, otherwise -1 (feed more bytes).
   * Throws a ProtocolError on bytes that cannot be a Thrift message.
   */
  scan(buf: Buffer, avail: number): number {
    if (this.#done) return this.#pos;
    if (!this.#headerDone && !this.#scanHeader(buf, avail)) return -1;
    const stack = this.#stack;
    for (;;) {
      let pos = this.#pos;
      if (pos > avail) return -1; // skipped past bytes that have not arrived yet
      const top = stack[stack.length - 1];
      if (top === undefined) {
        this.#done = true;
        return pos;
      }
      let type: number;
      if (top.kind === 0) {
        if (pos + 1 > avail) return -1;
        type = buf[pos]!;
        if (type === STOP) {
          this.#pos = pos + 1;
          stack.pop();
          continue;
        }
        if (pos + 3 > avail) return -1;
        if (!this.#valueHeaderAvailable(buf, type, pos + 3, avail)) return -1;
        pos += 3;
      } else {
        if (top.left === 0) {
          stack.pop();
          continue;
        }
        if (top.first === top.second) {
          const size = FIXED_SIZE[top.first] ?? 0;
          if (size > 0) {
            // A list of fixed-width values is skipped in one step.
            this.#pos = pos + top.left * size;
            top.left = 0;
            continue;
          }
          if (top.first === STRING) {
            // Tight loop for list<string>/list<binary>: the common case of result columns.
            while (top.left > 0) {
              if (pos + 4 > avail) {
                this.#pos = pos;
                return -1;
              }
              const len = buf.readInt32BE(pos);
              if (len < 0) throw new ProtocolError(`negative string length ${len} in a Thrift reply`);
              pos += 4 + len;
              top.left--;
            }
            this.#pos = pos;
            continue;
          }
        }
        // Maps alternate key and value types; `left` is even before a key.
        type = top.left % 2 === 0 ? top.first : top.second;
        if (!this.#valueHeaderAvailable(buf, type, pos, avail)) return -1;
        top.left--;
      }
      this.#pos = this.#beginValue(buf, type, pos);
    }
  }

  #scanHeader(buf: Buffer, avail: number): boolean {
    if (avail < 4) return false;
    const sz = buf.readInt32BE(0);
    let end: number;
    if (sz < 0) {
      if ((sz & 0xffff0000) !== (0x80010000 | 0)) throw new ProtocolError(`bad Thrift message version 0x${(sz >>> 0).toString(16)}`);
      if (avail < 8) return false;
      const nameLen = buf.readInt32BE(4);
      if (nameLen < 0 || nameLen > 1024) throw new ProtocolError(`bad Thrift method name length ${nameLen}`);
      end = 8 + nameLen + 4;
    } else {
      if (sz > 1024) throw new ProtocolError(`bad Thrift method name length ${sz} (is the server speaking SASL or HTTP?)`);
      end = 4 + sz + 1 + 4;
    }
    this.#pos = end;
    this.#headerDone = true;
    this.#stack.push({ kind: 0 });
    return true;
  }

  /** Whether the length/count prefix of a value of `type` at `pos` has arrived. */
  #valueHeaderAvailable(buf: Buffer, type: number, pos: number, avail: number): boolean {
    switch (type) {
      case STRING:
        return pos + 4 <= avail;
      case LIST:
      case SET:
        return pos + 5 <= avail;
      case MAP:
        return pos + 6 <= avail;
      case STRUCT:
        return true;
      default:
        if ((FIXED_SIZE[type] ?? 0) === 0) throw new ProtocolError(`unknown Thrift type id ${type} in a reply (${buf.length} bytes buffered)`);
        return true;
    }
  }

  /** Consumes the header of a value whose header bytes are available; returns the new position. */
  #beginValue(buf: Buffer, type: number, pos: number): number {
    switch (type) {
      case STRING: {
        const len = buf.readInt32BE(pos);
        if (len < 0) throw new ProtocolError(`negative string length ${len} in a Thrift reply`);
        return pos + 4 + len;
      }
      case STRUCT:
        this.#push({ kind: 0 });
        return pos;
      case LIST:
      case SET: {
        const elem = buf[pos]!;
        const n = buf.readInt32BE(pos + 1);
        if (n < 0) throw new ProtocolError(`negative list size ${n} in a Thrift reply`);
        this.#push({ kind: 1, first: elem, second: elem, left: n });
        return pos + 5;
      }
      case MAP: {
        const k = buf[pos]!;
        const v = buf[pos + 1]!;
        const n = buf.readInt32BE(pos + 2);
        if (n < 0) throw new ProtocolError(`negative map size ${n} in a Thrift reply`);
        this.#push({ kind: 1, first: k, second: v, left: 2 * n });
        return pos + 6;
      }
      default:
        return pos + FIXED_SIZE[type]!;
    }
  }

  #push(frame: Frame): void {
    if (this.#stack.length >= MAX_DEPTH) throw new ProtocolError(`Thrift reply nested deeper than ${MAX_DEPTH} levels`);
    this.#stack.push(frame);
  }
}
