import { performance } from 'node:perf_hooks';
import { connect, type CoordinatorSession } from '../../src/protocol/hs2';
import * as T from '../../src/thrift/gen-nodejs/TCLIService_types';
import { type BenchContext, type BenchResult, type Benchmark, byMode } from '../lib/context';
import { hiveDriverDecoder, impalaHaDecoder, type BytesDecoder } from '../lib/decoders';
import { num, spread, times } from '../lib/format';
import { HiveConnection } from '../lib/hive-connection';
import { decodeReply, fetchReplyHasMoreRows, fetchWithoutDecoding } from '../lib/raw-hs2';
import { RemoteCluster } from '../lib/remote-cluster';
import { ReplayServer, ReplyRecorder, type ReplayScript } from '../lib/reply-replay';
import { ratio, summarize, type Summary } from '../lib/stats';

/** Rows per FetchResults, the same for both clients (impala-ha's default is 10240, hive-driver's 100). */
const FETCH_SIZE = 10_000;
/** Full batches recorded for the replays. */
const RECORDED_BATCHES = 10;
/** Bound on one statement's execution and fetches, in ms. */
const STATEMENT_TIMEOUT_MS = 600_000;

/** 8 columns of the common types, one with 10% NULLs; `n` rows. */
export function decodeSql(n: number): string {
  return (
    'SELECT range AS id, CAST(range % 100000 AS INT) AS qty, CAST(range AS DOUBLE) * 1.25 AS price, ' +
    "CASE WHEN range % 10 = 0 THEN NULL ELSE 'customer-' || CAST(range % 50000 AS VARCHAR) END AS name, " +
    'range % 3 = 0 AS active, CAST((range % 100000) / 100.0 AS DECIMAL(12,2)) AS amount, ' +
    "TIMESTAMP '2024-01-01 00:00:00' + to_seconds(range) AS ts, DATE '2024-01-01' + CAST(range % 3650 AS INTEGER) AS day " +
    `FROM range(${n})`
  );
}

interface Timed {
  rows: number;
  ms: number;
  /** This process's CPU, µs. */
  cpuUs: number;
  /** The simulator's CPU, µs (end-to-end runs only). */
  simCpuUs?: number;
}

async function timed(work: () => Promise<number>): Promise<Timed> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const rows = await work();
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { rows, ms, cpuUs: cpu.user + cpu.system };
}

async function streamRows(s: CoordinatorSession, sql: string): Promise<number> {
  let rows = 0;
  for await (const _row of s.stream(sql, { fetchSize: FETCH_SIZE, timeoutMs: STATEMENT_TIMEOUT_MS })) rows++;
  return rows;
}

const rate = (t: Timed): number => t.rows / (t.ms / 1000);

