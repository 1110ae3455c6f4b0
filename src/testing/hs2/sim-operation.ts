import * as T from '../../thrift/gen-nodejs/TCLIService_types';
import type { EncodedBatch, ExecutedStatement, SimColumn, StatementKind } from '../engine/types';
import { type AdmissionController, AdmissionTicket } from './admission-controller';
import { guidKey, newQueryGuid, printId } from './handle-ids';
import { CANCELLED_TEXT } from './impala-messages';
import type { ResultCache } from './result-cache';
import type { SimSession } from './session-registry';

/** Impala's internal exec states as HS2 reports them (no CANCELED/CLOSED: protocol reference §2.7). */
export type OperationPhase = 'INITIALIZED' | 'PENDING' | 'RUNNING' | 'FINISHED' | 'ERROR';

/** TOperationState for each phase. */
export const PHASE_STATE: Readonly<Record<OperationPhase, T.TOperationState>> = {
  INITIALIZED: T.TOperationState.INITIALIZED_STATE,
  PENDING: T.TOperationState.PENDING_STATE,
  RUNNING: T.TOperationState.RUNNING_STATE,
  FINISHED: T.TOperationState.FINISHED_STATE,
  ERROR: T.TOperationState.ERROR_STATE,
};

/** A failure detail as Impala reports it, without the `Query <id> failed:` wrapper. */
export interface OperationError {
  detail: string;
  sqlState: string;
}

/** Where an operation's work and rows come from: the SQL engine, or a metadata result built in place. */
export interface OperationRunner {
  /** Runs to completion (rows ready, DML applied). Rejects with a `{ message, sqlState }`-like error. */
  run(): Promise<ExecutedStatement>;
  fetch(maxRows: number): Promise<EncodedBatch>;
  /** Stops `run()` promptly; it then rejects. */
  cancel(): Promise<void>;
  /** Frees resources; safe to call twice. */
  release(): Promise<void>;
}

/** What an operation is, decided when it is registered. */
export interface OperationSpec {
  session: SimSession;
  operationType: T.TOperationType;
  /** Statement text (metadata operations use the RPC name). */
  sql: string;
  kind: StatementKind | 'metadata';
  hasResultSet: boolean;
  columns: SimColumn[];
  /** Only queries and DML wait for admission; Impala runs DDL, SET, USE, SHOW... without it. */
  admitted: boolean;
  runner: OperationRunner;
  /** Session changes (SET, USE) applied when the statement finishes. */
  sessionChanges?: { database?: string; options?: Record<string, string> };
}

/**
 * One registered query on a simulated coordinator, with Impala's asynchronous
 * lifecycle: ExecuteStatement registers it and returns; {@link start} moves it
 * through PENDING (admission) and RUNNING to FINISHED (rows ready) or ERROR.
 * A cancelled query ends in ERROR with detail `Cancelled` and stays registered until
 * it is closed.
 *
 * @internal
 */
export class SimOperation {
  readonly guid: Buffer;
  readonly key: string;
  readonly queryId: string;
  readonly spec: OperationSpec;
  readonly ticket = new AdmissionTicket();
  readonly startedAt = Date.now();
  endedAt: number | undefined;
  phase: OperationPhase = 'INITIALIZED';
  error: OperationError | undefined;
  rowsModified: bigint | undefined;
  /** Position of the client's fetch (the next batch's startRowOffset); FETCH_FIRST sets it back to 0. */
  rowsFetched = 0;
  /** Rows taken from the runner so far. */
  rowsProduced = 0;
  /** The runner has no more rows. */
  eos = false;
  /** Rows kept for FETCH_FIRST (`impala.resultset.cache.size`), when enabled. */
  resultCache: ResultCache | undefined;
  /** Idle expiry once rows are ready (QUERY_TIMEOUT_S / --idle_query_timeout), in ms; 0 = never. */
  idleTimeoutMs = 0;
  /** RPCs on the query right now; a query in use never expires. */
  activeRpcs = 0;
  /** When the last RPC on the query ended (`Date.now()` ms). */
  lastActivity = Date.now();
  idleTimer: NodeJS.Timeout | undefined;
  /** True between admission and completion (Impala's "queries executing"). */
  executing = false;
  closed = false;
  #settled = false;
  #changesApplied = false;
  #waiters: Array<() => void> = [];
  #settleHooks: Array<() => void> = [];
  #fetchChain: Promise<unknown> = Promise.resolve();
  readonly #admission: AdmissionController;
  readonly #onChange: () => void;

  /** @param guid the query id (ExecuteStatement makes it before planning, to name the query in errors). */
  constructor(spec: OperationSpec, admission: AdmissionController, onChange: () => void, guid: Buffer = newQueryGuid()) {
    this.guid = guid;
    this.key = guidKey(guid);
    this.queryId = printId(guid);
    this.spec = spec;
    this.#admission = admission;
    this.#onChange = onChange;
  }

  /** Finished or failed (or cancelled). */
  get settled(): boolean {
    return this.#settled;
  }

