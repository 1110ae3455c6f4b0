import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { inspect } from 'node:util';
import createDebug from 'debug';
import { openChannel, type Channel } from '../../connection';
import { ArgumentError, ClosedError, ErrorCode, hasCode, ProtocolError } from '../../errors';
import { bindParams } from '../sql/bind-params';
import type { ProtocolSession } from '../protocol-session';
import { CallGuard, withTimeout } from '../hs2/call-guard';
import { guidToQueryId, queryIdToGuid } from '../hs2/query-id';
import type { RowObject } from '../hs2/row-decoder';
import { RowStream, type RowStreamProgress } from '../hs2/row-stream';
import { checkFetchSize, checkPositiveMs, checkQueryOptions, SESSION_DEFAULTS, type CoordinatorSessionOptions, type QueryCallOptions } from '../hs2/session-options';
import type { PingResult, SessionExecuteResult, SessionQueryResult } from '../hs2/session-results';
import { resolveValueOptions, type ResolvedValueOptions } from '../hs2/value-options';
import { BeeswaxQuery, type BeeswaxQueryHost } from './beeswax-query';
import * as rpc from './beeswax-rpc';
import { setStatement, toConfiguration } from './query-configuration';
import { TextRowDecoder } from './text-row-decoder';

const debug = createDebug('impala-ha:beeswax');

interface Prepared {
  statement: string;
  options: QueryCallOptions;
  configuration: string[];
  fetchSize: number;
  values: ResolvedValueOptions;
}

/**
 * One Beeswax connection to one coordinator (legacy port 21000) — which is one
 * Impala session: Impala creates the session when the connection opens and closes
 * it, with its queries, when the connection closes. The same surface, result types,
 * value options and error codes as the HS2 `CoordinatorSession`, so the pool and
 * sessions use either.
 *
 * What differs, all from the protocol itself:
 * - not {@link reattachable}: a dropped connection takes the session, its SET/USE
 *   state and its queries with it. A new connection is a new session; whoever tracks
 *   the state (the pinned `Session`) replays it there with `USE` and `SET`.
 * - session options (`sessionQueryOptions`) and `database` are applied with `SET`
 *   and `USE` statements when the connection opens; per-call `queryOptions` travel as
 *   `Query.configuration` `key=value` strings (see `toConfiguration`).
 * - rows arrive as tab-separated text and are decoded by type (`TextRowDecoder`);
 *   column types are coarse (`decimal` without precision and scale).
 * - {@link sessionId} is made up on this side: Impala does not tell a Beeswax client
 *   its session id.
 */
export class BeeswaxSession implements ProtocolSession {
  /** Always `'beeswax'`. */
  readonly protocol = 'beeswax' as const;
  /** A Beeswax session ends with its connection: always `false`. */
  readonly reattachable = false;
  /** A client-side id for this connection's session, `<hex16>:<hex16>` (Impala does not send its own). */
  readonly sessionId: string;
  /** The coordinator's web UI address without scheme (`host:25000`), from PingImpalaService. */
  readonly httpAddr: string | undefined;
  /** Impala's version string from PingImpalaService. */
  readonly serverVersion: string;
  readonly #connection: Channel;
  readonly #options: CoordinatorSessionOptions;
  readonly #hadoopUser: string;
  readonly #fetchSize: number;
  readonly #cleanupTimeoutMs: number;
  readonly #active = new Set<BeeswaxQuery>();
  readonly #background = new Set<Promise<unknown>>();
  readonly #host: BeeswaxQueryHost;
  #closing: Promise<void> | undefined;

  private constructor(connection: Channel, options: CoordinatorSessionOptions, ping: { version: string; webserverAddress: string }) {
    this.#connection = connection;
    this.#options = options;
    this.sessionId = guidToQueryId(randomBytes(16));
    this.serverVersion = ping.version;
    this.httpAddr = ping.webserverAddress.replace(/^[a-z]+:\/\//i, '').replace(/\/+$/, '') || undefined;
    this.#hadoopUser = options.username ?? (options.auth?.mechanism === 'PLAIN' ? options.auth.username : '') ?? '';
    this.#fetchSize = options.fetchSize ?? SESSION_DEFAULTS.fetchSize;
    this.#cleanupTimeoutMs = options.cleanupTimeoutMs ?? SESSION_DEFAULTS.cleanupTimeoutMs;
    this.#host = {
      connection,
      coordinator: connection.address,
      cleanupTimeoutMs: this.#cleanupTimeoutMs,
      pollMaxDelayMs: options.pollMaxDelayMs ?? SESSION_DEFAULTS.pollMaxDelayMs,
      cancelOutOfBand: (queryId) => this.#cancelOutOfBand(queryId),
      track: (work) => this.#track(work),
    };
  }

