/**
 * FetchResults decoding, before and after reading rows straight from the reply bytes.
 *
 *   npx tsx test/protocol/hs2/bench/fetch-decode.bench.ts [--rows 1000000] [--batch 10240] [--rounds 5]
 *
 * Data: BIGINT, INT, DOUBLE, STRING, DECIMAL, TIMESTAMP, BOOLEAN, DATE with about 6%
 * NULLs (see fetch-dataset.ts), rows as objects with the default (exact) options.
 *
 * - in-process: captured reply bytes read the way `Connection` reads them (thrift's
 *   buffered transport over the whole message), then decoded to rows. "generated" is
 *   the generated `TFetchResultsResp` reader plus `RowDecoder` over its `TRowSet`;
 *   "bytes" is `FetchResultsReply` plus `RowDecoder` over the `RawRowSet`.
 * - end to end: the same replies served over loopback by a server that only writes
 *   pre-encoded bytes; `Connection.call` per batch with either reply class, and the
 *   whole client path (`CoordinatorSession.query`, which uses the bytes path).
 *
 * Each figure is the best and the median of `rounds` runs over all rows by wall clock,
 * and the best by this process's CPU time (steadier when other work shares the CPUs).
 */
import { performance } from 'node:perf_hooks';
import { TBinaryProtocol, TBufferedTransport } from 'thrift';
import type { TProtocol } from 'thrift';
import { Connection } from '../../../../src/connection';
import { CoordinatorSession } from '../../../../src/protocol/hs2/coordinator-session';
import { FetchResultsReply } from '../../../../src/protocol/hs2/fetch-results-reply';
import * as rpc from '../../../../src/protocol/hs2/hs2-rpc';
import { toInt64 } from '../../../../src/protocol/hs2/int64';
import { columnsFromSchema, type ColumnInfo } from '../../../../src/protocol/hs2/result-metadata';
import { RowDecoder } from '../../../../src/protocol/hs2/row-decoder';
import * as T from '../../../../src/thrift/gen-nodejs/TCLIService_types';
import { benchReplies, benchSchema } from './fetch-dataset';
import { startFetchReplyServer } from './fetch-reply-server';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

const ROWS = arg('rows', 1_000_000);
const BATCH = arg('batch', 10_240);
const ROUNDS = arg('rounds', 5);

interface Figure {
  name: string;
  /** Best and median rows/s over the rounds, by wall clock. */
  best: number;
  median: number;
  /** Best rows/s by this process's CPU time (user + system): steadier on a shared machine. */
  cpu: number;
}

/** Runs `once` (which returns the rows it produced) `ROUNDS` times after one warm-up; rows/s. */
async function measure(name: string, once: () => Promise<number> | number): Promise<Figure> {
  await once();
  const rates: number[] = [];
  let cpu = 0;
  for (let r = 0; r < ROUNDS; r++) {
    const started = performance.now();
    const usage = process.cpuUsage();
    const rows = await once();
    const ms = performance.now() - started;
    const used = process.cpuUsage(usage);
    if (rows !== ROWS) throw new Error(`${name} produced ${rows} rows, expected ${ROWS}`);
    rates.push(rows / (ms / 1000));
    cpu = Math.max(cpu, rows / ((used.user + used.system) / 1e6));
  }
  rates.sort((a, b) => a - b);
  const figure = { name, best: rates[rates.length - 1]!, median: rates[Math.floor(rates.length / 2)]!, cpu };
  console.log(`  ${name.padEnd(46)} ${fmt(figure.best)} best  ${fmt(figure.median)} median  ${fmt(figure.cpu)} per CPU s`);
  return figure;
}

const fmt = (rate: number): string => `${(rate / 1e6).toFixed(2).padStart(6)}M rows/s`;

/** Reads one reply struct from its bytes as `Connection` does. */
function readReply<R>(bytes: Buffer, Resp: new () => R): R {
  const transport = new TBufferedTransport() as unknown as { inBuf: Buffer; readCursor: number; writeCursor: number };
  transport.inBuf = bytes;
  transport.readCursor = 0;
  transport.writeCursor = bytes.length;
  const resp = new Resp();
  (resp as unknown as { read(p: TProtocol): void }).read(new TBinaryProtocol(transport as unknown as TBufferedTransport));
  return resp;
}

