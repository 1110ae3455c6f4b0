import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { RequestHost, ServedSocket } from './client-socket';
import type { HttpAuthority } from './http-authority';
import { BadHttpRequestError, HttpRequestParser, type SimHttpRequest } from './http-request-parser';
import { MAX_REQUEST_BYTES, MalformedRequestError, nextRequest } from './request-splitter';

/** An HTTP status the front end answers instead of serving a request (a proxy's 429/502/503). @internal */
export interface StatusFault {
  status: number;
  retryAfterS: number | undefined;
}

/** What an HTTP socket needs from its server besides the Thrift handling. @internal */
export interface HttpRequestHost extends RequestHost {
  /** Authentication of this coordinator incarnation. */
  readonly authority: HttpAuthority;
  /** The status fault for the next request, if one is pending. */
  takeStatusFault(): StatusFault | undefined;
}

let nextHttpSocketId = 1_000_000_000;

/** Longest a graceful close waits for the reply in progress, or for unsent bytes to drain, in ms. */
const END_AFTER_REPLY_MS = 1000;

const REASONS: Readonly<Record<number, string>> = { 200: 'OK', 401: 'Unauthorized', 429: 'Too Many Requests', 502: 'Bad Gateway', 503: 'Service Unavailable' };

/**
 * One accepted connection on a coordinator's HS2-over-HTTP port, served as Thrift's
 * THttpServer in impalad does: each `POST` (any path) carries one TBinaryProtocol
 * call and gets one reply; requests on a connection are served one at a time;
 * keep-alive; `Expect: 100-continue` answered before the body is read; `OPTIONS`
 * gets CORS headers; failed authentication gets `401` with `WWW-Authenticate`,
 * `Connection: close` and no body, and the connection is closed. `?doAs=<user>` makes
 * the request act as that user.
 *
 * Faults behave as on the binary port: `hold()` freezes it, `reset()` is kill -9,
 * `end()` a proxy's idle cut.
 *
 * @internal
 */
export class HttpClientSocket implements ServedSocket {
  /** Process-unique id; sessions link to it. (Above the binary ids so both never collide.) */
  readonly id = nextHttpSocketId++;
  readonly socket: Socket;
  /** The user the request being served authenticated as (undefined without auth). */
  user: string | undefined;
  /** The `?doAs=` user of the request being served. */
  doAs: string | undefined;
  lastActivityAt = performance.now();
  readonly #host: HttpRequestHost;
  /** The TCP socket under a TLS one (resets act on it). */
  readonly #raw: Socket;
  readonly #parser = new HttpRequestParser(MAX_REQUEST_BYTES);
  #busy = false;
  #held = false;
  #heldWrites: Array<{ data: Buffer; then?: () => void }> = [];
  #closed = false;
  #ending = false;
  #endAfterReply = false;

