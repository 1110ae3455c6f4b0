/**
 * A planned query as the plan cache keeps it (its template), the plans built
 * from one, and what a query's text alone says about how it may run.
 *
 * @internal
 */
import type { DuckDBConnection, DuckDBPreparedStatement, DuckDBType } from '@duckdb/node-api';
import { createEncoder } from './column-encoder';
import type { PlanEnv, StatementPlan } from './plan-types';
import { BatchCursor, DuckDbStreamCursor, materializedChunks } from './result-cursor';
import { mapDuckDbError } from './sql-errors';
import type { Token } from './sql-lexer';
import type { EncodedBatch, SimColumn } from './types';

/** What planning a query decided: enough to run it again without planning it. */
export interface QueryTemplate {
  /** DuckDB SQL computing Impala's values, stale tables already swapped for their snapshots. */
  readonly duckSql: string;
  /** The query reads no table and unnests nothing: its few rows are materialized at once instead of streamed. */
  readonly small: boolean;
  /** `sleep(ms)` total, in ms. */
  readonly delayMs: number;
  /** Result columns as clients see them (never mutated). */
  readonly columns: readonly SimColumn[];
  /** DuckDB's type of each result column, for the encoders. */
  readonly types: readonly DuckDBType[];
  /** Snapshots the query reads, held by each statement that uses the template. */
  readonly snapshots: readonly string[];
  /** Set for a query of literals only, whose rows are the same every time it runs. */
  readonly constant: ConstantRows | undefined;
}

/**
 * The rows of a query made of literals only (`SELECT 1`, `VALUES (1, 'a')`): DuckDB
 * computes them the first time it runs; later statements of the template hand out
 * the same encoded rows, as Impala's coordinator answers a constant SELECT itself.
 */
export class ConstantRows {
  /** Every row, once a run produced them all without error. Read only. */
  batch: EncodedBatch | undefined;
}

// Words of a query made of literals only; any other word (a function, CURRENT_TIMESTAMP,
// a typed literal, a column) may give another value on another run.
const LITERAL_QUERY_WORDS = new Set([
  'SELECT', 'VALUES', 'AS', 'NULL', 'TRUE', 'FALSE', 'AND', 'OR', 'NOT', 'IS', 'CASE', 'WHEN', 'THEN', 'ELSE', 'END',
  'BETWEEN', 'IN', 'LIKE', 'DIV', 'UNION', 'ALL', 'DISTINCT', 'LIMIT', 'OFFSET',
]);

/**
 * What a query's significant tokens say about running it: `small` when it reads no
 * table and unnests nothing (`SELECT 1`, `VALUES (...)`, `SELECT now()`), so its
 * rows are bounded by its own text and DuckDB may hand them over whole;
 * `constant` when it is made of numbers, strings and the words above only
 * (aliases after AS allowed), so its rows are the same every time, whoever runs it.
 */
export function queryShape(sig: readonly Token[]): { small: boolean; constant: boolean } {
  const small = !sig.some((t) => t.kind === 'word' && (t.value === 'FROM' || t.value === 'UNNEST'));
  const constant =
    small &&
    sig.every((t, i) => {
      if (t.kind === 'number' || t.kind === 'string') return true;
      if (t.kind === 'symbol') return t.text !== '?' && t.text !== '::' && t.text !== '$';
      if (isAlias(sig, i)) return true;
      return t.kind === 'word' && LITERAL_QUERY_WORDS.has(t.value);
    });
  return { small, constant };
}

function isAlias(sig: readonly Token[], i: number): boolean {
  const t = sig[i];
  return (t?.kind === 'word' || t?.kind === 'ident') && sig[i - 1]?.kind === 'word' && sig[i - 1]?.value === 'AS';
}

/** Prepares `sql`, failing with Impala's text for what DuckDB refuses. */
export async function prepareStatement(conn: DuckDBConnection, sql: string, database: string): Promise<DuckDBPreparedStatement> {
  try {
    return await conn.prepare(sql);
  } catch (err) {
    throw mapDuckDbError(err, { sql, database });
  }
}

/** A query planned before (a plan cache hit): prepared again only when its connection lacks it. */
export async function planKeptQuery(template: QueryTemplate, env: PlanEnv): Promise<StatementPlan> {
  const rows = template.constant?.batch;
  if (rows !== undefined) {
    // Computed before: neither DuckDB nor a connection is needed.
    return { kind: 'query', hasResultSet: true, columns: template.columns, delayMs: template.delayMs, run: async () => ({ cursor: new BatchCursor(rows) }) };
  }
  const pooled = await env.connection();
  const kept = env.cache?.prepared(pooled, template.duckSql);
  if (kept !== undefined) return templatePlan(template, kept, true, env);
  const prepared = await prepareStatement(pooled.connection, template.duckSql, env.database);
  return templatePlan(template, prepared, env.cache?.keep(pooled, template.duckSql, prepared) ?? false, env);
}

/**
 * The plan of a template over `prepared` (on the statement's connection).
 *
 * @param kept - `prepared` belongs to its connection's cache (else the plan frees it).
 */
export function templatePlan(template: QueryTemplate, prepared: DuckDBPreparedStatement, kept: boolean, env: PlanEnv): StatementPlan {
  return {
    kind: 'query',
    hasResultSet: true,
    columns: template.columns,
    delayMs: template.delayMs,
    run: async () => {
      try {
        const encoders = template.columns.map((c, i) => createEncoder(c, template.types[i] as DuckDBType));
        // A small result in one trip to DuckDB's thread; others stream, one chunk held at a time.
        const source = template.small ? materializedChunks(await prepared.run()) : await prepared.stream();
        const cursor = new DuckDbStreamCursor(source, encoders);
        await cursor.prime();
        const constant = template.constant;
        if (constant === undefined) return { cursor };
        // Every row at once (a constant query has few), kept for the template's next statements.
        const all = await cursor.next(Number.MAX_SAFE_INTEGER);
        constant.batch ??= { columns: all.columns, rowCount: all.rowCount, done: true };
        return { cursor: new BatchCursor(constant.batch) };
      } catch (err) {
        throw mapDuckDbError(err, { sql: template.duckSql, database: env.database });
      }
    },
    ...(kept ? {} : { dispose: () => prepared.destroySync() }),
  };
}
