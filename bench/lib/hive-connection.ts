import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import * as hive from 'hive-driver';
import type IOperation from 'hive-driver/dist/contracts/IOperation';
import type IHiveSession from 'hive-driver/dist/contracts/IHiveSession';
import type { TCLIServiceTypes } from 'hive-driver/dist/hive/Types';

// hive-driver's own generated Thrift code (its typings say `any`).
const TCLIService = hive.thrift.TCLIService as object;
const TCLIServiceTypesValue = hive.thrift.TCLIService_types as TCLIServiceTypes;
/** HIVE_CLI_SERVICE_PROTOCOL_V10, what hive-driver and Hive JDBC send; Impala answers V6. */
const PROTOCOL_V10 = 9;
/**
 * hive-driver's own FetchOrientation.FETCH_NEXT (its enum has FETCH_FIRST = 0,
 * FETCH_NEXT = 1). Without it the first fetch is FETCH_FIRST, which Impala (and
 * the simulator) refuse unless the statement enabled a result cache.
 */
const HIVE_FETCH_NEXT = 1 as Parameters<IOperation['fetch']>[0];

/** Why a hive-driver call failed, as the benchmarks count it. */
export type HiveFailure = 'HIVE_TIMEOUT' | 'HIVE_CONNECTION_CLOSED' | 'HIVE_CONNECT_FAILED' | 'HIVE_SERVER_ERROR';

/** A failed hive-driver call with a countable {@link code}. */
export class HiveCallError extends Error {
  readonly code: HiveFailure;
  constructor(code: HiveFailure, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'HiveCallError';
    this.code = code;
  }
}

/** Options of {@link HiveConnection.open} and its calls. */
export interface HiveCallOptions {
  /** Bound on each step (connect + OpenSession, ExecuteStatement, the status polls, each fetch, close), in ms. */
  timeoutMs: number;
}

/** The part of hive-driver's thrift Connection the wrapper touches. */
interface ThriftConnectionLike {
  connection?: Socket;
}

/**
 * One hive-driver connection and HS2 session, used the way its README shows, plus
 * what any application needs to use it under failures: every step is bounded in
 * time, and a call on a connection whose socket closed fails at once. hive-driver
 * itself (thrift 0.20's node Connection) keeps such a call queued forever, and a
 * call in flight when the socket closes never settles; the wrapper turns both into
 * errors so the benchmarks can count them instead of hanging.
 */
export class HiveConnection {
  readonly address: string;
  readonly #client: hive.HiveClient;
  readonly #provider: InstanceType<typeof hive.connections.TcpConnection>;
  readonly #utils = new hive.HiveUtils(TCLIServiceTypesValue);
  #session: IHiveSession | undefined;
  #closedReason: string | undefined;
  readonly #onClosed = new Set<(reason: string) => void>();

  private constructor(host: string, port: number) {
    this.address = `${host}:${port}`;
    this.#client = new hive.HiveClient(TCLIService, TCLIServiceTypesValue);
    this.#provider = new hive.connections.TcpConnection();
    // Without an 'error' listener an EventEmitter throws; the wrapper records it instead.
    this.#client.on('error', (err: Error) => this.#markClosed(`socket error: ${err.message}`));
    this.#client.on('close', () => this.#markClosed('the socket closed'));
  }

