import { strict as assert } from 'node:assert';
import { createClient, type ImpalaClient } from '../../src';
import { startCluster, type SimCluster } from '../../src/testing';

/**
 * Every running request of a client can wait on the client's one close signal. Under
 * ordinary concurrency that is more than Node's 10-listener warning threshold; the
 * warning must not reach the application's stderr.
 */
describe('many concurrent calls share the client\'s close signal without a listener warning (simulator)', () => {
  let cluster: SimCluster;
  let impala: ImpalaClient | undefined;
  const warnings: Error[] = [];
  const onWarning = (w: Error): void => {
    if (w.name === 'MaxListenersExceededWarning') warnings.push(w);
  };
  before(async () => {
    cluster = await startCluster({ coordinators: 2 });
    process.on('warning', onWarning);
  });
  after(async () => {
    process.off('warning', onWarning);
    await impala?.close();
    await cluster.stop();
  });

  it('40 concurrent queries with a caller signal and a time bound, then 40 with defaults (sessions waited for): all answer, no MaxListenersExceededWarning', async () => {
    impala = createClient({ url: cluster.url, maxConnectionsPerCoordinator: 4 });
    const ac = new AbortController();
    const withSignal = await Promise.all(Array.from({ length: 40 }, (_, i) => impala!.query(`SELECT ${i} AS v`, { signal: ac.signal, timeoutMs: 30_000 })));
    assert.deepEqual(withSignal.map((r) => Number(r.rows[0]!.v)), Array.from({ length: 40 }, (_, i) => i));
    const plain = await Promise.all(Array.from({ length: 40 }, (_, i) => impala!.query(`SELECT ${i} AS v`)));
    assert.equal(plain.length, 40);
    // Warnings are emitted on the next tick.
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(warnings.map((w) => w.message), []);
  });
});
