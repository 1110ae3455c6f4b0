import { Int64, Thrift } from 'thrift';

const VERSION_1 = 0x80010000 | 0;

/**
 * A TBinaryProtocol writer (strict headers, like thrift's) that generated structs'
 * `write(output)` can write into: the values go straight into one growing buffer.
 * thrift's own writer allocates a Buffer per field and value (through the deprecated
 * `new Buffer()`) and copies them all again on flush; a request is encoded on every
 * call, so this is on the path of every RPC. It implements the methods generated
 * TCLIService / ImpalaService code calls, and writes the same bytes as thrift's.
 *
 * @internal
 */
export class BinaryWriter {
  #buf: Buffer;
  #pos = 0;

  constructor(initialBytes = 512) {
    this.#buf = Buffer.allocUnsafe(initialBytes);
  }

  /** The bytes written so far (a view; copy before writing more if it must be kept). */
  bytes(): Buffer {
    return this.#buf.subarray(0, this.#pos);
  }

  writeMessageBegin(name: string, type: number, seqid: number): void {
    this.writeI32(VERSION_1 | type);
    this.writeString(name);
    this.writeI32(seqid);
  }

  writeMessageEnd(): void {}

  writeStructBegin(_name?: string): void {}

  writeStructEnd(): void {}

  writeFieldBegin(_name: string | undefined, type: number, id: number): void {
    this.writeByte(type);
    this.writeI16(id);
  }

  writeFieldEnd(): void {}

  writeFieldStop(): void {
    this.writeByte(Thrift.Type.STOP);
  }

  writeMapBegin(keyType: number, valueType: number, size: number): void {
    this.writeByte(keyType);
    this.writeByte(valueType);
    this.writeI32(size);
  }

  writeMapEnd(): void {}

  writeListBegin(elementType: number, size: number): void {
    this.writeByte(elementType);
    this.writeI32(size);
  }

  writeListEnd(): void {}

  writeSetBegin(elementType: number, size: number): void {
    this.writeListBegin(elementType, size);
  }

  writeSetEnd(): void {}

  writeBool(value: boolean): void {
    this.writeByte(value ? 1 : 0);
  }

  writeByte(value: number): void {
    this.#reserve(1);
    this.#buf[this.#pos++] = value & 0xff;
  }

  writeI16(value: number): void {
    this.#reserve(2);
    this.#buf.writeInt16BE(value << 16 >> 16, this.#pos);
    this.#pos += 2;
  }

  writeI32(value: number): void {
    this.#reserve(4);
    this.#buf.writeInt32BE(value | 0, this.#pos);
    this.#pos += 4;
  }

  /** An `Int64` (or anything with its 8-byte big-endian `buffer`), a number, a bigint or a decimal string. */
  writeI64(value: unknown): void {
    this.#reserve(8);
    if (typeof value === 'bigint') {
      this.#buf.writeBigInt64BE(BigInt.asIntN(64, value), this.#pos);
    } else if (value !== null && typeof value === 'object' && Buffer.isBuffer((value as { buffer?: unknown }).buffer)) {
      (value as { buffer: Buffer }).buffer.copy(this.#buf, this.#pos, 0, 8);
    } else {
      new Int64(value as number).buffer.copy(this.#buf, this.#pos, 0, 8);
    }
    this.#pos += 8;
  }

  writeDouble(value: number): void {
    this.#reserve(8);
    this.#buf.writeDoubleBE(value, this.#pos);
    this.#pos += 8;
  }

  writeString(value: string | Buffer | Uint8Array): void {
    this.#writeBytes('writeString', value, 'utf8');
  }

  writeBinary(value: string | Buffer | Uint8Array): void {
    this.#writeBytes('writeBinary', value, 'binary');
  }

  flush(): void {}

  /** Appends bytes already in the wire encoding (a struct encoded elsewhere). */
  writeRaw(bytes: Uint8Array): void {
    this.#reserve(bytes.length);
    this.#buf.set(bytes, this.#pos);
    this.#pos += bytes.length;
  }

  #writeBytes(name: string, value: unknown, encoding: BufferEncoding): void {
    if (typeof value === 'string') {
      const length = Buffer.byteLength(value, encoding);
      this.writeI32(length);
      this.#reserve(length);
      this.#pos += this.#buf.write(value, this.#pos, length, encoding);
    } else if (value instanceof Uint8Array) {
      this.writeI32(value.length);
      this.#reserve(value.length);
      this.#buf.set(value, this.#pos);
      this.#pos += value.length;
    } else {
      throw new TypeError(`${name} called without a string/Buffer argument: ${String(value)}`);
    }
  }

  #reserve(n: number): void {
    if (this.#pos + n <= this.#buf.length) return;
    let size = this.#buf.length * 2;
    while (size < this.#pos + n) size *= 2;
    const grown = Buffer.allocUnsafe(size);
    this.#buf.copy(grown, 0, 0, this.#pos);
    this.#buf = grown;
  }
}
