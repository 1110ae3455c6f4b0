/**
 * The simulator's SQL engine: one DuckDB database under every coordinator of a
 * simulated cluster, Impala's statements and texts on top, a catalog with
 * per-coordinator propagation lag.
 *
 * @internal
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { cancellableDelay } from './cancellable-delay';
import { Catalog } from './catalog';
import { syncCatalogWithDuckDb } from './catalog-sync';
import { DataVersions } from './data-versions';
import { SESSION_FUNCTION_MACROS, setSessionUser } from './session-functions';
import { DuckDbConnectionPool, type PoolStats, type PooledConnection } from './connection-pool';
import { resolveEngineOptions, type DuckDbEngineOptions, type ResolvedEngineOptions } from './engine-options';
import { PlanCache, type PlanCacheStats } from './plan-cache';
import type { PlanEnv, RunContext, StatementPlan } from './plan-types';
import { defaultQueryOptions, effectiveOption, isTrueOption, validateOverlay } from './query-options';
import { StaticCursor } from './result-cursor';
import { cancelledError, mapDuckDbError } from './sql-errors';
import { planStatement } from './statement-planner';
import { mayChangeSchema, settle, validateContext, withTimeout, type StatementRecord } from './statement-record';
import {
  SimSqlError,
  type EncodedBatch,
  type ExecutedStatement,
  type PlannedStatement,
  type SqlEngine,
  type StatementContext,
} from './types';

/** The DuckDB engine, with the extras tests and the demo use. */
export interface DuckDbSqlEngine extends SqlEngine {
  /**
   * Runs DuckDB SQL directly (several statements allowed; unqualified names land in
   * the `default` database) and makes every database, table and view it created
   * or dropped visible on every coordinator at once: tables "loaded outside Impala".
   */
  seed(sql: string): Promise<void>;
  /** Open statements and DuckDB connections, for leak checks. */
  stats(): EngineStats;
  /** Plan cache hits and misses of queries so far, and the plans it keeps (for tests and benchmarks). */
  planCacheStats(): PlanCacheStats;
}

/** Resource counts of an engine. */
export interface EngineStats {
  /** Statements planned and not yet released. */
  readonly statements: number;
  /** Result rows held in memory by open statements, not yet fetched. */
  readonly bufferedRows: number;
  readonly connections: PoolStats;
  /** Table snapshots kept for coordinators that have not received a write yet. */
  readonly snapshots: number;
}

/** Idle DuckDB connections kept for reuse. */
const MAX_IDLE_CONNECTIONS = 8;
/** How long cancel/release wait for a running DuckDB call to notice the interrupt. */
const SETTLE_TIMEOUT_MS = 5000;
/** Impala's system databases: [name, comment]. */
const SYSTEM_DATABASES: ReadonlyArray<readonly [string, string]> = [
  ['_impala_builtins', 'System database for Impala builtin functions'],
  ['default', 'Default Hive database'],
];
/** Impala functions DuckDB lacks under these names (created in `main`, which DuckDB always searches for functions). */
const MACROS = [
  'CREATE MACRO IF NOT EXISTS nvl(a, b) AS coalesce(a, b)',
  'CREATE MACRO IF NOT EXISTS zeroifnull(a) AS coalesce(a, 0)',
  'CREATE MACRO IF NOT EXISTS nullifzero(a) AS nullif(a, 0)',
  // Impala's sleep(ms) returns true after sleeping; the engine does the waiting (plan.delayMs).
  'CREATE MACRO IF NOT EXISTS sleep(ms) AS true',
  ...SESSION_FUNCTION_MACROS,
];

class DuckDbEngine implements DuckDbSqlEngine {
  readonly #instance: DuckDBInstance;
  readonly #pool: DuckDbConnectionPool;
  readonly #catalog = new Catalog();
  readonly #versions = new DataVersions();
  readonly #plans = new PlanCache();
  /** Snapshot drops in the background; close() waits for them before closing DuckDB. */
  #collecting: Promise<void> = Promise.resolve();
  readonly #records = new Map<string, StatementRecord>();
  readonly #options: ResolvedEngineOptions;
  #seq = 0;
  #closed = false;

  constructor(instance: DuckDBInstance, options: ResolvedEngineOptions) {
    this.#instance = instance;
    this.#pool = new DuckDbConnectionPool(instance, MAX_IDLE_CONNECTIONS);
    this.#options = options;
  }

