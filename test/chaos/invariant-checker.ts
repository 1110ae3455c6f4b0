import type { FaultKind, FaultTimeline } from './fault-timeline';
import { READ_KINDS, type StatementRecord } from './statement-ledger';

/** One memory sample. */
export interface RssSample {
  /** ms since the run started. */
  at: number;
  /** Resident set size of this process, in MB. */
  rssMb: number;
  /** V8 heap in use in this process, in MB. */
  heapMb: number;
  /** Largest resident set of a coordinator child process, in MB (0 without processes). */
  childMaxMb: number;
}

/** What one coordinator reported after the clients were closed. */
export interface ServerLeftovers {
  address: string;
  /** Open once the server's disconnected-session timeout has passed (or right after close, when strict). */
  openSessions: number;
  openOperations: number;
  /** Open right after the clients closed. */
  atCloseSessions: number;
  atCloseOperations: number;
}

/** Everything the invariants of one round are checked against. */
export interface CheckInput {
  /** `direct`: the client knows every coordinator; `haproxy`: it knows only the proxy. */
  mode: 'direct' | 'haproxy';
  records: readonly StatementRecord[];
  timeline: FaultTimeline;
  /** Fault kinds the round was asked to inject; each must have happened. */
  faultKinds: readonly FaultKind[];
  /** Coordinator index of a `host:port` the client reported (direct mode). */
  coordinatorIndex: (address: string) => number | undefined;
  /** Rows per key found in the pooled-DML table after the run. */
  dmlRows: ReadonlyMap<number, number>;
  /** Times each statement text was executed, over every coordinator (the simulator's log). */
  executed: ReadonlyMap<string, number>;
  /** Sessions and operations still open on each coordinator after the clients closed. */
  leftovers: readonly ServerLeftovers[];
  /** Unhandled rejections and uncaught exceptions seen during the round. */
  unhandled: readonly string[];
  /** Calls or closes that did not settle within their bound. */
  hung: readonly string[];
  rss: readonly RssSample[];
  /** Bound on any resident set, in MB. */
  rssLimitMb: number;
}

/** The verdict on one invariant. */
export interface InvariantResult {
  name: string;
  pass: boolean;
  /** One line: the figures behind the verdict. */
  summary: string;
  /** The offending statements or facts (at most {@link MAX_DETAILS}). */
  details: string[];
}

/** Codes that say a pinned session could not continue anywhere (the reopen failed). */
const UNAVAILABLE: ReadonlySet<string> = new Set(['IMPALA_ERR_SESSION_LOST', 'IMPALA_ERR_NO_COORDINATOR']);

/** Offenders listed per invariant; the count in the summary is always complete. */
export const MAX_DETAILS = 8;
/** Rise of the heap's floor within the last half of a round that counts as a leak, in MB. */
const HEAP_GROWTH_LIMIT_MB = 32;

/**
 * Checks a round's invariants. Pure: everything comes in through `input`.
 *
 * Read-only statements (the rule, per mode):
 * - direct: a failed read is a violation when some coordinator was healthy during the
 *   whole statement (the client knows every coordinator, so it must have found that
 *   one). A stream that fails after delivering rows cannot be retried; it is a
 *   violation only when the coordinator that delivered the rows was healthy. A read in
 *   a pinned session is bound to its coordinator while that one lives: it is a
 *   violation when that coordinator was healthy, or when the session was declared
 *   lost (the reopen elsewhere failed) although another coordinator was healthy.
 * - haproxy: the client sees one address and cannot choose the backend; HAProxy's
 *   layer-4 checks need `fall × inter` to see a dead backend and never see a SIGSTOPped
 *   one (the kernel still accepts). A failed read is a violation when every backend
 *   was healthy during the whole statement (the timeline's settle time covers
 *   HAProxy's detection and the client's recovery).
 */
export function checkInvariants(input: CheckInput): InvariantResult[] {
  return [checkReads(input), checkAnswers(input), checkDml(input), checkTypedErrors(input), checkProgress(input), checkLeftovers(input), checkSettled(input), checkUnhandled(input), checkRss(input), checkFaults(input)];
}

function fmt(r: StatementRecord): string {
  const t = `[${(r.startedAt / 1000).toFixed(2)}s..${(r.endedAt / 1000).toFixed(2)}s]`;
  return `#${r.seq} w${r.worker} ${r.kind} ${t} ${r.sql}${r.code ? ` → ${r.code}: ${r.message ?? ''}` : ''}`;
}

function result(name: string, offenders: string[], summary: string): InvariantResult {
  return { name, pass: offenders.length === 0, summary, details: offenders.slice(0, MAX_DETAILS) };
}

