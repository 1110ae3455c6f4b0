import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import createDebug from 'debug';
import { ConnectError, ConnectionLostError, ErrorCode, hasCode, HttpStatusError, ImpalaError, ProtocolError } from '../errors';
import { observeLatency } from './call-timing';
import type { Channel } from './channel';
import type { CookieJar } from './cookie-jar';
import type { HttpAuthContext } from './http-auth';
import { parseRetryAfter, type ResolvedHttpOptions } from './http-options';
import type { HttpResponse } from './http-response-parser';
import { WireFailure, type HttpWire } from './http-wire';
import { decodeReply } from './thrift-codec';
import type { CallPolicy, ThriftReadable, ThriftResponseClass } from './types';

const debug = createDebug('impala-ha:connection');

/** One call on an {@link HttpConnection}, from queueing to its reply. @internal */
export interface HttpCall {
  readonly method: string;
  readonly seqid: number;
  readonly payload: Buffer;
  readonly Resp: ThriftResponseClass<ThriftReadable>;
  readonly resolve: (value: ThriftReadable) => void;
  readonly reject: (err: Error) => void;
  readonly timeoutMs: number;
  /** `performance.now()` when the call was made; its bound counts from here. */
  readonly queuedAt: number;
  readonly idempotent: boolean;
  readonly trace: { sessionId?: string | undefined; queryId?: string | undefined } | undefined;
  /** Ms from when the call is in flight (the head of the wire) to its overrun hook; undefined = none. */
  readonly overrunMs: number | undefined;
  /** The overrun hook, already bound to the method and channel, exceptions contained. */
  readonly onOverrun: (() => void) | undefined;
  /**
   * Why the call was ended from outside (its timeout, the channel closing); made on
   * demand with {@link abortSignal}, which stops connects and waits.
   */
  abortReason: Error | undefined;
  abortController: AbortController | undefined;
  timer: NodeJS.Timeout | undefined;
  overrunTimer: NodeJS.Timeout | undefined;
  /** A request of this call may have been processed by the server. */
  written: boolean;
  /** Settled (by its reply, its timeout or the channel closing). */
  done: boolean;
}

/** What {@link performCall} needs from its channel. @internal */
export interface HttpCallHost {
  readonly address: string;
  readonly host: string;
  readonly port: number;
  readonly tls: boolean;
  readonly http: ResolvedHttpOptions;
  readonly jar: CookieJar;
  readonly policy: CallPolicy | undefined;
  readonly channel: Channel;
  /** The connection for the next request (kept-alive or new). */
  wire(call: HttpCall): Promise<HttpWire>;
  /** Forgets a connection that failed. */
  dropWire(wire: HttpWire): void;
}

const BREAKING = new WeakSet<object>();

/** Whether a call's failure leaves the channel unusable (the connection died under it, or its answer was unreadable). @internal */
export function breaksChannel(err: unknown): boolean {
  return typeof err === 'object' && err !== null && BREAKING.has(err);
}

/** Marks an error as one that leaves the channel unusable. @internal */
export function breaking<E extends Error>(err: E): E {
  BREAKING.add(err);
  return err;
}

/** Statuses a proxy answers while overloaded or without a backend; retried for idempotent RPCs. */
const RETRY_STATUSES = new Set([429, 502, 503]);

const TRACE_ID = /^[0-9a-fA-F]{1,16}:[0-9a-fA-F]{1,16}$/;

/**
 * Runs one call to its reply: picks the connection, authenticates, sends the POST and
 * reads the answer, resending when that is known to be harmless:
 * - once, when a kept-alive connection turned out dead before the request was fully
 *   written (or, for an idempotent RPC, died with no byte of an answer);
 * - after a 401, with fresh credentials (the server processed nothing);
 * - after a 429/502/503, for idempotent RPCs only, after `Retry-After`.
 *
 * @throws ConnectionLostError, ConnectError (AUTH_FAILED), HttpStatusError, ProtocolError,
 * or the abort reason when the call timed out or the channel closed meanwhile.
 * @internal
 */
