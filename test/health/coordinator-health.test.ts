import { strict as assert } from 'node:assert';
import { CoordinatorHealth } from '../../src/health/coordinator-health';

const err = new Error('boom');

describe('CoordinatorHealth', () => {
  it('goes down on the first refused connect or reset', () => {
    const h = new CoordinatorHealth({ fall: 3, rise: 2, slowStartMs: 0 });
    assert.deepEqual(h.onFailure('down', err), { from: 'up', to: 'down', reason: 'boom' });
    assert.equal(h.selectable, false);
    assert.equal(h.onFailure('down', err), undefined);
  });

  it('becomes suspect on a timeout and down after `fall` consecutive timeouts; a success resets', () => {
    const h = new CoordinatorHealth({ fall: 3, rise: 2, slowStartMs: 0 });
    assert.equal(h.onFailure('suspect', err)?.to, 'suspect');
    assert.equal(h.selectable, true);
    assert.equal(h.onSuccess()?.to, 'up');
    h.onFailure('suspect', err);
    h.onFailure('suspect', err);
    assert.equal(h.onFailure('suspect', err)?.to, 'down');
  });

  it('comes back after `rise` consecutive successful probes, with a slow start', () => {
    const h = new CoordinatorHealth({ fall: 3, rise: 2, slowStartMs: 1000 });
    h.onFailure('down', err);
    assert.equal(h.onProbe(true, 0), undefined);
    assert.equal(h.onProbe(false, 10, err), undefined);
    assert.equal(h.probeAttempt, 1);
    assert.equal(h.onProbe(true, 20), undefined);
    assert.equal(h.onProbe(true, 30)?.to, 'up');
    assert.equal(h.weight(30), 0.25, 'starts with real traffic: a quarter');
    assert.ok(Math.abs(h.weight(530) - 0.625) < 1e-9, 'then a linear ramp');
    assert.equal(h.weight(1030), 1);
    assert.equal(h.lastError, undefined);
  });

  it('drains on shutdown, then goes down when the process is gone', () => {
    const h = new CoordinatorHealth({ fall: 3, rise: 1, slowStartMs: 0 });
    assert.equal(h.onFailure('draining', err)?.to, 'draining');
    assert.equal(h.selectable, false);
    assert.equal(h.onProbe(false, 0, err, true), undefined);
    assert.equal(h.onProbe(false, 0, new Error('refused'))?.to, 'down');
    assert.equal(h.onProbe(true, 5)?.to, 'up');
  });
});