  /** Creates the system databases and macros, and loads what the database file already holds. */
  async init(): Promise<void> {
    const conn = await this.#instance.connect();
    try {
      for (const [name] of SYSTEM_DATABASES) await conn.run(`CREATE SCHEMA IF NOT EXISTS "${name}"`);
      for (const macro of MACROS) await conn.run(macro);
    } finally {
      conn.closeSync();
    }
    await syncCatalogWithDuckDb(this.#instance, this.#catalog, new Map(SYSTEM_DATABASES));
  }

  async plan(sql: string, ctx: StatementContext): Promise<PlannedStatement> {
    this.#assertOpen();
    validateContext(sql, ctx);
    validateOverlay(ctx.overlay);
    const id = `s${++this.#seq}`;
    const record: StatementRecord = {
      id,
      ctx,
      abort: new AbortController(),
      state: 'planning',
      plan: undefined,
      conn: undefined,
      acquiring: undefined,
      cursor: undefined,
      busy: Promise.resolve(),
      interrupted: false,
      snapshots: [],
    };
    this.#records.set(id, record);
    const database = ctx.session.database.toLowerCase();
    const catalog = this.#catalog;
    const cache = this.#plans.forStatement(sql, database, ctx, catalog.versionFor(ctx.coordinator));
    // A kept plan needs neither view; otherwise both are read now, as planning starts.
    let view = cache?.hit === undefined ? catalog.viewFor(ctx.coordinator) : undefined;
    let latest = cache?.hit === undefined ? catalog.latest() : undefined;
    const env: PlanEnv = {
      sql,
      ctx,
      database,
      get view() {
        return (view ??= catalog.viewFor(ctx.coordinator));
      },
      get latest() {
        return (latest ??= catalog.latest());
      },
      connection: () => this.#connection(record),
      readSnapshots: (snapshots) => {
        if (snapshots.length === 0) return;
        record.snapshots = [...record.snapshots, ...snapshots];
        this.#versions.read(snapshots);
      },
      cache,
    };
    const planning = planStatement(env);
    record.busy = settle(planning);
    try {
      const plan = await planning;
      record.plan = plan;
      if (record.abort.signal.aborted || !this.#records.has(id)) throw cancelledError();
      record.state = 'planned';
      return {
        id,
        kind: plan.kind,
        hasResultSet: plan.hasResultSet,
        columns: plan.columns.map((c) => ({ ...c })),
        delayMs: plan.delayMs,
        ...(plan.sessionChanges === undefined ? {} : { sessionChanges: plan.sessionChanges }),
      };
    } catch (err) {
      this.#dispose(record, true);
      throw mapDuckDbError(err, { sql, database });
    }
  }

  async execute(id: string): Promise<ExecutedStatement> {
    const record = this.#get(id);
    if (record.state === 'cancelled') throw cancelledError();
    if (record.state === 'planning') throw new SimSqlError(`Statement ${id} is still being planned`);
    if (record.state !== 'planned') throw new SimSqlError(`Statement ${id} has already been executed`);
    record.state = 'running';
    const run = this.#run(record);
    record.busy = settle(run);
    return run;
  }

  async #run(record: StatementRecord): Promise<ExecutedStatement> {
    const plan = record.plan as StatementPlan;
    const signal = record.abort.signal;
    const sync = isTrueOption(effectiveOption(record.ctx, 'SYNC_DDL'));
    try {
      await cancellableDelay(plan.delayMs, signal);
      const rc: RunContext = {
        coordinator: record.ctx.coordinator,
        signal,
        catalog: this.#catalog,
        connection: () => this.#connection(record),
      };
      const lagMs = sync ? this.#options.syncDdlDelayMs : this.#options.catalogLagMs;
      const runAndRecord = async (): Promise<Awaited<ReturnType<StatementPlan['run']>>> => {
        let outcome: Awaited<ReturnType<StatementPlan['run']>>;
        const writes = plan.writes;
        if (writes !== undefined && lagMs > 0) {
          // Other coordinators keep reading the data as it was until the change reaches them.
          const conn = (await rc.connection()).connection;
          const { result, snapshot } = await this.#versions.snapshotAndWrite(conn, writes, () => plan.run(rc));
          outcome = { ...result, changes: [...(result.changes ?? []), { op: 'data', db: writes.db, table: writes.name, snapshot }] };
        } else {
          outcome = await plan.run(rc);
        }
        // Record what DuckDB already did even when a cancel raced it, so the catalog never disagrees with the data.
        if (outcome.changes !== undefined && outcome.changes.length > 0) {
          this.#catalog.record(outcome.changes, record.ctx.coordinator, lagMs);
        }
        return outcome;
      };
      // DDL and catalog commands may change DuckDB's schema: no plan is kept or reused meanwhile.
      const outcome = mayChangeSchema(plan.kind) ? await this.#plans.aroundSchemaChange(runAndRecord) : await runAndRecord();
      if (signal.aborted) throw cancelledError();
      if (sync && (plan.kind === 'ddl' || plan.kind === 'dml')) {
        // Until the catalog's clock says every coordinator has the change: a timer can
        // fire a little before that (libuv counts from the start of the loop turn).
        const visibleAt = performance.now() + this.#options.syncDdlDelayMs;
        while (performance.now() < visibleAt) await cancellableDelay(Math.max(1, Math.ceil(visibleAt - performance.now())), signal);
      }
      record.cursor = outcome.cursor ?? (plan.hasResultSet ? new StaticCursor(plan.columns, outcome.rows ?? []) : undefined);
      if (outcome.cursor === undefined || outcome.cursor.done) this.#releaseConnection(record, true);
      record.state = 'ready';
      return outcome.rowsModified === undefined ? {} : { rowsModified: outcome.rowsModified };
    } catch (err) {
      const cancelled = signal.aborted;
      record.state = cancelled ? 'cancelled' : 'failed';
      this.#releaseConnection(record, !cancelled);
      throw cancelled ? cancelledError() : mapDuckDbError(err, { sql: '', database: record.ctx.session.database });
    }
  }

  async fetch(id: string, maxRows: number): Promise<EncodedBatch> {
    const record = this.#get(id);
    if (!Number.isInteger(maxRows) || maxRows < 0) {
      throw new SimSqlError(`fetch: maxRows must be a non-negative integer, got ${String(maxRows)}`);
    }
    // One fetch at a time per statement: the cursor is not reentrant.
    const previous = record.busy;
    const run = previous.then(() => this.#fetch(record, Math.min(maxRows, this.#options.maxRowsPerBatch)));
    record.busy = settle(run);
    return run;
  }

  async #fetch(record: StatementRecord, maxRows: number): Promise<EncodedBatch> {
    if (record.state === 'cancelled') throw cancelledError();
    if (record.state !== 'ready') throw new SimSqlError(`Statement ${record.id} has no rows to fetch (state ${record.state})`);
    const cursor = record.cursor;
    if (cursor === undefined) return { columns: [], rowCount: 0, done: true };
    try {
      const batch = await cursor.next(maxRows);
      if (record.abort.signal.aborted) throw cancelledError();
      if (batch.done) this.#releaseConnection(record, true);
      return batch;
    } catch (err) {
      const cancelled = record.abort.signal.aborted;
      record.state = cancelled ? 'cancelled' : 'failed';
      record.cursor = undefined;
      this.#releaseConnection(record, false);
      throw cancelled ? cancelledError() : mapDuckDbError(err, { sql: '', database: record.ctx.session.database });
    }
  }

  async cancel(id: string): Promise<void> {
    const record = this.#records.get(id);
    if (record === undefined) return;
    // Cancel after the last row or after a failure is a no-op, as in Impala.
    if (record.state === 'failed' || record.state === 'cancelled') return;
    if (record.state === 'ready' && (record.cursor?.done ?? true)) return;
    this.#interrupt(record);
    await withTimeout(record.busy, SETTLE_TIMEOUT_MS);
    record.state = 'cancelled';
    record.cursor = undefined;
    this.#releaseConnection(record, false);
  }

  async release(id: string): Promise<void> {
    const record = this.#records.get(id);
    if (record === undefined) return;
    if (record.state === 'running' || record.state === 'planning' || (record.state === 'ready' && record.cursor?.done === false)) {
      this.#interrupt(record);
    }
    await withTimeout(record.busy, SETTLE_TIMEOUT_MS);
    this.#dispose(record, true);
  }

  defaultQueryOptions(): Record<string, string> {
    return defaultQueryOptions();
  }

  async forgetCoordinator(coordinator: number): Promise<void> {
    const ids = [...this.#records.values()].filter((r) => r.ctx.coordinator === coordinator).map((r) => r.id);
    await Promise.all(ids.map((id) => this.release(id)));
    // A restarted impalad loads the whole catalog from the statestore.
    this.#catalog.catchUp(coordinator);
  }

  async seed(sql: string): Promise<void> {
    this.#assertOpen();
    await this.#plans.aroundSchemaChange(async () => {
      const pooled = await this.#pool.acquire('default');
      try {
        await pooled.connection.run(sql);
      } catch (err) {
        throw new SimSqlError(`seed failed: ${err instanceof Error ? err.message : String(err)}`);
      } finally {
        this.#pool.release(pooled, false);
      }
      await syncCatalogWithDuckDb(this.#instance, this.#catalog);
    });
  }

  stats(): EngineStats {
    let bufferedRows = 0;
    for (const record of this.#records.values()) bufferedRows += record.cursor?.bufferedRows ?? 0;
    return { statements: this.#records.size, bufferedRows, connections: this.#pool.stats(), snapshots: this.#versions.live };
  }

  planCacheStats(): PlanCacheStats {
    return this.#plans.stats();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all([...this.#records.keys()].map((id) => this.release(id)));
    await this.#collecting;
    this.#pool.closeAll();
    this.#instance.closeSync();
  }

  #assertOpen(): void {
    if (this.#closed) throw new SimSqlError('The SQL engine is closed');
  }

  #get(id: string): StatementRecord {
    this.#assertOpen();
    const record = this.#records.get(id);
    if (record === undefined) throw new SimSqlError(`Unknown statement id: ${id}`);
    return record;
  }

  async #connection(record: StatementRecord): Promise<PooledConnection> {
    if (record.conn !== undefined) return record.conn;
    if (record.acquiring === undefined) {
      record.acquiring = this.#pool.acquire(record.ctx.session.database.toLowerCase());
    }
    const conn = await record.acquiring;
    record.acquiring = undefined;
    if (record.abort.signal.aborted || this.#closed) {
      this.#pool.release(conn, true);
      throw cancelledError();
    }
    record.conn = conn;
    await setSessionUser(conn, record.ctx.session.user);
    return conn;
  }

  #interrupt(record: StatementRecord): void {
    record.abort.abort();
    if (record.conn !== undefined) {
      record.interrupted = true;
      record.conn.connection.interrupt();
    }
  }

