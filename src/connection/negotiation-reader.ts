import type { Socket } from 'node:net';
import { ProtocolError } from '../errors';

/** Largest negotiation payload accepted from a server (Kerberos tokens are a few kilobytes). */
const MAX_NEGOTIATION_PAYLOAD = 64 * 1024;

/** One Thrift SASL negotiation message: `status:uint8 + length:uint32 BE + payload`. */
export interface NegotiationFrame {
  readonly status: number;
  readonly payload: Buffer;
}

/**
 * Reads the server's SASL negotiation frames from a socket, one at a time, for
 * mechanisms with several round trips (GSSAPI). The socket closing or failing rejects
 * the pending read, and every later one, with the error `onEnd` builds (Impala closes
 * without a frame when it refuses credentials). {@link release} detaches it and returns
 * the bytes received after the last frame.
 *
 * @internal
 */
export class NegotiationReader {
  readonly #socket: Socket;
  readonly #coordinator: string;
  readonly #onEnd: (cause: Error | undefined) => Error;
  #buffered: Buffer = Buffer.alloc(0);
  #failure: Error | undefined;
  #waiter: { resolve: (frame: NegotiationFrame) => void; reject: (err: Error) => void } | undefined;
  readonly #onData = (chunk: Buffer): void => {
    this.#buffered = this.#buffered.length === 0 ? chunk : Buffer.concat([this.#buffered, chunk]);
    this.#deliver();
  };
  readonly #onError = (err: Error): void => this.#fail(this.#onEnd(err));
  readonly #onClose = (): void => this.#fail(this.#onEnd(undefined));

  constructor(socket: Socket, coordinator: string, onEnd: (cause: Error | undefined) => Error) {
    this.#socket = socket;
    this.#coordinator = coordinator;
    this.#onEnd = onEnd;
    socket.on('data', this.#onData);
    socket.on('error', this.#onError);
    socket.on('close', this.#onClose);
  }

  /** Set once the socket ended or sent something unreadable. */
  get failure(): Error | undefined {
    return this.#failure;
  }

  /** The next frame from the server. */
  next(): Promise<NegotiationFrame> {
    if (this.#waiter !== undefined) return Promise.reject(new Error('NegotiationReader: one read at a time'));
    return new Promise<NegotiationFrame>((resolve, reject) => {
      this.#waiter = { resolve, reject };
      // A frame that arrived before the socket ended (a BAD frame, then close) comes first.
      this.#deliver();
      if (this.#waiter !== undefined && this.#failure !== undefined) {
        this.#waiter = undefined;
        reject(this.#failure);
      }
    });
  }

  /** Writes bytes unless the socket already ended (then the next read reports why). */
  write(bytes: Buffer): void {
    if (this.#failure === undefined && !this.#socket.destroyed) this.#socket.write(bytes);
  }

  /** Stops listening; returns what arrived after the last frame read (the data phase's first bytes). */
  release(): Buffer {
    this.#socket.off('data', this.#onData);
    this.#socket.off('error', this.#onError);
    this.#socket.off('close', this.#onClose);
    const rest = Buffer.from(this.#buffered);
    this.#buffered = Buffer.alloc(0);
    return rest;
  }

  #deliver(): void {
    const waiter = this.#waiter;
    if (waiter === undefined || this.#buffered.length < 5) return;
    const length = this.#buffered.readUInt32BE(1);
    if (length > MAX_NEGOTIATION_PAYLOAD) {
      this.#fail(new ProtocolError(`SASL negotiation frame of ${length} bytes from ${this.#coordinator} is too large (is it speaking SASL?)`, { coordinator: this.#coordinator }));
      return;
    }
    if (this.#buffered.length < 5 + length) return;
    const frame = { status: this.#buffered[0]!, payload: Buffer.from(this.#buffered.subarray(5, 5 + length)) };
    this.#buffered = this.#buffered.subarray(5 + length);
    this.#waiter = undefined;
    waiter.resolve(frame);
  }

  #fail(err: Error): void {
    this.#failure ??= err;
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.reject(this.#failure);
  }
}
