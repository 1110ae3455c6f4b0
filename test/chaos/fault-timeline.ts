/**
 * The faults a chaos run injected, when, and what they mean for the invariants.
 * Pure bookkeeping: times are passed in (milliseconds since the run started), so the
 * checker can be unit-tested with hand-written timelines.
 */

/** The faults the scheduler knows. */
export const FAULT_KINDS = ['kill', 'hang', 'shutdown', 'drop-idle', 'dml-drop', 'result-drop'] as const;

/**
 * - `kill`: SIGKILL, then `restart()` after the hold.
 * - `hang`: SIGSTOP, then `resume()` (SIGCONT).
 * - `shutdown`: graceful shutdown, wait for the exit, then `restart()`.
 * - `drop-idle`: the coordinator closes sockets idle longer than N ms (a proxy's idle
 *   cut), then the policy is turned off. The coordinator stays healthy: the client
 *   must hide these cuts entirely.
 * - `dml-drop`: ExecuteStatement answers late and idle sockets are cut meanwhile, so
 *   the socket drops after the request was written while the statement still runs.
 * - `result-drop`: the same for CloseImpalaOperation, which carries a DML's outcome:
 *   the statement has finished, its answer is lost with the socket.
 */
export type FaultKind = (typeof FAULT_KINDS)[number];

/** Faults during which a coordinator does not count as healthy. */
const IMPAIRING: ReadonlySet<FaultKind> = new Set<FaultKind>(['kill', 'hang', 'shutdown', 'dml-drop', 'result-drop']);

/** True when `kind` makes its coordinator unhealthy while it lasts. */
export function impairs(kind: FaultKind): boolean {
  return IMPAIRING.has(kind);
}

/** One injected fault. */
export interface FaultRecord {
  /** 1-based, in start order. */
  readonly id: number;
  readonly kind: FaultKind;
  /** Coordinator index. */
  readonly coordinator: number;
  /** What exactly was done, e.g. `hold 1800 ms`. */
  readonly detail: string;
  /** When the fault was about to be applied, in ms since the run started. */
  readonly startedAt: number;
  /** When the heal action (restart, resume, policy off) completed; undefined while active. */
  healedAt: number | undefined;
  /** Why healing failed, if it did. */
  healError: string | undefined;
}

/**
 * Every fault of one run, and which coordinators were healthy when. A coordinator is
 * impaired from the moment an impairing fault is applied until `settleMs` after it
 * was healed: the time a client needs to notice it is back (probe backoff, `rise`).
 */
export class FaultTimeline {
  readonly coordinators: number;
  /** How long a healed coordinator still counts as impaired, in ms. */
  readonly settleMs: number;
  readonly #records: FaultRecord[] = [];

  constructor(coordinators: number, settleMs: number) {
    this.coordinators = coordinators;
    this.settleMs = settleMs;
  }

  /** Every fault, in start order. */
  get records(): readonly FaultRecord[] {
    return this.#records;
  }

  /** Records a fault that is about to be applied at `at`. */
  begin(kind: FaultKind, coordinator: number, detail: string, at: number): FaultRecord {
    const record: FaultRecord = { id: this.#records.length + 1, kind, coordinator, detail, startedAt: at, healedAt: undefined, healError: undefined };
    this.#records.push(record);
    return record;
  }

  /** Records that `record` was healed at `at` (with the error, when healing failed). */
  end(record: FaultRecord, at: number, error?: Error): void {
    record.healedAt = at;
    if (error) record.healError = error.message;
  }

  /** True while a fault (any kind) is applied to `coordinator` and not yet healed. */
  active(coordinator: number): boolean {
    return this.#records.some((r) => r.coordinator === coordinator && r.healedAt === undefined);
  }

  /** True when `coordinator` counts as unhealthy at `at`. */
  impairedAt(coordinator: number, at: number): boolean {
    return this.#impairments(coordinator).some(([from, to]) => from <= at && at < to);
  }

  /** True when no impairment of `coordinator` overlaps `[from, to]`. */
  healthyThroughout(coordinator: number, from: number, to: number): boolean {
    return !this.#impairments(coordinator).some(([a, b]) => a <= to && from < b);
  }

  /** Coordinators healthy during the whole of `[from, to]`. */
  healthyThroughoutAll(from: number, to: number): number[] {
    const out: number[] = [];
    for (let c = 0; c < this.coordinators; c++) if (this.healthyThroughout(c, from, to)) out.push(c);
    return out;
  }

  /** Faults (any kind) whose active or settling time overlaps `[from, to]`. */
  overlapping(from: number, to: number, extraMs = 0): FaultRecord[] {
    return this.#records.filter((r) => r.startedAt <= to && from < (r.healedAt ?? Number.POSITIVE_INFINITY) + this.settleMs + extraMs);
  }

  /** Impairment intervals `[from, to)` of one coordinator. */
  #impairments(coordinator: number): Array<[number, number]> {
    return this.#records
      .filter((r) => r.coordinator === coordinator && impairs(r.kind))
      .map((r) => [r.startedAt, (r.healedAt ?? Number.POSITIVE_INFINITY) + this.settleMs]);
  }
}
