import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { ConnectError, ConnectionLostError, ErrorCode, RpcTimeoutError, serverError } from '../../src/errors';
import { RetryBudget, decideRetry, describeStatement, fullJitterDelay, healthSignal, statementKind, type RetryContext } from '../../src/retry';

const ctx = (over: Partial<RetryContext> = {}): RetryContext => ({ kind: 'read', idempotent: false, rowsDelivered: false, statementSent: true, ...over });
const lostWritten = new ConnectionLostError('lost', true, { method: 'GetOperationStatus' });

describe('statementKind', () => {
  const cases: Array<[string, string]> = [
    ['SELECT 1', 'read'],
    ['  select * from t', 'read'],
    ['-- comment\nSELECT 1', 'read'],
    ['/* hint */ (SELECT 1) UNION (SELECT 2)', 'read'],
    ['WITH x AS (SELECT 1) SELECT * FROM x', 'read'],
    ['WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x', 'dml'],
    ['WITH x AS (SELECT "INSERT") SELECT * FROM x', 'read'],
    ['values (1), (2)', 'read'],
    ['SHOW TABLES', 'read'],
    ['DESCRIBE t', 'read'],
    ['EXPLAIN INSERT INTO t VALUES (1)', 'read'],
    ['INSERT INTO t VALUES (1)', 'dml'],
    ['insert overwrite t select 1', 'dml'],
    ['UPSERT INTO k VALUES (1)', 'dml'],
    ['DELETE FROM k WHERE id = 1', 'dml'],
    ['UPDATE k SET a = 1', 'dml'],
    ['LOAD DATA INPATH "/x" INTO TABLE t', 'dml'],
    ['TRUNCATE TABLE t', 'dml'],
    ['CREATE TABLE t (a INT)', 'ddl'],
    ['DROP TABLE t', 'ddl'],
    ['ALTER TABLE t ADD COLUMNS (b INT)', 'ddl'],
    ['COMPUTE STATS t', 'ddl'],
    ['INVALIDATE METADATA t', 'ddl'],
    ['REFRESH t', 'ddl'],
    ['SET MEM_LIMIT=1g', 'session'],
    ['use sales', 'session'],
    ['', 'unknown'],
    ['-- only a comment', 'unknown'],
    [':shutdown()', 'unknown'],
  ];
  for (const [sql, kind] of cases) it(`${JSON.stringify(sql)} is ${kind}`, () => assert.equal(statementKind(sql), kind));

  it('never throws on arbitrary text', () => {
    fc.assert(fc.property(fc.string(), (s) => typeof statementKind(s) === 'string'));
  });
});

describe('decideRetry', () => {
  it('always retries what never reached a coordinator', () => {
    for (const kind of ['read', 'dml', 'ddl', 'unknown'] as const) {
      const refused = new ConnectError(ErrorCode.CONNECT_REFUSED, 'refused');
      assert.equal(decideRetry(refused, ctx({ kind, statementSent: false })).retry, true);
      const queued = new ConnectionLostError('lost before sending', false, { method: 'ExecuteStatement' });
      assert.equal(decideRetry(queued, ctx({ kind, statementSent: false })).retry, true);
    }
  });

  it('does not retry auth or TLS failures', () => {
    assert.equal(decideRetry(new ConnectError(ErrorCode.AUTH_FAILED, 'no'), ctx({ statementSent: false })).retry, false);
    assert.equal(decideRetry(new ConnectError(ErrorCode.TLS_FAILED, 'no'), ctx({ statementSent: false })).retry, false);
  });

  it('retries a read-only statement before any row was delivered, never after', () => {
    assert.equal(decideRetry(lostWritten, ctx()).retry, true);
    assert.equal(decideRetry(new RpcTimeoutError('FetchResults', 100), ctx()).retry, true);
    const after = decideRetry(lostWritten, ctx({ rowsDelivered: true }));
    assert.equal(after.retry, false);
  });

  it('never retries DML or DDL whose ExecuteStatement was written, and says it may have run', () => {
    for (const kind of ['dml', 'ddl', 'unknown'] as const) {
      const d = decideRetry(lostWritten, ctx({ kind }));
      assert.deepEqual([d.retry, d.mayHaveRun], [false, true], kind);
    }
  });

  it('retries DML marked idempotent', () => {
    const d = decideRetry(lostWritten, ctx({ kind: 'dml', idempotent: true }));
    assert.deepEqual([d.retry, d.mayHaveRun], [true, true]);
  });

  it('retries server answers that prove the statement did not run, even for DML', () => {
    const shut = serverError('Server is being shut down: shutdown grace period left: 2m, deadline left: 1h, queries registered on coordinator: 0, queries executing: 0, fragment instances: 0.\n');
    assert.equal(shut.code, ErrorCode.SERVER_SHUTTING_DOWN);
    assert.equal(decideRetry(shut, ctx({ kind: 'dml' })).retry, true);
    const session = serverError('Invalid session id: 1234abcd:5678\n');
    assert.equal(decideRetry(session, ctx({ kind: 'dml' })).retry, true);
    const analysis = serverError('Query 0123456789abcdef:0123456700000000 failed:\nAnalysisException: Could not resolve table reference: \'default.t\'\n');
    assert.equal(analysis.code, ErrorCode.OBJECT_NOT_FOUND);
    assert.equal(analysis.queryId, '0123456789abcdef:0123456700000000');
    assert.equal(decideRetry(analysis, ctx()).retry, false);
  });

  it('maps failures to health signals', () => {
    assert.equal(healthSignal(new ConnectError(ErrorCode.CONNECT_REFUSED, 'x')), 'down');
    assert.equal(healthSignal(lostWritten), 'down');
    assert.equal(healthSignal(new RpcTimeoutError('ExecuteStatement', 10)), 'suspect');
    assert.equal(healthSignal(serverError('Server is being shut down: x')), 'draining');
    assert.equal(healthSignal(serverError('Invalid session id: abc')), 'restarted');
    assert.equal(healthSignal(serverError('AnalysisException: nope')), 'none');
    assert.equal(healthSignal(new Error('plain')), 'none');
  });
});