  /** Starts the background lifecycle; ExecuteStatement has returned by the time anything moves. */
  start(): void {
    setImmediate(() => void this.#run());
  }

  async #run(): Promise<void> {
    if (this.#settled) return;
    this.phase = 'PENDING';
    if (this.spec.admitted) {
      try {
        await this.#admission.admit(this.ticket);
      } catch (err) {
        this.#fail({ detail: messageOf(err), sqlState: 'HY000' });
        return;
      }
      if (this.#settled) return;
    }
    this.phase = 'RUNNING';
    this.executing = true;
    try {
      const result = await this.spec.runner.run();
      if (this.#settled) return;
      this.rowsModified = result.rowsModified;
      this.applySessionChanges();
      this.phase = 'FINISHED';
      this.executing = false;
      // Statements without rows hold their slot only while they run.
      if (!this.spec.hasResultSet) this.#admission.release(this.ticket);
      this.#settle();
    } catch (err) {
      this.#fail({ detail: messageOf(err), sqlState: sqlStateOf(err) });
    }
  }

  /**
   * Applies SET/USE changes to the session, once. ExecuteStatement calls it at once
   * for SET and USE, which Impala runs inside the RPC; anything else applies its
   * changes when it finishes.
   */
  applySessionChanges(): void {
    const changes = this.spec.sessionChanges;
    if (changes === undefined || this.#changesApplied) return;
    this.#changesApplied = true;
    const state = this.spec.session.state;
    if (changes.database !== undefined) state.database = changes.database.toLowerCase();
    for (const [key, value] of Object.entries(changes.options ?? {})) {
      // An empty value resets the option to its default (Impala's `SET k=''`, `UNSET k`).
      if (value === '') delete state.options[key.toUpperCase()];
      else state.options[key.toUpperCase()] = value;
    }
  }

  /** Runs `fn` once the query settles (at once if it has). */
  onSettle(fn: () => void): void {
    if (this.#settled) fn();
    else this.#settleHooks.push(fn);
  }

  /**
   * Ends the query with `detail` even if it finished (idle expiry of Impala ≤ 4.3,
   * which keeps the query registered until it is closed).
   */
  async expire(detail: string): Promise<void> {
    if (this.closed || (this.phase === 'ERROR' && this.#settled)) return;
    const wasSettled = this.#settled;
    this.error = { detail, sqlState: 'HY000' };
    this.phase = 'ERROR';
    this.executing = false;
    this.#admission.release(this.ticket);
    if (!wasSettled) this.#settle();
    else this.#onChange();
    await this.spec.runner.cancel().catch(() => undefined);
  }

  /** Cancels a registered, unfinished query; a finished or failed one is left as it is. */
  async cancel(): Promise<void> {
    if (this.#settled) return;
    this.#fail({ detail: CANCELLED_TEXT, sqlState: 'HY000' });
    await this.spec.runner.cancel().catch(() => undefined);
  }

  /**
   * Unregisters: cancels if needed (with `reason` as the failure detail), frees the
   * admission slot and the engine's statement.
   */
  async close(reason: string = CANCELLED_TEXT): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (!this.#settled) {
      this.#fail({ detail: reason, sqlState: 'HY000' });
      await this.spec.runner.cancel().catch(() => undefined);
    }
    this.#admission.release(this.ticket);
    await this.spec.runner.release().catch(() => undefined);
  }

  /**
   * Forgets the query without calling the engine (the coordinator died; the cluster
   * tells the engine to forget the coordinator's statements). Wakes fetch waiters.
   */
  abandon(): void {
    this.closed = true;
    this.#fail({ detail: CANCELLED_TEXT, sqlState: 'HY000' });
  }

  /** Waits until the query settles or `timeoutMs` elapses (0 = no wait); true when settled. */
  waitSettled(timeoutMs: number): Promise<boolean> {
    if (this.#settled || timeoutMs <= 0) return Promise.resolve(this.#settled);
    return new Promise<boolean>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        resolve(this.#settled);
      };
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w !== done);
        resolve(this.#settled);
      }, timeoutMs);
      timer.unref();
      this.#waiters.push(done);
    });
  }

  /** Runs `fn` after any fetch in progress, so concurrent FetchResults calls see batches in order. */
  serialize<R>(fn: () => Promise<R>): Promise<R> {
    const next = this.#fetchChain.then(fn, fn);
    this.#fetchChain = next.catch(() => undefined);
    return next;
  }

  /** Notes that the last row was returned; frees the admission slot as Impala does at end of stream. */
  markEos(): void {
    this.eos = true;
    this.#admission.release(this.ticket);
  }

  #fail(error: OperationError): void {
    if (this.#settled) return;
    this.error = error;
    this.phase = 'ERROR';
    this.executing = false;
    this.#admission.release(this.ticket);
    this.#settle();
  }

  #settle(): void {
    this.#settled = true;
    this.endedAt = Date.now();
    for (const w of this.#waiters.splice(0)) w();
    for (const hook of this.#settleHooks.splice(0)) hook();
    this.#onChange();
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function sqlStateOf(err: unknown): string {
  const state = (err as { sqlState?: unknown } | undefined)?.sqlState;
  return typeof state === 'string' && state !== '' ? state : 'HY000';
}
