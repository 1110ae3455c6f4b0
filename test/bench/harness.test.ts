import { strict as assert } from 'node:assert';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { connect } from '../../src/protocol/hs2';
import { startCluster } from '../../src/testing';
import type { SimCluster } from '../../src/testing/types';
import * as T from '../../src/thrift/gen-nodejs/TCLIService_types';
import { decodeSql } from '../../bench/benchmarks/decode';
import { haproxyConfig } from '../../bench/lib/haproxy';
import { HiveCallError, HiveConnection } from '../../bench/lib/hive-connection';
import { fetchReplyHasMoreRows, fetchWithoutDecoding } from '../../bench/lib/raw-hs2';
import { RemoteCluster } from '../../bench/lib/remote-cluster';
import { ReplayServer, ReplyRecorder } from '../../bench/lib/reply-replay';
import { encodeCall, MessageSplitter, readHeader, withSeqid } from '../../bench/lib/thrift-messages';

async function server(onSocket: (s: net.Socket) => void): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const srv = net.createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
    onSocket(s);
  });
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  return {
    port: (srv.address() as net.AddressInfo).port,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => srv.close(() => resolve()));
    },
  };
}

describe('bench: Thrift message helpers', () => {
  it('splits messages fed one byte at a time and rewrites a seqid', () => {
    const a = encodeCall('GetInfo', 7, new T.TGetInfoReq({ sessionHandle: new T.TSessionHandle({ sessionId: new T.THandleIdentifier({ guid: Buffer.alloc(16, 1), secret: Buffer.alloc(16, 2) }) }), infoType: 18 }));
    const b = encodeCall('CloseSession', 8, new T.TCloseSessionReq({ sessionHandle: new T.TSessionHandle({ sessionId: new T.THandleIdentifier({ guid: Buffer.alloc(16), secret: Buffer.alloc(16) }) }) }));
    const splitter = new MessageSplitter();
    const out: Buffer[] = [];
    for (const byte of Buffer.concat([a, b])) out.push(...splitter.push(Buffer.from([byte])));
    assert.equal(out.length, 2);
    assert.ok(out[0]!.equals(a) && out[1]!.equals(b));
    assert.deepEqual({ ...readHeader(b), seqidOffset: 0 }, { name: 'CloseSession', type: 1, seqid: 8, seqidOffset: 0 });
    assert.equal(readHeader(withSeqid(b, 99)).seqid, 99);
    assert.equal(readHeader(b).seqid, 8, 'the original is left alone');
  });
});

describe('bench: hive-driver wrapper bounds every wait', function () {
  this.timeout(10_000);
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const c of closers.splice(0)) await c();
  });

  it('fails connect + OpenSession against a server that never answers with HIVE_TIMEOUT', async () => {
    const s = await server(() => undefined);
    closers.push(s.close);
    const t0 = Date.now();
    await assert.rejects(HiveConnection.open('127.0.0.1', s.port, { timeoutMs: 300 }), (err: unknown) => err instanceof HiveCallError && err.code === 'HIVE_TIMEOUT');
    assert.ok(Date.now() - t0 < 2_000);
  });

  it('fails at once, as HIVE_CONNECT_FAILED, when the server drops the connection', async () => {
    const s = await server((sock) => sock.destroy());
    closers.push(s.close);
    const t0 = Date.now();
    await assert.rejects(HiveConnection.open('127.0.0.1', s.port, { timeoutMs: 5_000 }), (err: unknown) => err instanceof HiveCallError && err.code === 'HIVE_CONNECT_FAILED');
    assert.ok(Date.now() - t0 < 2_000);
  });
});

