import { performance } from 'node:perf_hooks';
import { CONNECTION_DEFAULTS, openChannel, type Channel } from '../../connection';
import { ArgumentError, ConnectError, ErrorCode, ProtocolError, RpcTimeoutError } from '../../errors';
import * as T from '../../thrift/gen-nodejs/TCLIService_types';
import * as rpc from './hs2-rpc';
import { addStatusLongPoll, checkFetchSize, checkPositiveMs, checkQueryOptions, limitFetchWait, SESSION_DEFAULTS, type CoordinatorSessionOptions } from './session-options';

/** A channel with an HS2 session open on it. @internal */
export interface OpenedHs2Session {
  connection: Channel;
  resp: T.TOpenSessionResp;
}

/**
 * Checks the options, connects and opens an HS2 session (protocol V6, columnar
 * results). `connectTimeoutMs` bounds the whole of it: TCP, TLS, SASL and OpenSession,
 * so "get me a usable session" has one bound. On any failure what was opened is closed.
 *
 * @throws {@link ConnectError} when the connection cannot be made or the bound
 * elapses, a {@link ServerError} when OpenSession is refused, a {@link ProtocolError}
 * when the server only speaks a protocol below V6, an {@link ArgumentError} for bad
 * options.
 * @internal
 */
export async function openHs2Session(options: CoordinatorSessionOptions): Promise<OpenedHs2Session> {
  checkFetchSize(options.fetchSize);
  checkPositiveMs(options.cleanupTimeoutMs, 'cleanupTimeoutMs');
  checkPositiveMs(options.pollMaxDelayMs, 'pollMaxDelayMs');
  const configuration = checkQueryOptions(options.sessionQueryOptions, 'sessionQueryOptions') ?? {};
  if (options.database !== undefined) {
    if (typeof options.database !== 'string' || options.database === '') throw new ArgumentError('database must be a non-empty string');
    configuration['use:database'] = options.database;
  }
  limitFetchWait(configuration, options);
  addStatusLongPoll(configuration, options);
  const nosasl = (options.auth?.mechanism ?? 'NOSASL') === 'NOSASL';
  const username = options.username ?? (options.auth?.mechanism === 'PLAIN' ? options.auth.username : undefined);
  const connectTimeoutMs = options.connectTimeoutMs ?? CONNECTION_DEFAULTS.connectTimeoutMs;
  const deadline = performance.now() + connectTimeoutMs;
  const connection = await openChannel(options);
  try {
    const req = new T.TOpenSessionReq({
      client_protocol: T.TProtocolVersion.HIVE_CLI_SERVICE_PROTOCOL_V6,
      ...(username !== undefined ? { username } : {}),
      ...(nosasl && options.password !== undefined ? { password: options.password } : {}),
      configuration,
    });
    const resp = await openSessionWithin(connection, req, deadline, connectTimeoutMs);
    const version = resp.serverProtocolVersion;
    if (!resp.sessionHandle || typeof version !== 'number' || version < T.TProtocolVersion.HIVE_CLI_SERVICE_PROTOCOL_V6) {
      if (resp.sessionHandle) {
        await rpc.closeSession(connection, new T.TCloseSessionReq({ sessionHandle: resp.sessionHandle }), { timeoutMs: SESSION_DEFAULTS.cleanupTimeoutMs }).catch(() => undefined);
      }
      throw new ProtocolError(
        resp.sessionHandle
          ? `${connection.address} negotiated HS2 protocol V${Number(version) + 1}; impala-ha needs V6 or later (columnar results)`
          : `${connection.address} answered OpenSession without a session handle`,
        { coordinator: connection.address },
      );
    }
    return { connection, resp };
  } catch (err) {
    await connection.close().catch(() => undefined);
    throw err;
  }
}

/**
 * OpenSession within what is left of `connectTimeoutMs`; running out of it is a
 * connect timeout (retryable elsewhere), like a slow TCP connect or SASL handshake.
 * A session the server opened anyway is dropped with the connection (Impala closes
 * it after disconnected_session_timeout).
 */
async function openSessionWithin(connection: Channel, req: T.TOpenSessionReq, deadline: number, connectTimeoutMs: number): Promise<T.TOpenSessionResp> {
  const coordinator = connection.address;
  const timedOut = (cause?: unknown): ConnectError =>
    new ConnectError(ErrorCode.CONNECT_TIMEOUT, `connecting to ${coordinator} and opening a session did not complete within ${connectTimeoutMs} ms (connectTimeoutMs)`, {
      coordinator,
      cause,
    });
  const left = Math.floor(deadline - performance.now());
  if (left < 1) throw timedOut();
  try {
    return await rpc.openSession(connection, req, { coordinator, timeoutMs: left });
  } catch (err) {
    throw err instanceof RpcTimeoutError ? timedOut(err) : err;
  }
}
