/** One HTTP response as the client needs it. @internal */
export interface HttpResponse {
  /** Status code, e.g. 200. */
  readonly status: number;
  /** Reason phrase as sent (may be empty). */
  readonly reason: string;
  /** Header values by lower-case name, in the order received. */
  readonly headers: ReadonlyMap<string, readonly string[]>;
  /** The body, de-chunked. */
  readonly body: Buffer;
  /** The server will not take another request on this connection. */
  readonly close: boolean;
}

/** Why a response could not be read; the connection is unusable afterwards. @internal */
export class HttpParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HttpParseError';
  }
}

type BodyMode = { kind: 'length'; remaining: number } | { kind: 'chunked' } | { kind: 'close' };

interface Head {
  status: number;
  reason: string;
  headers: Map<string, string[]>;
  close: boolean;
}

const CRLFCRLF = Buffer.from('\r\n\r\n');
const STATUS_LINE = /^HTTP\/1\.([01]) (\d{3})(?: (.*))?$/;

/**
 * Incremental reader of HTTP/1.1 responses: status line, headers, and a body framed
 * by Content-Length, chunked transfer coding, or the end of the connection. Interim
 * 1xx responses (`100 Continue`) are skipped. A Content-Length body is copied once
 * into a buffer of its final size, so a large FetchResults reply costs one copy.
 *
 * @internal
 */
export class HttpResponseParser {
  readonly #maxHeaderBytes: number;
  readonly #maxBodyBytes: number;
  #buf: Buffer = Buffer.alloc(0);
  #head: Head | undefined;
  #mode: BodyMode | undefined;
  #body: Buffer | undefined;
  #bodyLen = 0;
  #chunks: Buffer[] = [];
  #chunkedLen = 0;
  /** Chunked state: bytes left in the current chunk, or -1 while reading a size line, -2 for trailers. */
  #chunkLeft = -1;
  #needChunkCrlf = false;
  #received = 0;

  constructor(maxHeaderBytes: number, maxBodyBytes: number) {
    this.#maxHeaderBytes = maxHeaderBytes;
    this.#maxBodyBytes = maxBodyBytes;
  }

  /** Bytes of the current response received so far (0 = nothing yet). */
  get received(): number {
    return this.#received;
  }