describe('bench: recording, replay and the bare-socket fetch against the simulator', function () {
  this.timeout(30_000);
  let cluster: SimCluster;
  const closers: Array<() => Promise<unknown>> = [];
  before(async () => {
    cluster = await startCluster({ coordinators: 1 });
  });
  afterEach(async () => {
    for (const c of closers.splice(0).reverse()) await c().catch(() => undefined);
  });
  after(async () => {
    await cluster.stop();
  });

  it('records replies through the proxy and replays them to both clients as many times as asked', async () => {
    const c0 = cluster.coordinators[0]!;
    const recorder = await ReplyRecorder.start(c0.host, c0.port);
    closers.push(() => recorder.close());
    const ours = await connect({ host: '127.0.0.1', port: recorder.port, fetchSize: 100 });
    let rows = 0;
    for await (const _row of ours.stream(decodeSql(201), { fetchSize: 100 })) rows++;
    await ours.close();
    assert.equal(rows, 201);
    const hive = await HiveConnection.open('127.0.0.1', recorder.port, { timeoutMs: 5_000 });
    assert.equal(await hive.query(decodeSql(201), { timeoutMs: 5_000, fetchSize: 100 }), 201);
    await hive.close();

    const fetches = recorder.replies.get('FetchResults')!;
    assert.ok(fetchReplyHasMoreRows(fetches[0]!) && fetchReplyHasMoreRows(fetches[1]!) && !fetchReplyHasMoreRows(fetches[2]!));
    const replies = new Map([...recorder.replies].filter(([k]) => k !== 'FetchResults').map(([k, v]) => [k, v[v.length - 1]!]));
    const replay = await ReplayServer.start({ replies, batches: fetches.slice(0, 2), last: fetches[2]!, empty: fetches[fetches.length - 1]!, batchesPerStatement: 5 });
    closers.push(() => replay.close());
    const again = await connect({ host: '127.0.0.1', port: replay.port, fetchSize: 100 });
    closers.push(() => again.close());
    rows = 0;
    for await (const _row of again.stream('any text: the replay ignores it', { fetchSize: 100 })) rows++;
    assert.equal(rows, 5 * 100 + 1);
    const hiveAgain = await HiveConnection.open('127.0.0.1', replay.port, { timeoutMs: 5_000 });
    closers.push(() => hiveAgain.close());
    assert.equal(await hiveAgain.query('x', { timeoutMs: 5_000, fetchSize: 100 }), 5 * 100 + 1);
    assert.equal(await hiveAgain.query('x', { timeoutMs: 5_000, fetchSize: 100 }), 5 * 100 + 1, 'each statement starts over');
  });

  it('fetches a whole result over a bare socket without decoding it', async () => {
    const c0 = cluster.coordinators[0]!;
    const r = await fetchWithoutDecoding(c0.host, c0.port, decodeSql(25_000), 10_000, 10_000);
    assert.ok(r.replies >= 3, `${r.replies} replies`);
    assert.ok(r.bytes > 25_000 * 8, `${r.bytes} bytes`);
  });

  it('fails a hive-driver call on a connection cut while idle at once, instead of queueing it forever', async () => {
    const c0 = cluster.coordinators[0]!;
    const hive = await HiveConnection.open(c0.host, c0.port, { timeoutMs: 5_000 });
    closers.push(() => hive.close());
    await c0.dropIdle(200);
    closers.push(() => c0.dropIdle(0));
    const deadline = Date.now() + 5_000;
    while (!hive.broken && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.ok(hive.broken, 'the simulator cut the idle connection');
    const t0 = Date.now();
    await assert.rejects(hive.query('SELECT 1', { timeoutMs: 5_000 }), (err: unknown) => err instanceof HiveCallError && err.code === 'HIVE_CONNECTION_CLOSED');
    assert.ok(Date.now() - t0 < 500);
  });
});

describe('bench: simulator host process', function () {
  this.timeout(60_000);
  it('starts a cluster in its own process, reports its CPU, and is gone after stop', async () => {
    const cluster = await RemoteCluster.start({ coordinators: 2 });
    try {
      assert.equal(cluster.addresses.length, 2);
      const before = await cluster.cpuUsage();
      const r = await fetchWithoutDecoding(cluster.coordinators[0]!.host, cluster.coordinators[0]!.port, decodeSql(5_000), 10_000, 10_000);
      assert.ok(r.replies >= 1);
      const after = await cluster.cpuUsage();
      assert.ok(after.user + after.system > before.user + before.system, 'the simulator used CPU to answer');
      await cluster.op(1, 'kill');
      await assert.rejects(fetchWithoutDecoding(cluster.coordinators[1]!.host, cluster.coordinators[1]!.port, 'SELECT 1', 10, 2_000));
    } finally {
      await cluster.stop();
    }
    await assert.rejects(cluster.cpuUsage(), /not running/);
  });
});

describe('bench: HAProxy configurations', () => {
  const backends = ['127.0.0.1:21050', '127.0.0.1:21051'];

  it('writes the documented defaults and the tuned checks, and HAProxy accepts both when installed', () => {
    const docs = haproxyConfig(4000, { backends, profile: 'impala-docs' });
    const tuned = haproxyConfig(4000, { backends, profile: 'tuned', idleTimeout: '1s' });
    assert.match(docs, /server c1 127\.0\.0\.1:21051 check\n/);
    assert.match(docs, /balance leastconn/);
    assert.match(tuned, /tcp-check send-binary 800100010000000b4865616c7468436865636b0000000100/);
    assert.match(tuned, /fall 2 rise 1 observe layer4 error-limit 1 on-error mark-down on-marked-down shutdown-sessions/);
    assert.match(tuned, /timeout client 1s/);
    const bin = ['/usr/sbin/haproxy', '/usr/bin/haproxy'].find((p) => fs.existsSync(p));
    if (bin === undefined) return; // nothing more to check without the binary; the text checks above ran
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-haproxy-test-'));
    try {
      for (const [name, text] of [['docs', docs], ['tuned', tuned]] as const) {
        const file = path.join(dir, `${name}.cfg`);
        fs.writeFileSync(file, text);
        const r: SpawnSyncReturns<string> = spawnSync(bin, ['-c', '-f', file], { encoding: 'utf8', timeout: 10_000 });
        assert.equal(r.status, 0, `${name}: ${r.stdout}${r.stderr}`);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
