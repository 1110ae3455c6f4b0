import type { TProtocol } from 'thrift';
import type { Channel, TransportKind } from './channel';
import type { BearerTokenProvider } from './http-auth';
import type { HttpTransportOptions } from './http-options';
import type { KerberosTargetOptions } from './kerberos-principal';

/** TLS settings for a connection. Certificate verification is on unless turned off. */
export interface TlsOptions {
  /** Trusted CA certificates (PEM). Default: Node's bundled roots. */
  ca?: string | Buffer | Array<string | Buffer>;
  /** Name to verify the certificate against and send as SNI. Default: the connection's own host. */
  servername?: string;
  /**
   * Verify the server certificate. Default `true`; `false` (tests only) emits a
   * process warning `IMPALA_HA_TLS_UNVERIFIED` once per process.
   */
  rejectUnauthorized?: boolean;
  /**
   * Check that the certificate names the server (`servername`, else the host). Default
   * `true`; `false` keeps the chain check but accepts any name, and warns like
   * `rejectUnauthorized: false`.
   */
  checkServerName?: boolean;
  /** Client certificate chain (PEM), for servers that require one (mutual TLS). */
  cert?: string | Buffer;
  /** Client private key (PEM). */
  key?: string | Buffer;
  /** Passphrase of an encrypted `key`. Never logged. */
  passphrase?: string;
  /** Lowest TLS version accepted. Default `'TLSv1.2'` (Impala's own minimum). */
  minVersion?: 'TLSv1.2' | 'TLSv1.3';
}

/** How the transport authenticates below Thrift. */
export type AuthOptions =
  /** Plain buffered transport, no SASL (Impala without LDAP/Kerberos). */
  | { mechanism: 'NOSASL' }
  /** SASL PLAIN (Impala with LDAP): user and password sent in the SASL exchange; over HTTP, `Authorization: Basic`. */
  | { mechanism: 'PLAIN'; username: string; password: string }
  /**
   * SASL GSSAPI (Impala with `--principal`): Kerberos with the ticket in the default
   * credential cache (`kinit`, `KRB5CCNAME`), needs the optional `kerberos` package.
   * Over HTTP: SPNEGO (`Authorization: Negotiate`) to the same `impala@host` principal.
   */
  | ({ mechanism: 'GSSAPI' } & KerberosTargetOptions)
  /** HTTP only (Impala with JWT/OAuth): `Authorization: Bearer <token>`; a provider can refresh the token after a 401. */
  | { mechanism: 'JWT'; token: string | BearerTokenProvider };

/** Options of one Thrift connection to one coordinator. */
export interface ConnectionOptions {
  /** Host name or IP address. */
  host: string;
  /** TCP port (HS2 binary default 21050). */
  port: number;
  /** TLS: `true` for defaults, an object to tune, absent/false for plain TCP. */
  tls?: boolean | TlsOptions;
  /** Transport authentication. Default `{ mechanism: 'NOSASL' }`. */
  auth?: AuthOptions;
  /**
   * Bound on TCP connect + TLS handshake + SASL negotiation, in ms; `CoordinatorSession.open`
   * counts OpenSession in the same bound (one bound for a usable session). Default 10000.
   */
  connectTimeoutMs?: number;
  /** Default bound on one RPC (from write to full reply), in ms. Default 60000. */
  rpcTimeoutMs?: number;
  /** Enable TCP keepalive. Default `true`. */
  keepAlive?: boolean;
  /** Idle time before the first TCP keepalive probe, in ms. Default 30000. */
  keepAliveInitialDelayMs?: number;
  /** Largest reply accepted, in bytes; a larger one closes the connection with a protocol error. Default 268435456 (256 MiB). */
  maxMessageBytes?: number;
  /** Label used in errors and debug output. Default `host:port`. */
  label?: string;
  /**
   * Per-method time policy installed by the pool (adaptive bounds, liveness checks).
   * Applies to calls that do not set their own `timeoutMs` / `overrunMs`.
   */
  callPolicy?: CallPolicy;
  /** Wire: `'binary'` (HS2 21050 / Beeswax 21000) or `'http'` (HS2 over HTTP, 28000). Default `'binary'`. */
  transport?: TransportKind;
  /** HS2-over-HTTP settings (path, doAs, headers, authenticator, cookies); used when `transport` is `'http'`. */
  http?: HttpTransportOptions;
}

