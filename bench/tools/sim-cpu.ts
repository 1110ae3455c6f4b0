/**
 * The simulator's own CPU per statement and per RPC, measured on its host process
 * (the client runs here, as in `npm run bench`), with an optional CPU profile of
 * the host. For finding and checking the simulator's fixed cost per statement.
 *
 *   npx tsx bench/tools/sim-cpu.ts [--n 2000] [--profile <dir>] [--processes]
 *
 * `--profile <dir>` runs the host under `node --cpu-prof` and prints where its CPU
 * went (self time by function and by file); the `.cpuprofile` stays in `<dir>`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { connect } from '../../src/protocol/hs2';
import { toInt64 } from '../../src/protocol/hs2/int64';
import * as T from '../../src/thrift/gen-nodejs/TCLIService_types';
import { decodeReply, fetchReplyHasMoreRows, MinimalHs2Exchange, RawHs2Socket } from '../lib/raw-hs2';
import { RemoteCluster } from '../lib/remote-cluster';
import { pointQuery, SMALL_TABLE_SEED } from '../lib/workload';

const TIMEOUT_MS = 10_000;

interface Workload {
  label: string;
  /** Runs one unit of work; `i` counts units. */
  run(i: number): Promise<unknown>;
  close(): Promise<void>;
}

async function rawSession(host: string, port: number): Promise<{ s: RawHs2Socket; session: T.TSessionHandle }> {
  const s = await RawHs2Socket.connect(host, port, TIMEOUT_MS);
  const open = decodeReply(
    await s.request('OpenSession', new T.TOpenSessionReq({ client_protocol: T.TProtocolVersion.HIVE_CLI_SERVICE_PROTOCOL_V6 }), TIMEOUT_MS),
    T.TOpenSessionResp,
  );
  if (!open.sessionHandle) throw new Error('OpenSession failed');
  return { s, session: open.sessionHandle };
}

async function workloads(host: string, port: number): Promise<Workload[]> {
  const minimal = await MinimalHs2Exchange.open(host, port, TIMEOUT_MS);
  const session = await connect({ host, port, rpcTimeoutMs: TIMEOUT_MS });
  const meta = await rawSession(host, port);
  const status = await rawSession(host, port);
  const exec = decodeReply(
    await status.s.request('ExecuteStatement', new T.TExecuteStatementReq({ sessionHandle: status.session, statement: 'SELECT 1', runAsync: true }), TIMEOUT_MS),
    T.TExecuteStatementResp,
  );
  if (!exec.operationHandle) throw new Error('ExecuteStatement failed');
  const statusReq = new T.TGetOperationStatusReq({ operationHandle: exec.operationHandle });
  return [
    { label: 'SELECT 1, minimal exchange (Execute, Fetch, Close)', run: () => minimal.query('SELECT 1'), close: () => minimal.close() },
    { label: 'SELECT 1, CoordinatorSession (Execute, Metadata+Fetch, Close)', run: () => session.query('SELECT 1'), close: () => session.close() },
    { label: 'same point query text, minimal exchange', run: () => minimal.query(pointQuery(42)), close: async () => undefined },
    { label: 'point query, new literal each time, minimal exchange', run: (i) => minimal.query(pointQuery(i)), close: async () => undefined },
    {
      label: 'GetTables + Fetch + Close (raw)',
      run: async () => {
        const r = decodeReply(
          await meta.s.request('GetTables', new T.TGetTablesReq({ sessionHandle: meta.session, schemaName: 'default', tableName: '%' }), TIMEOUT_MS),
          T.TGetTablesResp,
        );
        const operationHandle = r.operationHandle;
        if (!operationHandle) throw new Error('GetTables failed');
        const req = new T.TFetchResultsReq({ operationHandle, orientation: T.TFetchOrientation.FETCH_NEXT, maxRows: toInt64(1024) });
        while (fetchReplyHasMoreRows(await meta.s.request('FetchResults', req, TIMEOUT_MS)));
        await meta.s.request('CloseOperation', new T.TCloseOperationReq({ operationHandle }), TIMEOUT_MS);
      },
      close: async () => meta.s.close(),
    },
    { label: 'GetOperationStatus alone (raw)', run: () => status.s.request('GetOperationStatus', statusReq, TIMEOUT_MS), close: async () => status.s.close() },
  ];
}

