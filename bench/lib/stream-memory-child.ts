/**
 * Child process entry of the memory benchmark: a fresh process per row count, so
 * each measurement starts from the same RSS instead of inheriting the heap that an
 * earlier run (or another benchmark) grew. Receives one {@link StreamMemoryRequest}
 * over IPC, streams, answers one {@link StreamMemoryResult}, exits.
 */
import { performance } from 'node:perf_hooks';
import { createClient } from '../../src';

/** What the parent asks for. */
export interface StreamMemoryRequest {
  /** `host:port` of the coordinator. */
  address: string;
  /** Rows to stream. */
  rows: number;
  sampleEveryMs: number;
  /** Bound on the whole stream, in ms. */
  timeoutMs: number;
}

/** One RSS / heap sample. */
export interface MemorySample {
  ms: number;
  rows: number;
  rss: number;
  heapUsed: number;
}

/** What the child reports. */
export type StreamMemoryResult = { ok: true; rows: number; ms: number; samples: MemorySample[] } | { ok: false; error: string };

/** The statement streamed: BIGINT + STRING. */
export function memorySql(rows: number): string {
  return `SELECT range AS id, 'row-' || range AS s FROM range(${rows})`;
}

async function run(req: StreamMemoryRequest): Promise<StreamMemoryResult> {
  const client = createClient({ coordinators: [req.address] });
  try {
    // Load the code paths and open the connection before the first sample.
    for await (const _row of client.stream(memorySql(20_000))) void _row;
    const samples: MemorySample[] = [];
    let rows = 0;
    const t0 = performance.now();
    const sample = (): void => {
      const m = process.memoryUsage();
      samples.push({ ms: performance.now() - t0, rows, rss: m.rss, heapUsed: m.heapUsed });
    };
    sample();
    const timer = setInterval(sample, req.sampleEveryMs);
    try {
      for await (const _row of client.stream(memorySql(req.rows), { timeoutMs: req.timeoutMs })) rows++;
    } finally {
      clearInterval(timer);
    }
    sample();
    return { ok: true, rows, ms: performance.now() - t0, samples };
  } finally {
    await client.close();
  }
}

process.once('message', (req: StreamMemoryRequest) => {
  run(req).then(
    (result) => process.send?.(result, () => process.exit(0)),
    (err: unknown) => process.send?.({ ok: false, error: err instanceof Error ? err.message : String(err) } satisfies StreamMemoryResult, () => process.exit(1)),
  );
});
process.on('disconnect', () => process.exit(1));
