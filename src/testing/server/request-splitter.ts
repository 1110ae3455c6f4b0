import { TBinaryProtocol, TFramedTransport, Thrift } from 'thrift';

/** Largest request accepted, in bytes (Impala allows 2 GiB; a simulator has no use for that). */
export const MAX_REQUEST_BYTES = 64 * 1024 * 1024;

/** Bytes that cannot start a Thrift request (a SASL frame on a NOSASL port, HTTP, garbage). */
export class MalformedRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedRequestError';
  }
}

/** Thrift's transports throw this (a plain Error subclass, not exported in the typings) when bytes run out. */
function isUnderrun(err: unknown): boolean {
  return err instanceof Error && err.name === 'InputBufferUnderrunError';
}

/**
 * Finds the first complete TBinaryProtocol message in `buf` (unframed, back to back,
 * as a NOSASL client or the SASL data phase delivers them). Returns its length and
 * method name, or `undefined` when more bytes are needed.
 *
 * Requests are small, so walking the message again as bytes arrive costs little.
 *
 * @internal
 */
export function nextRequest(buf: Buffer): { length: number; method: string } | undefined {
  if (buf.length < 4) return undefined;
  const head = buf.readInt32BE(0);
  if (head >= 0) {
    // Old non-strict header (`name length` first). Anything large is not Thrift.
    if (head > 1024) throw new MalformedRequestError(`not a Thrift request (first word 0x${head.toString(16)})`);
  } else if ((head & 0xffff0000) !== (0x80010000 | 0)) {
    throw new MalformedRequestError(`bad Thrift message version 0x${(head >>> 0).toString(16)}`);
  }
  const transport = new TFramedTransport(buf);
  const input = new TBinaryProtocol(transport);
  try {
    const begin = input.readMessageBegin();
    input.skip(Thrift.Type.STRUCT);
    input.readMessageEnd();
    const length = (transport as unknown as { readPos: number }).readPos;
    return { length, method: String(begin.fname) };
  } catch (err) {
    if (isUnderrun(err)) {
      if (buf.length > MAX_REQUEST_BYTES) throw new MalformedRequestError(`request larger than ${MAX_REQUEST_BYTES} bytes`);
      return undefined;
    }
    throw new MalformedRequestError(`unreadable Thrift request: ${err instanceof Error ? err.message : String(err)}`);
  }
}
