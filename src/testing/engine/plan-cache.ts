/**
 * The engine's plan cache: what planning a query decided (the typed DuckDB SQL,
 * result columns and labels, the snapshots it reads), kept for the next statement
 * with the same text, so a repeated query skips parsing, typing and DuckDB's
 * parse and prepare; DuckDB prepared statements kept per pooled connection; and
 * DuckDB's columns of the tables planning looked at.
 *
 * A kept plan is used only when everything planning read is unchanged, which the
 * key says:
 * - the statement text and the session database (unqualified names);
 * - the coordinator's catalog version ({@link CatalogView.version}): any DDL
 *   anywhere, a write whose change lags (its snapshot), a lagged change arriving,
 *   INVALIDATE METADATA / REFRESH and a coordinator restart all change it;
 * - the schema epoch, which moves before and after anything that may change
 *   DuckDB's schema (DDL statements, seed); while such work runs nothing is kept
 *   or reused, so a plan never mixes the schema before and after it;
 * - the effective value of each query option in {@link PLANNING_OPTIONS}: none
 *   changes how the simulator plans a query today (MAX_STATEMENT_LENGTH_BYTES is
 *   checked before the cache is consulted; SYNC_DDL acts when a statement runs);
 *   an option that comes to change planning or a constant query's rows joins it.
 *
 * Prepared statements are kept by connection schema, session user and DuckDB SQL,
 * and dropped when the epoch moves. DuckDB's columns of a table are kept by table
 * for the epoch; Impala's declared types are laid over them from the coordinator's
 * own catalog view by each statement.
 *
 * @internal
 */
import type { DuckDBPreparedStatement, DuckDBType } from '@duckdb/node-api';
import type { PooledConnection } from './connection-pool';
import { LruMap } from './lru-map';
import { effectiveOption } from './query-options';
import type { QueryTemplate } from './query-template';
import type { StatementContext } from './types';

/** Query plans kept (all coordinators and sessions together). */
const PLANS_KEPT = 512;
/** Tables whose DuckDB columns are kept (for the typing layer, DESCRIBE, SHOW CREATE TABLE). */
const TABLES_KEPT = 256;

/** Query options whose effective values are part of a plan's key (see the module comment). */
export const PLANNING_OPTIONS: readonly string[] = [];

/** The plan cache as one statement's planning sees it. */
export interface StatementCaching {
  /** A template planned before under this statement's key; undefined on a miss. */
  readonly hit: QueryTemplate | undefined;
  /**
   * Keeps a query's template under this statement's key, with the version of the
   * catalog view it was planned against; ignored if a schema change started since
   * the statement began planning.
   */
  store(viewVersion: string, template: QueryTemplate): void;
  /**
   * The prepared statement kept on `pooled` for `duckSql`, prepared with the
   * connection's current schema and session user (DuckDB binds `getvariable`, which
   * `user()` reads, when it prepares).
   */
  prepared(pooled: PooledConnection, duckSql: string): DuckDBPreparedStatement | undefined;
  /**
   * Hands `prepared` to `pooled`'s cache; false when it cannot be kept (a schema
   * change started), and the caller still owns it.
   */
  keep(pooled: PooledConnection, duckSql: string, prepared: DuckDBPreparedStatement): boolean;
  /** DuckDB's columns of table `db.name` as read before, while DuckDB's schema has not changed since. */
  duckColumns(db: string, name: string): readonly DuckColumn[] | undefined;
  /** Keeps what {@link duckColumns} answers (ignored once a schema change started). */
  keepDuckColumns(db: string, name: string, columns: readonly DuckColumn[]): void;
}

/** A column of a DuckDB table: its name as DuckDB spells it and its type. */
export interface DuckColumn {
  readonly name: string;
  readonly type: DuckDBType;
}

/** Counts, for tests and the benchmarks. */
export interface PlanCacheStats {
  readonly hits: number;
  readonly misses: number;
  readonly kept: number;
}

/** The plan cache of one engine. */
export class PlanCache {
  readonly #templates = new LruMap<string, QueryTemplate>(PLANS_KEPT);
  readonly #tables = new LruMap<string, readonly DuckColumn[]>(TABLES_KEPT);
  #epoch = 0;
  /** Schema changes running now. */
  #changing = 0;
  #hits = 0;
  #misses = 0;

  /**
   * Runs `work`, which may change DuckDB's schema: nothing planned while it runs is
   * kept, and nothing kept before it is used after it.
   */
  async aroundSchemaChange<R>(work: () => Promise<R>): Promise<R> {
    this.#epoch++;
    this.#changing++;
    try {
      return await work();
    } finally {
      this.#changing--;
      this.#epoch++;
    }
  }

  /**
   * Caching for a statement about to be planned; undefined while a schema change
   * runs (the statement is planned as if there were no cache).
   *
   * @param database - the session database, lower case.
   * @param catalogVersion - the version of the coordinator's catalog view, read in the same tick.
   */
  forStatement(sql: string, database: string, ctx: StatementContext, catalogVersion: string): StatementCaching | undefined {
    if (this.#changing > 0) return undefined;
    const epoch = this.#epoch;
    const options = PLANNING_OPTIONS.map((o) => effectiveOption(ctx, o)).join('\u0002');
    const key = (version: string): string => `${epoch}\u0001${version}\u0001${database}\u0001${options}\u0001${sql}`;
    const hit = this.#templates.get(key(catalogVersion));
    if (hit === undefined) this.#misses++;
    else this.#hits++;
    const current = (): boolean => this.#epoch === epoch && this.#changing === 0;
    return {
      hit,
      store: (viewVersion, template) => {
        if (current()) this.#templates.set(key(viewVersion), template);
      },
      prepared: (pooled, duckSql) => {
        if (!current()) return undefined;
        if (pooled.preparedEpoch !== epoch) return undefined;
        return pooled.prepared.get(preparedKey(pooled, duckSql));
      },
      keep: (pooled, duckSql, prepared) => {
        if (!current()) return false;
        if (pooled.preparedEpoch !== epoch) {
          // Prepared before a schema change: DuckDB would rebind them, or fail to.
          pooled.prepared.clear();
          pooled.preparedEpoch = epoch;
        }
        pooled.prepared.set(preparedKey(pooled, duckSql), prepared);
        return true;
      },
      duckColumns: (db, name) => (current() ? this.#tables.get(`${epoch}\u0001${db}\u0001${name}`) : undefined),
      keepDuckColumns: (db, name, columns) => {
        if (current()) this.#tables.set(`${epoch}\u0001${db}\u0001${name}`, columns);
      },
    };
  }

  /** Hit and miss counts so far, and templates kept. */
  stats(): PlanCacheStats {
    return { hits: this.#hits, misses: this.#misses, kept: this.#templates.size };
  }
}

/** What a prepared statement's meaning depends on: the connection's schema and user, and its text. */
function preparedKey(pooled: PooledConnection, duckSql: string): string {
  return `${pooled.schema ?? ''}\u0001${pooled.user ?? ''}\u0001${duckSql}`;
}
