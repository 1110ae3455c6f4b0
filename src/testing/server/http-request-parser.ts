/** One HTTP request as the simulator's HTTP front end reads it. @internal */
export interface SimHttpRequest {
  readonly method: string;
  /** The request target as sent (`/cliservice?doAs=bob`). */
  readonly target: string;
  /** The query parameters of the target. */
  readonly query: URLSearchParams;
  /** Header values by lower-case name, in order. */
  readonly headers: ReadonlyMap<string, readonly string[]>;
  readonly body: Buffer;
  /** The client wants the connection kept open after the response. */
  readonly keepAlive: boolean;
}

/** Bytes that are not an HTTP/1.x request: impalad drops such a connection. @internal */
export class BadHttpRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BadHttpRequestError';
  }
}

/** What {@link HttpRequestParser.next} found. @internal */
export type ParseStep =
  /** Headers are in and the client waits for `100 Continue` before sending the body. */
  | { kind: 'continue' }
  | { kind: 'request'; request: SimHttpRequest };

const CRLFCRLF = Buffer.from('\r\n\r\n');
const REQUEST_LINE = /^([A-Z]+) (\S+) HTTP\/1\.([01])$/;
const MAX_HEAD_BYTES = 64 * 1024;

interface Head {
  method: string;
  target: string;
  headers: Map<string, string[]>;
  keepAlive: boolean;
  length: number | 'chunked';
  continueSent: boolean;
}

/**
 * Incremental reader of HTTP/1.1 requests (Content-Length or chunked bodies), as
 * Thrift's THttpServer accepts them. `Expect: 100-continue` is reported as its own
 * step so the server can answer `100 Continue` before the body arrives.
 *
 * @internal
 */
export class HttpRequestParser {
  readonly #maxBody: number;
  #buf: Buffer = Buffer.alloc(0);
  #head: Head | undefined;

  constructor(maxBodyBytes: number) {
    this.#maxBody = maxBodyBytes;
  }

  push(chunk: Buffer): void {
    this.#buf = this.#buf.length === 0 ? chunk : Buffer.concat([this.#buf, chunk]);
  }

  /**
   * The next complete step, or undefined when more bytes are needed.
   *
   * @throws {@link BadHttpRequestError}
   */
  next(): ParseStep | undefined {
    if (this.#head === undefined) {
      const end = this.#buf.indexOf(CRLFCRLF);
      if (end < 0) {
        if (this.#buf.length > MAX_HEAD_BYTES) throw new BadHttpRequestError('request headers too long');
        return undefined;
      }
      this.#head = parseHead(this.#buf.toString('latin1', 0, end));
      this.#buf = this.#buf.subarray(end + 4);
    }
    const head = this.#head;
    const body = head.length === 'chunked' ? this.#chunkedBody() : this.#lengthBody(head.length);
    if (body === undefined) {
      const expects = (head.headers.get('expect') ?? []).some((v) => v.toLowerCase() === '100-continue');
      if (expects && !head.continueSent && this.#buf.length === 0) {
        head.continueSent = true;
        return { kind: 'continue' };
      }
      return undefined;
    }
    this.#head = undefined;
    const q = head.target.indexOf('?');
    return {
      kind: 'request',
      request: {
        method: head.method,
        target: head.target,
        query: new URLSearchParams(q < 0 ? '' : head.target.slice(q + 1)),
        headers: head.headers,
        body,
        keepAlive: head.keepAlive,
      },
    };
  }

  #lengthBody(length: number): Buffer | undefined {
    if (length > this.#maxBody) throw new BadHttpRequestError(`request body larger than ${this.#maxBody} bytes`);
    if (this.#buf.length < length) return undefined;
    const body = Buffer.from(this.#buf.subarray(0, length));
    this.#buf = this.#buf.subarray(length);
    return body;
  }

  /** Walks the chunks without consuming them until the last one is in. */
  #chunkedBody(): Buffer | undefined {
    const parts: Buffer[] = [];
    let off = 0;
    let total = 0;
    for (;;) {
      const eol = this.#buf.indexOf('\r\n', off);
      if (eol < 0) return undefined;
      const size = /^([0-9a-fA-F]{1,8})(?:;.*)?$/.exec(this.#buf.toString('latin1', off, eol));
      if (!size) throw new BadHttpRequestError('malformed chunk size');
      const n = parseInt(size[1]!, 16);
      off = eol + 2;
      if (n === 0) {
        // Trailers, then an empty line.
        for (;;) {
          const t = this.#buf.indexOf('\r\n', off);
          if (t < 0) return undefined;
          const empty = t === off;
          off = t + 2;
          if (empty) break;
        }
        this.#buf = this.#buf.subarray(off);
        return Buffer.concat(parts, total);
      }
      total += n;
      if (total > this.#maxBody) throw new BadHttpRequestError(`request body larger than ${this.#maxBody} bytes`);
      if (this.#buf.length < off + n + 2) return undefined;
      parts.push(this.#buf.subarray(off, off + n));
      off += n + 2;
    }
  }
}

function parseHead(text: string): Head {
  const lines = text.split('\r\n');
  const m = REQUEST_LINE.exec(lines[0]!);
  if (!m) throw new BadHttpRequestError('not an HTTP/1.x request line');
  const headers = new Map<string, string[]>();
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw new BadHttpRequestError('malformed header line');
    const name = line.slice(0, colon).trim().toLowerCase();
    const list = headers.get(name) ?? [];
    list.push(line.slice(colon + 1).trim());
    headers.set(name, list);
  }
  const connection = (headers.get('connection') ?? []).join(',').toLowerCase();
  const keepAlive = m[3] === '1' ? !connection.includes('close') : connection.includes('keep-alive');
  const te = (headers.get('transfer-encoding') ?? []).join(',').toLowerCase();
  let length: number | 'chunked' = 0;
  if (te.includes('chunked')) length = 'chunked';
  else {
    const cl = headers.get('content-length');
    if (cl !== undefined) {
      if (cl.length !== 1 || !/^\d{1,12}$/.test(cl[0]!)) throw new BadHttpRequestError('invalid Content-Length');
      length = Number(cl[0]);
    }
  }
  return { method: m[1]!, target: m[2]!, headers, keepAlive, length, continueSent: false };
}
