import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { MalformedRequestError, MAX_REQUEST_BYTES, nextRequest } from './request-splitter';
import createDebug from 'debug';
import { SaslNegotiator, type NegotiationStep, type SaslServerConfig } from './sasl-negotiator';

const debug = createDebug('impala-ha:sim');

/**
 * One accepted client connection, binary ({@link ClientSocket}) or HTTP
 * (`HttpClientSocket`), as the server's faults and the HS2 handler see it.
 *
 * @internal
 */
export interface ServedSocket {
  /** Process-unique id; sessions link to it. */
  readonly id: number;
  /** The authenticated user (SASL, or HTTP auth / doAs of the request being served); undefined without auth. */
  readonly user: string | undefined;
  /** `performance.now()` of the last byte read or written. */
  readonly lastActivityAt: number;
  readonly closed: boolean;
  /** Stops reading and keeps outgoing bytes (a frozen process). */
  hold(): void;
  /** Sends what was kept and resumes reading. */
  release(): void;
  /** Like kill -9: the peer sees ECONNRESET. */
  reset(): void;
  /** Closes with FIN; with `afterReply`, a reply being prepared is sent first. */
  end(afterReply?: boolean): void;
}

/** What a socket needs from its server for each request. */
export interface RequestHost {
  /** Runs one request and resolves with the reply message (unframed). */
  handle(message: Buffer, method: string, socket: ServedSocket): Promise<Buffer>;
  /** Delay before handling `method`, in ms (0 = none). */
  delayFor(method: string): number;
  /** Whether this reply should be cut in the middle and the socket reset (dropDuringFetch). */
  shouldDropReply(method: string): boolean;
  /** The socket finished closing. */
  closed(socket: ServedSocket): void;
}

let nextSocketId = 1;

/** Longest a graceful close waits for the reply in progress, or for unsent bytes to drain, in ms. */
const END_AFTER_REPLY_MS = 1000;

/**
 * One accepted client connection (TCP, or TLS once its handshake is done): optional
 * SASL handshake (PLAIN or GSSAPI), then Thrift
 * requests handled strictly one at a time (Impala serves each connection from one
 * thread, so a second request waits for the first reply). Replies are framed with a
 * 4-byte length after SASL, unframed otherwise.
 *
 * `hold()` freezes it like a SIGSTOPped process: nothing more is read, replies that
 * become ready are kept, and `release()` sends them and carries on.
 *
 * @internal
 */
export class ClientSocket implements ServedSocket {
  /** Process-unique id; sessions link to it. */
  readonly id = nextSocketId++;
  readonly socket: Socket;
  /** User authenticated by SASL; undefined on a NOSASL coordinator. */
  user: string | undefined;
  /** `performance.now()` of the last byte read or written. */
  lastActivityAt = performance.now();
  readonly #host: RequestHost;
  readonly #sasl: SaslNegotiator | undefined;
  /** The TCP socket under a TLS one (resets act on it). */
  readonly #raw: Socket;
  #negotiating: boolean;
  /** Thrift stream bytes not yet consumed (after unframing). */
  #stream: Buffer = Buffer.alloc(0);
  /** Incomplete SASL data-phase frame bytes. */
  #frameBuf: Buffer = Buffer.alloc(0);
  #busy = false;
  #held = false;
  #heldWrites: Array<{ data: Buffer; then?: () => void }> = [];
  #closed = false;
  #endAfterReply = false;
  /** Replies are being collected to go out in one write (see #serve). */
  #corked = false;
  /** What nextRequest found at the head of #stream, while #stream is unchanged. */
  #peeked: { stream: Buffer; next: { length: number; method: string } | undefined } | undefined;

