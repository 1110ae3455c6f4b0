import { Int64 } from 'thrift';

/**
 * Exact conversions between thrift's i64 representation (`node-int64` objects: a
 * big-endian two's-complement buffer plus an offset) and `bigint`.
 *
 * @internal
 */

/** The value of a thrift i64 as a bigint, exact over the whole signed 64-bit range. */
export function int64ToBigInt(value: Int64): bigint {
  const buf = value.buffer;
  const off = value.offset;
  const hi = buf.readInt32BE(off);
  // One BigInt allocation instead of readBigInt64BE's several when the value fits a double exactly.
  if (hi >= -0x200000 && hi < 0x200000) return BigInt(hi * 0x100000000 + buf.readUInt32BE(off + 4));
  return buf.readBigInt64BE(off);
}

/**
 * The value of a thrift i64 as a number when it is a safe integer (|v| ≤ 2^53 − 1),
 * otherwise `undefined`. Cheaper than going through bigint on the decode hot path.
 */
export function int64ToSafeNumber(value: Int64): number | undefined {
  const buf = value.buffer;
  const off = value.offset;
  const hi = buf.readInt32BE(off);
  const lo = buf.readUInt32BE(off + 4);
  // |hi| < 2^21 keeps hi * 2^32 + lo inside ±2^53; the edges are checked exactly.
  if (hi >= -0x200000 && hi < 0x200000) {
    const n = hi * 0x100000000 + lo;
    return Number.isSafeInteger(n) ? n : undefined;
  }
  return undefined;
}

/** A thrift i64 for a bigint or integral number, for writing. */
export function toInt64(value: bigint | number): Int64 {
  const buf = Buffer.alloc(8);
  buf.writeBigInt64BE(typeof value === 'bigint' ? BigInt.asIntN(64, value) : BigInt(value));
  // thrift's writeI64 writes `buffer` whole and ignores `offset`: keep it exactly 8 bytes.
  return new Int64(buf);
}
