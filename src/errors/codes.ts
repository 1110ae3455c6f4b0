/**
 * Stable error codes. Match on `err.code`, never on message text: messages may be
 * reworded between releases, codes never change meaning.
 */
export const ErrorCode = {
  /** A configuration value or URL could not be used. */
  CONFIG_INVALID_URL: 'IMPALA_ERR_CONFIG_INVALID_URL',
  CONFIG_UNKNOWN_OPTION: 'IMPALA_ERR_CONFIG_UNKNOWN_OPTION',
  CONFIG_INVALID_VALUE: 'IMPALA_ERR_CONFIG_INVALID_VALUE',
  CONFIG_CONFLICT: 'IMPALA_ERR_CONFIG_CONFLICT',
  CONFIG_UNSUPPORTED: 'IMPALA_ERR_CONFIG_UNSUPPORTED',

  /** A call's arguments were wrong (parameter count, unsupported parameter type...). */
  INVALID_ARGUMENT: 'IMPALA_ERR_INVALID_ARGUMENT',

  /** TCP connect refused (ECONNREFUSED) or the host was unreachable. */
  CONNECT_REFUSED: 'IMPALA_ERR_CONNECT_REFUSED',
  /** TCP connect, TLS handshake or SASL negotiation did not finish within `connectTimeoutMs`. */
  CONNECT_TIMEOUT: 'IMPALA_ERR_CONNECT_TIMEOUT',
  /** Any other failure while opening a connection (DNS, reset during handshake...). */
  CONNECT_FAILED: 'IMPALA_ERR_CONNECT_FAILED',
  /** TLS handshake failed, e.g. certificate verification. */
  TLS_FAILED: 'IMPALA_ERR_TLS',
  /** Credentials were rejected (SASL or HTTP 401). */
  AUTH_FAILED: 'IMPALA_ERR_AUTH_FAILED',

  /** The socket closed or failed while a call was pending; see `requestWritten`. */
  CONNECTION_LOST: 'IMPALA_ERR_CONNECTION_LOST',
  /** The connection was closed locally before or during the call. */
  CONNECTION_CLOSED: 'IMPALA_ERR_CONNECTION_CLOSED',
  /** The server did not answer one RPC within `rpcTimeoutMs`. */
  RPC_TIMEOUT: 'IMPALA_ERR_RPC_TIMEOUT',
  /** The server's bytes could not be decoded, or a message exceeded `maxMessageBytes`. */
  PROTOCOL: 'IMPALA_ERR_PROTOCOL',
  /** The server answered with a Thrift TApplicationException (e.g. unknown method). */
  THRIFT_APPLICATION: 'IMPALA_ERR_THRIFT_APPLICATION',
  /** HS2 over HTTP: an HTTP status other than 200 (a proxy's 429/502/503/504, or another unexpected one); see `status`. */
  HTTP_STATUS: 'IMPALA_ERR_HTTP_STATUS',

  /** AnalysisException / ParseException and other statement errors found before execution. */
  ANALYSIS: 'IMPALA_ERR_ANALYSIS',
  /** A table or database the statement names is not known to this coordinator (yet). */
  OBJECT_NOT_FOUND: 'IMPALA_ERR_OBJECT_NOT_FOUND',
  /** Admission control rejected the query (`Rejected query from pool ...`). */
  ADMISSION_REJECTED: 'IMPALA_ERR_ADMISSION_REJECTED',
  /** The query waited in the admission queue longer than the pool allows. */
  ADMISSION_TIMEOUT: 'IMPALA_ERR_ADMISSION_TIMEOUT',
  /** The coordinator is in graceful shutdown and takes no new work. */
  SERVER_SHUTTING_DOWN: 'IMPALA_ERR_SERVER_SHUTTING_DOWN',
  /** The HS2 session is unknown to this coordinator (restart, expiry, other coordinator). */
  INVALID_SESSION: 'IMPALA_ERR_INVALID_SESSION',
  /** The operation handle is unknown to this coordinator. */
  INVALID_HANDLE: 'IMPALA_ERR_INVALID_HANDLE',
  /** The session expired through inactivity. */
  SESSION_EXPIRED: 'IMPALA_ERR_SESSION_EXPIRED',
  /** The query was ended by the server (idle timeout, time/CPU/scan/row limits). */
  QUERY_EXPIRED: 'IMPALA_ERR_QUERY_EXPIRED',
  /** The query was cancelled on the server. */
  CANCELLED: 'IMPALA_ERR_CANCELLED',
  /** The query hit a memory limit. */
  MEMORY_LIMIT: 'IMPALA_ERR_MEMORY_LIMIT',
  /** A query option name or value was refused. */
  INVALID_QUERY_OPTION: 'IMPALA_ERR_INVALID_QUERY_OPTION',
  /** The server does not implement the request (`Unsupported operation`, `Not implemented`). */
  UNSUPPORTED: 'IMPALA_ERR_UNSUPPORTED',
  /** Any other error status from the server. */
  SERVER: 'IMPALA_ERR_SERVER',

  /** The caller's AbortSignal fired. */
  ABORTED: 'IMPALA_ERR_ABORTED',
  /** The call's `timeoutMs` elapsed. */
  QUERY_TIMEOUT: 'IMPALA_ERR_QUERY_TIMEOUT',
  /** A statement that may have executed failed in a way that leaves its outcome unknown. */
  OUTCOME_UNKNOWN: 'IMPALA_ERR_OUTCOME_UNKNOWN',
  /** A pinned session's coordinator is gone and the session cannot continue. */
  SESSION_LOST: 'IMPALA_ERR_SESSION_LOST',
  /** No coordinator could take the request; `errors` lists each one's last error. */
  NO_COORDINATOR: 'IMPALA_ERR_NO_COORDINATOR',
  /** No connection became free within `acquireTimeoutMs`. */
  ACQUIRE_TIMEOUT: 'IMPALA_ERR_ACQUIRE_TIMEOUT',
  /** The client, pool or session was closed. */
  CLOSED: 'IMPALA_ERR_CLOSED',
} as const;

/** One of the {@link ErrorCode} values. */
export type ErrorCodeValue = (typeof ErrorCode)[keyof typeof ErrorCode];
