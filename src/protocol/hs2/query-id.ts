import { ArgumentError, ProtocolError } from '../../errors';

const PRINTED_ID = /^([0-9a-fA-F]{16}):([0-9a-fA-F]{16})$/;
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/**
 * Impala's printed form of a 16-byte handle guid (`PrintId`): `%016x:%016x` of the
 * two 64-bit halves, each stored little-endian on the wire, e.g.
 * `d74d8ce632c9d4d0:75c5a51100000000`. Used for query ids (operation guids) and
 * session ids alike.
 *
 * @throws {@link ProtocolError} when the guid is not 16 bytes (the server sent a
 * malformed handle).
 */
export function guidToQueryId(guid: Uint8Array): string {
  if (guid.length !== 16) {
    throw new ProtocolError(`malformed handle identifier: the guid is ${guid.length} bytes, expected 16`);
  }
  let hi = '';
  let lo = '';
  // Each half is a little-endian int64: print its bytes from the most significant down.
  for (let i = 7; i >= 0; i--) {
    hi += HEX[guid[i]!];
    lo += HEX[guid[i + 8]!];
  }
  return `${hi}:${lo}`;
}

/**
 * The 16-byte guid for a printed Impala id (`<hex16>:<hex16>`, either case); the
 * inverse of {@link guidToQueryId}.
 *
 * @throws {@link ArgumentError} naming the accepted form when `id` is not one.
 */
export function queryIdToGuid(id: string): Buffer {
  const m = typeof id === 'string' ? PRINTED_ID.exec(id) : null;
  if (!m) {
    throw new ArgumentError(`not an Impala query id: ${JSON.stringify(id)}; expected two groups of 16 hex digits separated by a colon, e.g. 'd74d8ce632c9d4d0:75c5a51100000000'`);
  }
  const guid = Buffer.alloc(16);
  guid.writeBigUInt64LE(BigInt(`0x${m[1]}`), 0);
  guid.writeBigUInt64LE(BigInt(`0x${m[2]}`), 8);
  return guid;
}
