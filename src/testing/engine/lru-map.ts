/**
 * A bounded map that forgets its least recently used entry first, telling its
 * owner about every value it lets go (so native resources can be freed).
 *
 * @internal
 */
export class LruMap<K, V> {
  readonly #capacity: number;
  readonly #onEvict: (value: V) => void;
  // A Map iterates in insertion order: re-inserting on use keeps the oldest first.
  readonly #entries = new Map<K, V>();

  /**
   * @param capacity - entries kept; the oldest goes when one more is added.
   * @param onEvict - called with each value removed by eviction, replacement or {@link clear}.
   */
  constructor(capacity: number, onEvict: (value: V) => void = () => undefined) {
    this.#capacity = capacity;
    this.#onEvict = onEvict;
  }

  /** Entries held. */
  get size(): number {
    return this.#entries.size;
  }

  /** The value under `key`, marked as just used; undefined when absent. */
  get(key: K): V | undefined {
    const value = this.#entries.get(key);
    if (value === undefined) return undefined;
    this.#entries.delete(key);
    this.#entries.set(key, value);
    return value;
  }

  /** Stores `value` under `key`, replacing (and evicting) what was there. */
  set(key: K, value: V): void {
    const old = this.#entries.get(key);
    this.#entries.delete(key);
    if (old !== undefined && old !== value) this.#onEvict(old);
    this.#entries.set(key, value);
    while (this.#entries.size > this.#capacity) {
      const [oldestKey, oldest] = this.#entries.entries().next().value as [K, V];
      this.#entries.delete(oldestKey);
      this.#onEvict(oldest);
    }
  }

  /** Removes every entry, evicting each. */
  clear(): void {
    const values = [...this.#entries.values()];
    this.#entries.clear();
    for (const v of values) this.#onEvict(v);
  }
}
