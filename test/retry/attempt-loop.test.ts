import { strict as assert } from 'node:assert';
import { getEventListeners } from 'node:events';
import {
  AbortedError,
  ConnectError,
  ConnectionLostError,
  ErrorCode,
  NoCoordinatorError,
  OutcomeUnknownError,
  QueryTimeoutError,
  SessionLostError,
  serverError,
} from '../../src/errors';
import { RetryBudget } from '../../src/retry/retry-budget';
import { runAttempts, type Attempt, type AttemptPlan, type AttemptSettings } from '../../src/retry/attempt-loop';
import type { StatementKind } from '../../src/retry/statement-kind';
import { EventLog, FakeClock } from '../helpers/fake-sessions';

const SETTINGS: AttemptSettings = { retries: 2, baseDelayMs: 100, maxDelayMs: 1000 };
const lost = (method = 'GetOperationStatus'): ConnectionLostError => new ConnectionLostError('the connection was lost', true, { method, coordinator: 'c' });

/** A plan whose attempts follow a script: each entry fails with an error or succeeds with a value. */
function scripted(kind: StatementKind, steps: Array<Error | string>, opts: { idempotent?: boolean; sent?: boolean; coordinators?: string[] } = {}) {
  const seen: Attempt[] = [];
  const plan: AttemptPlan<string> = {
    spec: { kind, idempotent: opts.idempotent === true, label: "'STATEMENT'" },
    async run(attempt) {
      seen.push(attempt);
      const coordinator = opts.coordinators?.[attempt.number - 1] ?? `c${attempt.number}`;
      const step = steps[attempt.number - 1];
      if (step instanceof NoCoordinatorError) throw step; // nothing selected
      attempt.startedOn(coordinator);
      attempt.progress.statementSent = opts.sent !== false;
      if (step === undefined) throw new Error('no more steps');
      if (step instanceof Error) throw step;
      return step;
    },
  };
  return { plan, seen };
}

