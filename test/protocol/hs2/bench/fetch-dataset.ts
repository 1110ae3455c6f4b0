/**
 * The benchmark's result: 8 columns of the types a typical fact table returns, with
 * about 6% NULLs, encoded exactly as Impala encodes FetchResults replies (generated
 * Thrift writer, protocol reference §2.9–2.10). Values come from a seeded generator,
 * so every run decodes the same bytes.
 */
import { TBinaryProtocol, TBufferedTransport } from 'thrift';
import * as T from '../../../../src/thrift/gen-nodejs/TCLIService_types';
import { encodeRows, schemaOf, type ColumnSpec } from '../../../helpers/scripted-rowset';

/** The columns: BIGINT, INT, DOUBLE, STRING, DECIMAL, TIMESTAMP, BOOLEAN, DATE. */
export const BENCH_COLUMNS: ColumnSpec[] = [
  { name: 'id', type: 'BIGINT' },
  { name: 'qty', type: 'INT' },
  { name: 'price', type: 'DOUBLE' },
  { name: 'customer', type: 'STRING' },
  { name: 'amount', type: 'DECIMAL', precision: 12, scale: 2 },
  { name: 'created_at', type: 'TIMESTAMP' },
  { name: 'active', type: 'BOOLEAN' },
  { name: 'day', type: 'DATE' },
];

/** Share of NULL cells. */
export const NULL_RATE = 0.06;

/** A small deterministic PRNG (mulberry32), uniform in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');
const CITIES = ['Berlin', 'Zürich', 'São Paulo', 'Kraków', 'Oslo', 'Lyon'];

/** Rows `[from, to)` of the data set, arrays in column order with `null` for NULL. */
export function benchRows(from: number, to: number, seed = 42): unknown[][] {
  const rnd = seededRandom(seed + from);
  const rows: unknown[][] = [];
  for (let i = from; i < to; i++) {
    const month = 1 + Math.floor(rnd() * 12);
    const day = 1 + Math.floor(rnd() * 28);
    const date = `2024-${pad(month, 2)}-${pad(day, 2)}`;
    const time = `${pad(Math.floor(rnd() * 24), 2)}:${pad(Math.floor(rnd() * 60), 2)}:${pad(Math.floor(rnd() * 60), 2)}`;
    // One id in ten uses the whole 64-bit range; the rest are ordinary surrogate keys.
    const id = i % 10 === 0 ? BigInt.asIntN(64, BigInt(i) * 0x9e3779b97f4a7c15n) : BigInt(i) * 1_000_003n;
    const cents = Math.floor(rnd() * 2_000_000_00) - 10_000_00;
    const amount = `${cents < 0 ? '-' : ''}${Math.floor(Math.abs(cents) / 100)}.${pad(Math.abs(cents) % 100, 2)}`;
    const customer = rnd() < 0.02 ? `${CITIES[i % CITIES.length]} ${i}` : `customer-${Math.floor(rnd() * 1_000_000)}`;
    const ts = rnd() < 0.5 ? `${date} ${time}` : `${date} ${time}.${pad(Math.floor(rnd() * 1e9), 9)}`;
    const row = [id, Math.floor(rnd() * 2 ** 32) - 2 ** 31, rnd() * 1e6, customer, amount, ts, rnd() < 0.5, date];
    rows.push(row.map((v) => (rnd() < NULL_RATE ? null : v)));
  }
  return rows;
}

/** The GetResultSetMetadata schema of the data set. */
export function benchSchema(): T.TTableSchema {
  return schemaOf(BENCH_COLUMNS);
}

/** Bytes of a `TFetchResultsResp` struct (what a reply's field 0 holds), via the generated writer. */
export function encodeFetchResultsResp(resp: T.TFetchResultsResp): Buffer {
  let bytes: Buffer | undefined;
  const out = new TBinaryProtocol(new TBufferedTransport(undefined, (b?: Buffer) => (bytes = b)));
  (resp as unknown as { write(p: TBinaryProtocol): void }).write(out);
  out.flush();
  return bytes!;
}

/**
 * The `TFetchResultsResp` bytes of every batch of a `rows`-row result fetched
 * `batchSize` rows at a time, the last one with `hasMoreRows: false`. Encoding with
 * the generated writer is slow (about 12 s for 1M rows), so only the first
 * `distinct` full batches are encoded and later full batches repeat them (their
 * `startRowOffset` then repeats too; decoding work is the same).
 */
export function benchReplies(rows: number, batchSize: number, distinct = Number.POSITIVE_INFINITY): Buffer[] {
  const replies: Buffer[] = [];
  for (let start = 0, b = 0; start < rows; start += batchSize, b++) {
    const end = Math.min(rows, start + batchSize);
    if (b >= distinct && end < rows) {
      replies.push(replies[b % distinct]!);
      continue;
    }
    const results = encodeRows(BENCH_COLUMNS, benchRows(start, end), start);
    const status = new T.TStatus({ statusCode: T.TStatusCode.SUCCESS_STATUS });
    replies.push(encodeFetchResultsResp(new T.TFetchResultsResp({ status, hasMoreRows: end < rows, results })));
  }
  return replies;
}
