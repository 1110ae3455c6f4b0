import { ImpalaError } from '../../src/errors';

/**
 * What a statement was, as the invariants see it:
 * - `read`: a pooled `query()` (SELECT with a known answer);
 * - `stream`: a pooled `stream()`;
 * - `dml`: a pooled `execute()` of an INSERT carrying a unique key;
 * - `session-open`: opening a pinned session (`withSession`), which has no effect;
 * - `session-ddl`, `session-dml`, `session-read`: statements inside that session.
 */
export type StatementKind = 'read' | 'stream' | 'dml' | 'session-open' | 'session-ddl' | 'session-dml' | 'session-read';

/** Kinds that have no effect: the read-only invariant applies to them. */
export const READ_KINDS: ReadonlySet<StatementKind> = new Set<StatementKind>(['read', 'stream', 'session-open', 'session-read']);

/**
 * What the caller was told:
 * - `ok`: success;
 * - `unknown`: an error saying the statement may have run (`mayHaveRun`);
 * - `failed`: any other error, which claims the statement did not take effect.
 */
export type Outcome = 'ok' | 'unknown' | 'failed';

/** One statement of the workload and its outcome. */
export interface StatementRecord {
  readonly seq: number;
  readonly worker: number;
  readonly kind: StatementKind;
  /** Exact statement text for DML and DDL (it is matched against the simulator's log); a short label for reads. */
  readonly sql: string;
  /** Unique key the INSERT writes (DML only). */
  readonly key: number | undefined;
  /** Table the INSERT writes (DML only). */
  readonly table: string | undefined;
  /** When the call started and settled, in ms since the run started. */
  readonly startedAt: number;
  endedAt: number;
  outcome: Outcome;
  /** Error code when it failed (`Error` for something that is not an ImpalaError). */
  code: string | undefined;
  /** First line of the error message. */
  message: string | undefined;
  /** `attempts` of a successful call. */
  attempts: number | undefined;
  /** Coordinator that answered (or delivered rows before failing). */
  coordinator: string | undefined;
  /** Rows delivered before a stream failed. */
  rowsBeforeFailure: number;
  /** A successful read whose answer was wrong: what was wrong. */
  wrongResult: string | undefined;
  /**
   * Session DML: how many rows with its key the session saw afterwards (its table is
   * dropped at the end, so this is the only look at its effect); undefined when the
   * session could not look.
   */
  observedRows: number | undefined;
}

/** Every statement of a run, appended as calls settle. Times come from one clock. */
export class StatementLedger {
  readonly #records: StatementRecord[] = [];
  readonly #clock: () => number;
  #seq = 0;

  /** @param clock milliseconds since the run started. */
  constructor(clock: () => number) {
    this.#clock = clock;
  }

  get records(): readonly StatementRecord[] {
    return this.#records;
  }

  /** Starts a record; settle it with {@link succeed} or {@link fail}. */
  begin(worker: number, kind: StatementKind, sql: string, dml?: { key: number; table: string }): StatementRecord {
    const record: StatementRecord = {
      seq: ++this.#seq,
      worker,
      kind,
      sql,
      key: dml?.key,
      table: dml?.table,
      startedAt: this.#clock(),
      endedAt: Number.NaN,
      outcome: 'failed',
      code: undefined,
      message: undefined,
      attempts: undefined,
      coordinator: undefined,
      rowsBeforeFailure: 0,
      wrongResult: undefined,
      observedRows: undefined,
    };
    this.#records.push(record);
    return record;
  }

  succeed(record: StatementRecord, facts: { attempts?: number; coordinator?: string; wrongResult?: string } = {}): void {
    record.endedAt = this.#clock();
    record.outcome = 'ok';
    record.attempts = facts.attempts;
    record.coordinator = facts.coordinator;
    record.wrongResult = facts.wrongResult;
  }

  fail(record: StatementRecord, err: unknown, facts: { coordinator?: string; rowsBeforeFailure?: number } = {}): void {
    record.endedAt = this.#clock();
    record.outcome = mayHaveRun(err) ? 'unknown' : 'failed';
    record.code = err instanceof ImpalaError ? err.code : 'Error';
    record.message = (err instanceof Error ? err.message : String(err)).split('\n')[0]!.slice(0, 300);
    record.coordinator = facts.coordinator ?? (err instanceof ImpalaError ? err.coordinator : undefined);
    record.rowsBeforeFailure = facts.rowsBeforeFailure ?? 0;
  }
}

/** True when the error tells the caller the statement may have run. */
export function mayHaveRun(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { mayHaveRun?: unknown }).mayHaveRun === true;
}
