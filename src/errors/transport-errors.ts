import { ErrorCode } from './codes';
import { ImpalaError, type ImpalaErrorDetails } from './impala-error';

/** Codes a {@link ConnectError} can carry. */
export type ConnectCode =
  | typeof ErrorCode.CONNECT_REFUSED
  | typeof ErrorCode.CONNECT_TIMEOUT
  | typeof ErrorCode.CONNECT_FAILED
  | typeof ErrorCode.TLS_FAILED
  | typeof ErrorCode.AUTH_FAILED;

/**
 * Opening a connection failed: nothing was sent to Impala, so any request may be
 * retried elsewhere. Authentication and TLS failures are not retryable: another try
 * with the same credentials or certificates fails the same way.
 */
export class ConnectError extends ImpalaError {
  constructor(code: ConnectCode, message: string, details: ImpalaErrorDetails = {}) {
    super(code, 'connect', message, code !== ErrorCode.AUTH_FAILED && code !== ErrorCode.TLS_FAILED, details);
  }
}

/**
 * The socket closed or failed while a call was pending.
 *
 * `requestWritten` tells whether any byte of the request reached the socket: when
 * false the server cannot have seen it and a retry is always safe; when true the
 * server may have acted on it.
 */
export class ConnectionLostError extends ImpalaError {
  /** Whether the request had been (at least partly) written to the socket. */
  readonly requestWritten: boolean;
  /** The Thrift method that was pending, e.g. `ExecuteStatement`. */
  readonly method: string | undefined;

  constructor(message: string, requestWritten: boolean, details: ImpalaErrorDetails & { method?: string } = {}) {
    super(ErrorCode.CONNECTION_LOST, 'connection', message, !requestWritten, details);
    this.requestWritten = requestWritten;
    this.method = details.method;
  }
}

/** A call was made on, or was pending when, the connection was closed locally. */
export class ConnectionClosedError extends ImpalaError {
  /** Whether the request had been written before the close. */
  readonly requestWritten: boolean;
  /** The Thrift method that was refused or pending. */
  readonly method: string | undefined;

  constructor(message: string, requestWritten: boolean, details: ImpalaErrorDetails & { method?: string } = {}) {
    super(ErrorCode.CONNECTION_CLOSED, 'connection', message, !requestWritten, details);
    this.requestWritten = requestWritten;
    this.method = details.method;
  }
}

/**
 * An RPC did not complete within its time bound.
 *
 * When `requestWritten` is true the request reached the socket, the server may have
 * acted on it, and the connection was closed because its byte stream can no longer be
 * trusted to line up with calls. When false the call timed out while queued behind
 * another call and was never sent, so it is safe to retry.
 */
export class RpcTimeoutError extends ImpalaError {
  /** The bound that elapsed, in milliseconds. */
  readonly timeoutMs: number;
  /** The Thrift method that timed out. */
  readonly method: string;
  /** Whether the request had been written to the socket. */
  readonly requestWritten: boolean;

  constructor(method: string, timeoutMs: number, details: ImpalaErrorDetails & { requestWritten?: boolean } = {}) {
    const written = details.requestWritten ?? true;
    super(
      ErrorCode.RPC_TIMEOUT,
      'timeout',
      `${method} got no answer within ${timeoutMs} ms${details.coordinator ? ` from ${details.coordinator}` : ''}` +
        (written ? '' : ' (it was still queued behind another call and was never sent)'),
      !written,
      details,
    );
    this.timeoutMs = timeoutMs;
    this.method = method;
    this.requestWritten = written;
  }
}

/** Codes a {@link ProtocolError} can carry. */
export type ProtocolCode = typeof ErrorCode.PROTOCOL | typeof ErrorCode.THRIFT_APPLICATION;

/** The server's bytes could not be understood, or it answered with a Thrift TApplicationException. */
export class ProtocolError extends ImpalaError {
  constructor(message: string, details: ImpalaErrorDetails & { code?: ProtocolCode } = {}) {
    super(details.code ?? ErrorCode.PROTOCOL, 'protocol', message, false, details);
  }
}

/**
 * HS2 over HTTP: the server (in practice a proxy or load balancer in front of Impala,
 * which itself only answers 200 or 401) answered an HTTP status other than 200.
 *
 * `requestWritten` is true whenever the whole request was sent: a proxy's 502 or 504
 * may come after the coordinator received the call, so nothing is assumed about
 * whether it ran. Idempotent RPCs were already resent by the channel after a 429, 502
 * or 503 (honouring `Retry-After`) before this error was raised.
 */
export class HttpStatusError extends ImpalaError {
  /** The HTTP status code, e.g. 503. */
  readonly status: number;
  /** The delay the server asked for with `Retry-After`, in ms; undefined when it sent none. */
  readonly retryAfterMs: number | undefined;
  /** The Thrift method of the request. */
  readonly method: string;
  /** Whether the whole request had been written (the server may have acted on it). */
  readonly requestWritten: boolean;

  constructor(
    method: string,
    status: number,
    reason: string,
    details: ImpalaErrorDetails & { retryAfterMs?: number | undefined; requestWritten?: boolean } = {},
  ) {
    const written = details.requestWritten ?? true;
    super(
      ErrorCode.HTTP_STATUS,
      'connection',
      `${details.coordinator ?? 'the server'} answered ${method} with HTTP ${status}${reason ? ` ${reason}` : ''}` +
        (details.retryAfterMs !== undefined ? ` (Retry-After ${Math.round(details.retryAfterMs)} ms)` : ''),
      !written,
      details,
    );
    this.status = status;
    this.retryAfterMs = details.retryAfterMs;
    this.method = method;
    this.requestWritten = written;
  }
}
