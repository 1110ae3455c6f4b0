// Helpers for driving the simulator's SQL engine directly in tests.
import { createDuckDbEngine, type DuckDbEngineOptions, type DuckDbSqlEngine } from '../../../src/testing/engine';
import type { EncodedBatch, EncodedColumn, PlannedStatement, StatementContext } from '../../../src/testing/engine';

/** A statement context for coordinator `coordinator` with session database and options. */
export function ctx(
  coordinator = 0,
  database = 'default',
  options: Record<string, string> = {},
  overlay: Record<string, string> = {},
): StatementContext {
  return { coordinator, session: { database, options, user: 'tester' }, overlay };
}

/** True when row `i` is NULL in an LSB-first nulls bitmap. */
export function isNull(nulls: Buffer, i: number): boolean {
  return (((nulls[i >> 3] ?? 0) >> (i & 7)) & 1) === 1;
}

/** The JS values of an encoded column: null for NULL rows, strings for stringVal, Buffers for binaryVal. */
export function columnValues(column: EncodedColumn): unknown[] {
  const values: readonly unknown[] = column.values;
  return values.map((v, i) => {
    if (isNull(column.nulls, i)) return null;
    return column.kind === 'stringVal' ? (v as Buffer).toString('utf8') : v;
  });
}

/** What running a statement to the end produced. */
export interface StatementResult {
  readonly plan: PlannedStatement;
  readonly rowsModified: bigint | undefined;
  readonly batches: EncodedBatch[];
  /** Rows as arrays of JS values (see {@link columnValues}). */
  readonly rows: unknown[][];
}

/** Plans, executes, fetches every batch of, and releases one statement. */
export async function run(engine: DuckDbSqlEngine, sql: string, context: StatementContext = ctx(), maxRows = 1024): Promise<StatementResult> {
  const plan = await engine.plan(sql, context);
  try {
    const executed = await engine.execute(plan.id);
    const batches: EncodedBatch[] = [];
    if (plan.hasResultSet) {
      for (;;) {
        const batch = await engine.fetch(plan.id, maxRows);
        batches.push(batch);
        if (batch.done) break;
      }
    }
    const rows: unknown[][] = [];
    for (const batch of batches) {
      const cols = batch.columns.map(columnValues);
      for (let i = 0; i < batch.rowCount; i++) rows.push(cols.map((c) => c[i]));
    }
    return { plan, rowsModified: executed.rowsModified, batches, rows };
  } finally {
    await engine.release(plan.id);
  }
}

/** The message of the SimSqlError a promise rejects with (fails when it resolves). */
export async function errorOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
  throw new Error('expected a rejection');
}

/** Creates an engine and registers it for closing after the test (use in `beforeEach`). */
export async function openEngine(opened: DuckDbSqlEngine[], options?: DuckDbEngineOptions): Promise<DuckDbSqlEngine> {
  const engine = await createDuckDbEngine(options);
  opened.push(engine);
  return engine;
}

/** Closes every engine opened for a test. */
export async function closeEngines(opened: DuckDbSqlEngine[]): Promise<void> {
  await Promise.all(opened.splice(0).map((e) => e.close()));
}

/** Polls `check` every 10 ms until it returns true or `timeoutMs` passes; returns how long it took in ms. */
export async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const start = performance.now();
  for (;;) {
    if (await check()) return performance.now() - start;
    if (performance.now() - start > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
