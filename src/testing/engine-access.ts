import type { EncodedBatch, ExecutedStatement, PlannedStatement, StatementContext } from './engine/types';

/** What the cluster logs about each statement a coordinator starts executing. */
export interface ExecutionRecord {
  /** Statement text as the client sent it. */
  sql: string;
  /** Printed HS2 session id (`%016x:%016x`). */
  sessionId: string;
  /** Printed Impala query id. */
  queryId: string;
  /** The session's user (the authenticated user, or the `doAs` user over HTTP). */
  user?: string;
  /** The simulator's own statement (metadata RPCs): not logged. */
  internal?: boolean;
}

/**
 * How one coordinator reaches the cluster's shared SQL engine: directly when it runs
 * in the test process, over IPC when it runs as a child process. `execute` also
 * records the statement in the cluster's execution log, which lives with the engine
 * so that it survives a coordinator being SIGKILLed.
 *
 * @internal
 */
export interface EngineAccess {
  plan(sql: string, ctx: StatementContext): Promise<PlannedStatement>;
  execute(id: string, record: ExecutionRecord): Promise<ExecutedStatement>;
  fetch(id: string, maxRows: number): Promise<EncodedBatch>;
  cancel(id: string): Promise<void>;
  release(id: string): Promise<void>;
  /** Query option defaults, keys upper case (fetched once: a child process cannot ask synchronously). */
  readonly defaultQueryOptions: Readonly<Record<string, string>>;
}
