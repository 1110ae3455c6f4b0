import { strict as assert } from 'node:assert';
import type { CoordinatorView } from '../../src/balancer';
import { ClosedError, NoCoordinatorError } from '../../src/errors';
import type { HealthState } from '../../src/health/coordinator-health';
import { Cluster, type ClusterMember } from '../../src/pool/cluster';
import type { CoordinatorStats } from '../../src/pool/coordinator-pool';

/** A coordinator as the cluster sees it, with a settable state and a count of state reads. */
class FakeMember implements ClusterMember {
  readonly view: CoordinatorView;
  inFlight = 0;
  #state: HealthState = 'up';
  lastError: Error | undefined;
  probes = 0;
  stateReads = 0;
  readonly #listeners: Array<() => void> = [];

  constructor(
    readonly address: string,
    readonly index: number,
  ) {
    const self = this;
    this.view = {
      address,
      index,
      get inFlight() {
        return self.inFlight;
      },
      latencyMs: 0,
      weight: 1,
    };
  }

  get state(): HealthState {
    return this.#state;
  }

  get selectable(): boolean {
    this.stateReads++;
    return this.#state === 'up' || this.#state === 'suspect';
  }

  set(state: HealthState, error?: Error): void {
    const was = this.selectable;
    this.#state = state;
    this.lastError = error;
    if (was !== this.selectable) for (const l of this.#listeners) l();
  }

  onSelectableChange(listener: () => void): void {
    this.#listeners.push(listener);
  }

  probeSoon(): void {
    this.probes++;
  }

  stats(): CoordinatorStats {
    return { address: this.address, state: this.#state } as CoordinatorStats;
  }

  async close(): Promise<void> {}

  cut(): void {}
}

const members = (n: number): FakeMember[] => Array.from({ length: n }, (_, i) => new FakeMember(`10.0.0.${i + 1}:21050`, i));

describe('Cluster (fake coordinators)', () => {
  it('picks only selectable coordinators, by the policy, from live numbers', () => {
    const ms = members(3);
    const cluster = new Cluster(ms, 'leastconn', () => 0.5);
    ms[0]!.inFlight = 5;
    ms[1]!.set('down', new Error('refused'));
    ms[2]!.inFlight = 1;
    for (let i = 0; i < 5; i++) assert.equal(cluster.select(undefined), ms[2]);
    ms[2]!.inFlight = 9;
    assert.equal(cluster.select(undefined), ms[0], 'the live in-flight count is read at each pick');
  });

  it('avoids the coordinators a request already tried while another is selectable', () => {
    const ms = members(3);
    const cluster = new Cluster(ms, 'roundrobin', () => 0.5);
    for (let i = 0; i < 6; i++) {
      const picked = cluster.select(undefined, new Set([ms[0]!.address, ms[1]!.address]));
      assert.equal(picked, ms[2]);
    }
    const all = new Set(ms.map((m) => m.address));
    assert.ok(ms.includes(cluster.select(undefined, all)), 'with every one tried, any selectable one');
  });

  it('rebuilds its candidate list only when some coordinator becomes selectable or stops being so', () => {
    const ms = members(300);
    const cluster = new Cluster(ms, 'p2c', () => 0.25);
    cluster.select(undefined);
    const reads = (): number => ms.reduce((n, m) => n + m.stateReads, 0);
    const before = reads();
    for (let i = 0; i < 1000; i++) cluster.select(undefined);
    assert.equal(reads(), before, 'no per-pick scan of every coordinator');
    ms[7]!.set('down');
    const afterChange = reads();
    cluster.select(undefined);
    assert.ok(reads() > afterChange, 'rebuilt after a change');
    for (let i = 0; i < 100; i++) assert.notEqual(cluster.select(undefined), ms[7]);
  });

  it('sends a keyed call to the key\'s rendezvous coordinator whatever the policy', () => {
    const ms = members(5);
    const cluster = new Cluster(ms, 'roundrobin', () => 0.5);
    const first = cluster.select('tenant-42');
    for (let i = 0; i < 10; i++) assert.equal(cluster.select('tenant-42'), first);
  });

  it('with none selectable: probes every coordinator and throws NoCoordinatorError keyed by plain address, states apart', () => {
    const ms = members(3);
    const cluster = new Cluster(ms, 'leastconn', () => 0.5);
    ms[0]!.set('down', new Error('refused'));
    ms[1]!.set('draining', new Error('Server is being shut down'));
    ms[2]!.set('down');
    let err: unknown;
    try {
      cluster.select(undefined);
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof NoCoordinatorError);
    assert.deepEqual([...err.errors.keys()], ms.map((m) => m.address));
    assert.deepEqual([...err.states.entries()], [
      [ms[0]!.address, 'down'],
      [ms[1]!.address, 'draining'],
      [ms[2]!.address, 'down'],
    ]);
    assert.match(err.message, /10\.0\.0\.2:21050 \(draining\): Error: Server is being shut down/);
    assert.deepEqual(ms.map((m) => m.probes), [1, 1, 1]);
    assert.ok(cluster.unavailableError(undefined) instanceof NoCoordinatorError);
  });

  it('tries a lone coordinator even while it is down', () => {
    const [only] = members(1);
    const cluster = new Cluster([only!], 'leastconn', () => 0.5);
    only!.set('down');
    assert.equal(cluster.select(undefined), only);
  });

  it('refuses to select once closed', async () => {
    const cluster = new Cluster(members(2), 'leastconn', () => 0.5);
    await cluster.close();
    assert.throws(() => cluster.select(undefined), ClosedError);
  });
});
