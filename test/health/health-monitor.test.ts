import { strict as assert } from 'node:assert';
import { ConnectError, ErrorCode, serverError } from '../../src/errors';
import type { HealthTransition } from '../../src/health/coordinator-health';
import { HealthMonitor, type HealthMonitorOptions } from '../../src/health/health-monitor';
import { FakeClock } from '../helpers/fake-sessions';

const timeout = new ConnectError(ErrorCode.CONNECT_TIMEOUT, 'connecting did not complete within 1000 ms');

describe('HealthMonitor (fake timers)', () => {
  let clock: FakeClock;
  let transitions: HealthTransition[];
  let probeAt: number[];
  let probeResult: () => Promise<void>;
  let monitors: HealthMonitor[];

  beforeEach(() => {
    clock = new FakeClock();
    transitions = [];
    probeAt = [];
    probeResult = () => Promise.reject(timeout);
    monitors = [];
  });
  afterEach(() => {
    for (const m of monitors) m.close();
    clock.restore();
  });

  function monitor(over: Partial<HealthMonitorOptions> = {}): HealthMonitor {
    const m = new HealthMonitor({
      address: 'c1',
      fall: 3,
      rise: 1,
      slowStartMs: 0,
      intervalMs: 1000,
      maxIntervalMs: 8000,
      random: () => 0.5,
      clock,
      probe: () => {
        probeAt.push(clock.now());
        return probeResult();
      },
      onTransition: (t) => transitions.push(t),
      ...over,
    });
    monitors.push(m);
    return m;
  }

  it('a coordinator that does not answer is probed with a doubling, jittered delay up to the cap', async () => {
    const m = monitor();
    m.failure('down', timeout);
    await clock.tick(40_000);
    const gaps = probeAt.map((t, i) => t - (i === 0 ? 0 : probeAt[i - 1]!));
    // Equal jitter with random 0.5: three quarters of 1000, 2000, 4000, then the 8000 cap.
    assert.deepEqual(gaps.slice(0, 5), [750, 1500, 3000, 6000, 6000]);
    assert.equal(m.state, 'down');
  });

  it('while connects are refused: probes every 250 ms ±25%, never doubling, so a coordinator back after a long outage is found at once', async () => {
    const refused = new ConnectError(ErrorCode.CONNECT_REFUSED, 'connection refused');
    let r = 0;
    const m = monitor({ random: () => (r = (r + 0.37) % 1) });
    probeResult = () => Promise.reject(refused);
    m.failure('down', refused);
    await clock.tick(10 * 60_000);
    const gaps = probeAt.map((t, i) => t - (i === 0 ? 0 : probeAt[i - 1]!));
    assert.ok(gaps.every((g) => g >= 187 && g <= 312), `gaps from ${Math.min(...gaps)} to ${Math.max(...gaps)} ms`);
    assert.ok(probeAt.length > 1900, `${probeAt.length} probes in 10 minutes`);
    probeResult = () => Promise.resolve();
    const back = clock.now();
    await clock.tick(312);
    assert.equal(m.state, 'up');
    assert.ok(probeAt.at(-1)! - back <= 312);
  });

  it('comes back up after `rise` successful probes, and probes stop', async () => {
    const m = monitor({ rise: 2 });
    m.failure('down', timeout);
    probeResult = () => Promise.resolve();
    await clock.tick(750);
    assert.equal(m.state, 'down', 'one success of two');
    await clock.tick(750);
    assert.equal(m.state, 'up');
    assert.deepEqual(transitions.map((t) => `${t.from}>${t.to}`), ['up>down', 'down>up']);
    const probes = probeAt.length;
    await clock.tick(60_000);
    assert.equal(probeAt.length, probes, 'no probe while up');
  });

  it('timeouts make it suspect, then down after `fall`; a success in between resets', () => {
    const m = monitor();
    m.failure('suspect', timeout);
    assert.equal(m.state, 'suspect');
    m.success();
    assert.equal(m.state, 'up');
    m.failure('suspect', timeout);
    m.failure('suspect', timeout);
    m.failure('suspect', timeout);
    assert.equal(m.state, 'down');
  });

  it('shutting down drains; a probe that meets the same answer keeps it draining', async () => {
    const m = monitor();
    const shutting = serverError('Server is being shut down: shutdown grace period left: 2m');
    m.failure('draining', shutting);
    assert.equal(m.state, 'draining');
    assert.equal(m.selectable, false);
    probeResult = () => Promise.reject(shutting);
    await clock.tick(5000);
    assert.equal(m.state, 'draining');
  });

  it('probeSoon probes at once, at most once per 500 ms however often it is asked', async () => {
    const m = monitor();
    m.failure('down', timeout);
    m.probeSoon();
    m.probeSoon();
    await clock.flush();
    assert.equal(probeAt.length, 1);
    await clock.tick(100);
    m.probeSoon();
    await clock.flush();
    assert.equal(probeAt.length, 1, 'too soon after the last probe');
    await clock.tick(400);
    m.probeSoon();
    await clock.flush();
    assert.equal(probeAt.length, 2);
  });

  it('its timers never keep the process alive, and close() stops them', async () => {
    const m = monitor();
    m.failure('down', timeout);
    assert.equal(clock.refd.size, 0);
    assert.equal(clock.unrefd.size, 1);
    m.close();
    assert.equal(clock.unrefd.size, 0);
    await clock.tick(60_000);
    assert.equal(probeAt.length, 0);
  });
});
