import type { LoadResult } from './load';
import { bucketize } from './load';
import { median } from './stats';

/** Settings of {@link analyzeRecovery}. */
export interface RecoveryWindow {
  /** When the fault was injected, ms from the load's start. */
  faultAtMs: number;
  /** When the coordinator was restored, ms from the load's start. */
  restoreAtMs: number;
  /** Pre-fault samples start here (after the client's warm-up), in ms. */
  baselineFromMs: number;
  /** Throughput bucket, in ms. Default 250. */
  bucketMs?: number;
  /** Buckets averaged to smooth throughput (a 250 ms bucket holds few queries). Default 4 (1 s). */
  smoothBuckets?: number;
  /** Share of the pre-fault throughput that counts as "full". Default 0.9. */
  threshold?: number;
  /** How long throughput must stay full to count as recovered, in ms. Default 2000. */
  holdMs?: number;
  /** A call at least this slow counts as stalled (normal calls take well under), in ms. Default 1000. */
  stallMs?: number;
}

/** What a fault did to callers. */
export interface RecoveryFigures {
  /** Caller-visible errors during the whole run. */
  errors: number;
  /** Errors between the fault and the restore. */
  errorsDuringFault: number;
  /** Median completed queries/s before the fault. */
  baselineQps: number;
  /**
   * From the fault until throughput was back at the threshold and stayed there for
   * `holdMs` (or until the restore), in ms, judged on a 1 s rolling rate (resolution
   * one bucket); 0 when it never fell below; NaN when it had not come back by the restore.
   */
  recoveryMs: number;
  /** Lowest 1 s rolling throughput during the fault window, as a share of the baseline. */
  dip: number;
  /** Longest call (successful or failed) that ended during the fault window, in ms. */
  slowestMs: number;
  /**
   * From the fault until the last caller was hurt: the end of the last call that failed
   * or stalled (≥ `stallMs`) before the restore, in ms; 0 when none was. Unlike the
   * throughput figure it does not depend on how steady the machine's throughput is.
   */
  lastDisruptionMs: number;
  /** Successful queries between the fault and the restore. */
  servedDuringFault: number;
  /** Throughput per bucket over the run, queries/s (for the raw results). */
  series: number[];
}

/**
 * Reads a fault run's completions: the throughput before the fault, how deep it
 * fell, and when it came back to `threshold` × that for `holdMs` (1 s rolling
 * average of 250 ms buckets, so one slow bucket is not mistaken for an outage).
 */
export function analyzeRecovery(r: LoadResult, w: RecoveryWindow): RecoveryFigures {
  const bucketMs = w.bucketMs ?? 250;
  const k = w.smoothBuckets ?? 4;
  const threshold = w.threshold ?? 0.9;
  const hold = Math.max(1, Math.round((w.holdMs ?? 2_000) / bucketMs));
  const perSecond = 1000 / bucketMs;
  const buckets = bucketize(r.okAtMs, bucketMs, w.restoreAtMs).map((n) => n * perSecond);
  // rolling[b] = mean of buckets b-k+1..b (the second ending at bucket b).
  const rolling = buckets.map((_, b) => (b + 1 < k ? Number.NaN : buckets.slice(b + 1 - k, b + 1).reduce((a, x) => a + x, 0) / k));
  const faultBucket = Math.floor(w.faultAtMs / bucketMs);
  const lastBucket = buckets.length - 1;
  const baselineQps = median(rolling.slice(Math.ceil(w.baselineFromMs / bucketMs) + k - 1, faultBucket).filter(Number.isFinite));
  const full = threshold * baselineQps;
  // The dip starts at the first rolling window wholly after the fault that is below
  // `full`; recovery is the first stretch of `hold` windows at ≥ `full` after
  // it (so a noisy bucket late in the window does not count as a second outage).
  const firstWhole = faultBucket + k - 1;
  let dip = Number.POSITIVE_INFINITY;
  for (let b = firstWhole; b <= lastBucket; b++) dip = Math.min(dip, rolling[b]! / baselineQps);
  let dipStart = -1;
  for (let b = faultBucket; b <= lastBucket; b++) {
    if (rolling[b]! < full) {
      dipStart = b;
      break;
    }
  }
  let recoveryMs = Number.NaN;
  if (dipStart < 0) {
    recoveryMs = 0;
  } else {
    for (let b = dipStart + 1, run = 0; b <= lastBucket; b++) {
      run = rolling[b]! >= full ? run + 1 : 0;
      // At the end of the fault window, one full second back at speed is enough.
      if (run >= hold || (b === lastBucket && run >= k)) {
        // The first good window differs from the last bad one by the bucket that left it:
        // throughput came back when that bucket ended, k − 2 buckets before the window's end.
        const firstGood = b - run + 1;
        recoveryMs = Math.max(0, (firstGood + 2 - k) * bucketMs - w.faultAtMs);
        break;
      }
    }
  }
  const inFault = (t: number): boolean => t >= w.faultAtMs && t < w.restoreAtMs;
  let slowestMs = 0;
  r.okAtMs.forEach((t, i) => {
    if (inFault(t)) slowestMs = Math.max(slowestMs, r.latenciesMs[i]!);
  });
  r.failedAtMs.forEach((t, i) => {
    if (inFault(t)) slowestMs = Math.max(slowestMs, r.failedLatenciesMs[i]!);
  });
  const stallMs = w.stallMs ?? 1_000;
  let lastDisruptionMs = 0;
  r.okAtMs.forEach((t, i) => {
    if (inFault(t) && r.latenciesMs[i]! >= stallMs) lastDisruptionMs = Math.max(lastDisruptionMs, t - w.faultAtMs);
  });
  r.failedAtMs.forEach((t) => {
    if (inFault(t)) lastDisruptionMs = Math.max(lastDisruptionMs, t - w.faultAtMs);
  });
  return {
    errors: r.failed + r.stuck,
    errorsDuringFault: r.failedAtMs.filter(inFault).length,
    baselineQps,
    recoveryMs,
    dip: Number.isFinite(dip) ? dip : Number.NaN,
    slowestMs,
    lastDisruptionMs,
    servedDuringFault: r.okAtMs.filter(inFault).length,
    series: buckets,
  };
}