function inProcess(replies: Buffer[], columns: ColumnInfo[], fast: boolean): number {
  const decoder = new RowDecoder(columns);
  let rows = 0;
  for (const bytes of replies) {
    const results = fast ? readReply(bytes, FetchResultsReply).results : readReply(bytes, T.TFetchResultsResp).results;
    rows += decoder.decode(results!).length;
  }
  return rows;
}

/** Only the read (no rows built), to show where the time goes. */
function readOnly(replies: Buffer[], fast: boolean): number {
  let rows = 0;
  for (const bytes of replies) {
    if (fast) rows += (readReply(bytes, FetchResultsReply).results as { rowCount: number }).rowCount;
    else rows += readReply(bytes, T.TFetchResultsResp).results!.columns![0]!.i64Val!.values.length;
  }
  return rows;
}

async function overSocket(conn: Connection, session: T.TSessionHandle, columns: ColumnInfo[], fast: boolean): Promise<number> {
  const exec = await rpc.executeStatement(conn, new T.TExecuteStatementReq({ sessionHandle: session, statement: 'SELECT * FROM bench' }));
  const req = new T.TFetchResultsReq({ operationHandle: exec.operationHandle!, orientation: T.TFetchOrientation.FETCH_NEXT, maxRows: toInt64(BATCH) });
  const decoder = new RowDecoder(columns);
  let rows = 0;
  for (;;) {
    const resp = fast ? await conn.call('FetchResults', req, FetchResultsReply) : await conn.call('FetchResults', req, T.TFetchResultsResp);
    rows += decoder.decode(resp.results!).length;
    if (!resp.hasMoreRows) return rows;
  }
}

async function main(): Promise<void> {
  console.log(`FetchResults decoding: ${ROWS} rows x 8 columns, ${BATCH}-row batches, ${ROUNDS} rounds (Node ${process.version})`);
  const started = performance.now();
  const replies = benchReplies(ROWS, BATCH, 8);
  const bytes = [...new Set(replies)].reduce((n, b) => n + b.length, 0);
  console.log(`  encoded ${replies.length} replies (${(bytes / 1e6).toFixed(1)} MB distinct) in ${(performance.now() - started).toFixed(0)} ms`);
  const columns = columnsFromSchema(benchSchema());

  console.log('in-process (captured reply bytes, no sockets)');
  const genRead = await measure('read only, generated TFetchResultsResp', () => readOnly(replies, false));
  const fastRead = await measure('read only, FetchResultsReply', () => readOnly(replies, true));
  const gen = await measure('read + decode to rows, generated', () => inProcess(replies, columns, false));
  const fast = await measure('read + decode to rows, bytes', () => inProcess(replies, columns, true));

  console.log('end to end (loopback socket, pre-encoded replies)');
  const server = await startFetchReplyServer(benchSchema(), replies);
  const conn = await Connection.open({ host: '127.0.0.1', port: server.port });
  let session: CoordinatorSession | undefined;
  try {
    const handle = (await rpc.openSession(conn, new T.TOpenSessionReq({ client_protocol: T.TProtocolVersion.HIVE_CLI_SERVICE_PROTOCOL_V6 }))).sessionHandle!;
    const e2eGen = await measure('Connection.call + decode, generated', () => overSocket(conn, handle, columns, false));
    const e2eFast = await measure('Connection.call + decode, bytes', () => overSocket(conn, handle, columns, true));
    session = await CoordinatorSession.open({ host: '127.0.0.1', port: server.port, fetchSize: BATCH });
    const s = session;
    const query = await measure('CoordinatorSession.query (whole client path)', async () => (await s.query('SELECT * FROM bench')).rows.length);
    console.log('ratios (bytes / generated, best wall clock and CPU time)');
    const ratio = (a: Figure, b: Figure): string => `${(a.best / b.best).toFixed(1)}x (CPU ${(a.cpu / b.cpu).toFixed(1)}x)`;
    console.log(`  read only ${ratio(fastRead, genRead)}, in-process ${ratio(fast, gen)}, end to end ${ratio(e2eFast, e2eGen)}; whole client path ${fmt(query.best)}`);
  } finally {
    await session?.close();
    await conn.close();
    await server.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
