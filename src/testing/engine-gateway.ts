import type { SqlEngine } from './engine/types';
import type { EngineAccess } from './engine-access';
import type { ExecutedStatementRecord } from './types';

/**
 * The cluster's side of the SQL engine: hands each coordinator an
 * {@link EngineAccess} and keeps every coordinator's execution log, here in the
 * process that owns the engine so it outlives coordinator kills and restarts.
 *
 * @internal
 */
export class EngineGateway {
  readonly engine: SqlEngine;
  readonly #logs: ExecutedStatementRecord[][];
  readonly #defaults: Readonly<Record<string, string>>;

  constructor(engine: SqlEngine, coordinators: number) {
    this.engine = engine;
    this.#logs = Array.from({ length: coordinators }, () => []);
    this.#defaults = Object.freeze({ ...engine.defaultQueryOptions() });
  }

  /** Query option defaults, keys upper case. */
  get defaultQueryOptions(): Readonly<Record<string, string>> {
    return this.#defaults;
  }

  /** Coordinator `index`'s execution log (live array; copy before handing out). */
  log(index: number): readonly ExecutedStatementRecord[] {
    return this.#logs[index] ?? [];
  }

  /** Engine access for coordinator `index`, logging what it executes. */
  accessFor(index: number): EngineAccess {
    const engine = this.engine;
    const log = this.#logs[index]!;
    return {
      defaultQueryOptions: this.#defaults,
      plan: (sql, ctx) => engine.plan(sql, ctx),
      execute: (id, record) => {
        if (record.internal !== true) log.push({ sql: record.sql, sessionId: record.sessionId, queryId: record.queryId, user: record.user ?? 'anonymous', at: Date.now() });
        return engine.execute(id);
      },
      fetch: (id, maxRows) => engine.fetch(id, maxRows),
      cancel: (id) => engine.cancel(id),
      release: (id) => engine.release(id),
    };
  }

  /** Drops a dead coordinator's statements in the engine. */
  forget(index: number): Promise<void> {
    return this.engine.forgetCoordinator(index);
  }
}
