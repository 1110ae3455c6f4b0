/**
 * Small statistics helpers for benchmark figures: percentiles of samples and a
 * median-with-spread summary of repeated runs.
 */

/** Median and spread of one figure over repeated runs (or of one run's samples). */
export interface Summary {
  /** Number of values. */
  n: number;
  median: number;
  min: number;
  max: number;
  /** 25th percentile. */
  p25: number;
  /** 75th percentile. */
  p75: number;
}

/**
 * The `p`-th percentile (0..100) of `sorted` (ascending), by linear interpolation
 * between the closest ranks; NaN for an empty array.
 */
export function percentileOfSorted(sorted: readonly number[], p: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  if (n === 1) return sorted[0]!;
  const rank = (Math.min(Math.max(p, 0), 100) / 100) * (n - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo);
}

/** Sorts a copy ascending (numeric). */
export function sortedCopy(values: readonly number[]): number[] {
  return [...values].sort((a, b) => a - b);
}

/** The `p`-th percentile (0..100) of unsorted `values`. */
export function percentile(values: readonly number[], p: number): number {
  return percentileOfSorted(sortedCopy(values), p);
}

/** Median, min, max and quartiles of the finite `values` (NaN everywhere when there are none). */
export function summarize(values: readonly number[]): Summary {
  const s = sortedCopy(values.filter(Number.isFinite));
  return {
    n: s.length,
    median: percentileOfSorted(s, 50),
    min: s.length ? s[0]! : Number.NaN,
    max: s.length ? s[s.length - 1]! : Number.NaN,
    p25: percentileOfSorted(s, 25),
    p75: percentileOfSorted(s, 75),
  };
}

/** Median of `values`; NaN when empty. */
export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** `a / b`, NaN when either is not a finite number or `b` is 0. */
export function ratio(a: number, b: number): number {
  return Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? a / b : Number.NaN;
}
