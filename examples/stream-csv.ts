/**
 * Streams a large result into a CSV file with bounded memory: rows arrive one fetched
 * batch at a time, and the loop waits whenever the file cannot keep up. Run:
 * `npm run build && npx tsx examples/stream-csv.ts [rows]` (local simulator, or
 * IMPALA_URL with your own query in SQL below).
 */
import { once } from 'node:events';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createClient } from 'impala-ha';

const ROWS = Number(process.argv[2] ?? 500_000);
const SQL = `SELECT range AS id, 'customer ' || range AS name, range * 0.01 AS amount FROM range(${ROWS})`;

/** A CSV field: quoted when it holds a quote, a comma or a line break. */
function csv(value: unknown): string {
  const text = value === null ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

async function main(): Promise<void> {
  const cluster = process.env.IMPALA_URL ? undefined : await (await import('impala-ha/testing')).startCluster({ coordinators: 2 });
  const impala = createClient(cluster?.url);
  const file = path.join(os.tmpdir(), `impala-ha-export-${process.pid}.csv`);
  const out = fs.createWriteStream(file);
  let rows = 0;
  let peakHeap = 0;
  try {
    const stream = impala.stream<unknown[]>(SQL, { rowMode: 'array', fetchSize: 10_000 });
    let wroteHeader = false;
    for await (const row of stream) {
      if (!wroteHeader) {
        out.write(`${stream.columns!.map((c) => csv(c.name)).join(',')}\n`);
        wroteHeader = true;
      }
      // Backpressure: stop pulling rows while the file's buffer is full.
      if (!out.write(`${row.map(csv).join(',')}\n`)) await once(out, 'drain');
      if (++rows % 50_000 === 0) peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
    }
    out.end();
    await once(out, 'finish');
    const size = fs.statSync(file).size;
    console.log(`wrote ${rows} rows (${(size / 1e6).toFixed(1)} MB) to ${file}`);
    console.log(`peak heap while streaming: ${(peakHeap / 1e6).toFixed(0)} MB (the result itself is never held whole)`);
  } finally {
    out.destroy();
    fs.rmSync(file, { force: true });
    await impala.close();
    await cluster?.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
