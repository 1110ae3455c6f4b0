/**
 * Beeswax text rows vs HS2 columnar batches: decoding the same result into the same
 * rows, side by side in one run.
 *
 *   npx tsx test/protocol/beeswax/bench/text-decode.bench.ts [--rows 100000] [--batch 10240] [--rounds 5]
 *
 * Data: the HS2 decode benchmark's data set (BIGINT, INT, DOUBLE, STRING, DECIMAL,
 * TIMESTAMP, BOOLEAN, DATE, about 6% NULLs; see ../../hs2/bench/fetch-dataset.ts),
 * encoded both ways: HS2 `TFetchResultsResp` bytes (columnar) and Beeswax `fetch`
 * result bytes (one tab-joined text row per string, as Impala prints them). Each is
 * read the way the channel reads a reply (thrift's buffered transport over the whole
 * message) and decoded to row objects with the default (exact) options: HS2 with
 * `FetchResultsReply` + `RowDecoder`, Beeswax with `FetchResult` + `TextRowDecoder`.
 * No sockets: this isolates the client's decoding cost.
 */
import { performance } from 'node:perf_hooks';
import { TBinaryProtocol, TBufferedTransport, Thrift } from 'thrift';
import type { TProtocol } from 'thrift';
import { FetchResult } from '../../../../src/protocol/beeswax/fetch-reply';
import { TextRowDecoder } from '../../../../src/protocol/beeswax/text-row-decoder';
import { FetchResultsReply } from '../../../../src/protocol/hs2/fetch-results-reply';
import { columnsFromSchema, type ColumnInfo } from '../../../../src/protocol/hs2/result-metadata';
import { RowDecoder } from '../../../../src/protocol/hs2/row-decoder';
import { formatDouble } from '../../../../src/testing/beeswax/text-rows';
import * as B from '../../../../src/thrift/gen-nodejs/beeswax_types';
import { toInt64 } from '../../../../src/protocol/hs2/int64';
import { BENCH_COLUMNS, benchReplies, benchRows, benchSchema } from '../../hs2/bench/fetch-dataset';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

const ROWS = arg('rows', 100_000);
const BATCH = arg('batch', 10_240);
const ROUNDS = arg('rounds', 5);

interface Figure {
  best: number;
  median: number;
  cpu: number;
}

async function measure(name: string, once: () => number): Promise<Figure> {
  once();
  const rates: number[] = [];
  let cpu = 0;
  for (let r = 0; r < ROUNDS; r++) {
    const started = performance.now();
    const usage = process.cpuUsage();
    const rows = once();
    const ms = performance.now() - started;
    const used = process.cpuUsage(usage);
    if (rows !== ROWS) throw new Error(`${name} produced ${rows} rows, expected ${ROWS}`);
    rates.push(rows / (ms / 1000));
    cpu = Math.max(cpu, rows / ((used.user + used.system) / 1e6));
  }
  rates.sort((a, b) => a - b);
  const f = { best: rates[rates.length - 1]!, median: rates[Math.floor(rates.length / 2)]!, cpu };
  console.log(`  ${name.padEnd(44)} ${fmt(f.best)} best  ${fmt(f.median)} median  ${fmt(f.cpu)} per CPU s`);
  return f;
}

const fmt = (rate: number): string => `${(rate / 1e6).toFixed(2).padStart(6)}M rows/s`;

function readReply<R>(bytes: Buffer, Resp: new () => R): R {
  const transport = new TBufferedTransport() as unknown as { inBuf: Buffer; readCursor: number; writeCursor: number };
  transport.inBuf = bytes;
  transport.readCursor = 0;
  transport.writeCursor = bytes.length;
  const resp = new Resp();
  (resp as unknown as { read(p: TProtocol): void }).read(new TBinaryProtocol(transport as unknown as TBufferedTransport));
  return resp;
}

/** A value as Impala's Beeswax text. */
function text(v: unknown): string {
  if (v === null) return 'NULL';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : formatDouble(v);
  return String(v);
}

/** The `fetch` result struct bytes of every batch, as Impala would send them. */
function beeswaxReplies(): Buffer[] {
  const replies: Buffer[] = [];
  for (let start = 0; start < ROWS; start += BATCH) {
    const end = Math.min(ROWS, start + BATCH);
    const data = benchRows(start, end).map((row) => row.map(text).join('\t'));
    const results = new B.Results({ ready: true, columns: BENCH_COLUMNS.map((c) => c.type.toLowerCase()), data, start_row: toInt64(start), has_more: end < ROWS });
    let bytes: Buffer | undefined;
    const out = new TBinaryProtocol(new TBufferedTransport(undefined, (b?: Buffer) => (bytes = b)));
    out.writeStructBegin('fetch_result');
    out.writeFieldBegin('success', Thrift.Type.STRUCT, 0);
    (results as unknown as { write(p: TProtocol): void }).write(out);
    out.writeFieldEnd();
    out.writeFieldStop();
    out.writeStructEnd();
    out.flush();
    replies.push(bytes!);
  }
  return replies;
}

function hs2(replies: Buffer[], columns: ColumnInfo[]): number {
  const decoder = new RowDecoder(columns);
  let rows = 0;
  for (const bytes of replies) rows += decoder.decode(readReply(bytes, FetchResultsReply).results!).length;
  return rows;
}

function beeswax(replies: Buffer[], columns: ColumnInfo[]): number {
  const decoder = new TextRowDecoder(columns);
  let rows = 0;
  for (const bytes of replies) rows += decoder.decode(readReply(bytes, FetchResult).success!.rows).length;
  return rows;
}

async function main(): Promise<void> {
  console.log(`Beeswax vs HS2 decoding: ${ROWS} rows x ${BENCH_COLUMNS.length} columns, ${BATCH}-row batches, ${ROUNDS} rounds (Node ${process.version})`);
  const hs2Replies = benchReplies(ROWS, BATCH);
  const beeswaxReplyBytes = beeswaxReplies();
  const size = (rs: Buffer[]): string => `${(rs.reduce((n, b) => n + b.length, 0) / 1e6).toFixed(1)} MB`;
  console.log(`  reply bytes: HS2 ${size(hs2Replies)}, Beeswax ${size(beeswaxReplyBytes)}`);
  const columns = columnsFromSchema(benchSchema());
  const a = await measure('HS2: FetchResultsReply + RowDecoder', () => hs2(hs2Replies, columns));
  const b = await measure('Beeswax: FetchResult + TextRowDecoder', () => beeswax(beeswaxReplyBytes, columns));
  console.log(`ratio Beeswax / HS2: ${(b.best / a.best).toFixed(2)}x best wall clock, ${(b.cpu / a.cpu).toFixed(2)}x per CPU s`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
