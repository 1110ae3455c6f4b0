import type { Socket } from 'node:net';
import { ConnectError, ErrorCode, ProtocolError } from '../errors';
import { tlsAlertError } from './open-socket';

/** Thrift SASL negotiation status bytes (protocol reference §4.2). */
export const SaslStatus = { START: 1, OK: 2, BAD: 3, ERROR: 4, COMPLETE: 5 } as const;

/** Largest negotiation payload we accept from a server; PLAIN needs none. */
const MAX_NEGOTIATION_PAYLOAD = 64 * 1024;

/** `status:uint8 + length:uint32 BE + payload`. @internal */
export function encodeNegotiationFrame(status: number, payload: Buffer): Buffer {
  const out = Buffer.allocUnsafe(5 + payload.length);
  out[0] = status;
  out.writeUInt32BE(payload.length, 1);
  payload.copy(out, 5);
  return out;
}

/** Prefixes one Thrift message with its 4-byte big-endian length (the SASL data phase). @internal */
export function frameMessage(message: Buffer): Buffer {
  const out = Buffer.allocUnsafe(4 + message.length);
  out.writeUInt32BE(message.length, 0);
  message.copy(out, 4);
  return out;
}

/**
 * Runs the client side of a SASL PLAIN exchange on a connected socket and resolves
 * with any bytes the server sent after COMPLETE (normally none).
 *
 * Impala answers a wrong password by closing the socket without a BAD or ERROR
 * frame, so an EOF here is reported as an authentication failure. The caller bounds
 * the exchange in time (it is part of connectTimeoutMs).
 *
 * @internal
 */
export function saslPlainHandshake(socket: Socket, username: string, password: string, coordinator: string): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    let buffered: Buffer = Buffer.alloc(0);
    const cleanup = (): void => {
      socket.off('data', onData);
      socket.off('close', onClose);
      socket.off('error', onError);
    };
    const fail = (err: Error): void => {
      cleanup();
      reject(err);
    };
    const onError = (err: Error): void =>
      fail(tlsAlertError(err, coordinator) ?? new ConnectError(ErrorCode.AUTH_FAILED, `SASL PLAIN negotiation with ${coordinator} failed: ${err.message}`, { coordinator, cause: err }));
    const onClose = (): void =>
      fail(
        new ConnectError(
          ErrorCode.AUTH_FAILED,
          `${coordinator} closed the connection during SASL PLAIN authentication of user '${username}': ` +
            'the user name or password was rejected, or the server does not use LDAP authentication (try auth=nosasl)',
          { coordinator },
        ),
      );
    const onData = (chunk: Buffer): void => {
      buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
      if (buffered.length < 5) return;
      const status = buffered[0]!;
      const length = buffered.readUInt32BE(1);
      if (length > MAX_NEGOTIATION_PAYLOAD) {
        fail(new ProtocolError(`SASL negotiation frame of ${length} bytes from ${coordinator} is too large (is it speaking SASL?)`, { coordinator }));
        return;
      }
      if (buffered.length < 5 + length) return;
      const payload = buffered.subarray(5, 5 + length).toString('utf8');
      const rest = buffered.subarray(5 + length);
      if (status === SaslStatus.COMPLETE) {
        cleanup();
        resolve(Buffer.from(rest));
      } else if (status === SaslStatus.BAD || status === SaslStatus.ERROR) {
        fail(new ConnectError(ErrorCode.AUTH_FAILED, `SASL PLAIN authentication with ${coordinator} was refused: ${payload || 'no reason given'}`, { coordinator }));
      } else {
        fail(new ProtocolError(`unexpected SASL status ${status} from ${coordinator} during PLAIN authentication`, { coordinator }));
      }
    };
    socket.on('data', onData);
    socket.once('close', onClose);
    socket.once('error', onError);
    // RFC 4616: authzid NUL authcid NUL password; an empty authzid means "act as authcid".
    const initial = Buffer.concat([Buffer.from([0]), Buffer.from(username, 'utf8'), Buffer.from([0]), Buffer.from(password, 'utf8')]);
    socket.write(Buffer.concat([encodeNegotiationFrame(SaslStatus.START, Buffer.from('PLAIN')), encodeNegotiationFrame(SaslStatus.OK, initial)]));
  });
}

/**
 * Turns the SASL data phase's `length + payload` frames back into a plain byte
 * stream. Frames may split or join Thrift messages arbitrarily.
 *
 * @internal
 */
export class SaslFrameDecoder {
  #pending = Buffer.alloc(0);
  #remaining = 0;
  readonly #maxFrameBytes: number;

  constructor(maxFrameBytes: number) {
    this.#maxFrameBytes = maxFrameBytes;
  }

  /** Feeds received bytes; returns the payload bytes they complete (possibly several pieces). */
  push(chunk: Buffer): Buffer[] {
    const out: Buffer[] = [];
    let data = this.#pending.length > 0 ? Buffer.concat([this.#pending, chunk]) : chunk;
    this.#pending = Buffer.alloc(0);
    while (data.length > 0) {
      if (this.#remaining === 0) {
        if (data.length < 4) {
          this.#pending = Buffer.from(data);
          break;
        }
        const len = data.readUInt32BE(0);
        if (len > this.#maxFrameBytes) throw new ProtocolError(`SASL frame of ${len} bytes exceeds the maximum message size of ${this.#maxFrameBytes} bytes`);
        this.#remaining = len;
        data = data.subarray(4);
        continue;
      }
      const take = Math.min(this.#remaining, data.length);
      out.push(data.subarray(0, take));
      this.#remaining -= take;
      data = data.subarray(take);
    }
    return out;
  }
}