function checkReads(input: CheckInput): InvariantResult {
  const { timeline } = input;
  const failed = input.records.filter((r) => READ_KINDS.has(r.kind) && r.outcome !== 'ok');
  const offenders: string[] = [];
  let excused = 0;
  for (const r of failed) {
    const healthy = timeline.healthyThroughoutAll(r.startedAt, r.endedAt);
    let violation: boolean;
    let why: string;
    if (input.mode === 'haproxy') {
      violation = healthy.length === timeline.coordinators;
      why = 'every backend was healthy';
    } else if (r.kind === 'stream' && r.rowsBeforeFailure > 0) {
      const c = r.coordinator === undefined ? undefined : input.coordinatorIndex(r.coordinator);
      violation = c !== undefined && healthy.includes(c);
      why = `after ${r.rowsBeforeFailure} rows, and c${c} that delivered them was healthy`;
    } else if (r.kind === 'session-read' && !UNAVAILABLE.has(r.code ?? '')) {
      const c = r.coordinator === undefined ? undefined : input.coordinatorIndex(r.coordinator);
      violation = c === undefined || healthy.includes(c);
      why = `pinned to c${c ?? '?'}, which was healthy`;
    } else {
      violation = healthy.length > 0;
      why = `c${healthy.join(', c')} healthy throughout`;
    }
    if (violation) offenders.push(`${fmt(r)} (${why})`);
    else excused++;
  }
  const reads = input.records.filter((r) => READ_KINDS.has(r.kind)).length;
  const rule = input.mode === 'haproxy' ? 'with every backend healthy' : 'while a coordinator was healthy';
  return result(
    input.mode === 'haproxy' ? 'no failed read while every backend was healthy' : 'no failed read while a coordinator was healthy',
    offenders,
    `${reads} reads, ${failed.length} failed: ${offenders.length} ${rule} (violations), ${excused} while no healthy choice existed (excused)`,
  );
}

function checkAnswers(input: CheckInput): InvariantResult {
  const wrong = input.records.filter((r) => r.outcome === 'ok' && r.wrongResult !== undefined);
  const checked = input.records.filter((r) => READ_KINDS.has(r.kind) && r.kind !== 'session-open' && r.outcome === 'ok').length;
  return result(
    'every successful read returned the right rows',
    wrong.map((r) => `${fmt(r)}: ${r.wrongResult}`),
    `${checked} answers checked, ${wrong.length} wrong`,
  );
}

/**
 * DML and DDL: at most once, and the caller told the truth. Effects are the rows with
 * the statement's key (pooled DML: counted after the run; session DML: seen by the
 * session's own SELECT) and the simulator's execution log for the exact text.
 * - success ⇒ exactly one execution and one row;
 * - may-have-run ⇒ at most one of each;
 * - any other failure ⇒ no row (and, when no row could be looked at, no execution).
 */
function checkDml(input: CheckInput): InvariantResult {
  const writes = input.records.filter((r) => r.kind === 'dml' || r.kind === 'session-dml' || r.kind === 'session-ddl');
  const offenders: string[] = [];
  const tally = { ok: 0, unknown: 0, failed: 0, unknownRan: 0 };
  for (const r of writes) {
    tally[r.outcome]++;
    const executed = input.executed.get(r.sql) ?? 0;
    const rows = r.kind === 'dml' ? (input.dmlRows.get(r.key!) ?? 0) : r.kind === 'session-dml' ? r.observedRows : undefined;
    if (r.outcome === 'unknown' && (executed > 0 || (rows ?? 0) > 0)) tally.unknownRan++;
    const facts = `executed ${executed}×${rows === undefined ? '' : `, ${rows} row(s)`}`;
    if (executed > 1 || (rows ?? 0) > 1) {
      offenders.push(`double execution: ${fmt(r)} (${facts}; told ${r.outcome})`);
    } else if (r.outcome === 'ok' && (executed !== 1 || (rows !== undefined && rows !== 1))) {
      offenders.push(`lie: told success but ${facts}: ${fmt(r)}`);
    } else if (r.outcome === 'failed' && ((rows ?? 0) > 0 || (rows === undefined && executed > 0))) {
      offenders.push(`lie: told it failed (${r.code}, not "may have run") but ${facts}: ${fmt(r)}`);
    }
  }
  return result(
    'every DML/DDL ran at most once and its caller was told the truth',
    offenders,
    `${writes.length} writes: ${tally.ok} ok, ${tally.unknown} may-have-run (${tally.unknownRan} of them ran), ${tally.failed} failed; ${offenders.length} violations`,
  );
}

function checkTypedErrors(input: CheckInput): InvariantResult {
  const untyped = input.records.filter((r) => r.outcome !== 'ok' && r.code === 'Error');
  return result('every failure is a typed ImpalaError', untyped.map(fmt), `${untyped.length} untyped errors`);
}

/** Guards against a run that passes because nothing ran. */
function checkProgress(input: CheckInput): InvariantResult {
  const kinds = ['read', 'stream', 'dml', 'session-dml'] as const;
  const missing = kinds.filter((k) => !input.records.some((r) => r.kind === k && r.outcome === 'ok'));
  const ok = input.records.filter((r) => r.outcome === 'ok').length;
  return result('work got done (each kind succeeded at least once)', missing.map((k) => `no successful ${k}`), `${ok} of ${input.records.length} statements succeeded`);
}