  /** Connects and opens a session (NOSASL, protocol V10 as hive-driver's examples do). */
  static async open(host: string, port: number, options: HiveCallOptions): Promise<HiveConnection> {
    const c = new HiveConnection(host, port);
    try {
      await c.#guard(
        (async () => {
          await c.#client.connect({ host, port }, c.#provider, new hive.auth.NoSaslAuthentication());
          c.#session = await c.#client.openSession({ client_protocol: PROTOCOL_V10 });
        })(),
        options.timeoutMs,
        'connect + OpenSession',
      );
    } catch (err) {
      c.destroy();
      throw err instanceof HiveCallError && err.code !== 'HIVE_TIMEOUT' ? new HiveCallError('HIVE_CONNECT_FAILED', err.message, { cause: err }) : err;
    }
    return c;
  }

  /** True once the socket closed or failed (every later call fails). */
  get broken(): boolean {
    return this.#closedReason !== undefined;
  }

  /**
   * Runs a statement and reads all its rows, batch by batch (FetchResults of up to
   * `fetchSize` rows, converted by hive-driver's JsonResult, then flushed so memory
   * stays bounded). `onRows` sees each converted batch. Resolves with the row count.
   */
  async query(sql: string, options: HiveCallOptions & { fetchSize?: number; totalTimeoutMs?: number; onRows?: (rows: object[]) => void }): Promise<number> {
    const session = this.#session;
    if (!session) throw new HiveCallError('HIVE_CONNECTION_CLOSED', 'no session');
    const t = options.timeoutMs;
    // Each step is bounded; so is the number of steps (a server that always has rows).
    const deadline = performance.now() + (options.totalTimeoutMs ?? 600_000);
    const op: IOperation = await this.#guard(session.executeStatement(sql, { runAsync: true }), t, 'ExecuteStatement');
    let rows = 0;
    try {
      await this.#guard(this.#utils.waitUntilReady(op, false), t, 'GetOperationStatus');
      op.setMaxRows(options.fetchSize ?? 10_240);
      do {
        await this.#guard(op.fetch(HIVE_FETCH_NEXT), t, 'FetchResults');
        const batch = this.#utils.getResult(op).getValue() as object[];
        op.flush();
        rows += batch.length;
        options.onRows?.(batch);
        if (performance.now() > deadline) throw new HiveCallError('HIVE_TIMEOUT', `${sql.slice(0, 40)}... on ${this.address} still had rows after ${options.totalTimeoutMs ?? 600_000} ms`);
        // hive-driver asks for more after any non-empty batch, even when the server said there are no more rows.
      } while (op.hasMoreRows());
    } finally {
      // Closing is part of the query: the next statement waits for it on this connection.
      if (!this.broken) await this.#guard(op.close(), t, 'CloseOperation').catch(() => undefined);
    }
    return rows;
  }

  /** Closes the session and the socket (bounded); never rejects. */
  async close(timeoutMs = 2_000): Promise<void> {
    if (this.#session && !this.broken) await this.#guard(this.#session.close(), timeoutMs, 'CloseSession').catch(() => undefined);
    this.destroy();
  }

  /** Drops the socket at once. */
  destroy(): void {
    this.#markClosed('destroyed');
    const thriftConnection = this.#provider.getConnection() as ThriftConnectionLike | undefined;
    thriftConnection?.connection?.destroy();
  }

  #markClosed(reason: string): void {
    if (this.#closedReason !== undefined) return;
    this.#closedReason = reason;
    for (const notify of this.#onClosed) notify(reason);
    this.#onClosed.clear();
  }

  /**
   * `work`, bounded by `timeoutMs`, failing as soon as the socket closes. A timeout
   * drops the connection, as an application must: the late reply would otherwise
   * be read as the answer to its next call.
   */
  #guard<T>(work: Promise<T>, timeoutMs: number, what: string): Promise<T> {
    if (this.#closedReason !== undefined) {
      work.catch(() => undefined);
      return Promise.reject(new HiveCallError('HIVE_CONNECTION_CLOSED', `${what} on ${this.address}: ${this.#closedReason}`));
    }
    return new Promise<T>((resolve, reject) => {
      const onClosed = (reason: string): void => {
        clearTimeout(timer);
        reject(new HiveCallError('HIVE_CONNECTION_CLOSED', `${what} on ${this.address}: ${reason}`));
      };
      const timer = setTimeout(() => {
        this.#onClosed.delete(onClosed);
        reject(new HiveCallError('HIVE_TIMEOUT', `${what} on ${this.address} took longer than ${timeoutMs} ms`));
        this.destroy();
      }, timeoutMs);
      this.#onClosed.add(onClosed);
      work.then(
        (value) => {
          clearTimeout(timer);
          this.#onClosed.delete(onClosed);
          resolve(value);
        },
        (err: unknown) => {
          clearTimeout(timer);
          this.#onClosed.delete(onClosed);
          reject(err instanceof HiveCallError ? err : new HiveCallError('HIVE_SERVER_ERROR', `${what} on ${this.address}: ${err instanceof Error ? err.message : String(err)}`, { cause: err }));
        },
      );
    });
  }
}

/**
 * One hive-driver connection per worker, the way an application without a pool
 * uses it: opened on first use and kept; after a call on it failed, dropped and
 * opened again (through the same address) for the next call. A connection whose
 * socket was closed while idle is not checked before use, as hive-driver offers no
 * check: the next call on it fails. Worker `w` uses `addresses[w % addresses.length]`.
 */
export class HiveWorkerConnections {
  readonly #addresses: ReadonlyArray<{ host: string; port: number }>;
  readonly #options: HiveCallOptions;
  readonly #connections: Array<HiveConnection | undefined> = [];

  constructor(addresses: ReadonlyArray<{ host: string; port: number }>, options: HiveCallOptions) {
    this.#addresses = addresses;
    this.#options = options;
  }

  /** Runs one statement on worker `w`'s connection (opening it if needed); resolves with the row count. */
  async query(w: number, sql: string): Promise<number> {
    let c = this.#connections[w];
    if (!c) {
      const a = this.#addresses[w % this.#addresses.length]!;
      c = await HiveConnection.open(a.host, a.port, this.#options);
      this.#connections[w] = c;
    }
    try {
      return await c.query(sql, this.#options);
    } catch (err) {
      // What an application does after an error: drop the connection, open a new one next time.
      if (this.#connections[w] === c) this.#connections[w] = undefined;
      c.destroy();
      throw err;
    }
  }

  /** Closes every connection (bounded). */
  async close(): Promise<void> {
    await Promise.all(this.#connections.splice(0).map((c) => c?.close()));
  }
}
