import { strict as assert } from 'node:assert';
import { runRound } from './chaos-round';
import { FaultTimeline } from './fault-timeline';
import { checkInvariants, floorGrowthMb, type CheckInput, type InvariantResult, type RssSample } from './invariant-checker';
import { UnhandledTracker } from './resource-monitor';
import { SeededRandom } from './seeded-random';
import { StatementLedger, type StatementKind, type StatementRecord } from './statement-ledger';

const READS = 'no failed read while a coordinator was healthy';
const READS_PROXY = 'no failed read while every backend was healthy';
const DML = 'every DML/DDL ran at most once and its caller was told the truth';

/** A settled statement record, written by hand. */
function stmt(kind: StatementKind, from: number, to: number, outcome: StatementRecord['outcome'], extra: Partial<StatementRecord> = {}): StatementRecord {
  let now = from;
  const ledger = new StatementLedger(() => now);
  const key = extra.key;
  const r = ledger.begin(0, kind, extra.sql ?? `${kind} ${from}`, key === undefined ? undefined : { key, table: 't' });
  now = to;
  if (outcome === 'ok') ledger.succeed(r);
  else ledger.fail(r, outcome === 'unknown' ? Object.assign(new Error('may have run'), { mayHaveRun: true }) : new Error('failed'));
  return Object.assign(r, extra, { code: extra.code ?? r.code });
}

function input(over: Partial<CheckInput> = {}): CheckInput {
  return {
    mode: 'direct',
    records: [],
    timeline: new FaultTimeline(3, 1000),
    faultKinds: [],
    coordinatorIndex: (a) => ({ 'c0:1': 0, 'c1:1': 1, 'c2:1': 2 })[a],
    dmlRows: new Map(),
    executed: new Map(),
    leftovers: [{ address: 'c0:1', openSessions: 0, openOperations: 0, atCloseSessions: 0, atCloseOperations: 0 }],
    unhandled: [],
    hung: [],
    rss: [{ at: 0, rssMb: 100, heapMb: 20, childMaxMb: 50 }],
    rssLimitMb: 600,
    ...over,
  };
}

function verdict(results: InvariantResult[], name: string): InvariantResult {
  const r = results.find((x) => x.name === name);
  assert.ok(r, `no invariant named '${name}' in: ${results.map((x) => x.name).join('; ')}`);
  return r;
}

