/**
 * Shapes shared by the statement planners and the engine: a planned statement
 * knows its result metadata and how to run itself; the engine owns timing,
 * cancellation, connections and catalog propagation.
 *
 * @internal
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Catalog, CatalogChange, CatalogView } from './catalog';
import type { PooledConnection } from './connection-pool';
import type { StatementCaching } from './plan-cache';
import type { ResultCursor } from './result-cursor';
import type { QualifiedName } from './token-cursor';
import { mapDuckDbError } from './sql-errors';
import type { PlannedStatement, SimColumn, StatementContext, StatementKind } from './types';

/** What a statement needs while it runs. */
export interface RunContext {
  /** Coordinator the statement was submitted to. */
  readonly coordinator: number;
  /** Aborted when the statement is cancelled. */
  readonly signal: AbortSignal;
  readonly catalog: Catalog;
  /** The statement's DuckDB connection (acquired on first use, kept until the statement ends). */
  connection(): Promise<PooledConnection>;
}

/** What running a statement produced. */
export interface ExecOutcome {
  /** DML: rows inserted/updated/deleted. */
  readonly rowsModified?: bigint;
  /** Rows the simulator computed itself; every column STRING. */
  readonly rows?: ReadonlyArray<ReadonlyArray<string | null>>;
  /** Rows streamed from DuckDB; the statement keeps its connection until the cursor is done. */
  readonly cursor?: ResultCursor;
  /** Catalog changes, propagated with the coordinator's lag (or SYNC_DDL). */
  readonly changes?: readonly CatalogChange[];
}

/** A statement ready to run. */
export interface StatementPlan {
  readonly kind: StatementKind;
  readonly hasResultSet: boolean;
  readonly columns: readonly SimColumn[];
  /** `sleep(ms)` total, waited before running, in ms. */
  readonly delayMs: number;
  readonly sessionChanges?: PlannedStatement['sessionChanges'];
  /** The table whose data the statement changes (INSERT, UPDATE, TRUNCATE...): its write reaches other coordinators with catalog lag. */
  readonly writes?: QualifiedName;
  run(rc: RunContext): Promise<ExecOutcome>;
  /** Frees what planning allocated (prepared statements). Called once, also when never run. */
  dispose?(): void;
}

/** What a planner may consult. */
export interface PlanEnv {
  /** The statement as the client sent it. */
  readonly sql: string;
  readonly ctx: StatementContext;
  /** Session database, lower case. */
  readonly database: string;
  /** What the statement's coordinator knows now. */
  readonly view: CatalogView;
  /** The newest catalog state (catalogd's). */
  readonly latest: CatalogView;
  /** The statement's DuckDB connection, schema set to the session database. */
  connection(): Promise<PooledConnection>;
  /**
   * Keeps these snapshots (tables as this coordinator last knew them, see
   * data-versions) until the statement is released. Call it in the same tick
   * the view was read, before any await, so no snapshot is dropped in between.
   */
  readSnapshots(snapshots: readonly string[]): void;
  /** The plan cache for this statement; undefined while a schema change runs. */
  readonly cache?: StatementCaching | undefined;
}

/** Result columns of a DDL statement (protocol reference §2.6). */
export const SUMMARY_COLUMNS: readonly SimColumn[] = [{ name: 'summary', type: 'STRING' }];

/** STRING result columns with these names. */
export function stringColumns(...names: string[]): SimColumn[] {
  return names.map((name) => ({ name, type: 'STRING' }));
}

/** A statement whose result is computed at plan time (or by `rows` when it runs). */
export function staticPlan(
  kind: StatementKind,
  columns: readonly SimColumn[],
  rows: ReadonlyArray<ReadonlyArray<string | null>> | ((rc: RunContext) => Promise<ExecOutcome>),
  sessionChanges?: PlannedStatement['sessionChanges'],
): StatementPlan {
  return {
    kind,
    hasResultSet: columns.length > 0,
    columns,
    delayMs: 0,
    ...(sessionChanges === undefined ? {} : { sessionChanges }),
    run: typeof rows === 'function' ? rows : async () => ({ rows }),
  };
}

/** A DDL statement answering with one `summary` row. */
export function summaryPlan(run: (rc: RunContext) => Promise<{ summary: string; changes?: readonly CatalogChange[] }>): StatementPlan {
  return staticPlan('ddl', SUMMARY_COLUMNS, async (rc) => {
    const { summary, changes } = await run(rc);
    return { rows: [[summary]], ...(changes === undefined ? {} : { changes }) };
  });
}

/**
 * Runs DuckDB statements in order, inside one transaction when there are
 * several, translating failures to Impala's texts.
 *
 * @returns the last statement's materialized first value (DuckDB's `Count`), or 0.
 */
export async function runDuckStatements(conn: DuckDBConnection, statements: readonly string[], database: string): Promise<bigint> {
  const transactional = statements.length > 1;
  let last = 0n;
  let current = '';
  try {
    if (transactional) await conn.run('BEGIN TRANSACTION');
    for (const sql of statements) {
      current = sql;
      const result = await conn.run(sql);
      const rows = result.columnCount > 0 ? await result.getRows() : [];
      const first = rows[0]?.[0];
      last = typeof first === 'bigint' ? first : typeof first === 'number' ? BigInt(first) : BigInt(result.rowsChanged);
    }
    if (transactional) await conn.run('COMMIT');
    return last;
  } catch (err) {
    if (transactional) await conn.run('ROLLBACK').catch(() => undefined);
    throw mapDuckDbError(err, { sql: current, database });
  }
}
