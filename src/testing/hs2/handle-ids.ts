import { randomBytes } from 'node:crypto';

/** Length of a HS2 handle guid and secret, in bytes. */
export const HANDLE_BYTES = 16;

/**
 * Prints a 16-byte handle guid the way Impala's `PrintId` does: the two 8-byte halves
 * are little-endian `hi` and `lo` integers, printed as `%016x:%016x`
 * (protocol reference §2.4), e.g. `d74d8ce632c9d4d0:75c5a51100000000`.
 */
export function printId(guid: Buffer): string {
  if (guid.length !== HANDLE_BYTES) return guid.toString('hex');
  const hi = guid.readBigUInt64LE(0).toString(16).padStart(16, '0');
  const lo = guid.readBigUInt64LE(8).toString(16).padStart(16, '0');
  return `${hi}:${lo}`;
}

/** A fresh random session guid or secret (Impala uses random UUIDs). */
export function newRandomId(): Buffer {
  return randomBytes(HANDLE_BYTES);
}

/**
 * A fresh query id guid. Impala keeps the low 32 bits of `lo` for fragment
 * instance numbers, so printed query ids end in `00000000`.
 */
export function newQueryGuid(): Buffer {
  const guid = randomBytes(HANDLE_BYTES);
  // lo is little-endian at bytes 8..15: its low 32 bits are bytes 8..11.
  guid.fill(0, 8, 12);
  return guid;
}

/** The registry key of a guid. */
export function guidKey(guid: Buffer): string {
  return guid.toString('hex');
}