/** Records one small statement through a recording proxy, with both clients, and builds the replay script. */
async function record(host: string, port: number, timeoutMs: number): Promise<{ script: ReplayScript; metadata: Buffer; rowsPerBatch: number }> {
  const recorder = await ReplyRecorder.start(host, port);
  try {
    const sql = decodeSql(RECORDED_BATCHES * FETCH_SIZE + 1);
    const ours = await connect({ host: '127.0.0.1', port: recorder.port, fetchSize: FETCH_SIZE });
    try {
      await streamRows(ours, sql);
    } finally {
      await ours.close();
    }
    // hive-driver's run adds the replies only it asks for (CloseOperation instead of CloseImpalaOperation).
    const theirs = await HiveConnection.open('127.0.0.1', recorder.port, { timeoutMs });
    try {
      await theirs.query(sql, { timeoutMs, fetchSize: FETCH_SIZE });
    } finally {
      await theirs.close();
    }
    // Ours: RECORDED_BATCHES full batches, then the last row (hasMoreRows false). hive-driver
    // then asks once more after a non-empty last batch: that reply is the empty one.
    const fetches = recorder.replies.get('FetchResults') ?? [];
    const batches = fetches.slice(0, RECORDED_BATCHES);
    const last = fetches[RECORDED_BATCHES];
    const empty = fetches[fetches.length - 1];
    if (batches.length < RECORDED_BATCHES || !last || !empty || !batches.every(fetchReplyHasMoreRows) || fetchReplyHasMoreRows(last) || fetchReplyHasMoreRows(empty) || empty.length >= last.length) {
      throw new Error(`unexpected FetchResults sequence from the simulator (${fetches.length} replies)`);
    }
    const replies = new Map<string, Buffer>();
    for (const [name, list] of recorder.replies) if (name !== 'FetchResults' && list[0]) replies.set(name, list[0]);
    // Replay must answer "finished" at once: pick a GetOperationStatus reply that says so.
    const finished = (recorder.replies.get('GetOperationStatus') ?? []).find((m) => decodeReply(m, T.TGetOperationStatusResp).operationState === T.TOperationState.FINISHED_STATE);
    if (!finished) throw new Error('no FINISHED GetOperationStatus reply was recorded');
    replies.set('GetOperationStatus', finished);
    const metadata = replies.get('GetResultSetMetadata');
    if (!metadata) throw new Error('no GetResultSetMetadata reply was recorded');
    return { script: { replies, batches, last, empty, batchesPerStatement: 0 }, metadata, rowsPerBatch: FETCH_SIZE };
  } finally {
    await recorder.close();
  }
}

/** Decodes the captured batches over and over for at least `minMs` (at least one pass). */
async function inProcess(decode: BytesDecoder, batches: readonly Buffer[], minMs: number): Promise<Timed> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let rows = 0;
  do rows += await decode(batches);
  while (performance.now() - t0 < minMs);
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { rows, ms, cpuUs: cpu.user + cpu.system };
}

interface PathFigures {
  ours: Summary;
  hive: Summary;
  ratio: Summary;
}

function compare(ours: Timed[], hive: Timed[], f: (t: Timed) => number): PathFigures {
  return {
    ours: summarize(ours.map(f)),
    hive: summarize(hive.map(f)),
    ratio: summarize(ours.map((o, i) => ratio(f(o), f(hive[i]!))).filter(Number.isFinite)),
  };
}

function ratioCell(s: Summary): string {
  return s.n <= 1 || s.min === s.max ? times(s.median) : `${times(s.median)} (${num(s.min)}–${num(s.max)})`;
}

