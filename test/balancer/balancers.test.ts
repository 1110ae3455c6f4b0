import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { BALANCERS, leastConnections, powerOfTwoChoices, randomChoice, rendezvousPick, roundRobin, affinity, type CoordinatorView } from '../../src/balancer';

const view = (index: number, over: Partial<CoordinatorView> = {}): CoordinatorView => ({
  address: `10.0.0.${index + 1}:21050`,
  index,
  inFlight: 0,
  latencyMs: 0,
  weight: 1,
  ...over,
});

/** A seeded generator so distributions are reproducible. */
function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('balancers', () => {
  it('every policy returns undefined for no candidates and the only one for a single candidate', () => {
    for (const [name, b] of Object.entries(BALANCERS)) {
      assert.equal(b([], { random: Math.random, sequence: 0 }), undefined, name);
      const only = view(0);
      assert.equal(b([only], { random: Math.random, sequence: 5, key: 'k' }), only, name);
    }
  });

  describe('leastconn', () => {
    it('picks the coordinator with the fewest in-flight requests', () => {
      const cs = [view(0, { inFlight: 4 }), view(1, { inFlight: 1 }), view(2, { inFlight: 3 })];
      for (let seq = 0; seq < 6; seq++) assert.equal(leastConnections(cs, { random: Math.random, sequence: seq })!.index, 1);
    });

    it('spreads 30 concurrent requests 10/10/10 over 3 idle coordinators', () => {
      const inFlight = [0, 0, 0];
      for (let seq = 0; seq < 30; seq++) {
        const cs = inFlight.map((n, i) => view(i, { inFlight: n }));
        const c = leastConnections(cs, { random: Math.random, sequence: seq })!;
        inFlight[c.index]!++;
      }
      assert.deepEqual(inFlight, [10, 10, 10]);
    });

    it('gives a coordinator in slow start a share scaled by its weight', () => {
      const inFlight = [0, 0];
      for (let seq = 0; seq < 300; seq++) {
        const cs = [view(0, { inFlight: inFlight[0] }), view(1, { inFlight: inFlight[1], weight: 0.25 })];
        inFlight[leastConnections(cs, { random: Math.random, sequence: seq })!.index]!++;
      }
      assert.ok(inFlight[1]! < inFlight[0]! / 2, `slow-start coordinator took ${inFlight[1]} of 300`);
      assert.ok(inFlight[1]! > 30, `slow-start coordinator was starved: ${inFlight[1]}`);
    });
  });

  describe('p2c', () => {
    it('never picks the most loaded of three when the others are less loaded', () => {
      const random = seeded(1);
      const cs = [view(0, { inFlight: 9 }), view(1, { inFlight: 2 }), view(2, { inFlight: 3 })];
      for (let i = 0; i < 1000; i++) assert.notEqual(powerOfTwoChoices(cs, { random, sequence: i })!.index, 0);
    });

    it('sends less traffic to a coordinator whose requests stay in flight longer', () => {
      // Simulated time: coordinator 2 takes 5x longer, so its requests pile up in flight.
      const random = seeded(7);
      const service = [10, 10, 50];
      const done: number[][] = [[], [], []];
      const count = [0, 0, 0];
      for (let t = 0; t < 3000; t++) {
        for (let i = 0; i < 3; i++) done[i] = done[i]!.filter((end) => end > t);
        const cs = [0, 1, 2].map((i) => view(i, { inFlight: done[i]!.length, latencyMs: service[i]! }));
        const c = powerOfTwoChoices(cs, { random, sequence: t })!;
        done[c.index]!.push(t + service[c.index]!);
        count[c.index]!++;
      }
      assert.ok(count[2]! < count[0]! * 0.6 && count[2]! < count[1]! * 0.6, `slow coordinator got ${count.join('/')}`);
    });

    it('breaks load ties by lower latency', () => {
      const cs = [view(0, { latencyMs: 30 }), view(1, { latencyMs: 5 })];
      for (let i = 0; i < 20; i++) assert.equal(powerOfTwoChoices(cs, { random: Math.random, sequence: i })!.index, 1);
    });
  });

  describe('roundrobin and random', () => {
    it('roundrobin visits coordinators in turn', () => {
      const cs = [view(0), view(1), view(2)];
      const picks = Array.from({ length: 6 }, (_, seq) => roundRobin(cs, { random: Math.random, sequence: seq })!.index);
      assert.deepEqual(picks, [0, 1, 2, 0, 1, 2]);
    });

    it('random follows the weights', () => {
      const random = seeded(3);
      const cs = [view(0), view(1, { weight: 0.5 })];
      const count = [0, 0];
      for (let i = 0; i < 30000; i++) count[randomChoice(cs, { random, sequence: i })!.index]!++;
      const share = count[1]! / 30000;
      assert.ok(Math.abs(share - 1 / 3) < 0.02, `weighted share ${share}`);
    });
  });

  describe('affinity (rendezvous hashing)', () => {
    const three = [view(0), view(1), view(2)];

    it('maps the same key to the same coordinator whatever the candidate order or load', () => {
      fc.assert(
        fc.property(fc.string(), fc.array(fc.nat(20), { minLength: 3, maxLength: 3 }), fc.boolean(), (key, loads, reverse) => {
          const cs = three.map((c, i) => ({ ...c, inFlight: loads[i]! }));
          const a = affinity(cs, { random: Math.random, sequence: 0, key })!;
          const b = affinity(reverse ? [...cs].reverse() : cs, { random: Math.random, sequence: 99, key })!;
          assert.equal(a.address, b.address);
        }),
      );
    });

    it('spreads 1000 keys about evenly and moves only the lost coordinator’s keys (about a third) when one of 3 goes', () => {
      const keys = Array.from({ length: 1000 }, (_, i) => `tenant-${i}`);
      const before = keys.map((k) => rendezvousPick(three, k)!.address);
      const per = three.map((c) => before.filter((a) => a === c.address).length);
      for (const n of per) assert.ok(n > 280 && n < 390, `uneven spread ${per.join('/')}`);
      const after = keys.map((k) => rendezvousPick([three[0]!, three[2]!], k)!.address);
      let moved = 0;
      for (let i = 0; i < keys.length; i++) {
        if (before[i] !== after[i]) {
          moved++;
          assert.equal(before[i], three[1]!.address, `key ${keys[i]} moved although its coordinator stayed`);
        }
      }
      assert.equal(moved, per[1]);
      assert.ok(moved > 280 && moved < 390, `moved ${moved}`);
    });

    it('falls back to least connections without a key', () => {
      const cs = [view(0, { inFlight: 5 }), view(1, { inFlight: 0 }), view(2, { inFlight: 5 })];
      assert.equal(affinity(cs, { random: Math.random, sequence: 0 })!.index, 1);
    });
  });
});