  #releaseConnection(record: StatementRecord, reusable: boolean): void {
    if (record.conn === undefined) return;
    this.#pool.release(record.conn, reusable && !record.interrupted);
    record.conn = undefined;
  }

  #dispose(record: StatementRecord, reusable: boolean): void {
    record.plan?.dispose?.();
    this.#versions.unread(record.snapshots);
    record.snapshots = [];
    record.plan = undefined;
    record.cursor = undefined;
    this.#releaseConnection(record, reusable);
    this.#records.delete(record.id);
    this.#collectSnapshots();
  }

  /** Drops snapshots every coordinator is past and no statement reads (in the background). */
  #collectSnapshots(): void {
    const released = this.#catalog.takeReleased();
    if (this.#closed) return;
    const collect = (): Promise<void> =>
      this.#versions.collect(released, async () => {
        const pooled = await this.#pool.acquire('default');
        return { conn: pooled.connection, done: () => this.#pool.release(pooled, true) };
      });
    // One drop at a time, and never on a connection DuckDB is closing.
    this.#collecting = this.#collecting.then(collect).catch(() => undefined);
  }
}

/**
 * Creates the SQL engine of a simulated cluster: an in-memory (or file) DuckDB
 * database with Impala's `default` and `_impala_builtins` databases.
 *
 * @throws ConfigError - `IMPALA_ERR_CONFIG_INVALID_VALUE` for an invalid option.
 */
export async function createDuckDbEngine(options: DuckDbEngineOptions = {}): Promise<DuckDbSqlEngine> {
  const resolved = resolveEngineOptions(options);
  const instance = await DuckDBInstance.create(resolved.database, resolved.duckdbConfig);
  const engine = new DuckDbEngine(instance, resolved);
  try {
    await engine.init();
  } catch (err) {
    await engine.close().catch(() => undefined);
    throw err;
  }
  return engine;
}
