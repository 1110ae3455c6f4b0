import { ProtocolError } from '../../errors';

/**
 * Reading TBinaryProtocol values straight from a buffer, for the decoders that walk a
 * reply's bytes instead of building thrift's object graph. Every read is checked
 * against the end of the message: a truncated or inconsistent reply is a
 * {@link ProtocolError}, never a read past the bytes that belong to it.
 *
 * @internal
 */

/** TBinaryProtocol type ids (`Thrift.Type`). */
export const TType = Object.freeze({
  STOP: 0,
  BOOL: 2,
  BYTE: 3,
  DOUBLE: 4,
  I16: 6,
  I32: 8,
  I64: 10,
  STRING: 11,
  STRUCT: 12,
  MAP: 13,
  SET: 14,
  LIST: 15,
  UUID: 16,
});

/** Encoded size of fixed-width values by type id; 0 for variable-width or unknown ids. */
const FIXED_WIDTH = new Uint8Array(17);
FIXED_WIDTH[TType.BOOL] = 1;
FIXED_WIDTH[TType.BYTE] = 1;
FIXED_WIDTH[TType.DOUBLE] = 8;
FIXED_WIDTH[TType.I16] = 2;
FIXED_WIDTH[TType.I32] = 4;
FIXED_WIDTH[TType.I64] = 8;
FIXED_WIDTH[TType.UUID] = 16;

/** Nesting limit when skipping, the same as thrift's own `skip`. */
const MAX_DEPTH = 64;

/** Width in bytes of a fixed-width type, 0 for STRING/containers/unknown. */
export function fixedWidth(type: number): number {
  return FIXED_WIDTH[type] ?? 0;
}

/** A ProtocolError for bytes that cannot be the reply they claim to be. */
export function malformed(what: string): ProtocolError {
  return new ProtocolError(`malformed FetchResults reply: ${what}`);
}

/** Throws unless `count` more bytes are available at `pos` before `end`. */
export function need(pos: number, count: number, end: number, what: string): void {
  if (count < 0 || pos + count > end) throw malformed(`${what} runs past the end of the message (${count} bytes at offset ${pos}, message ends at ${end})`);
}

/** A signed 32-bit big-endian size or count; negative values are rejected. */
export function readSize(buf: Buffer, pos: number, end: number, what: string): number {
  need(pos, 4, end, what);
  const n = buf.readInt32BE(pos);
  if (n < 0) throw malformed(`${what} is negative (${n})`);
  return n;
}

/**
 * Skips one value of `type` starting at `pos` and returns the offset after it. Lists
 * and sets of fixed-width values are skipped in one step.
 */
export function skipValue(buf: Buffer, pos: number, end: number, type: number, depth = 0): number {
  const width = fixedWidth(type);
  if (width > 0) {
    need(pos, width, end, 'a value');
    return pos + width;
  }
  if (depth >= MAX_DEPTH) throw malformed(`values nest deeper than ${MAX_DEPTH} levels`);
  switch (type) {
    case TType.STRING: {
      const len = readSize(buf, pos, end, 'a string length');
      need(pos + 4, len, end, 'a string');
      return pos + 4 + len;
    }
    case TType.STRUCT:
      for (;;) {
        need(pos, 1, end, 'a field header');
        const ftype = buf[pos]!;
        if (ftype === TType.STOP) return pos + 1;
        need(pos, 3, end, 'a field header');
        pos = skipValue(buf, pos + 3, end, ftype, depth + 1);
      }
    case TType.MAP: {
      need(pos, 2, end, 'a map header');
      const ktype = buf[pos]!;
      const vtype = buf[pos + 1]!;
      const size = readSize(buf, pos + 2, end, 'a map size');
      pos += 6;
      for (let i = 0; i < size; i++) {
        pos = skipValue(buf, pos, end, ktype, depth + 1);
        pos = skipValue(buf, pos, end, vtype, depth + 1);
      }
      return pos;
    }
    case TType.SET:
    case TType.LIST: {
      need(pos, 1, end, 'a list header');
      const etype = buf[pos]!;
      const size = readSize(buf, pos + 1, end, 'a list size');
      pos += 5;
      const w = fixedWidth(etype);
      if (w > 0) {
        need(pos, size * w, end, 'a list');
        return pos + size * w;
      }
      for (let i = 0; i < size; i++) pos = skipValue(buf, pos, end, etype, depth + 1);
      return pos;
    }
    default:
      throw malformed(`unknown Thrift type id ${type} at offset ${pos}`);
  }
}