  /**
   * Connects to a Beeswax port, checks it with PingImpalaService (which also gives
   * the coordinator's identity), then applies `database` (`USE`) and
   * `sessionQueryOptions` (`SET`; names Impala does not know are ignored, as HS2's
   * OpenSession ignores them).
   *
   * @throws {@link ConnectError} when the connection cannot be made, a
   * {@link ProtocolError} when the port does not speak Beeswax (an HS2 port answers
   * "unknown method"), a {@link ServerError} when `USE` fails, an
   * {@link ArgumentError} for bad options.
   */
  static async open(options: CoordinatorSessionOptions): Promise<BeeswaxSession> {
    checkFetchSize(options.fetchSize);
    checkPositiveMs(options.cleanupTimeoutMs, 'cleanupTimeoutMs');
    checkPositiveMs(options.pollMaxDelayMs, 'pollMaxDelayMs');
    const sessionOptions = checkQueryOptions(options.sessionQueryOptions, 'sessionQueryOptions') ?? {};
    const setup: string[] = [];
    if (options.database !== undefined) {
      if (typeof options.database !== 'string' || options.database === '') throw new ArgumentError('database must be a non-empty string');
      if (options.database.toLowerCase() !== 'default') setup.push(`USE \`${options.database.replace(/`/g, '``')}\``);
    }
    const sets = Object.entries(sessionOptions).map(([k, v]) => setStatement(k, v));
    if (options.transport !== undefined && options.transport !== 'binary') {
      throw new ArgumentError(`Beeswax runs over the binary transport only (port 21000); got transport '${String(options.transport)}'`);
    }
    const connection = await openChannel(options);
    try {
      let ping;
      try {
        ping = await rpc.pingImpalaService(connection, { coordinator: connection.address });
      } catch (err) {
        if (hasCode(err, ErrorCode.THRIFT_APPLICATION)) {
          throw new ProtocolError(`${connection.address} does not speak Beeswax (PingImpalaService is unknown there; is it an HS2 port?): ${(err as Error).message}`, {
            coordinator: connection.address,
            cause: err,
          });
        }
        throw err;
      }
      const session = new BeeswaxSession(connection, options, { version: ping.version ?? '', webserverAddress: ping.webserver_address ?? '' });
      for (const sql of setup) await session.execute(sql);
      for (const sql of sets) {
        await session.execute(sql).catch((err: unknown) => {
          if (!hasCode(err, ErrorCode.INVALID_QUERY_OPTION)) throw err;
          debug('session option ignored on %s: %s', connection.address, (err as Error).message);
        });
      }
      debug('session %s opened on %s (%s)', session.sessionId, session.coordinator, session.httpAddr ?? 'no web address');
      return session;
    } catch (err) {
      await connection.close().catch(() => undefined);
      throw err;
    }
  }

  /** `host:port` (or label) of the coordinator. */
  get coordinator(): string {
    return this.#connection.address;
  }

  /** The connection, which is the session. */
  get connection(): Channel {
    return this.#connection;
  }

  /** True while a statement runs or its cleanup is still in progress. */
  get busy(): boolean {
    return this.#active.size > 0 || this.#background.size > 0;
  }

  /** True once {@link close} was called. (A broken connection shows as `connection.closed`.) */
  get closed(): boolean {
    return this.#closing !== undefined;
  }

  /** Runs a statement and returns all its rows (see `CoordinatorSession.query`). */
  async query<R = RowObject>(sql: string, options: QueryCallOptions = {}): Promise<SessionQueryResult<R>> {
    const p = this.#prepare(sql, options);
    return this.#withQuery(p, async (q, signal) => {
      await q.waitUntilFinished(signal);
      const columns = await q.metadata(signal);
      const rows: R[] = [];
      if (columns.length > 0) {
        const decoder = new TextRowDecoder(columns, p.values);
        for await (const batch of q.fetchBatches(p.fetchSize, signal)) {
          const decoded = decoder.decode(batch) as R[];
          for (let i = 0; i < decoded.length; i++) rows.push(decoded[i]!);
        }
      }
      await this.#closeAfterRows(q, columns.length > 0);
      return { rows, columns, queryId: q.queryId, coordinator: q.coordinator, attempts: 1 as const, rowsFetched: q.rowsFetched };
    });
  }

  /**
   * Runs a statement whose rows are not needed: waits for FINISHED, then
   * `CloseInsert`, which unregisters it and returns DML row counts.
   */
  async execute(sql: string, options: QueryCallOptions = {}): Promise<SessionExecuteResult> {
    const p = this.#prepare(sql, options);
    return this.#withQuery(p, async (q, signal) => {
      await q.waitUntilFinished(signal);
      const { rowsModified } = await q.close({ counts: true });
      return rowsModified === undefined ? { queryId: q.queryId, coordinator: q.coordinator } : { rowsModified, queryId: q.queryId, coordinator: q.coordinator };
    });
  }

  /** Streams the rows of a statement with at most one batch held; leaving early cancels and closes it. */
  stream<R = RowObject>(sql: string, options: QueryCallOptions = {}): RowStream<R> {
    const p = this.#prepare(sql, options, false);
    return new RowStream<R>((progress) => this.#streamBatches<R>(p, progress));
  }

  /** Cancels this connection's running statements (or only `queryId`) over a second connection; returns how many. */
  async cancel(queryId?: string): Promise<number> {
    if (queryId !== undefined) queryIdToGuid(queryId); // validates the form
    const targets = [...this.#active].filter((q) => queryId === undefined || q.queryId === queryId.toLowerCase());
    await Promise.all(targets.map((q) => q.cancel()));
    return targets.length;
  }

  /** PingImpalaService on this connection: an answer proves the session (the connection) is alive. */
  async ping(options: { timeoutMs?: number } = {}): Promise<PingResult> {
    this.#checkOpen();
    const started = performance.now();
    const resp = await rpc.pingImpalaService(this.#connection, { coordinator: this.coordinator, timeoutMs: options.timeoutMs });
    return { version: resp.version ?? '', webserverAddress: resp.webserver_address ?? '', latencyMs: performance.now() - started };
  }

  /**
   * Not possible: a Beeswax session ends with its connection. Destroys `connection`
   * (so the caller's new socket is not leaked) and throws.
   *
   * @throws {@link ArgumentError} always.
   */
  reattach(connection: Channel): void {
    if (connection !== this.#connection && connection && typeof connection.destroy === 'function') connection.destroy();
    throw new ArgumentError(
      `the Beeswax session on ${this.coordinator} cannot move to another connection: Beeswax sessions end with their connection; open a new session and replay its state`,
    );
  }

  /** Nothing to do: the server closed the session when its connection closed. */
  async closeRemotely(_connection: Channel, _timeoutMs: number): Promise<void> {}

  /**
   * Waits (bounded) for background cleanup, then closes the connection, which ends
   * the session on the server and unregisters its queries. Safe to call twice.
   */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  /** Short description without secrets. */
  [inspect.custom](): string {
    return `BeeswaxSession { coordinator: '${this.coordinator}', sessionId: '${this.sessionId}', httpAddr: ${this.httpAddr ? `'${this.httpAddr}'` : 'undefined'}, busy: ${this.busy}, closed: ${this.closed} }`;
  }

  async #close(): Promise<void> {
    if (this.#background.size > 0) {
      await withTimeout(Promise.allSettled([...this.#background]), this.#cleanupTimeoutMs, () => new Error('cleanup timed out')).catch(() => undefined);
    }
    await this.#connection.close();
    debug('session %s on %s closed', this.sessionId, this.coordinator);
  }

  #prepare(sql: string, options: QueryCallOptions, checkOpen = true): Prepared {
    if (checkOpen) this.#checkOpen();
    if (typeof sql !== 'string' || sql.trim() === '') throw new ArgumentError('the statement must be a non-empty string');
    if (options === null || typeof options !== 'object') throw new ArgumentError('options must be an object');
    const statement = options.params !== undefined ? bindParams(sql, options.params) : sql;
    const fetchSize = checkFetchSize(options.fetchSize) ?? this.#fetchSize;
    const configuration = toConfiguration(checkQueryOptions(options.queryOptions, 'queryOptions'));
    const values = resolveValueOptions(options);
    new CallGuard(options.signal, options.timeoutMs).dispose();
    return { statement, options, configuration, fetchSize, values };
  }

  #submit(p: Prepared, signal: AbortSignal | undefined): Promise<BeeswaxQuery> {
    return BeeswaxQuery.submit(this.#host, p.statement, { configuration: p.configuration, hadoopUser: this.#hadoopUser, signal });
  }

  async #withQuery<T>(p: Prepared, body: (q: BeeswaxQuery, signal: AbortSignal | undefined) => Promise<T>): Promise<T> {
    const guard = new CallGuard(p.options.signal, p.options.timeoutMs);
    const signal = guard.signal;
    let q: BeeswaxQuery | undefined;
    try {
      q = await this.#submit(p, signal);
      this.#active.add(q);
      return await body(q, signal);
    } catch (err) {
      if (q) await this.#cleanUp(q, signal);
      throw err;
    } finally {
      if (q) this.#active.delete(q);
      guard.dispose();
    }
  }

  async *#streamBatches<R>(p: Prepared, progress: RowStreamProgress): AsyncGenerator<R[], void, undefined> {
    const guard = new CallGuard(p.options.signal, p.options.timeoutMs);
    const signal = guard.signal;
    let q: BeeswaxQuery | undefined;
    let finished = false;
    try {
      this.#checkOpen();
      q = await this.#submit(p, signal);
      this.#active.add(q);
      progress.setQueryId(q.queryId);
      await q.waitUntilFinished(signal);
      const columns = await q.metadata(signal);
      progress.setColumns(columns);
      if (columns.length > 0) {
        const decoder = new TextRowDecoder(columns, p.values);
        for await (const batch of q.fetchBatches(p.fetchSize, signal)) {
          const rows = decoder.decode(batch) as R[];
          if (rows.length > 0) yield rows;
        }
      }
      finished = true;
      await this.#closeAfterRows(q, columns.length > 0);
    } finally {
      if (q && !finished) await this.#cleanUp(q, signal);
      if (q) this.#active.delete(q);
      guard.dispose();
    }
  }

  /**
   * Closes a query whose rows were all read; a failed close is only logged then (the
   * rows are complete). A statement without rows rethrows: its outcome is in the close.
   */
  async #closeAfterRows(q: BeeswaxQuery, hasRows: boolean): Promise<void> {
    try {
      await q.close();
    } catch (err) {
      if (!hasRows) throw err;
      debug('close of %s on %s failed after all rows were read: %s', q.queryId, q.coordinator, (err as Error).message);
    }
  }

  async #cleanUp(q: BeeswaxQuery, signal: AbortSignal | undefined): Promise<void> {
    if (signal?.aborted) this.#track(q.abandon());
    else await q.abandon();
  }

  /** Cancel over a short-lived second connection (Impala accepts Cancel for any query id from any connection). */
  async #cancelOutOfBand(queryId: string): Promise<void> {
    const bound = this.#cleanupTimeoutMs;
    const conn = await openChannel({
      ...this.#options,
      label: this.coordinator,
      connectTimeoutMs: Math.min(this.#options.connectTimeoutMs ?? bound, bound),
      rpcTimeoutMs: bound,
    });
    try {
      await rpc.cancel(conn, queryId, { coordinator: this.coordinator });
      debug('cancelled %s on %s over connection #%d', queryId, this.coordinator, conn.id);
    } finally {
      await conn.close().catch(() => undefined);
    }
  }

  #track(work: Promise<unknown>): void {
    const p = work.catch((err: unknown) => debug('background cleanup on %s failed: %s', this.coordinator, (err as Error).message));
    this.#background.add(p);
    void p.finally(() => this.#background.delete(p));
  }

  #checkOpen(): void {
    if (this.#closing) throw new ClosedError(`the session ${this.sessionId} on ${this.coordinator} is closed`, { coordinator: this.coordinator });
  }
}
