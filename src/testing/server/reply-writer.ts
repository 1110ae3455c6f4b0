import { BinaryWriter } from '../../connection/binary-writer';

/**
 * The output protocol a generated Processor writes one reply into: strict
 * TBinaryProtocol bytes in one growing buffer (thrift's TBufferedTransport
 * allocates a Buffer per field and value), handed over whole on `flush()`.
 * `getTransport().write()` appends bytes encoded elsewhere (SimProcessor's
 * FetchResults rows).
 *
 * @internal
 */
export class ReplyWriter extends BinaryWriter {
  readonly #onFlush: (reply: Buffer) => void;
  readonly #transport = { write: (bytes: Uint8Array): void => this.writeRaw(bytes) };

  /** @param onFlush - receives the reply message once the Processor flushes it. */
  constructor(onFlush: (reply: Buffer) => void) {
    super(256);
    this.#onFlush = onFlush;
  }

  getTransport(): { write(bytes: Uint8Array): void } {
    return this.#transport;
  }

  override flush(): void {
    this.#onFlush(this.bytes());
  }
}