/** Self time by function and by file from a V8 `.cpuprofile`. */
function summarizeProfile(file: string, top: number): string {
  interface Node {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    hitCount?: number;
  }
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as { nodes: Node[]; samples: number[]; timeDeltas: number[] };
  const byNode = new Map<number, number>();
  profile.samples.forEach((id, k) => byNode.set(id, (byNode.get(id) ?? 0) + (profile.timeDeltas[k] ?? 0)));
  const total = [...byNode.values()].reduce((a, b) => a + b, 0);
  const byFn = new Map<string, number>();
  const byFile = new Map<string, number>();
  for (const n of profile.nodes) {
    const t = byNode.get(n.id) ?? 0;
    if (t === 0) continue;
    const url = n.callFrame.url.replace(/^file:\/\//, '').replace(process.cwd() + '/', '');
    const fn = `${n.callFrame.functionName || '(anonymous)'} ${url}:${n.callFrame.lineNumber + 1}`;
    byFn.set(fn, (byFn.get(fn) ?? 0) + t);
    byFile.set(url || '(native)', (byFile.get(url || '(native)') ?? 0) + t);
  }
  const list = (m: Map<string, number>): string =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, v]) => `  ${((100 * v) / total).toFixed(1).padStart(5)}%  ${k}`)
      .join('\n');
  return `profile ${file}: ${(total / 1e6).toFixed(2)} s sampled\nself time by function:\n${list(byFn)}\nself time by file:\n${list(byFile)}\n`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { n: { type: 'string' }, profile: { type: 'string' }, processes: { type: 'boolean' }, only: { type: 'string' } },
    strict: true,
  });
  const n = Number(values.n ?? 2000);
  const profileDir = values.profile === undefined ? undefined : path.resolve(values.profile);
  if (profileDir !== undefined) fs.mkdirSync(profileDir, { recursive: true });
  const before = profileDir === undefined ? new Set<string>() : new Set(fs.readdirSync(profileDir));
  const cluster = await RemoteCluster.start({
    coordinators: 1,
    processes: values.processes === true,
    nodeFlags: profileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${profileDir}`],
  });
  const rows: string[] = [];
  try {
    await cluster.seed(SMALL_TABLE_SEED);
    const c0 = cluster.coordinators[0]!;
    const list = await workloads(c0.host, c0.port);
    try {
      for (const w of list) {
        if (values.only !== undefined && !w.label.includes(values.only)) continue;
        for (let i = 0; i < Math.min(200, n); i++) await w.run(i);
        const t0 = performance.now();
        const { simCpuMicros } = await cluster.withCpu(async () => {
          for (let i = 0; i < n; i++) await w.run(i);
        });
        const wall = performance.now() - t0;
        rows.push(`${w.label.padEnd(64)} ${String(Math.round(simCpuMicros / n)).padStart(7)} µs sim CPU  ${((wall * 1000) / n).toFixed(0).padStart(6)} µs wall`);
        process.stdout.write(`${rows.at(-1)}\n`);
      }
    } finally {
      for (const w of list) await w.close().catch(() => undefined);
    }
  } finally {
    await cluster.stop();
  }
  process.stdout.write(`\n${n} per workload after ${Math.min(200, n)} warm-up; ${cluster.mode}\n${rows.join('\n')}\n`);
  if (profileDir !== undefined) {
    const fresh = fs.readdirSync(profileDir).filter((f) => f.endsWith('.cpuprofile') && !before.has(f));
    for (const f of fresh) process.stdout.write(summarizeProfile(path.join(profileDir, f), 40));
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`sim-cpu: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
