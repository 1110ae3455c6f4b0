import type { Table } from './table';

/**
 * How long the benchmarks run: `smoke` exercises every code path in seconds and
 * asserts no figure (CI), `quick` is the default, `full` takes longer windows and
 * more repetitions for steadier medians.
 */
export type BenchMode = 'smoke' | 'quick' | 'full';

/** One value per mode, picked with {@link byMode}. */
export interface PerMode<T> {
  smoke: T;
  quick: T;
  full: T;
}

/** The value for `mode`. */
export function byMode<T>(mode: BenchMode, values: PerMode<T>): T {
  return values[mode];
}

/** Names of the benchmarks, in the order they run and print. */
export const BENCHMARK_IDS = ['overhead', 'latency', 'decode', 'hop', 'failover', 'idle', 'selection', 'memory', 'defaults', 'transport'] as const;

/** One benchmark's name. */
export type BenchmarkId = (typeof BENCHMARK_IDS)[number];

/** Whether a real HAProxy can be used, and if not why. */
export interface HaproxyAvailability {
  /** Path of the binary when usable. */
  path: string | undefined;
  /** `haproxy -v` first line. */
  version: string | undefined;
  /** Why the HAProxy parts are skipped (set when `path` is undefined). */
  reason: string | undefined;
}

/** What every benchmark gets. */
export interface BenchContext {
  readonly mode: BenchMode;
  readonly haproxy: HaproxyAvailability;
  /** Run coordinators as child processes inside the simulator host (`--sim-processes`). */
  readonly simProcesses: boolean;
  /** Progress line on stderr (not part of the results). */
  log(message: string): void;
}

/** What a benchmark hands back: tables for people, raw numbers for machines. */
export interface BenchResult {
  id: BenchmarkId;
  /** Heading, e.g. `a. Overhead: pool vs one raw connection`. */
  title: string;
  /** What was measured and how, shown under the heading. */
  description: string;
  tables: Table[];
  /** Raw figures for latest.json (plain data). */
  raw: Record<string, unknown>;
  /** Set when the benchmark (or a part of it) could not run, with the reason. */
  skipped?: string | undefined;
  /** Wall time the benchmark took, in ms (filled in by the runner). */
  elapsedMs?: number;
}

/** A benchmark: runs, cleans up everything it started, returns its result. */
export interface Benchmark {
  id: BenchmarkId;
  title: string;
  run(ctx: BenchContext): Promise<BenchResult>;
}
