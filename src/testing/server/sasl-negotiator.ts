import { timingSafeEqual } from 'node:crypto';

/** Thrift SASL negotiation status bytes (protocol reference §4.2). */
const START = 1;
const OK = 2;
const BAD = 3;
const ERROR = 4;
const COMPLETE = 5;

/** Largest negotiation payload accepted; PLAIN needs a few hundred bytes. */
const MAX_PAYLOAD = 64 * 1024;

/** What the negotiator wants done after consuming some bytes. */
export type NegotiationStep =
  /** Need more bytes. */
  | { kind: 'continue' }
  /** Authenticated: send `reply`, then every later byte is the framed data phase starting with `rest`. */
  | { kind: 'done'; user: string; reply: Buffer; rest: Buffer }
  /** Send `reply` (a BAD/ERROR frame) and close. */
  | { kind: 'reject'; reply: Buffer }
  /** Close without a frame (wrong credentials, as Impala does). */
  | { kind: 'close' };

/** `status:uint8 + length:uint32 BE + payload`. */
function frame(status: number, payload: Buffer): Buffer {
  const out = Buffer.allocUnsafe(5 + payload.length);
  out[0] = status;
  out.writeUInt32BE(payload.length, 1);
  payload.copy(out, 5);
  return out;
}

/**
 * Server side of the Thrift SASL handshake with the PLAIN mechanism (LDAP-style
 * user/password), as impalad runs it with `--enable_ldap_auth`: START `PLAIN`, then
 * one OK (or COMPLETE) frame carrying `authzid\0authcid\0password`, answered with
 * COMPLETE. A wrong first status gets an ERROR frame, another mechanism a BAD frame,
 * a wrong password a closed socket with no frame at all (§4.2).
 *
 * @internal
 */
export class SaslPlainNegotiator {
  readonly #users: ReadonlyMap<string, string>;
  #buf: Buffer = Buffer.alloc(0);
  #sawStart = false;

  constructor(users: ReadonlyMap<string, string>) {
    this.#users = users;
  }

  /** Consumes bytes from the client. */
  feed(chunk: Buffer): NegotiationStep {
    this.#buf = this.#buf.length === 0 ? chunk : Buffer.concat([this.#buf, chunk]);
    for (;;) {
      if (this.#buf.length < 5) return { kind: 'continue' };
      const status = this.#buf[0]!;
      const length = this.#buf.readUInt32BE(1);
      if (!this.#sawStart && status !== START) {
        return { kind: 'reject', reply: frame(ERROR, Buffer.from(`Expecting START status, received ${status}`)) };
      }
      if (length > MAX_PAYLOAD) return { kind: 'close' };
      if (this.#buf.length < 5 + length) return { kind: 'continue' };
      const payload = this.#buf.subarray(5, 5 + length);
      this.#buf = this.#buf.subarray(5 + length);
      if (!this.#sawStart) {
        const mechanism = payload.toString('latin1');
        if (mechanism !== 'PLAIN') return { kind: 'reject', reply: frame(BAD, Buffer.from(`Unsupported mechanism type ${mechanism}`)) };
        this.#sawStart = true;
        continue;
      }
      if (status !== OK && status !== COMPLETE) {
        return { kind: 'reject', reply: frame(BAD, Buffer.from(`Invalid status ${status}`)) };
      }
      const user = this.#authenticate(payload);
      if (user === undefined) return { kind: 'close' };
      return { kind: 'done', user, reply: frame(COMPLETE, Buffer.alloc(0)), rest: Buffer.from(this.#buf) };
    }
  }

  /** Checks `authzid\0authcid\0password`; returns the authenticated user (authcid). */
  #authenticate(payload: Buffer): string | undefined {
    const first = payload.indexOf(0);
    const second = first < 0 ? -1 : payload.indexOf(0, first + 1);
    if (second < 0) return undefined;
    const user = payload.subarray(first + 1, second).toString('utf8');
    const given = payload.subarray(second + 1);
    const expected = this.#users.get(user);
    if (expected === undefined) return undefined;
    const want = Buffer.from(expected, 'utf8');
    return want.length === given.length && timingSafeEqual(want, given) ? user : undefined;
  }
}
