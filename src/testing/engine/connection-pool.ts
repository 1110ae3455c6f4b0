/**
 * A small pool of DuckDB connections over the engine's one database. Each running
 * statement holds its own connection (a DuckDB connection runs one statement at a
 * time and a streaming result lives on its connection); DuckDB serialises writers
 * itself.
 *
 * @internal
 */
import type { DuckDBConnection, DuckDBInstance, DuckDBPreparedStatement } from '@duckdb/node-api';
import { LruMap } from './lru-map';
import { databaseNotFoundError } from './sql-errors';
import { duckIdent } from './sql-lexer';

/** Prepared queries kept per connection (a prepared statement runs on the connection that made it). */
const PREPARED_PER_CONNECTION = 32;

/** A pooled connection and the DuckDB schema it currently resolves names in. */
export interface PooledConnection {
  readonly connection: DuckDBConnection;
  schema: string | undefined;
  /** The session user `user()` answers on this connection (see session-functions); undefined until set. */
  user: string | undefined;
  /**
   * Prepared queries kept for reuse on this connection (see plan-cache), freed when
   * evicted or when the connection closes. Only the statement holding the
   * connection touches them.
   */
  readonly prepared: LruMap<string, DuckDBPreparedStatement>;
  /** The plan cache's schema epoch `prepared` belongs to. */
  preparedEpoch: number;
}

/** Connection counts, for leak checks. */
export interface PoolStats {
  /** Connections lent to statements. */
  readonly busy: number;
  /** Connections kept for reuse. */
  readonly idle: number;
}

/** Lends DuckDB connections, creating them on demand. */
export class DuckDbConnectionPool {
  readonly #instance: DuckDBInstance;
  readonly #maxIdle: number;
  readonly #idle: PooledConnection[] = [];
  readonly #busy = new Set<PooledConnection>();
  #closed = false;

  /** @param maxIdle - connections kept for reuse; more are closed when returned. */
  constructor(instance: DuckDBInstance, maxIdle: number) {
    this.#instance = instance;
    this.#maxIdle = maxIdle;
  }

  /**
   * A connection whose unqualified names resolve in `schema` (the session's
   * Impala database).
   *
   * @throws SimSqlError - `Database does not exist` when DuckDB has no such schema.
   */
  async acquire(schema: string): Promise<PooledConnection> {
    if (this.#closed) throw new Error('DuckDB connection pool is closed');
    const pooled = this.#idle.pop() ?? newPooled(await this.#instance.connect());
    this.#busy.add(pooled);
    if (pooled.schema !== schema) {
      try {
        await pooled.connection.run(`USE ${duckIdent(schema)}`);
        pooled.schema = schema;
      } catch {
        this.release(pooled);
        throw databaseNotFoundError(schema);
      }
    }
    return pooled;
  }

  /**
   * Returns a connection. Pass `reusable: false` for one whose state is unknown
   * (e.g. interrupted mid-statement or inside a failed transaction).
   */
  release(pooled: PooledConnection, reusable = true): void {
    if (!this.#busy.delete(pooled)) return;
    if (reusable && !this.#closed && this.#idle.length < this.#maxIdle) {
      this.#idle.push(pooled);
    } else {
      pooled.connection.closeSync();
    }
  }

  /** Current counts. */
  stats(): PoolStats {
    return { busy: this.#busy.size, idle: this.#idle.length };
  }

  /** Closes every connection, lent or idle. */
  closeAll(): void {
    this.#closed = true;
    for (const pooled of [...this.#idle, ...this.#busy]) pooled.connection.closeSync();
    this.#idle.length = 0;
    this.#busy.clear();
  }
}

function newPooled(connection: DuckDBConnection): PooledConnection {
  // Closing the connection frees its prepared statements too (DuckDB tracks them).
  return { connection, schema: undefined, user: undefined, prepared: new LruMap(PREPARED_PER_CONNECTION, (p) => p.destroySync()), preparedEpoch: 0 };
}
