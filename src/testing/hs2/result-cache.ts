import type { EncodedBatch } from '../engine/types';
import { concatBatches, sliceBatch } from './batch-slices';

/** Impala's `--max_result_cache_size`: the largest `impala.resultset.cache.size` accepted. */
export const MAX_RESULT_CACHE_SIZE = 100_000;

/**
 * The rows a query has returned, kept so FETCH_FIRST can restart the fetch
 * (protocol reference §2.9): enabled per statement by the confOverlay key
 * `impala.resultset.cache.size`. A query's cache holds at most `limit` rows;
 * once more were fetched it is dropped and restarting is refused. Other
 * statements with results (SHOW, DDL summaries, metadata) are small and cached
 * whole whatever the limit, as in Impala.
 *
 * @internal
 */
export class ResultCache {
  readonly limit: number;
  readonly #bounded: boolean;
  #batches: EncodedBatch[] = [];
  #rows = 0;
  #overflowed = false;

  /** @param bounded - whether the limit applies (queries) or everything is kept. */
  constructor(limit: number, bounded: boolean) {
    this.limit = limit;
    this.#bounded = bounded;
  }

  /** Rows held. */
  get rows(): number {
    return this.#rows;
  }

  /** More rows were produced than the limit allows: FETCH_FIRST is no longer possible. */
  get overflowed(): boolean {
    return this.#overflowed;
  }

  /** Keeps rows just produced (after every row before them). */
  append(batch: EncodedBatch): void {
    if (this.#overflowed || batch.rowCount === 0) return;
    if (this.#bounded && this.#rows + batch.rowCount > this.limit) {
      this.#overflowed = true;
      this.#batches = [];
      this.#rows = 0;
      return;
    }
    this.#batches.push(batch);
    this.#rows += batch.rowCount;
  }

  /** Up to `max` cached rows from row `from` (0-based), or undefined when none are there. */
  read(from: number, max: number): EncodedBatch | undefined {
    if (from >= this.#rows || max <= 0) return undefined;
    const parts: EncodedBatch[] = [];
    let offset = 0;
    let wanted = max;
    let at = from;
    for (const b of this.#batches) {
      const end = offset + b.rowCount;
      if (at < end && wanted > 0) {
        const take = Math.min(end - at, wanted);
        parts.push(sliceBatch(b, at - offset, at - offset + take, false));
        at += take;
        wanted -= take;
      }
      offset = end;
    }
    return concatBatches(parts);
  }
}