/**
 * Sessions and operations left on the servers: zero once the servers' disconnected-
 * session timeout has passed. Right after close some may remain that no client can
 * close — a session whose OpenSession the server ran after the client had given up on
 * a hung coordinator, or (behind a proxy) one whose socket was cut and whose backend
 * no new socket reaches; those are printed, and a session the client still held
 * open would not have expired.
 */
function checkLeftovers(input: CheckInput): InvariantResult {
  const bad = input.leftovers.filter((l) => l.openSessions > 0 || l.openOperations > 0);
  const sum = (f: (l: ServerLeftovers) => number): number => input.leftovers.reduce((n, l) => n + f(l), 0);
  return result(
    'zero open sessions and operations on the servers after close',
    bad.map((l) => `${l.address}: ${l.openSessions} sessions, ${l.openOperations} operations`),
    `right after close ${sum((l) => l.atCloseSessions)} sessions and ${sum((l) => l.atCloseOperations)} operations; ` +
      `then ${sum((l) => l.openSessions)} sessions and ${sum((l) => l.openOperations)} operations on ${input.leftovers.length} coordinators`,
  );
}

function checkSettled(input: CheckInput): InvariantResult {
  return result('every call and close settled in bounded time', [...input.hung], `${input.hung.length} hung`);
}

function checkUnhandled(input: CheckInput): InvariantResult {
  return result('no unhandled rejection or uncaught exception', [...input.unhandled], `${input.unhandled.length} seen`);
}

/**
 * Memory: every resident set below the limit, and no growth trend in the last half
 * of the round. The trend is read from low-water marks (the smallest sample of each
 * half of the last half), where allocator and GC humps do not show and a leak raises
 * the floor; it is judged on the V8 heap, because this process's RSS also holds the
 * simulator's DuckDB engine, which grows with the data the workload inserts. The heap
 * samples are taken right after a full collection (`npm run chaos` runs node with
 * --expose-gc): sampled without one, a postponed major GC once raised the floor by
 * 41 MB of garbage on a run whose live heap grew 2 MB.
 */
function checkRss(input: CheckInput): InvariantResult {
  const s = input.rss;
  if (s.length === 0) return result('RSS bounded', ['no RSS sample was taken'], 'no samples');
  const max = Math.max(...s.map((x) => x.rssMb));
  const childMax = Math.max(...s.map((x) => x.childMaxMb));
  const lastHalf = s.slice(Math.floor(s.length / 2));
  const heapGrowth = floorGrowthMb(lastHalf, (x) => x.heapMb);
  const rssGrowth = floorGrowthMb(lastHalf, (x) => x.rssMb);
  const offenders: string[] = [];
  if (max >= input.rssLimitMb) offenders.push(`RSS reached ${max.toFixed(0)} MB (limit ${input.rssLimitMb} MB)`);
  if (childMax >= input.rssLimitMb) offenders.push(`a coordinator process reached ${childMax.toFixed(0)} MB (limit ${input.rssLimitMb} MB)`);
  if (heapGrowth >= HEAP_GROWTH_LIMIT_MB) offenders.push(`the heap floor rose ${heapGrowth.toFixed(0)} MB within the last half (limit ${HEAP_GROWTH_LIMIT_MB} MB)`);
  const signed = (n: number): string => `${n >= 0 ? '+' : ''}${n.toFixed(1)}`;
  return result(
    'RSS bounded',
    offenders,
    `max ${max.toFixed(0)} MB (coordinator processes ${childMax.toFixed(0)} MB); floor over the last half: heap ${signed(heapGrowth)} MB, RSS ${signed(rssGrowth)} MB; ${s.length} samples`,
  );
}

/** How much the smallest value of the second half exceeds that of the first half, in MB. */
export function floorGrowthMb(samples: readonly RssSample[], value: (s: RssSample) => number = (s) => s.rssMb): number {
  if (samples.length < 4) return 0;
  const mid = Math.floor(samples.length / 2);
  const floor = (xs: readonly RssSample[]): number => Math.min(...xs.map(value));
  return floor(samples.slice(mid)) - floor(samples.slice(0, mid));
}

/**
 * The harness itself: every requested kind of fault happened (a round too short for
 * them passes nothing), and every fault was applied and healed cleanly (one left in
 * place would make every later verdict meaningless).
 */
function checkFaults(input: CheckInput): InvariantResult {
  const records = input.timeline.records;
  const missing = input.faultKinds.filter((k) => !records.some((r) => r.kind === k));
  const bad = records.filter((r) => r.healedAt === undefined || r.healError !== undefined);
  return result(
    'every requested fault was injected and healed',
    [
      ...(missing.length > 0 ? [`never injected: ${missing.join(', ')} (the round was too short for them; 30 s rounds fit them all)`] : []),
      ...bad.map((r) => `fault #${r.id} ${r.kind} on c${r.coordinator}: ${r.healError ?? 'never healed'}`),
    ],
    `${records.length} faults of ${new Set(records.map((r) => r.kind)).size}/${input.faultKinds.length} kinds, ${bad.length} not applied and healed cleanly`,
  );
}
