import { performance } from 'node:perf_hooks';
import { percentileOfSorted } from './stats';

/** Options of {@link runLoad}. */
export interface LoadOptions {
  /** Concurrent loops. */
  workers: number;
  /** No operation starts after this long, in ms. */
  durationMs: number;
  /** No operation starts once this many have started (across workers). Default: 20 per ms of `durationMs`, a safety cap far above any rate seen. */
  maxOps?: number;
  /**
   * How long to wait for operations still running at `durationMs` before giving up
   * on them (they count as stuck), in ms. Default 15000.
   */
  graceMs?: number;
  /** Ends the window early when it returns true (checked before each operation starts). */
  stopWhen?: () => boolean;
  /** One operation; it must bound its own time (the client's timeouts). */
  op: (worker: number, i: number) => Promise<unknown>;
}

/** What {@link runLoad} measured. */
export interface LoadResult {
  ok: number;
  failed: number;
  /** Operations that had not settled when the grace period ran out. */
  stuck: number;
  /** Failed operations by error code (or name). */
  errors: Record<string, number>;
  /** One message per error code, for the report. */
  errorSamples: Record<string, string>;
  /** Latency of each successful operation, in ms. */
  latenciesMs: number[];
  /** When each successful operation completed, ms from the start. */
  okAtMs: number[];
  /** When each failed operation completed, ms from the start. */
  failedAtMs: number[];
  /** Latency of each failed operation, in ms. */
  failedLatenciesMs: number[];
  /** From the start until the last operation settled (or the grace period ended), in ms. */
  elapsedMs: number;
  /** CPU time of this process during the run (user + system), in µs. */
  cpuMicros: number;
}

/** A short countable name for an error: its `code` when it has one, else its name. */
export function errorCode(err: unknown): string {
  if (err && typeof err === 'object') {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && code !== '') return code;
    if (err instanceof Error) return err.name;
  }
  return typeof err;
}

/**
 * Runs `op` in `workers` concurrent loops until `durationMs` has passed or
 * `maxOps` have started, then waits (at most `graceMs`) for the last ones. Nothing
 * here can hang: an operation that never settles is counted as stuck.
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const started = performance.now();
  const stopAt = started + options.durationMs;
  const maxOps = options.maxOps ?? Math.max(1_000, options.durationMs * 20);
  const cpu0 = process.cpuUsage();
  const r: LoadResult = { ok: 0, failed: 0, stuck: 0, errors: {}, errorSamples: {}, latenciesMs: [], okAtMs: [], failedAtMs: [], failedLatenciesMs: [], elapsedMs: 0, cpuMicros: 0 };
  let launched = 0;
  let running = 0;
  const worker = async (w: number): Promise<void> => {
    for (let i = 0; performance.now() < stopAt && launched < maxOps && !options.stopWhen?.(); i++) {
      launched++;
      running++;
      const t = performance.now();
      try {
        await options.op(w, i);
        const now = performance.now();
        r.ok++;
        r.latenciesMs.push(now - t);
        r.okAtMs.push(now - started);
      } catch (err) {
        const now = performance.now();
        r.failed++;
        r.failedAtMs.push(now - started);
        r.failedLatenciesMs.push(now - t);
        const code = errorCode(err);
        r.errors[code] = (r.errors[code] ?? 0) + 1;
        r.errorSamples[code] ??= err instanceof Error ? err.message.slice(0, 200) : String(err);
      } finally {
        running--;
      }
    }
  };
  let graceTimer: NodeJS.Timeout | undefined;
  const all = Promise.all(Array.from({ length: options.workers }, (_, w) => worker(w)));
  const grace = new Promise<'grace'>((resolve) => {
    // The grace period starts when the load window ends.
    graceTimer = setTimeout(() => resolve('grace'), Math.max(0, stopAt - performance.now()) + (options.graceMs ?? 15_000));
  });
  try {
    const outcome = await Promise.race([all.then(() => 'done' as const), grace]);
    if (outcome === 'grace') r.stuck = running;
  } finally {
    clearTimeout(graceTimer);
  }
  r.elapsedMs = performance.now() - started;
  const cpu = process.cpuUsage(cpu0);
  r.cpuMicros = cpu.user + cpu.system;
  return r;
}

/** Successful operations per second over the run. */
export function throughput(r: LoadResult): number {
  return r.elapsedMs > 0 ? r.ok / (r.elapsedMs / 1000) : Number.NaN;
}

/** Counts of `times` (ms from the start) per bucket of `bucketMs`, for `spanMs`. */
export function bucketize(times: readonly number[], bucketMs: number, spanMs: number): number[] {
  const buckets = new Array<number>(Math.ceil(spanMs / bucketMs)).fill(0);
  for (const t of times) {
    const b = Math.floor(t / bucketMs);
    if (b >= 0 && b < buckets.length) buckets[b]!++;
  }
  return buckets;
}

/** The figures of one throughput run. */
export interface RunFigures {
  /** Successful operations per second. */
  qps: number;
  /** Median latency of successful operations, in ms. */
  p50Ms: number;
  /** 99th percentile latency, in ms. */
  p99Ms: number;
  /** CPU time of this (the client's) process per successful operation, in µs. */
  cpuUsPerOp: number;
  /** CPU time of the simulator per successful operation, in µs (NaN when not measured). */
  simCpuUsPerOp: number;
  ok: number;
  failed: number;
}

/** Reduces a load run to its figures; `simCpuMicros` is the simulator's CPU during the run. */
export function figures(r: LoadResult, simCpuMicros = Number.NaN): RunFigures {
  const sorted = [...r.latenciesMs].sort((a, b) => a - b);
  return {
    qps: throughput(r),
    p50Ms: percentileOfSorted(sorted, 50),
    p99Ms: percentileOfSorted(sorted, 99),
    cpuUsPerOp: r.ok > 0 ? r.cpuMicros / r.ok : Number.NaN,
    simCpuUsPerOp: r.ok > 0 ? simCpuMicros / r.ok : Number.NaN,
    ok: r.ok,
    failed: r.failed,
  };
}