describe('RetryBudget', () => {
  it('allows minPerSecond × window retries with no traffic, then ratio × requests', () => {
    let now = 0;
    const budget = new RetryBudget({ ratio: 0.2, minPerSecond: 1, windowMs: 10_000 }, () => now);
    let allowed = 0;
    while (budget.tryRetry()) allowed++;
    assert.equal(allowed, 10);
    for (let i = 0; i < 100; i++) budget.recordRequest();
    let more = 0;
    while (budget.tryRetry()) more++;
    assert.equal(more, 20);
    now += 11_000; // the window slides past everything
    assert.deepEqual(budget.snapshot(), { requests: 0, retries: 0 });
    assert.equal(budget.tryRetry(), true);
  });
});

describe('fullJitterDelay', () => {
  it('stays within [0, min(cap, base·2^attempt))', () => {
    fc.assert(
      fc.property(fc.nat(40), fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 1, max: 100_000 }), fc.double({ min: 0, max: 0.999999, noNaN: true }), (a, base, cap, r) => {
        const d = fullJitterDelay(a, base, cap, () => r);
        return d >= 0 && d < Math.max(1, Math.min(cap, base * 2 ** a));
      }),
    );
  });
});

describe('describeStatement and statementKind on long and repeated texts', () => {
  it('names a multi-megabyte statement by its head, collapsed, with an ellipsis', () => {
    const sql = `INSERT   INTO t\n  VALUES ${'(1, \'x\'), '.repeat(300_000)}(2, 'y')`;
    const label = describeStatement(sql);
    assert.equal(label, `'INSERT INTO t VALUES (1, 'x'), (1, 'x'), (1, 'x'), (1, 'x...'`);
    assert.equal(statementKind(sql), 'dml');
  });

  it('a short statement is named whole; a head longer than 60 characters after collapsing is cut', () => {
    assert.equal(describeStatement('  select\n\t1  '), "'select 1'");
    assert.equal(describeStatement(`select ${'x'.repeat(100)}`), `'select ${'x'.repeat(50)}...'`);
    // 240+ characters of which most are blanks: still marked as cut.
    assert.equal(describeStatement(`select${' '.repeat(300)}1`), "'select ...'");
  });

  it('the remembered kind of a text is the kind of that exact text', () => {
    for (let i = 0; i < 3000; i++) assert.equal(statementKind(`SELECT ${i}`), 'read');
    assert.equal(statementKind('INSERT INTO t VALUES (1)'), 'dml');
    assert.equal(statementKind('insert into t values (1)'), 'dml');
    assert.equal(statementKind('  SELECT 1'), 'read');
    assert.equal(statementKind('SET x=1'), 'session');
  });
});