/** b. Fetch and decode throughput against hive-driver, with the server's share shown apart. */
export const decodeBenchmark: Benchmark = {
  id: 'decode',
  title: 'b. Decode: fetch and decode 1M rows × 8 columns, impala-ha vs hive-driver',
  async run(ctx: BenchContext): Promise<BenchResult> {
    // End to end: the 1M rows. The client-only paths measure a rate per row, so
    // quick mode gives them fewer rows (hive-driver takes ~20 s per million replayed).
    const rows = byMode(ctx.mode, { smoke: 20_000, quick: 1_000_000, full: 1_000_000 });
    const clientOnlyRows = byMode(ctx.mode, { smoke: 20_000, quick: 300_000, full: 1_000_000 });
    const runs = byMode(ctx.mode, { smoke: 1, quick: 3, full: 5 });
    const e2eRuns = byMode(ctx.mode, { smoke: 1, quick: 2, full: 3 });
    /** Each in-process run decodes the captured batches for at least this long, in ms. */
    const inProcessMs = byMode(ctx.mode, { smoke: 100, quick: 1_500, full: 3_000 });
    const timeoutMs = STATEMENT_TIMEOUT_MS;
    const batchesPerStatement = Math.max(1, Math.floor(clientOnlyRows / FETCH_SIZE));
    const cluster = await RemoteCluster.start({ coordinators: 1, processes: ctx.simProcesses });
    const c0 = cluster.coordinators[0]!;
    const results = { inProcess: { ours: [] as Timed[], hive: [] as Timed[] }, replay: { ours: [] as Timed[], hive: [] as Timed[] }, e2e: { ours: [] as Timed[], hive: [] as Timed[] }, server: [] as Timed[] };
    let bytesPerRow = Number.NaN;
    let replay: ReplayServer | undefined;
    const open: Array<{ close(): Promise<void> }> = [];
    try {
      const rec = await record(c0.host, c0.port, 30_000);
      ctx.log(`decode: recorded ${rec.script.batches.length} FetchResults replies of ${FETCH_SIZE} rows (${(rec.script.batches[0]!.length / 1024).toFixed(0)} KiB each)`);
      const oursBytes = await impalaHaDecoder(rec.metadata);
      const hiveBytes = hiveDriverDecoder(rec.metadata);
      // Same bytes, both decoders, interleaved; the first pass of each warms the JIT.
      await inProcess(oursBytes, rec.script.batches, 0);
      await inProcess(hiveBytes, rec.script.batches, 0);
      for (let r = 0; r < runs; r++) {
        results.inProcess.ours.push(await inProcess(oursBytes, rec.script.batches, inProcessMs));
        results.inProcess.hive.push(await inProcess(hiveBytes, rec.script.batches, inProcessMs));
      }
      ctx.log('decode: in-process decode done');

      replay = await ReplayServer.start({ ...rec.script, batchesPerStatement });
      const replayPort = replay.port;
      const oursReplay = await connect({ host: '127.0.0.1', port: replayPort, fetchSize: FETCH_SIZE });
      open.push(oursReplay);
      const hiveReplay = await HiveConnection.open('127.0.0.1', replayPort, { timeoutMs });
      open.push(hiveReplay);
      const sql = decodeSql(rows);
      for (let r = -1; r < runs; r++) {
        const o = await timed(() => streamRows(oursReplay, sql));
        const h = await timed(() => hiveReplay.query(sql, { timeoutMs, fetchSize: FETCH_SIZE }));
        // Run -1 is the warm-up.
        if (r >= 0) {
          results.replay.ours.push(o);
          results.replay.hive.push(h);
        }
      }
      ctx.log('decode: replay done');

      const oursSim = await connect({ host: c0.host, port: c0.port, fetchSize: FETCH_SIZE });
      open.push(oursSim);
      const hiveSim = await HiveConnection.open(c0.host, c0.port, { timeoutMs });
      open.push(hiveSim);
      await streamRows(oursSim, decodeSql(Math.min(rows, 50_000)));
      await hiveSim.query(decodeSql(Math.min(rows, 50_000)), { timeoutMs, fetchSize: FETCH_SIZE });
      const withSimCpu = async (work: () => Promise<number>): Promise<Timed> => {
        const { value, simCpuMicros } = await cluster.withCpu(() => timed(work));
        return { ...value, simCpuUs: simCpuMicros };
      };
      for (let r = 0; r < e2eRuns; r++) {
        const server = await withSimCpu(async () => {
          const f = await fetchWithoutDecoding(c0.host, c0.port, sql, FETCH_SIZE, timeoutMs);
          bytesPerRow = f.bytes / rows;
          return rows;
        });
        results.server.push(server);
        results.e2e.ours.push(await withSimCpu(() => streamRows(oursSim, sql)));
        results.e2e.hive.push(await withSimCpu(() => hiveSim.query(sql, { timeoutMs, fetchSize: FETCH_SIZE })));
        ctx.log(`decode: end-to-end run ${r + 1}/${e2eRuns} done`);
      }
    } finally {
      for (const c of open) await c.close().catch(() => undefined);
      await replay?.close();
      await cluster.stop();
    }
    const inProc = compare(results.inProcess.ours, results.inProcess.hive, rate);
    const rep = compare(results.replay.ours, results.replay.hive, rate);
    const e2e = compare(results.e2e.ours, results.e2e.hive, rate);
    const server = summarize(results.server.map(rate));
    const perMillion = (us: number, n: number): number => us / 1e6 / (n / 1e6);
    const clientCpu = compare(results.e2e.ours, results.e2e.hive, (t) => perMillion(t.cpuUs, t.rows));
    const simCpu = compare(results.e2e.ours, results.e2e.hive, (t) => perMillion(t.simCpuUs ?? Number.NaN, t.rows));
    const serverCpu = summarize(results.server.map((t) => perMillion(t.simCpuUs ?? Number.NaN, t.rows)));
    const replayRows = batchesPerStatement * FETCH_SIZE + 1;
    return {
      id: 'decode',
      title: this.title,
      description:
        `${num(rows)} rows × 8 columns (BIGINT, INT, DOUBLE, STRING with 10% NULLs, BOOLEAN, DECIMAL(12,2), TIMESTAMP, DATE), ` +
        `${num(FETCH_SIZE)} rows per FetchResults for both clients. impala-ha: \`CoordinatorSession.stream\` with its defaults (object rows, BIGINT as bigint, ` +
        `DECIMAL/TIMESTAMP/DATE as exact text). hive-driver: \`executeStatement\` + \`fetch\` + \`HiveUtils.getResult().getValue()\` + \`flush()\` per batch ` +
        `(object rows; it turns BIGINT and DECIMAL into lossy numbers, which is cheaper). Three ways to separate the client's cost from the simulator's: ` +
        `decoding captured reply bytes in process (each client's own Thrift reader and row conversion, same bytes), replaying those replies from a ` +
        `loopback server that does no work (the whole client path including its socket reads; ${num(replayRows)} rows per statement), ` +
        `and the real simulator end to end, next to a bare socket that fetches without decoding (the simulator's own limit). ` +
        `In process: ${runs} run${runs === 1 ? '' : 's'} of ≥ ${inProcessMs / 1000} s over the ${RECORDED_BATCHES} captured batches; replay: ${runs} run${runs === 1 ? '' : 's'} ` +
        `of ${num(replayRows)} rows; end to end: ${e2eRuns} run${e2eRuns === 1 ? '' : 's'} of ${num(rows)} rows; ` +
        `after a warm-up. Simulator: ${cluster.mode}.`,
      tables: [
        {
          title: 'Rows per second',
          columns: ['path', 'impala-ha', 'hive-driver', 'impala-ha / hive-driver'],
          rows: [
            ['decode captured replies in process (client only, no socket)', spread(inProc.ours), spread(inProc.hive), ratioCell(inProc.ratio)],
            ['replayed replies over loopback (client only)', spread(rep.ours), spread(rep.hive), ratioCell(rep.ratio)],
            ['end to end from the simulator', spread(e2e.ours), spread(e2e.hive), ratioCell(e2e.ratio)],
            ['simulator alone (bare socket, rows not decoded)', spread(server), '', ''],
          ],
        },
        {
          title: 'CPU seconds per million rows, end to end',
          columns: ['', 'impala-ha run', 'hive-driver run', 'bare-socket run'],
          rows: [
            ['client process', spread(clientCpu.ours), spread(clientCpu.hive), ''],
            ['simulator process(es)', spread(simCpu.ours), spread(simCpu.hive), spread(serverCpu)],
          ],
          notes: [`One FetchResults reply of ${num(FETCH_SIZE)} rows is about ${num((bytesPerRow * FETCH_SIZE) / 1024)} KiB on the wire (${num(bytesPerRow)} bytes per row).`],
        },
      ],
      raw: { rows, clientOnlyRows, inProcessMs, fetchSize: FETCH_SIZE, runs, e2eRuns, simulator: cluster.mode, inProcess: inProc, replay: rep, endToEnd: e2e, serverRowsPerSecond: server, clientCpuSecondsPerMillion: clientCpu, simCpuSecondsPerMillion: simCpu, serverOnlySimCpuSecondsPerMillion: serverCpu, samples: results },
    };
  },
};
