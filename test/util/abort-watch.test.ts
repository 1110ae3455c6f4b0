import { strict as assert } from 'node:assert';
import { getEventListeners } from 'node:events';
import { watchAbort } from '../../src/util/abort-watch';

describe('watchAbort (one listener per signal)', () => {
  it('registers one EventTarget listener however many waiters watch the signal, and calls each waiter once on abort', () => {
    const ac = new AbortController();
    const calls: number[] = [];
    const stops = [0, 1, 2].map((i) => watchAbort(ac.signal, () => calls.push(i)));
    assert.equal(getEventListeners(ac.signal, 'abort').length, 1);
    stops[1]!();
    ac.abort();
    ac.abort();
    assert.deepEqual(calls, [0, 2], 'a waiter that stopped watching is not called; none is called twice');
    stops[0]!(); // after the abort: harmless
  });

  it('a waiter that throws does not stop the others; the exception is reported as uncaught, as an EventTarget listener\'s would be', async () => {
    const ac = new AbortController();
    const calls: string[] = [];
    watchAbort(ac.signal, () => {
      throw new Error('boom');
    });
    watchAbort(ac.signal, () => calls.push('second'));
    const reported = new Promise<Error>((resolve) => {
      const listeners = process.listeners('uncaughtException');
      process.removeAllListeners('uncaughtException');
      process.once('uncaughtException', (err) => {
        for (const l of listeners) process.on('uncaughtException', l);
        resolve(err);
      });
    });
    ac.abort();
    assert.deepEqual(calls, ['second']);
    assert.equal((await reported).message, 'boom');
  });

  it('many calls on one long-lived signal leave no waiter behind once they stop watching', () => {
    const ac = new AbortController();
    let fired = 0;
    for (let i = 0; i < 10_000; i++) watchAbort(ac.signal, () => fired++)();
    ac.abort();
    assert.equal(fired, 0);
    assert.equal(getEventListeners(ac.signal, 'abort').length, 0, 'the once listener went with the abort');
  });
});
