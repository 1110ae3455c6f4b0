/**
 * A small seeded pseudo-random generator (mulberry32), so a chaos run's fault
 * schedule and statement mix can be replayed from the seed it prints. Not for
 * anything that needs cryptographic randomness.
 */
export class SeededRandom {
  readonly #seed: number;
  #state: number;

  /** @param seed any integer; only its low 32 bits are used. */
  constructor(seed: number) {
    this.#seed = seed >>> 0;
    this.#state = this.#seed;
  }

  /** A float in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick() needs a non-empty array');
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** A shuffled copy (Fisher–Yates). */
  shuffle<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  }

  /**
   * An independent generator derived from this one's seed and `stream`, so each
   * worker and the scheduler draw from their own sequence: one of them drawing more
   * numbers does not shift what the others get.
   */
  derive(stream: number): SeededRandom {
    return new SeededRandom(Math.imul(this.#seed ^ Math.imul(stream + 1, 0x85ebca6b), 0x9e3779b1));
  }
}