  /**
   * @param sasl Mechanisms offered; undefined = NOSASL.
   * @param raw The TCP socket when `socket` is a TLS socket over it.
   */
  constructor(socket: Socket, host: RequestHost, sasl: SaslServerConfig | undefined, held: boolean, raw: Socket = socket) {
    this.socket = socket;
    this.#raw = raw;
    this.#host = host;
    this.#sasl = sasl === undefined ? undefined : new SaslNegotiator(sasl);
    this.#negotiating = this.#sasl !== undefined;
    this.#held = held;
    socket.setNoDelay(true);
    if (held) socket.pause();
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('error', () => undefined); // 'close' follows; clients cause resets all the time
    socket.on('close', () => {
      this.#closed = true;
      this.#heldWrites = [];
      this.#host.closed(this);
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Stops reading and keeps outgoing bytes (a frozen process). */
  hold(): void {
    this.#uncork();
    this.#held = true;
    this.socket.pause();
  }

  /** Sends what was kept and resumes reading. */
  release(): void {
    if (!this.#held) return;
    this.#held = false;
    for (const w of this.#heldWrites.splice(0)) this.#write(w.data, w.then);
    if (this.#closed) return;
    this.socket.resume();
    this.#pump();
  }

  /** Like kill -9: the peer sees ECONNRESET. */
  reset(): void {
    if (this.#closed) return;
    this.#uncork();
    // Only a TCP handle can send a reset; under TLS that is the raw socket.
    this.#raw.resetAndDestroy();
    if (this.#raw !== this.socket) this.socket.destroy();
  }

  /**
   * Closes with FIN (idle cut by a proxy, end of a graceful shutdown). With
   * `afterReply`, a reply being prepared is sent first.
   */
  end(afterReply = false): void {
    if (this.#closed) return;
    this.#uncork();
    if (afterReply && this.#busy && !this.#held) {
      this.#endAfterReply = true;
      // Bounded: a reply that never comes must not keep the coordinator alive.
      setTimeout(() => this.end(), END_AFTER_REPLY_MS).unref();
      return;
    }
    this.socket.end();
    this.socket.destroySoon();
    // A client that stops reading would keep unsent bytes, and the socket, forever.
    setTimeout(() => this.socket.destroy(), END_AFTER_REPLY_MS).unref();
  }

  #onData(chunk: Buffer): void {
    this.lastActivityAt = performance.now();
    if (this.#negotiating) {
      this.#negotiate(chunk);
      return;
    }
    if (this.#sasl !== undefined) this.#unframe(chunk);
    else this.#append(chunk);
    this.#pump();
  }

  #negotiate(chunk: Buffer): void {
    let step: NegotiationStep = this.#sasl!.feed(chunk);
    // Challenges go out one by one; the client answers each before sending more.
    while (step.kind === 'reply') {
      this.#write(step.reply);
      step = this.#sasl!.feed(Buffer.alloc(0));
    }
    switch (step.kind) {
      case 'continue':
        return;
      case 'close':
        // Impala closes without a frame when the mechanism rejects the credentials.
        debug('connection %d: SASL authentication refused: %s', this.id, step.reason);
        this.socket.destroy();
        return;
      case 'reject':
        this.socket.end(step.reply);
        return;
      case 'done':
        this.user = step.user;
        this.#negotiating = false;
        this.#write(step.reply);
        if (step.rest.length > 0) this.#unframe(step.rest);
        this.#pump();
    }
  }

  #unframe(chunk: Buffer): void {
    this.#frameBuf = this.#frameBuf.length === 0 ? chunk : Buffer.concat([this.#frameBuf, chunk]);
    while (this.#frameBuf.length >= 4) {
      const len = this.#frameBuf.readUInt32BE(0);
      if (len > MAX_REQUEST_BYTES) {
        this.socket.destroy();
        return;
      }
      if (this.#frameBuf.length < 4 + len) return;
      this.#append(this.#frameBuf.subarray(4, 4 + len));
      this.#frameBuf = this.#frameBuf.subarray(4 + len);
    }
  }

  #append(bytes: Buffer): void {
    this.#stream = this.#stream.length === 0 ? Buffer.from(bytes) : Buffer.concat([this.#stream, bytes]);
  }

  /** The request at the head of the unread bytes, if it is complete (parsed once per state of #stream). */
  #peek(): { length: number; method: string } | undefined {
    if (this.#peeked?.stream !== this.#stream) this.#peeked = { stream: this.#stream, next: nextRequest(this.#stream) };
    return this.#peeked.next;
  }

  #pump(): void {
    if (this.#busy || this.#held || this.#closed) return;
    let next;
    try {
      next = this.#peek();
    } catch (err) {
      if (err instanceof MalformedRequestError) {
        // impalad drops a connection whose bytes are not Thrift (e.g. a SASL client on a NOSASL port).
        this.socket.destroy();
        return;
      }
      throw err;
    }
    if (next === undefined) return;
    const message = this.#stream.subarray(0, next.length);
    this.#stream = this.#stream.subarray(next.length);
    this.#busy = true;
    void this.#serve(message, next.method);
  }

  async #serve(message: Buffer, method: string): Promise<void> {
    const delay = this.#host.delayFor(method);
    if (delay > 0) await new Promise<void>((resolve) => setTimeout(resolve, delay).unref());
    let reply: Buffer;
    try {
      reply = await this.#host.handle(message, method, this);
    } catch {
      this.#busy = false;
      this.socket.destroy();
      return;
    }
    const out = this.#sasl === undefined ? reply : withLength(reply);
    if (this.#host.shouldDropReply(method)) {
      // Half the reply reaches the client, then the connection is reset: what a
      // proxy or a dying peer does in the middle of a large FetchResults.
      this.#uncork();
      const cut = Math.max(1, Math.floor(out.length / 2));
      this.#write(out.subarray(0, cut), () => this.reset());
      return;
    }
    if (this.#pipelined()) {
      // The client sent the next request already (pipelining): its reply joins this
      // one in a single write, or this one goes alone at the end of the event-loop turn.
      if (!this.#corked) {
        this.#corked = true;
        this.socket.cork();
        setImmediate(() => this.#uncork());
      }
      this.#write(out);
      this.#busy = false;
      this.#pump();
      return;
    }
    this.#write(out, () => {
      this.#busy = false;
      if (this.#endAfterReply) this.end();
      else this.#pump();
    });
    this.#uncork();
  }

  /** Whether a whole request waits behind the one just answered (and may be served at once). */
  #pipelined(): boolean {
    if (this.#held || this.#closed || this.#endAfterReply) return false;
    try {
      return this.#peek() !== undefined;
    } catch {
      return false;
    }
  }

  /** Sends the replies collected by #serve. */
  #uncork(): void {
    if (!this.#corked) return;
    this.#corked = false;
    this.socket.uncork();
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

function withLength(message: Buffer): Buffer {
  const out = Buffer.allocUnsafe(4 + message.length);
  out.writeUInt32BE(message.length, 0);
  message.copy(out, 4);
  return out;
}
