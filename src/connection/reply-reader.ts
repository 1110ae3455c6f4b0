import { ProtocolError } from '../errors';
import { MessageScanner } from './message-scanner';

const INITIAL_BYTES = 64 * 1024;
/** A buffer grown past this is given back once it is empty. */
const SHRINK_ABOVE_BYTES = 1024 * 1024;

/**
 * Collects the bytes of a connection's unframed reply stream and cuts it into whole
 * TBinaryProtocol messages, with one resumable {@link MessageScanner} walk per message
 * however it is split. Several replies may arrive in one chunk (pipelined calls);
 * they are returned one by one without moving the bytes that follow.
 *
 * @internal
 */
export class ReplyReader {
  readonly #maxMessageBytes: number;
  readonly #address: string;
  readonly #scanner = new MessageScanner();
  #buf: Buffer = Buffer.allocUnsafe(INITIAL_BYTES);
  /** The current message's first byte. */
  #start = 0;
  /** End of the received bytes. */
  #end = 0;

  constructor(maxMessageBytes: number, address: string) {
    this.#maxMessageBytes = maxMessageBytes;
    this.#address = address;
  }

  /** Bytes received and not yet returned as a message. */
  get buffered(): number {
    return this.#end - this.#start;
  }

  /** Adds received bytes. Messages returned by {@link next} before are invalid afterwards. */
  push(piece: Buffer): void {
    const held = this.#end - this.#start;
    if (this.#end + piece.length > this.#buf.length) {
      let size = this.#buf.length;
      while (size < held + piece.length) size *= 2;
      // The scanner's place is relative to the message start, so moving the bytes is safe.
      const target = size === this.#buf.length ? this.#buf : Buffer.allocUnsafe(size);
      this.#buf.copy(target, 0, this.#start, this.#end);
      this.#buf = target;
      this.#start = 0;
      this.#end = held;
    }
    piece.copy(this.#buf, this.#end);
    this.#end += piece.length;
  }

  /**
   * The next whole message (a view valid until the next {@link push}), or undefined
   * when more bytes are needed.
   *
   * @throws {@link ProtocolError} for bytes that cannot be a Thrift message, or a
   * message larger than `maxMessageBytes`.
   */
  next(): Buffer | undefined {
    const held = this.#end - this.#start;
    if (held === 0) return undefined;
    const length = this.#scanner.scan(this.#buf.subarray(this.#start, this.#end), held);
    if (length < 0 || length > held) {
      if (held > this.#maxMessageBytes) {
        throw new ProtocolError(`a reply from ${this.#address} exceeds the maximum message size of ${this.#maxMessageBytes} bytes (maxMessageBytes)`, {
          coordinator: this.#address,
        });
      }
      return undefined;
    }
    const message = this.#buf.subarray(this.#start, this.#start + length);
    this.#scanner.reset();
    this.#start += length;
    if (this.#start === this.#end) {
      this.#start = 0;
      this.#end = 0;
      if (this.#buf.length > SHRINK_ABOVE_BYTES) this.#buf = Buffer.allocUnsafe(INITIAL_BYTES);
    }
    return message;
  }
}