  /**
   * Feeds bytes; returns the response once it is complete, else undefined. Bytes after
   * a complete response are an error (the client sends one request at a time).
   *
   * @throws {@link HttpParseError} on anything that is not a well-formed response.
   */
  push(chunk: Buffer): HttpResponse | undefined {
    this.#received += chunk.length;
    this.#buf = this.#buf.length === 0 ? chunk : Buffer.concat([this.#buf, chunk]);
    for (;;) {
      if (this.#head === undefined) {
        if (!this.#readHead()) return undefined;
        continue;
      }
      const done = this.#readBody();
      if (done === undefined) return undefined;
      if (this.#buf.length > 0) throw new HttpParseError(`${this.#buf.length} unexpected bytes after the response`);
      return done;
    }
  }

  /**
   * The connection ended. A body delimited by the end of the connection is complete
   * now; anything else was cut short.
   *
   * @throws {@link HttpParseError} when a response was started but is incomplete.
   */
  end(): HttpResponse | undefined {
    if (this.#head !== undefined && this.#mode?.kind === 'close') return this.#finish(this.#collected());
    if (this.#received > 0) throw new HttpParseError('the connection ended in the middle of the response');
    return undefined;
  }

  #readHead(): boolean {
    const end = this.#buf.indexOf(CRLFCRLF);
    if (end < 0) {
      if (this.#buf.length > this.#maxHeaderBytes) throw new HttpParseError(`response headers longer than ${this.#maxHeaderBytes} bytes`);
      return false;
    }
    const lines = this.#buf.toString('latin1', 0, end).split('\r\n');
    this.#buf = this.#buf.subarray(end + 4);
    const m = STATUS_LINE.exec(lines[0]!);
    if (!m) throw new HttpParseError(`not an HTTP/1.x status line: ${JSON.stringify(lines[0]!.slice(0, 60))}`);
    const http10 = m[1] === '0';
    const status = Number(m[2]);
    const headers = new Map<string, string[]>();
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i]!;
      const colon = line.indexOf(':');
      if (colon <= 0) throw new HttpParseError('malformed response header line');
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      const list = headers.get(name);
      if (list) list.push(value);
      else headers.set(name, [value]);
    }
    if (status >= 100 && status < 200) {
      // Interim response (100 Continue): the real one follows.
      if (status === 101) throw new HttpParseError('the server switched protocols (101)');
      return true;
    }
    const connection = (headers.get('connection') ?? []).join(',').toLowerCase();
    const close = connection.includes('close') || (http10 && !connection.includes('keep-alive'));
    this.#head = { status, reason: m[3] ?? '', headers, close };
    const te = (headers.get('transfer-encoding') ?? []).join(',').toLowerCase();
    const cl = headers.get('content-length');
    if (te !== '') {
      if (!/(^|,)\s*chunked\s*$/.test(te)) throw new HttpParseError(`unsupported Transfer-Encoding ${JSON.stringify(te)}`);
      this.#mode = { kind: 'chunked' };
    } else if (cl !== undefined) {
      const values = new Set(cl.flatMap((v) => v.split(',').map((x) => x.trim())));
      const only = values.size === 1 ? [...values][0]! : '';
      if (!/^\d{1,15}$/.test(only)) throw new HttpParseError(`invalid Content-Length ${JSON.stringify(cl.join(','))}`);
      const length = Number(only);
      this.#checkSize(length);
      this.#mode = { kind: 'length', remaining: length };
      this.#body = Buffer.allocUnsafe(length);
    } else if (status === 204 || status === 304) {
      this.#mode = { kind: 'length', remaining: 0 };
      this.#body = Buffer.alloc(0);
    } else {
      this.#mode = { kind: 'close' };
      this.#head.close = true;
    }
    return true;
  }

  #readBody(): HttpResponse | undefined {
    const mode = this.#mode!;
    switch (mode.kind) {
      case 'length': {
        const take = Math.min(mode.remaining, this.#buf.length);
        this.#buf.copy(this.#body!, this.#bodyLen, 0, take);
        this.#bodyLen += take;
        mode.remaining -= take;
        this.#buf = this.#buf.subarray(take);
        return mode.remaining === 0 ? this.#finish(this.#body!) : undefined;
      }
      case 'close':
        if (this.#buf.length > 0) {
          this.#chunks.push(this.#buf);
          this.#chunkedLen += this.#buf.length;
          this.#checkSize(this.#chunkedLen);
          this.#buf = Buffer.alloc(0);
        }
        return undefined;
      case 'chunked':
        return this.#readChunks();
    }
  }

  #readChunks(): HttpResponse | undefined {
    for (;;) {
      if (this.#needChunkCrlf) {
        if (this.#buf.length < 2) return undefined;
        if (this.#buf[0] !== 13 || this.#buf[1] !== 10) throw new HttpParseError('missing CRLF after a chunk');
        this.#buf = this.#buf.subarray(2);
        this.#needChunkCrlf = false;
      }
      if (this.#chunkLeft > 0) {
        const take = Math.min(this.#chunkLeft, this.#buf.length);
        if (take === 0) return undefined;
        this.#chunks.push(this.#buf.subarray(0, take));
        this.#buf = this.#buf.subarray(take);
        this.#chunkLeft -= take;
        if (this.#chunkLeft === 0) {
          this.#needChunkCrlf = true;
          this.#chunkLeft = -1;
        }
        continue;
      }
      const eol = this.#buf.indexOf('\r\n');
      if (eol < 0) {
        if (this.#buf.length > 4096) throw new HttpParseError('chunk size line too long');
        return undefined;
      }
      const line = this.#buf.toString('latin1', 0, eol);
      this.#buf = this.#buf.subarray(eol + 2);
      if (this.#chunkLeft === -2) {
        // Trailer section: ends with an empty line.
        if (line === '') return this.#finish(this.#collected());
        continue;
      }
      const size = /^([0-9a-fA-F]{1,8})\s*(?:;.*)?$/.exec(line);
      if (!size) throw new HttpParseError('malformed chunk size');
      const n = parseInt(size[1]!, 16);
      if (n === 0) {
        this.#chunkLeft = -2;
        continue;
      }
      this.#chunkedLen += n;
      this.#checkSize(this.#chunkedLen);
      this.#chunkLeft = n;
    }
  }

  #collected(): Buffer {
    const body = this.#chunks.length === 1 ? this.#chunks[0]! : Buffer.concat(this.#chunks, this.#chunkedLen);
    this.#chunks = [];
    return body;
  }

  #checkSize(n: number): void {
    if (n > this.#maxBodyBytes) throw new HttpParseError(`the response body exceeds the maximum message size of ${this.#maxBodyBytes} bytes (maxMessageBytes)`);
  }

  #finish(body: Buffer): HttpResponse {
    const head = this.#head!;
    this.#head = undefined;
    this.#mode = undefined;
    this.#body = undefined;
    this.#bodyLen = 0;
    this.#chunkedLen = 0;
    this.#chunkLeft = -1;
    this.#received = 0;
    return { status: head.status, reason: head.reason, headers: head.headers, body, close: head.close };
  }
}