describe('runAttempts (fake plans, fake timers)', () => {
  let clock: FakeClock;
  let log: EventLog;
  let budget: RetryBudget;
  beforeEach(() => {
    clock = new FakeClock();
    log = new EventLog();
    budget = new RetryBudget({ ratio: 0.2, minPerSecond: 10 }, () => clock.now());
  });
  afterEach(() => clock.restore());

  const deps = () => ({ budget, clock, random: () => 0.5, emit: log.sink });

  it('retries a read that lost its connection before any row, after a full-jitter delay, on another coordinator', async () => {
    const { plan, seen } = scripted('read', [lost(), 'rows']);
    const done = runAttempts(plan, SETTINGS, deps());
    await clock.flush();
    assert.equal(seen.length, 1);
    await clock.tick(49);
    assert.equal(seen.length, 1, 'still backing off (random 0.5 × base 100)');
    await clock.tick(1);
    const r = await done;
    assert.deepEqual([r.value, r.attempts, r.coordinator], ['rows', 2, 'c2']);
    assert.equal(seen[1]!.target, 'same');
    assert.deepEqual([...seen[1]!.tried], ['c1', 'c2']);
    assert.deepEqual(log.of('retried').map((e) => [e.coordinator, e.attempt, e.delayMs]), [['c1', 2, 50]]);
    assert.deepEqual(log.of('failedOver').map((e) => [e.from, e.coordinator]), [['c1', 'c2']]);
  });

  it('never retries DML whose ExecuteStatement was written, and says it may have run', async () => {
    const { plan, seen } = scripted('dml', [lost(), 'never']);
    const err = await runAttempts(plan, SETTINGS, deps()).catch((e: unknown) => e);
    assert.ok(err instanceof OutcomeUnknownError, String(err));
    assert.equal(err.mayHaveRun, true);
    assert.equal(err.coordinator, 'c1');
    assert.match(err.message, /may have run on c1.*not marked idempotent/);
    assert.equal(seen.length, 1);
  });

  it('an idempotent statement that may have run, whose retry finds no coordinator, still says it may have run', async () => {
    const none = new NoCoordinatorError(new Map([['c1', lost()]]), { states: new Map([['c1', 'down']]) });
    const { plan } = scripted('dml', [lost(), none, none], { idempotent: true });
    const done = runAttempts(plan, SETTINGS, deps()).catch((e: unknown) => e);
    await clock.tick(5000);
    const err = await done;
    assert.ok(err instanceof OutcomeUnknownError, String(err));
    assert.ok(err.cause instanceof NoCoordinatorError);
    assert.match(err.message, /may have run on c1 before it was retried/);
  });

  it('a connect failure is retried elsewhere whatever the statement; an auth failure is not retried', async () => {
    const refused = new ConnectError(ErrorCode.CONNECT_REFUSED, 'refused', { coordinator: 'c1' });
    const { plan, seen } = scripted('ddl', [refused, 'ok'], { sent: false });
    const done = runAttempts(plan, SETTINGS, deps());
    await clock.tick(1000);
    assert.equal((await done).attempts, 2);
    assert.equal(seen[1]!.target, 'other');
    const auth = scripted('read', [new ConnectError(ErrorCode.AUTH_FAILED, 'authentication failed', { coordinator: 'c1' }), 'ok'], { sent: false });
    await assert.rejects(runAttempts(auth.plan, SETTINGS, deps()), (e: unknown) => e instanceof ConnectError && e.code === ErrorCode.AUTH_FAILED);
  });

  it('stops after `retries` extra attempts and lets the plan explain the last failure', async () => {
    const { plan, seen } = scripted('read', [lost(), lost(), lost(), 'never']);
    const explained = new Error('everything is down');
    plan.exhausted = () => explained;
    const done = runAttempts(plan, SETTINGS, deps()).catch((e: unknown) => e);
    await clock.tick(5000);
    assert.equal(await done, explained);
    assert.equal(seen.length, 3);
  });

  it('a retry that reached a coordinator takes from the shared budget; one that reached none does not', async () => {
    budget = new RetryBudget({ ratio: 0, minPerSecond: 0.1 }, () => clock.now()); // one retry per 10 s window
    const first = scripted('read', [lost(), 'ok']);
    const a = runAttempts(first.plan, SETTINGS, deps());
    await clock.tick(1000);
    assert.equal((await a).attempts, 2);
    const second = scripted('read', [lost(), 'ok']);
    await assert.rejects(runAttempts(second.plan, SETTINGS, deps()), ConnectionLostError);
    assert.equal(second.seen.length, 1, 'budget spent: not retried');
    const none = new NoCoordinatorError(new Map());
    const third = scripted('read', [none, 'ok']);
    const c = runAttempts(third.plan, SETTINGS, deps());
    await clock.tick(1000);
    assert.equal((await c).attempts, 2, 'a retry that reached no coordinator costs nothing');
    assert.equal(budget.snapshot().retries, 1);
    assert.equal(log.of('retried').length, 1);
  });

  it('the plan repairs after a failure; a repair that fails ends the request, marked may-have-run when it applies', async () => {
    const { plan } = scripted('dml', [lost()]);
    const repairs: string[] = [];
    plan.afterFailure = async (err, decision) => {
      repairs.push(`${(err as ConnectionLostError).code} ${decision.target} ${decision.retry}`);
      throw new SessionLostError('session lost');
    };
    const err = await runAttempts(plan, SETTINGS, deps()).catch((e: unknown) => e);
    assert.deepEqual(repairs, ['IMPALA_ERR_CONNECTION_LOST same false']);
    assert.ok(err instanceof OutcomeUnknownError);
    assert.ok(err.cause instanceof SessionLostError);
  });

  it('a server answer that proves the statement did not run is retried even for DML, on another coordinator', async () => {
    const shut = serverError('Server is being shut down: shutdown grace period left: 2m');
    const { plan, seen } = scripted('dml', [shut, 'ok']);
    const done = runAttempts(plan, SETTINGS, deps());
    await clock.tick(1000);
    assert.equal((await done).attempts, 2);
    assert.equal(seen[1]!.target, 'other');
  });

  it('the caller\'s abort ends the request at once with AbortedError, also during a backoff', async () => {
    const ac = new AbortController();
    const { plan } = scripted('read', [lost(), 'ok']);
    const done = runAttempts(plan, { ...SETTINGS, baseDelayMs: 10_000, maxDelayMs: 10_000 }, deps(), { signal: ac.signal }).catch((e: unknown) => e);
    await clock.tick(10);
    ac.abort(new Error('user'));
    const err = await done;
    assert.ok(err instanceof AbortedError);
    assert.equal((err.cause as Error).message, 'user');
  });

  it('timeoutMs bounds the whole request with QueryTimeoutError', async () => {
    const plan: AttemptPlan<string> = {
      spec: { kind: 'read', idempotent: false, label: "'x'" },
      run: (attempt) => new Promise((_, reject) => attempt.signal.addEventListener('abort', () => reject(attempt.signal.reason))),
    };
    const done = runAttempts(plan, SETTINGS, deps(), { timeoutMs: 300 }).catch((e: unknown) => e);
    await clock.tick(300);
    const err = await done;
    assert.ok(err instanceof QueryTimeoutError);
    assert.equal(clock.refd.size, 0, 'the deadline timer is cleared');
  });
  it('the client\'s close signal alone (no caller signal, no bound) ends a running attempt and a backoff with its reason', async () => {
    const close = new AbortController();
    const hanging: AttemptPlan<string> = {
      spec: { kind: 'read', idempotent: false, label: "'x'" },
      run: (attempt) => new Promise((_, reject) => attempt.signal.addEventListener('abort', () => reject(attempt.signal.reason))),
    };
    const running = runAttempts(hanging, SETTINGS, deps(), { closeSignal: close.signal }).catch((e: unknown) => e);
    await clock.flush();
    const reason = new AbortedError('the client closed');
    close.abort(reason);
    assert.equal(await running, reason);

    const close2 = new AbortController();
    const { plan, seen } = scripted('read', [lost(), 'ok']);
    const backingOff = runAttempts(plan, { ...SETTINGS, baseDelayMs: 10_000, maxDelayMs: 10_000 }, deps(), { closeSignal: close2.signal }).catch((e: unknown) => e);
    await clock.tick(10);
    close2.abort(reason);
    assert.equal(await backingOff, reason);
    assert.equal(seen.length, 1, 'no second attempt after the close');
  });

  it('a caller signal together with the close signal: whichever fires first ends the request, and each signal carries one listener at most however many requests wait on it', async () => {
    const caller = new AbortController();
    const close = new AbortController();
    const listeners = (s: AbortSignal): number => getEventListeners(s, 'abort').length;
    for (let i = 0; i < 20; i++) {
      const { plan } = scripted('read', ['ok']);
      const result = await runAttempts(plan, SETTINGS, deps(), { signal: caller.signal, closeSignal: close.signal });
      assert.equal(result.value, 'ok');
    }
    // One shared listener per signal at most, however many requests used it.
    assert.ok(listeners(caller.signal) <= 1, `the caller signal has ${listeners(caller.signal)} listeners`);
    assert.ok(listeners(close.signal) <= 1, `the close signal has ${listeners(close.signal)} listeners`);

    const hanging: AttemptPlan<string> = {
      spec: { kind: 'read', idempotent: false, label: "'x'" },
      run: (attempt) => new Promise((_, reject) => attempt.signal.addEventListener('abort', () => reject(attempt.signal.reason))),
    };
    const closing = runAttempts(hanging, SETTINGS, deps(), { signal: caller.signal, closeSignal: close.signal }).catch((e: unknown) => e);
    await clock.flush();
    const reason = new AbortedError('the client closed');
    close.abort(reason);
    assert.equal(await closing, reason, 'the close reason, not an AbortedError wrapping it');
  });
});
