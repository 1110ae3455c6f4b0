import { strict as assert } from 'node:assert';
import sinon from 'sinon';
import { CallClock } from '../../src/connection/call-clock';

describe('CallClock (one lazy timer for the clocks of a connection\'s calls)', () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
  });
  afterEach(() => clock.restore());

  /** A clock whose check records when it ran and names nothing further due. */
  function recording(): { checks: number[]; c: CallClock } {
    const checks: number[] = [];
    const c = new CallClock((now) => {
      checks.push(now);
      return Number.POSITIVE_INFINITY;
    });
    return { checks, c };
  }

  it('arms one timer for the earliest due time; later due times do not re-arm it', () => {
    const { checks, c } = recording();
    c.due(1000);
    for (let i = 0; i < 50; i++) c.due(1000 + i);
    assert.equal(clock.countTimers(), 1);
    clock.tick(999);
    assert.deepEqual(checks, []);
    clock.tick(1);
    assert.deepEqual(checks, [1000]);
    assert.equal(clock.countTimers(), 0, 'nothing more is due: no timer left');
    c.stop();
  });

  it('an earlier due time re-arms the timer for it', () => {
    const { checks, c } = recording();
    c.due(5000);
    c.due(200);
    assert.equal(clock.countTimers(), 1);
    clock.tick(200);
    assert.deepEqual(checks, [200]);
    c.stop();
  });

  it('arms again for the next due time the check names, and never fires before a due time', () => {
    const checks: number[] = [];
    const dues = [300, 700, Number.POSITIVE_INFINITY];
    const c = new CallClock((now) => {
      checks.push(now);
      return dues.shift()!;
    });
    c.due(100);
    clock.tick(1000);
    assert.deepEqual(checks, [100, 300, 700]);
    assert.equal(clock.countTimers(), 0);
    c.stop();
  });

  it('a fractional due time is checked at or after it, not a fraction early', () => {
    const { checks, c } = recording();
    c.due(10.4);
    clock.tick(10);
    assert.deepEqual(checks, []);
    clock.tick(1);
    assert.equal(checks.length, 1);
    assert.ok(checks[0]! >= 10.4, `checked at ${checks[0]}`);
    c.stop();
  });

  it('stop() clears the timer for good: no check after it, and due() no longer arms', () => {
    let checked = 0;
    const c = new CallClock(() => {
      checked++;
      return Number.POSITIVE_INFINITY;
    });
    c.due(100);
    c.stop();
    assert.equal(clock.countTimers(), 0);
    c.due(50);
    clock.tick(1000);
    assert.equal(checked, 0);
  });

  it('a due time set from inside the check (a queued call written after a timeout) is honoured', () => {
    const checks: number[] = [];
    let c: CallClock | undefined = undefined;
    c = new CallClock((now) => {
      checks.push(now);
      if (checks.length === 1) c!.due(now + 50);
      return Number.POSITIVE_INFINITY;
    });
    c.due(100);
    clock.tick(1000);
    assert.deepEqual(checks, [100, 150]);
    c.stop();
  });
});