export async function performCall(host: HttpCallHost, call: HttpCall): Promise<ThriftReadable> {
  const { http, jar } = host;
  const requestId = http.tracingHeaders ? randomUUID() : undefined;
  let staleResent = false;
  let authRound = 0;
  let cookieWasSent = false;
  let challenges: readonly string[] = [];
  let statusRetries = 0;
  let startedAt = 0;
  // Identifies this request to the authenticator across its rounds (SPNEGO keeps its context on it).
  const request = {};
  for (;;) {
    throwIfAborted(call);
    const wire = await host.wire(call);
    const reused = wire.completed > 0;
    const cookie = jar.header();
    const ctx: HttpAuthContext = {
      host: host.host,
      port: host.port,
      address: host.address,
      tls: host.tls,
      method: call.method,
      hasAuthCookie: cookie.hasAuth,
      round: authRound,
      cookieWasSent,
      challenges,
      request,
    };
    const authorization = await authorize(host, ctx);
    throwIfAborted(call);
    if (!wire.usable) continue;
    const head = requestHead(host, call, authorization, cookie.value, requestId);
    if (startedAt === 0) startedAt = performance.now();
    let response: HttpResponse;
    try {
      response = await wire.exchange([head, call.payload], () => {
        call.written = true;
      });
    } catch (err) {
      throwIfAborted(call);
      if (!(err instanceof WireFailure)) throw err;
      host.dropWire(wire);
      if (err.unreadable) throw breaking(new ProtocolError(`unreadable HTTP response from ${host.address} to ${call.method}: ${err.message}`, { coordinator: host.address, cause: err }));
      // A kept-alive connection the server had already closed: nothing reached it, or
      // (idempotent RPCs only) nothing came back. Impala-shell resends these once too.
      if (reused && !staleResent && (!err.written || (call.idempotent && err.bytesReceived === 0))) {
        staleResent = true;
        debug('%s: the kept-alive connection to %s died under %s; resending on a new one', host.address, host.address, call.method);
        continue;
      }
      throw breaking(lost(host, call, err));
    }
    // An answer proves the server read the request, even if the write callback has not run yet.
    call.written = true;
    jar.receive(response.headers.get('set-cookie'));
    const status = response.status;
    if (status === 200) {
      if (host.http.authenticator?.accepted) await accepted(host, ctx, response);
      let result: ThriftReadable;
      try {
        result = decode(host, call, response.body);
      } catch (err) {
        // A TApplicationException is an answer too (as on the binary wire).
        if (hasCode(err, ErrorCode.THRIFT_APPLICATION)) observeLatency(host.policy, call.method, performance.now() - startedAt);
        throw err;
      }
      observeLatency(host.policy, call.method, performance.now() - startedAt);
      return result;
    }
    if (status === 401) {
      // Nothing was processed: safe to send again, whatever the method.
      call.written = false;
      cookieWasSent = cookie.hasAuth;
      jar.dropAuth();
      challenges = response.headers.get('www-authenticate') ?? [];
      authRound++;
      if (authRound > (host.http.authenticator?.maxRounds ?? 1) || host.http.authenticator === undefined) throw authFailed(host, call, challenges);
      debug('%s answered %s with 401%s; authenticating again', host.address, call.method, cookieWasSent ? ' (the auth cookie expired)' : '');
      continue;
    }
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
    if (call.idempotent && RETRY_STATUSES.has(status) && statusRetries < http.maxStatusRetries) {
      const delay = retryAfterMs ?? Math.min(1000, 100 * 2 ** statusRetries);
      const remaining = call.timeoutMs - (performance.now() - call.queuedAt);
      if (delay <= http.maxRetryAfterMs && delay < remaining) {
        statusRetries++;
        debug('%s answered %s with HTTP %d; resending in %d ms', host.address, call.method, status, delay);
        await sleep(delay, abortSignal(call));
        continue;
      }
    }
    throw new HttpStatusError(call.method, status, response.reason, { coordinator: host.address, retryAfterMs, requestWritten: call.written });
  }
}

function throwIfAborted(call: HttpCall): void {
  if (call.abortReason !== undefined) throw call.abortReason;
}

/** The call's abort signal, made on first use: most calls never wait on anything abortable. @internal */
export function abortSignal(call: HttpCall): AbortSignal {
  if (call.abortController === undefined) {
    call.abortController = new AbortController();
    if (call.abortReason !== undefined) call.abortController.abort(call.abortReason);
  }
  return call.abortController.signal;
}

/** Ends a call from outside: waits and connects in progress stop with `reason`. @internal */
export function abortCall(call: HttpCall, reason: Error): void {
  call.abortReason ??= reason;
  call.abortController?.abort(reason);
}


