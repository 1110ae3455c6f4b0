/**
 * The engine's record of one statement between plan and release, and the small
 * rules its lifecycle follows.
 *
 * @internal
 */
import type { PooledConnection } from './connection-pool';
import type { StatementPlan } from './plan-types';
import type { ResultCursor } from './result-cursor';
import { SimSqlError, type StatementContext } from './types';

/** Where a statement is in its life. */
export type StatementState = 'planning' | 'planned' | 'running' | 'ready' | 'failed' | 'cancelled';

/** One planned statement: its plan, connection, cursor and what it holds. */
export interface StatementRecord {
  readonly id: string;
  readonly ctx: StatementContext;
  readonly abort: AbortController;
  state: StatementState;
  plan: StatementPlan | undefined;
  conn: PooledConnection | undefined;
  /** Connection being acquired (so a cancel can wait for it). */
  acquiring: Promise<PooledConnection> | undefined;
  cursor: ResultCursor | undefined;
  /** The running plan, execute or fetch, settled (never rejects). */
  busy: Promise<void>;
  /** DuckDB was interrupted on this statement's connection: do not reuse it. */
  interrupted: boolean;
  /** Snapshots the statement reads (held until it is released). */
  snapshots: readonly string[];
}

/** Refuses a malformed plan request with a message naming the field (a front-end bug, not a SQL error). */
export function validateContext(sql: unknown, ctx: StatementContext): void {
  const problem =
    typeof sql !== 'string'
      ? 'sql must be a string'
      : !Number.isInteger(ctx.coordinator) || ctx.coordinator < 0
        ? `ctx.coordinator must be a non-negative integer, got ${String(ctx.coordinator)}`
        : typeof ctx.session?.database !== 'string' || ctx.session.database === ''
          ? 'ctx.session.database must be a non-empty database name'
          : typeof ctx.session.options !== 'object' || typeof ctx.overlay !== 'object'
            ? 'ctx.session.options and ctx.overlay must be objects of option name to value'
            : undefined;
  if (problem !== undefined) throw new SimSqlError(`plan: ${problem}`);
}

/** Statement kinds that may change DuckDB's schema when they run (DDL; INVALIDATE, REFRESH, COMPUTE STATS...). */
export function mayChangeSchema(kind: StatementPlan['kind']): boolean {
  return kind === 'ddl' || kind === 'other';
}

/** `p` settled, never rejecting. */
export function settle(p: Promise<unknown>): Promise<void> {
  return p.then(
    () => undefined,
    () => undefined,
  );
}

/** `p`, or a resolved promise after `ms` ms, whichever comes first (the timer is always cleared). */
export function withTimeout(p: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