/** Per-call options. */
export interface CallOptions {
  /**
   * Bound on this call in ms (overrides `callPolicy.timeoutMs` and `rpcTimeoutMs`). The
   * clock starts when `call()` is made, so it covers queueing, write and reply.
   */
  timeoutMs?: number;
  /**
   * After this many ms at the head of the wire without a reply, `onOverrun` is called
   * once and the call goes on (up to `timeoutMs`). "At the head of the wire" means
   * written, with every earlier call on the channel answered: the time the server has
   * been working on this very call, as far as the client can tell (a server answers a
   * connection's calls in order). Lets the pool check the coordinator's liveness on
   * another channel instead of cutting a legitimately slow call. Overrides
   * `callPolicy.overrunMs`. Absent (and no policy value) = no hook.
   */
  overrunMs?: number;
  /** Called once when the call has waited `overrunMs` for its reply. Overrides `callPolicy.onOverrun`. */
  onOverrun?: () => void;
  /**
   * Write this call even while earlier calls on the channel still wait for their
   * replies (pipelining; the server answers them in order). Default `false`: the call
   * is written only once every earlier call was answered, so a call queued behind a
   * slow one is never sent when the connection dies first, and is always safe to
   * retry. A transport that cannot pipeline (HTTP) treats it as `false`.
   */
  pipeline?: boolean;
  /**
   * Whether resending this call is harmless. Default: by method (OpenSession,
   * GetOperationStatus, GetResultSetMetadata, GetLog, Ping, CancelOperation, GetInfo,
   * profiles and metadata calls are; ExecuteStatement, FetchResults, Close* are not).
   * Set it for CloseOperation of a query (not DML). Used by the HTTP channel to resend
   * after a 429/502/503 or a keep-alive connection that died under the request.
   */
  idempotent?: boolean;
  /** Ids sent as tracing headers over HTTP (`X-Impala-Session-Id`, `X-Impala-Query-Id`); ignored by the binary wire. */
  trace?: { sessionId?: string | undefined; queryId?: string | undefined };
}

/** A Thrift request struct as generated by thrift-compiler. */
export interface ThriftRequest {
  write(output: TProtocol): void;
}

/** A generated Thrift response struct class. */
export interface ThriftResponseClass<T> {
  new (): T;
}

/** Reads itself from a protocol (every generated struct does). */
export interface ThriftReadable {
  read(input: TProtocol): void;
}

/**
 * Per-method time policy a channel applies to calls without their own bounds: lets the
 * pool give control RPCs (OpenSession, Ping, GetOperationStatus, Close*) short
 * bounds derived from observed latency, let long-polling ones (FetchResults) wait,
 * and check a coordinator's liveness when a call overruns. Every hook is optional.
 */
export interface CallPolicy {
  /**
   * Bound for a call of `method`, in ms, counted from `call()` like
   * `CallOptions.timeoutMs`; undefined = the channel's `rpcTimeoutMs`. Asked once per
   * call, when it is made.
   */
  timeoutMs?(method: string): number | undefined;
  /**
   * When a call of `method` counts as overrunning, in ms at the head of the wire (see
   * `CallOptions.overrunMs`); undefined = never. Asked once per call, when it is made.
   */
  overrunMs?(method: string): number | undefined;
  /** Called once for each overrunning call, while it goes on. Exceptions are caught and logged. */
  onOverrun?(method: string, channel: Channel): void;
  /**
   * Told, for every call that got its reply (a TApplicationException counts; a
   * timeout or a lost connection does not), the ms from when the call reached the head
   * of the wire (written, every earlier call answered) to its reply: the round trip
   * for a call sent alone, the server's time plus the way back for a pipelined one. Exceptions are
   * caught and logged.
   */
  observe?(method: string, latencyMs: number): void;
}
