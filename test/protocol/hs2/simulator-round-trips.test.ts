import { strict as assert } from 'node:assert';
import { ErrorCode, ImpalaError } from '../../../src/errors';
import { CoordinatorSession } from '../../../src/protocol/hs2';
import { startCluster, type SimCluster } from '../../../src/testing';

async function rejection(p: Promise<unknown>): Promise<ImpalaError> {
  const err = await p.then(
    () => assert.fail('expected a rejection'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof ImpalaError, `expected an ImpalaError, got ${String(err)}`);
  return err;
}

async function eventually(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 1000 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(cond(), what);
}

describe('HS2 round trips against the simulator', function () {
  this.timeout(30_000);
  let cluster: SimCluster;
  const sessions: CoordinatorSession[] = [];
  /** Replies seen by the sessions' connections, by method, in order (from the call policy's observer). */
  let replies: string[] = [];

  const open = async (): Promise<CoordinatorSession> => {
    const c = cluster.coordinators[0]!;
    const s = await CoordinatorSession.open({ host: c.host, port: c.port, cleanupTimeoutMs: 2000, callPolicy: { observe: (m) => replies.push(m) } });
    sessions.push(s);
    return s;
  };

  before(async function () {
    this.timeout(30_000);
    cluster = await startCluster({ coordinators: 1, fetchRowsTimeoutMs: 2000 });
  });

  afterEach(async () => {
    await Promise.all(sessions.splice(0).map((s) => s.close()));
    await cluster.coordinators[0]!.setAdmission(null);
    replies = [];
  });

  after(async () => {
    await cluster.stop();
  });

  it('select 1 is ExecuteStatement then GetResultSetMetadata with FetchResults, and a background close', async () => {
    const s = await open();
    replies = [];
    const r = await s.query('SELECT 1 AS one');
    assert.deepEqual(r.rows, [{ one: 1 }]);
    assert.deepEqual(replies.slice(0, 3), ['ExecuteStatement', 'GetResultSetMetadata', 'FetchResults']);
    await eventually(() => !s.busy, 'the background close was answered');
    assert.deepEqual(replies, ['ExecuteStatement', 'GetResultSetMetadata', 'FetchResults', 'CloseImpalaOperation']);
  });

  it('a query that fails while running reports the same error through FetchResults (admission rejected, cancelled)', async () => {
    await cluster.coordinators[0]!.setAdmission({ maxRunning: 1, maxQueued: 0 });
    const busy = await open();
    const other = await open();
    const running = rejection(busy.query('SELECT sleep(20000)'));
    await eventually(() => busy.busy && cluster.stats()[0]!.executed.some((e) => e.sql.includes('sleep(20000)')), 'the first query is running');
    const rejected = await rejection(other.query('SELECT 2'));
    assert.equal(rejected.code, ErrorCode.ADMISSION_REJECTED);
    assert.equal(rejected.retryable, true);
    assert.match(rejected.message, /^Rejected query from pool default-pool: queue full/);
    assert.equal(rejected.sqlState, 'HY000');
    assert.match(rejected.queryId ?? '', /^[0-9a-f]{16}:[0-9a-f]{8}00000000$/);
    assert.equal(await busy.cancel(), 1);
    const cancelled = await running;
    assert.equal(cancelled.code, ErrorCode.CANCELLED);
    await eventually(() => !busy.busy && !other.busy, 'both queries closed');
    assert.equal(cluster.stats()[0]!.openOperations, 0);
  });
});