  /** @param raw The TCP socket when `socket` is a TLS socket over it (HTTPS). */
  constructor(socket: Socket, host: HttpRequestHost, held: boolean, raw: Socket = socket) {
    this.socket = socket;
    this.#raw = raw;
    this.#host = host;
    this.#held = held;
    socket.setNoDelay(true);
    if (held) socket.pause();
    socket.on('data', (chunk: Buffer) => {
      this.lastActivityAt = performance.now();
      this.#parser.push(chunk);
      this.#pump();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.#closed = true;
      this.#heldWrites = [];
      this.#host.closed(this);
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  hold(): void {
    this.#held = true;
    this.socket.pause();
  }

  release(): void {
    if (!this.#held) return;
    this.#held = false;
    for (const w of this.#heldWrites.splice(0)) this.#write(w.data, w.then);
    if (this.#closed) return;
    this.socket.resume();
    this.#pump();
  }

  reset(): void {
    if (this.#closed) return;
    // Only a TCP handle can send a reset; under TLS that is the raw socket.
    this.#raw.resetAndDestroy();
    if (this.#raw !== this.socket) this.socket.destroy();
  }

  end(afterReply = false): void {
    if (this.#closed) return;
    if (afterReply && this.#busy && !this.#held) {
      this.#endAfterReply = true;
      setTimeout(() => this.end(), END_AFTER_REPLY_MS).unref();
      return;
    }
    // Like a server that closes its socket: a request that arrives now is never read.
    this.#ending = true;
    this.socket.end();
    this.socket.destroySoon();
    setTimeout(() => this.socket.destroy(), END_AFTER_REPLY_MS).unref();
  }

  #pump(): void {
    if (this.#busy || this.#held || this.#closed || this.#ending) return;
    let step;
    try {
      step = this.#parser.next();
    } catch (err) {
      if (err instanceof BadHttpRequestError) {
        this.socket.destroy();
        return;
      }
      throw err;
    }
    if (step === undefined) return;
    if (step.kind === 'continue') {
      this.#write(Buffer.from('HTTP/1.1 100 Continue\r\n\r\n'));
      this.#pump();
      return;
    }
    this.#busy = true;
    void this.#serve(step.request);
  }

  async #serve(req: SimHttpRequest): Promise<void> {
    if (req.method === 'OPTIONS') {
      this.#respond(200, ['Access-Control-Allow-Origin: *', 'Access-Control-Allow-Methods: POST, OPTIONS', 'Access-Control-Allow-Headers: *'], Buffer.alloc(0), req.keepAlive);
      return;
    }
    if (req.method !== 'POST') {
      // Thrift's THttpServer treats any other method as a transport error.
      this.socket.destroy();
      return;
    }
    const fault = this.#host.takeStatusFault();
    if (fault !== undefined) {
      const headers = fault.retryAfterS === undefined ? [] : [`Retry-After: ${fault.retryAfterS}`];
      this.#respond(fault.status, headers, Buffer.from(`${fault.status} ${REASONS[fault.status] ?? ''}\n`), req.keepAlive);
      return;
    }
    const auth = this.#host.authority.check(req.headers);
    if (!auth.ok) {
      // impalad: 401, a WWW-Authenticate per configured scheme, no body, connection closed.
      const head = `HTTP/1.1 401 Unauthorized\r\n${auth.challenges.map((c) => `WWW-Authenticate: ${c}\r\n`).join('')}Connection: close\r\n\r\n`;
      this.#write(Buffer.from(head), () => this.end());
      return;
    }
    const doAs = req.query.get('doAs');
    this.user = auth.user;
    this.doAs = doAs !== null && doAs !== '' ? doAs : undefined;
    let method: string;
    try {
      const next = nextRequest(req.body);
      if (next === undefined || next.length !== req.body.length) throw new MalformedRequestError('the body is not exactly one Thrift message');
      method = next.method;
    } catch {
      this.socket.destroy();
      return;
    }
    const delay = this.#host.delayFor(method);
    if (delay > 0) await new Promise<void>((resolve) => setTimeout(resolve, delay).unref());
    let reply: Buffer;
    try {
      reply = await this.#host.handle(req.body, method, this);
    } catch {
      this.#busy = false;
      this.socket.destroy();
      return;
    }
    const extra = [...(auth.headers ?? []), ...(auth.setCookie === undefined ? [] : [`Set-Cookie: ${auth.setCookie}`])];
    if (this.#host.shouldDropReply(method)) {
      const out = Buffer.concat([responseHead(200, [...extra, 'Content-Type: application/x-thrift'], reply.length, true), reply]);
      this.#write(out.subarray(0, Math.max(1, Math.floor(out.length / 2))), () => this.reset());
      return;
    }
    this.#respond(200, [...extra, 'Content-Type: application/x-thrift'], reply, req.keepAlive);
  }

  #respond(status: number, headers: string[], body: Buffer, keepAlive: boolean): void {
    const head = responseHead(status, headers, body.length, keepAlive);
    this.#write(body.length === 0 ? head : Buffer.concat([head, body]), () => {
      this.#busy = false;
      if (!keepAlive || this.#endAfterReply) this.end();
      else this.#pump();
    });
  }

  #write(data: Buffer, then?: () => void): void {
    if (this.#closed) return;
    if (this.#held) {
      this.#heldWrites.push({ data, then });
      return;
    }
    this.lastActivityAt = performance.now();
    this.socket.write(data, () => then?.());
  }
}

let dateSecond = 0;
let dateText = '';

/** The Date header value, formatted once per second. */
function httpDate(): string {
  const now = Date.now();
  const second = Math.floor(now / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateText = new Date(now).toUTCString();
  }
  return dateText;
}

function responseHead(status: number, headers: string[], length: number, keepAlive: boolean): Buffer {
  const lines = [
    `HTTP/1.1 ${status} ${REASONS[status] ?? 'Error'}`,
    `Date: ${httpDate()}`,
    'Server: Thrift/0.16.0 (impala-ha simulator)',
    'Access-Control-Allow-Origin: *',
    ...headers,
    `Content-Length: ${length}`,
    `Connection: ${keepAlive ? 'Keep-Alive' : 'close'}`,
  ];
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
}