describe('chaos soak: the invariant checker', () => {
  describe('DML at most once, callers told the truth', () => {
    const insert = (key: number): string => `INSERT INTO t VALUES (${key})`;

    it('passes success with one row, may-have-run with zero or one, failure with none', () => {
      const records = [
        stmt('dml', 0, 1, 'ok', { key: 1, sql: insert(1) }),
        stmt('dml', 0, 1, 'unknown', { key: 2, sql: insert(2) }),
        stmt('dml', 0, 1, 'unknown', { key: 3, sql: insert(3) }),
        stmt('dml', 0, 1, 'failed', { key: 4, sql: insert(4), code: 'IMPALA_ERR_NO_COORDINATOR' }),
      ];
      const r = verdict(checkInvariants(input({ records, dmlRows: new Map([[1, 1], [3, 1]]), executed: new Map([[insert(1), 1], [insert(3), 1]]) })), DML);
      assert.equal(r.pass, true, r.details.join('\n'));
      assert.match(r.summary, /1 ok, 2 may-have-run \(1 of them ran\), 1 failed/);
    });

    it('catches a retried INSERT: told success, found twice', () => {
      const records = [stmt('dml', 0, 1, 'ok', { key: 7, sql: insert(7) })];
      const r = verdict(checkInvariants(input({ records, dmlRows: new Map([[7, 2]]), executed: new Map([[insert(7), 2]]) })), DML);
      assert.equal(r.pass, false);
      assert.match(r.details[0]!, /^double execution: .*executed 2×, 2 row\(s\); told ok/);
    });

    it('catches a lie: told it failed (not may-have-run) but the row is there', () => {
      const records = [stmt('dml', 0, 1, 'failed', { key: 8, sql: insert(8), code: 'IMPALA_ERR_SESSION_LOST' })];
      const r = verdict(checkInvariants(input({ records, dmlRows: new Map([[8, 1]]), executed: new Map([[insert(8), 1]]) })), DML);
      assert.equal(r.pass, false);
      assert.match(r.details[0]!, /^lie: told it failed \(IMPALA_ERR_SESSION_LOST/);
    });

    it('catches a lie about session DML from the execution log when the session could not look at its table', () => {
      const records = [stmt('session-dml', 0, 1, 'failed', { key: 9, sql: insert(9), code: 'IMPALA_ERR_SESSION_LOST' })];
      const r = verdict(checkInvariants(input({ records, executed: new Map([[insert(9), 1]]) })), DML);
      assert.equal(r.pass, false);
      assert.match(r.details[0]!, /^lie: .*executed 1×/);
    });

    it('catches a success whose row never appeared', () => {
      const records = [stmt('session-dml', 0, 1, 'ok', { key: 10, sql: insert(10), observedRows: 0 })];
      const r = verdict(checkInvariants(input({ records, executed: new Map([[insert(10), 1]]) })), DML);
      assert.equal(r.pass, false);
      assert.match(r.details[0]!, /^lie: told success but executed 1×, 0 row\(s\)/);
    });
  });

  describe('read-only statements and coordinator health', () => {
    /** c1 is killed at 1000 and healed at 3000 (impaired until 4000 with 1 s settle); c2 hangs 2000..2500. */
    function timeline(): FaultTimeline {
      const t = new FaultTimeline(3, 1000);
      t.end(t.begin('kill', 1, 'hold', 1000), 3000);
      t.end(t.begin('hang', 2, 'hold', 2000), 2500);
      t.end(t.begin('drop-idle', 0, 'idle cut', 0), 5000);
      return t;
    }

    it('impairment lasts from the fault to its heal plus the settle time; idle cuts do not count', () => {
      const t = timeline();
      assert.equal(t.impairedAt(1, 999), false);
      assert.equal(t.impairedAt(1, 3999), true);
      assert.equal(t.impairedAt(1, 4000), false);
      assert.deepEqual(t.healthyThroughoutAll(2000, 2100), [0]);
      assert.deepEqual(t.healthyThroughoutAll(0, 500), [0, 1, 2]);
    });

    it('a failed read while some coordinator was healthy is a violation; a failed stream after rows from an impaired one is not', () => {
      const records = [
        stmt('read', 2000, 2100, 'failed', { code: 'IMPALA_ERR_NO_COORDINATOR' }),
        stmt('stream', 1500, 1600, 'failed', { code: 'IMPALA_ERR_CONNECTION_LOST', rowsBeforeFailure: 64, coordinator: 'c1:1' }),
      ];
      const r = verdict(checkInvariants(input({ records, timeline: timeline() })), READS);
      assert.equal(r.pass, false);
      assert.equal(r.details.length, 1);
      assert.match(r.details[0]!, /read \[2\.00s\.\.2\.10s\].*c0 healthy throughout/);
      assert.match(r.summary, /2 failed: 1 .* \(violations\), 1 .* \(excused\)/);
    });

    it('a pinned session read fails legitimately only while its own coordinator is impaired', () => {
      const t = timeline();
      const onImpaired = stmt('session-read', 1500, 1600, 'unknown', { code: 'IMPALA_ERR_OUTCOME_UNKNOWN', coordinator: 'c1:1' });
      const onHealthy = stmt('session-read', 1500, 1600, 'failed', { code: 'IMPALA_ERR_SERVER', coordinator: 'c0:1' });
      const lostWhileOthersHealthy = stmt('session-read', 1500, 1600, 'failed', { code: 'IMPALA_ERR_SESSION_LOST', coordinator: 'c1:1' });
      const r = verdict(checkInvariants(input({ records: [onImpaired, onHealthy, lostWhileOthersHealthy], timeline: t })), READS);
      assert.equal(r.details.length, 2, r.details.join('\n'));
      assert.ok(r.details.some((d) => d.includes('IMPALA_ERR_SERVER')));
      assert.ok(r.details.some((d) => d.includes('IMPALA_ERR_SESSION_LOST')));
    });

    it('behind HAProxy a failed read is excused while a backend is impaired and a violation when all were healthy', () => {
      const records = [stmt('read', 2000, 2100, 'failed', { code: 'IMPALA_ERR_NO_COORDINATOR' }), stmt('read', 100, 200, 'failed', { code: 'IMPALA_ERR_NO_COORDINATOR' })];
      const r = verdict(checkInvariants(input({ mode: 'haproxy', records, timeline: timeline() })), READS_PROXY);
      assert.equal(r.pass, false);
      assert.equal(r.details.length, 1);
      assert.match(r.details[0]!, /\[0\.10s\.\.0\.20s\].*every backend was healthy/);
    });

    it('a wrong answer fails even though the call succeeded', () => {
      const records = [stmt('read', 0, 1, 'ok', { wrongResult: 'got n=3, want n=4' })];
      const r = verdict(checkInvariants(input({ records })), 'every successful read returned the right rows');
      assert.equal(r.pass, false);
      assert.match(r.details[0]!, /got n=3, want n=4/);
    });
  });

  describe('resources', () => {
    const flat = (n: number, mb: number, noise = 0): RssSample[] =>
      Array.from({ length: n }, (_, i) => ({ at: i * 500, rssMb: mb + (i % 2 ? noise : -noise), heapMb: 30 + (i % 2 ? noise : -noise) / 2, childMaxMb: 80 }));

    it('a round that missed a requested fault, or left one unhealed, fails', () => {
      const t = new FaultTimeline(3, 1000);
      t.end(t.begin('kill', 0, 'hold', 0), 100);
      const unhealed = t.begin('hang', 1, 'hold', 200);
      const r = verdict(checkInvariants(input({ timeline: t, faultKinds: ['kill', 'hang', 'shutdown'] })), 'every requested fault was injected and healed');
      assert.equal(r.pass, false);
      assert.match(r.details[0]!, /never injected: shutdown/);
      assert.match(r.details[1]!, /fault #2 hang on c1: never healed/);
      t.end(unhealed, 300);
      assert.equal(verdict(checkInvariants(input({ timeline: t, faultKinds: ['kill', 'hang'] })), 'every requested fault was injected and healed').pass, true);
    });

    it('zero sessions and operations after close, no unhandled rejection, nothing hung', () => {
      const results = checkInvariants(
        input({ leftovers: [{ address: 'c0:1', openSessions: 2, openOperations: 1, atCloseSessions: 2, atCloseOperations: 1 }], unhandled: ['unhandled rejection: Error: boom'], hung: ['client.close() did not finish'] }),
      );
      assert.equal(verdict(results, 'zero open sessions and operations on the servers after close').pass, false);
      assert.equal(verdict(results, 'no unhandled rejection or uncaught exception').pass, false);
      assert.equal(verdict(results, 'every call and close settled in bounded time').pass, false);
    });

    it('memory: noise and a passing hump are fine; an RSS over the limit or a rising heap floor in the last half fails', () => {
      assert.equal(verdict(checkInvariants(input({ rss: flat(40, 200, 30) })), 'RSS bounded').pass, true);
      const hump = flat(40, 200).map((s, i) => ({ ...s, heapMb: 30 + (i >= 22 && i < 30 ? 80 : 0) }));
      assert.equal(verdict(checkInvariants(input({ rss: hump })), 'RSS bounded').pass, true);
      assert.equal(verdict(checkInvariants(input({ rss: flat(40, 650) })), 'RSS bounded').pass, false);
      const climbing = flat(40, 200).map((s, i) => ({ ...s, heapMb: 30 + i * 4 }));
      assert.equal(floorGrowthMb(climbing.slice(20), (s) => s.heapMb), 40);
      const r = verdict(checkInvariants(input({ rss: climbing })), 'RSS bounded');
      assert.equal(r.pass, false);
      assert.match(r.details.join('\n'), /heap floor rose 40 MB/);
    });
  });

  it('the seeded generator replays the same sequence and derives independent ones', () => {
    const a = new SeededRandom(42);
    const b = new SeededRandom(42);
    const seqA = Array.from({ length: 5 }, () => a.int(0, 1000));
    assert.deepEqual(Array.from({ length: 5 }, () => b.int(0, 1000)), seqA);
    assert.notDeepEqual(Array.from({ length: 5 }, () => new SeededRandom(42).derive(1).int(0, 1000)), seqA);
  });
});

describe('chaos soak: a deliberately broken retry rule is caught', function () {
  this.timeout(60_000);
  const unhandled = new UnhandledTracker();

  /**
   * A short direct round whose only fault loses the answer of finished DML: the
   * socket drops while CloseImpalaOperation (which carries the DML result) waits for
   * its reply. The statement has run; only the caller does not know.
   */
  const round = (breakRetryDml: boolean) =>
    runRound({
      mode: 'direct',
      durationMs: 4000,
      calmMs: 500,
      random: new SeededRandom(7),
      workers: 12,
      breakRetryDml,
      faults: ['result-drop'],
      processes: false,
      unhandled,
      rssLimitMb: 600,
      // Only the DML verdict matters here: skip waiting for leftover sessions to expire.
      strictClose: true,
      log: () => undefined,
    });

  it('with every INSERT marked idempotent the client runs some twice, and the DML invariant FAILs', async () => {
    const report = await round(true);
    assert.ok(report.timeline.records.some((f) => f.kind === 'result-drop'), 'the drop fault was injected');
    const r = verdict(report.results, DML);
    assert.equal(r.pass, false, r.summary);
    assert.ok(r.details.some((d) => d.startsWith('double execution')), r.details.join('\n'));
  });

  it('with the real rule the same fault gives may-have-run errors and the DML invariant PASSes', async () => {
    const report = await round(false);
    const r = verdict(report.results, DML);
    assert.equal(r.pass, true, r.details.join('\n'));
    assert.ok(report.records.some((x) => x.outcome === 'unknown'), 'some caller was told the statement may have run');
  });
});
