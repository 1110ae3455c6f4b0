import { strict as assert } from 'node:assert';
import * as sinon from 'sinon';
import { Progress, QUIET_MS, TICK_MS } from '../../src/cli/progress';

describe('query progress ticker', () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    clock = sinon.useFakeTimers();
  });
  afterEach(() => clock.restore());

  it('on a terminal: silent for the first second, then redraws the elapsed time in place, and erases it on stop', () => {
    const written: string[] = [];
    const p = new Progress({ isTty: true, write: (t) => written.push(t) }, 'running');
    clock.tick(QUIET_MS - TICK_MS);
    assert.deepEqual(written, [], 'a fast statement shows nothing');
    clock.tick(TICK_MS * 3);
    assert.ok(written.length >= 3);
    assert.match(written.at(-1)!, /^\r\x1b\[2K {2}running 1\.[0-9]s$/);
    p.stop();
    assert.equal(written.at(-1), '\r\x1b[2K');
    const count = written.length;
    clock.tick(TICK_MS * 10);
    p.stop();
    assert.equal(written.length, count, 'stopped for good; a second stop writes nothing');
  });

  it('not on a terminal: never writes and sets no timer', () => {
    const written: string[] = [];
    const p = new Progress({ isTty: false, write: (t) => written.push(t) }, 'running');
    assert.equal(clock.countTimers(), 0);
    clock.tick(10_000);
    p.stop();
    assert.deepEqual(written, []);
  });
});
