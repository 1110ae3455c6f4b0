/** The small table most throughput benchmarks query. */
export const SMALL_TABLE_SEED = "CREATE TABLE bench_small AS SELECT range AS id, 'name-' || range AS name FROM range(10000)";

/** A point query on the small table, as a literal (hive-driver binds no parameters), so every client sends the same text. */
export function pointQuery(n: number): string {
  return `SELECT id, name FROM bench_small WHERE id = ${n % 10_000}`;
}

/** Resolves after `ms` (a plain timer; the benchmarks measure the real elapsed time). */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
