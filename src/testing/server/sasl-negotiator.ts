import { timingSafeEqual } from 'node:crypto';
import type { KerberosAcceptor } from './gssapi-mechanism';

/** Thrift SASL negotiation status bytes (protocol reference §4.2). */
const START = 1;
const OK = 2;
const BAD = 3;
const ERROR = 4;
const COMPLETE = 5;

/** Largest negotiation payload accepted; a Kerberos AP-REQ is a few kilobytes. */
const MAX_PAYLOAD = 64 * 1024;

/** What the negotiator wants done after consuming some bytes. */
export type NegotiationStep =
  /** Need more bytes. */
  | { kind: 'continue' }
  /** Send `reply` (a challenge) and keep negotiating. */
  | { kind: 'reply'; reply: Buffer }
  /** Authenticated: send `reply`, then every later byte is the framed data phase starting with `rest`. */
  | { kind: 'done'; user: string; reply: Buffer; rest: Buffer }
  /** Send `reply` (a BAD/ERROR frame) and close. */
  | { kind: 'reject'; reply: Buffer }
  /** Close without a frame (credentials refused, as Impala does). */
  | { kind: 'close'; reason: string };

/** One SASL mechanism on the server: consumes each client response, says what comes next. */
export interface ServerMechanism {
  step(response: Buffer): MechanismStep;
}

/** What a mechanism makes of one client response. */
export type MechanismStep =
  | { kind: 'challenge'; payload: Buffer }
  | { kind: 'done'; user: string }
  | { kind: 'fail'; reason: string };

/** The mechanisms a coordinator offers: PLAIN with `users` (LDAP), GSSAPI with `kerberos`. */
export interface SaslServerConfig {
  /** User name → password, for PLAIN. */
  readonly users?: ReadonlyMap<string, string> | undefined;
  /** Keytab-backed acceptor, for GSSAPI. */
  readonly kerberos?: KerberosAcceptor | undefined;
}

/** `status:uint8 + length:uint32 BE + payload`. */
function frame(status: number, payload: Buffer): Buffer {
  const out = Buffer.allocUnsafe(5 + payload.length);
  out[0] = status;
  out.writeUInt32BE(payload.length, 1);
  payload.copy(out, 5);
  return out;
}

/**
 * Server side of the Thrift SASL handshake, as impalad runs it: START names the
 * mechanism (PLAIN with `--enable_ldap_auth`, GSSAPI with `--principal`, either with
 * both), then OK frames carry the client's responses and the server's challenges until
 * COMPLETE. A wrong first status gets an ERROR frame, a mechanism not offered a BAD
 * frame, refused credentials a closed socket with no frame at all (§4.2).
 *
 * @internal
 */
export class SaslNegotiator {
  readonly #config: SaslServerConfig;
  #buf: Buffer = Buffer.alloc(0);
  #mechanism: ServerMechanism | undefined;

  constructor(config: SaslServerConfig) {
    this.#config = config;
  }

  /** Consumes bytes from the client (an empty chunk re-examines what is buffered). */
  feed(chunk: Buffer): NegotiationStep {
    if (chunk.length > 0) this.#buf = this.#buf.length === 0 ? chunk : Buffer.concat([this.#buf, chunk]);
    for (;;) {
      if (this.#buf.length < 5) return { kind: 'continue' };
      const status = this.#buf[0]!;
      const length = this.#buf.readUInt32BE(1);
      if (this.#mechanism === undefined && status !== START) {
        return { kind: 'reject', reply: frame(ERROR, Buffer.from(`Expecting START status, received ${status}`)) };
      }
      if (length > MAX_PAYLOAD) return { kind: 'close', reason: `a negotiation frame of ${length} bytes` };
      if (this.#buf.length < 5 + length) return { kind: 'continue' };
      const payload = this.#buf.subarray(5, 5 + length);
      this.#buf = this.#buf.subarray(5 + length);
      if (this.#mechanism === undefined) {
        const name = payload.toString('latin1');
        const mechanism = this.#start(name);
        if (mechanism === undefined) return { kind: 'reject', reply: frame(BAD, Buffer.from(`Unsupported mechanism type ${name}`)) };
        this.#mechanism = mechanism;
        continue;
      }
      if (status !== OK && status !== COMPLETE) {
        return { kind: 'reject', reply: frame(BAD, Buffer.from(`Invalid status ${status}`)) };
      }
      const step = this.#mechanism.step(payload);
      switch (step.kind) {
        case 'challenge':
          return { kind: 'reply', reply: frame(OK, step.payload) };
        case 'fail':
          return { kind: 'close', reason: step.reason };
        case 'done':
          return { kind: 'done', user: step.user, reply: frame(COMPLETE, Buffer.alloc(0)), rest: Buffer.from(this.#buf) };
      }
    }
  }

  #start(name: string): ServerMechanism | undefined {
    if (name === 'PLAIN' && this.#config.users !== undefined) return new PlainMechanism(this.#config.users);
    if (name === 'GSSAPI' && this.#config.kerberos !== undefined) return this.#config.kerberos.newMechanism();
    return undefined;
  }
}

/** PLAIN (RFC 4616): one response `authzid\0authcid\0password`, checked against the user table. */
class PlainMechanism implements ServerMechanism {
  readonly #users: ReadonlyMap<string, string>;

  constructor(users: ReadonlyMap<string, string>) {
    this.#users = users;
  }

  step(payload: Buffer): MechanismStep {
    const first = payload.indexOf(0);
    const second = first < 0 ? -1 : payload.indexOf(0, first + 1);
    if (second < 0) return { kind: 'fail', reason: 'malformed PLAIN response' };
    const user = payload.subarray(first + 1, second).toString('utf8');
    const given = payload.subarray(second + 1);
    const expected = this.#users.get(user);
    if (expected === undefined) return { kind: 'fail', reason: `unknown user '${user}'` };
    const want = Buffer.from(expected, 'utf8');
    // Never echo the password, not even in the reason.
    return want.length === given.length && timingSafeEqual(want, given) ? { kind: 'done', user } : { kind: 'fail', reason: `wrong password for '${user}'` };
  }
}