async function authorize(host: HttpCallHost, ctx: HttpAuthContext): Promise<string | undefined> {
  const auth = host.http.authenticator;
  if (auth === undefined) return undefined;
  let value: string | undefined | null;
  try {
    value = await auth.authorization(ctx);
  } catch (err) {
    // Our own authenticators fail with a typed error that says what was tried (e.g. the Kerberos principal).
    if (err instanceof ImpalaError) throw err;
    throw new ConnectError(ErrorCode.AUTH_FAILED, `the ${auth.scheme} authenticator failed for ${host.address} (see cause)`, { coordinator: host.address, cause: err });
  }
  if (value === null) throw authFailed(host, { method: ctx.method } as HttpCall, ctx.challenges);
  if (value !== undefined && (typeof value !== 'string' || /[\r\n]/.test(value))) {
    throw new ConnectError(ErrorCode.AUTH_FAILED, `the ${auth.scheme} authenticator returned an unusable Authorization value for ${host.address}`, { coordinator: host.address });
  }
  return value;
}

async function accepted(host: HttpCallHost, ctx: HttpAuthContext, response: HttpResponse): Promise<void> {
  try {
    await host.http.authenticator!.accepted!(ctx, response.headers.get('www-authenticate') ?? []);
  } catch (err) {
    // The server answered, so it acted on the call; it just could not prove who it is.
    // A protocol error says "may have run" and ends the channel to an untrusted peer.
    throw breaking(
      new ProtocolError(`${host.address} answered ${ctx.method} but failed ${host.http.authenticator!.scheme} mutual authentication (see cause); the server may have acted on it`, {
        coordinator: host.address,
        cause: err,
      }),
    );
  }
}

function authFailed(host: HttpCallHost, call: Pick<HttpCall, 'method'>, challenges: readonly string[]): ConnectError {
  // Scheme names only: a challenge may carry a token.
  const schemes = [...new Set(challenges.map((c) => c.split(/[\s,]/)[0]).filter(Boolean))];
  const offered = schemes.length > 0 ? `; it accepts ${schemes.join(', ')}` : '';
  const sent = host.http.authenticator ? `${host.http.authenticator.scheme} credentials` : 'no credentials';
  return new ConnectError(ErrorCode.AUTH_FAILED, `${host.address} refused ${call.method} with HTTP 401: ${sent} were not accepted${offered}`, { coordinator: host.address });
}

function lost(host: HttpCallHost, call: HttpCall, failure: WireFailure): ConnectionLostError {
  return failure.written
    ? new ConnectionLostError(`the HTTP connection to ${host.address} was lost while ${call.method} was waiting for its reply (${failure.message}); the server may have received it`, true, {
        coordinator: host.address,
        cause: failure.cause ?? failure,
        method: call.method,
      })
    : new ConnectionLostError(`the HTTP connection to ${host.address} was lost before ${call.method} was sent (${failure.message})`, false, {
        coordinator: host.address,
        cause: failure.cause ?? failure,
        method: call.method,
      });
}

function decode(host: HttpCallHost, call: HttpCall, body: Buffer): ThriftReadable {
  try {
    return decodeReply(body, call, host.address);
  } catch (err) {
    if (err instanceof ImpalaError) throw err;
    // The body is framed by HTTP: a bad one leaves the connection usable.
    throw new ProtocolError(`unreadable reply from ${host.address} to ${call.method}: ${(err as Error).message}`, { coordinator: host.address, cause: err });
  }
}

function requestHead(host: HttpCallHost, call: HttpCall, authorization: string | undefined, cookie: string | undefined, requestId: string | undefined): Buffer {
  const h = host.http;
  let head = `POST ${h.target} HTTP/1.1\r\n`;
  if (!h.hasHostHeader) head += `Host: ${host.host.includes(':') ? `[${host.host}]` : host.host}:${host.port}\r\n`;
  head += `Content-Type: application/x-thrift\r\nAccept: application/x-thrift\r\nContent-Length: ${call.payload.length}\r\n`;
  if (!h.hasUserAgent) head += `User-Agent: ${h.userAgent}\r\n`;
  if (authorization !== undefined) head += `Authorization: ${authorization}\r\n`;
  if (cookie !== undefined) head += `Cookie: ${cookie}\r\n`;
  if (requestId !== undefined) {
    head += `X-Request-Id: ${requestId}\r\n`;
    const { sessionId, queryId } = call.trace ?? {};
    if (sessionId !== undefined && TRACE_ID.test(sessionId)) head += `X-Impala-Session-Id: ${sessionId}\r\n`;
    if (queryId !== undefined && TRACE_ID.test(queryId)) head += `X-Impala-Query-Id: ${queryId}\r\n`;
  }
  head += `${h.extraHeaders}\r\n`;
  return Buffer.from(head, 'utf8');
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
