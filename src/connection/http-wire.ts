import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { HttpResponseParser, type HttpResponse } from './http-response-parser';

/**
 * How an exchange failed: whether the whole request reached the socket, and whether
 * any byte of an answer came back. @internal
 */
export class WireFailure extends Error {
  /** The whole request was handed to the kernel (the server may have it). */
  readonly written: boolean;
  /** Bytes of a response received before the failure. */
  readonly bytesReceived: number;
  /** The response could not be parsed (as opposed to the connection dropping). */
  readonly unreadable: boolean;

  constructor(message: string, written: boolean, bytesReceived: number, unreadable: boolean, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'WireFailure';
    this.written = written;
    this.bytesReceived = bytesReceived;
    this.unreadable = unreadable;
  }
}

interface Pending {
  resolve: (r: HttpResponse) => void;
  reject: (f: WireFailure) => void;
  written: boolean;
  onWritten: () => void;
}

/**
 * One keep-alive TCP (or TLS) connection carrying HTTP/1.1 exchanges one at a time:
 * write a request, read its response. It knows nothing of Thrift, auth or retries;
 * {@link HttpConnection} decides what a failure means. When the peer ends the
 * connection while it is idle the wire just becomes unusable, so the next request
 * goes over a new one.
 *
 * @internal
 */
export class HttpWire {
  readonly socket: Socket;
  /** Exchanges completed on this wire (> 0 means the next one reuses a kept-alive connection). */
  completed = 0;
  /** `performance.now()` of the last byte sent or received. */
  lastActivityAt = performance.now();
  /** Told the time of every byte sent or received (the owning channel's activity clock). */
  onActivity: (at: number) => void = () => undefined;
  readonly #parser: HttpResponseParser;
  #pending: Pending | undefined;
  #ended = false;
  #closed = false;
  #keepAlive = true;
  #error: Error | undefined;
  readonly #closedPromise: Promise<void>;

  constructor(socket: Socket, maxHeaderBytes: number, maxBodyBytes: number) {
    this.socket = socket;
    this.#parser = new HttpResponseParser(maxHeaderBytes, maxBodyBytes);
    this.#closedPromise = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('end', () => this.#onEnd());
    socket.on('error', (err) => {
      this.#error ??= err;
    });
    socket.on('close', () => this.#onClose());
    // An idle connection never keeps the process alive; one with an exchange out does.
    socket.unref();
  }

  /** Idle and able to carry another request. */
  get usable(): boolean {
    return !this.#closed && !this.#ended && this.#keepAlive && this.#pending === undefined && !this.socket.destroyed && !this.socket.readableEnded;
  }

  /** The socket is closed. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Writes one request and resolves with its response. `onWritten` runs once the
   * whole request was handed to the kernel.
   *
   * @throws {@link WireFailure}
   */
  exchange(request: readonly Buffer[], onWritten: () => void): Promise<HttpResponse> {
    if (!this.usable) return Promise.reject(new WireFailure('the connection is not usable', false, 0, false, this.#error));
    return new Promise<HttpResponse>((resolve, reject) => {
      const pending: Pending = { resolve, reject, written: false, onWritten };
      this.#pending = pending;
      this.socket.ref();
      this.#touch();
      const last = request.length - 1;
      this.socket.cork();
      request.forEach((part, i) => {
        if (i < last) this.socket.write(part);
        else
          this.socket.write(part, (err) => {
            if (err || this.#pending !== pending) return;
            pending.written = true;
            pending.onWritten();
          });
      });
      this.socket.uncork();
    });
  }

  /** Ends the connection gracefully (forced after `forceMs`); resolves once closed. */
  async close(forceMs = 1000): Promise<void> {
    if (!this.#closed) {
      // Someone awaits the close: keep the process alive until it is done.
      this.socket.ref();
      this.socket.end();
      const force = setTimeout(() => this.socket.destroy(), forceMs);
      force.unref();
    }
    await this.#closedPromise;
  }

  /** Destroys the socket at once. */
  destroy(err?: Error): void {
    if (err) this.#error ??= err;
    this.socket.destroy();
  }

  #touch(): void {
    this.lastActivityAt = performance.now();
    this.onActivity(this.lastActivityAt);
  }

  #onData(chunk: Buffer): void {
    this.#touch();
    const p = this.#pending;
    if (p === undefined) {
      // Bytes nobody asked for: the stream can no longer be trusted.
      this.#keepAlive = false;
      this.socket.destroy();
      return;
    }
    let response: HttpResponse | undefined;
    try {
      response = this.#parser.push(chunk);
    } catch (err) {
      this.#fail(p, `unreadable HTTP response: ${(err as Error).message}`, true, err);
      this.socket.destroy();
      return;
    }
    if (response) this.#complete(p, response);
  }

  #complete(p: Pending, response: HttpResponse): void {
    this.#pending = undefined;
    this.socket.unref();
    this.completed++;
    if (response.close) {
      this.#keepAlive = false;
      this.socket.end();
    }
    // An answer proves the server read the request, whatever the write callback says.
    p.written = true;
    p.resolve(response);
  }

  #onEnd(): void {
    this.#ended = true;
    const p = this.#pending;
    if (p === undefined) {
      this.socket.end();
      return;
    }
    let response: HttpResponse | undefined;
    try {
      response = this.#parser.end();
    } catch (err) {
      this.#fail(p, (err as Error).message, false, err);
      return;
    }
    if (response) this.#complete(p, response);
    else this.#fail(p, 'the server closed the connection before answering', false, this.#error);
  }

  #onClose(): void {
    this.#closed = true;
    const p = this.#pending;
    if (p) this.#fail(p, this.#error ? this.#error.message : 'the connection closed before the response was complete', false, this.#error);
  }

  #fail(p: Pending, message: string, unreadable: boolean, cause: unknown): void {
    if (this.#pending !== p) return;
    this.#pending = undefined;
    this.socket.unref();
    this.#keepAlive = false;
    const received = this.#parser.received;
    p.reject(new WireFailure(message, p.written || received > 0, received, unreadable, cause));
    this.socket.destroy();
  }
}
