import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ErrorCode, hasCode } from '../../src/errors';
import { liveChildPids } from '../../src/testing/process/child-registry';
import * as I from '../../src/thrift/gen-nodejs/ImpalaService_types';
import { check, eventually, Hs2TestClient } from './helpers/hs2-client';
import { useCluster } from './helpers/sim-fixture';

/** Every child pid any test here saw; the final hook checks that none is still alive. */
const seenPids = new Set<number>();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Process state letter from /proc (R, S, T = stopped, Z...). */
function procState(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
}

describe('simulator: coordinators as child processes (processes: true)', function () {
  this.timeout(30_000);
  const sim = useCluster({ coordinators: 2, processes: true });

  beforeEach(() => {
    for (const c of sim.cluster.coordinators) if (c.pid !== undefined) seenPids.add(c.pid);
  });

  afterEach(async () => {
    for (const c of sim.cluster.coordinators) {
      if (c.pid !== undefined) seenPids.add(c.pid);
      if (c.up) await c.resume();
      else await c.restart();
      if (c.pid !== undefined) seenPids.add(c.pid);
    }
  });

  it('runs each coordinator in its own live process and serves queries through the parent engine', async () => {
    const pids = sim.cluster.coordinators.map((c) => c.pid);
    assert.equal(new Set(pids).size, 2);
    for (const pid of pids) {
      assert.ok(pid !== undefined && pid !== process.pid && alive(pid));
    }
    const client = await sim.connect(0);
    const s = await client.openSession();
    await client.query(s, 'CREATE TABLE proc_t (a INT)');
    await client.query(s, 'INSERT INTO proc_t VALUES (1), (2)');
    assert.deepEqual(await client.query(s, 'SELECT count(*) FROM proc_t'), [[2n]]);
    const stats = await sim.cluster.refreshStats();
    assert.equal(stats[0]!.openSessions, 1);
    assert.equal(stats[0]!.connections, 1);
    assert.deepEqual(
      stats[0]!.executed.map((e) => e.sql),
      ['CREATE TABLE proc_t (a INT)', 'INSERT INTO proc_t VALUES (1), (2)', 'SELECT count(*) FROM proc_t'],
    );
  });

  it('kill() sends a real SIGKILL: the process is gone, calls see a reset, restart() forks a new one', async () => {
    const c = sim.cluster.coordinators[0]!;
    const client = await sim.connect(c);
    const s = await client.openSession();
    const op = await client.execute(s, 'SELECT sleep(5000)');
    const pending = client.fetchRaw(op).then(
      () => undefined,
      (err: unknown) => err,
    );
    const pid = c.pid!;
    await c.kill();
    assert.equal(alive(pid), false, 'the process was killed');
    assert.equal(c.up, false);
    assert.ok(hasCode(await pending, ErrorCode.CONNECTION_LOST));
    await assert.rejects(Hs2TestClient.connect({ host: c.host, port: c.port }), (err: unknown) => hasCode(err, ErrorCode.CONNECT_REFUSED));
    await c.restart();
    assert.notEqual(c.pid, pid);
    seenPids.add(c.pid!);
    const fresh = await sim.connect(c);
    assert.match((await fresh.executeRaw(s, 'SELECT 1')).status.errorMessage!, /^Invalid session id: /);
    assert.deepEqual(await fresh.query(await fresh.openSession(), 'SELECT 1'), [[1]]);
  });

  it('hang() sends SIGSTOP (the process is stopped, TCP still accepts), resume() SIGCONT', async () => {
    const c = sim.cluster.coordinators[1]!;
    const client = await sim.connect(c);
    const s = await client.openSession();
    await c.hang();
    await eventually(() => procState(c.pid!) === 'T', 'the process to be stopped');
    await assert.rejects(client.call('PingImpalaHS2Service', new I.TPingImpalaHS2ServiceReq({ sessionHandle: s }), I.TPingImpalaHS2ServiceResp, 300), (err: unknown) =>
      hasCode(err, ErrorCode.RPC_TIMEOUT),
    );
    const other = await Hs2TestClient.connect({ host: c.host, port: c.port }); // the kernel completes the handshake
    const answer = other.openSession().then((s2) => other.query(s2, 'SELECT 7'));
    await c.resume();
    await eventually(() => procState(c.pid!) !== 'T', 'the process to run again');
    assert.deepEqual(await answer, [[7]]);
    await other.close();
  });

  it('a child killed from outside is noticed: the coordinator reads as down', async () => {
    const c = sim.cluster.coordinators[1]!;
    const pid = c.pid!;
    process.kill(pid, 'SIGKILL');
    await c.waitUntilDown(5000);
    assert.equal(c.up, false);
    assert.equal(sim.cluster.stats()[1]!.up, false);
  });

  it('faults go over IPC: admission and graceful shutdown, after which the child exits', async () => {
    const c = sim.cluster.coordinators[0]!;
    const client = await sim.connect(c);
    const s = await client.openSession();
    await c.setAdmission({ maxRunning: 0, maxQueued: 0 });
    const rejected = await client.execute(s, 'SELECT 1');
    assert.match((await client.waitDone(rejected)).errorMessage!, /Rejected query from pool default-pool: queue full, limit=0, num_queued=0\./);
    await c.setAdmission(null);
    const pid = c.pid!;
    await c.shutdown();
    assert.match((await client.executeRaw(s, 'SELECT 1')).status.errorMessage!, /^Server is being shut down: /);
    check('close', (await client.closeOperation(rejected)).status);
    await c.waitUntilDown(5000);
    await eventually(() => !alive(pid), 'the child process to exit');
  });

  it('a child outlives neither a SIGKILLed parent nor its IPC channel', async () => {
    const fixture = join(__dirname, 'fixtures', 'cluster-parent.ts');
    const parent = spawn(process.execPath, ['--require', 'tsx/cjs', fixture], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const line = await new Promise<string>((resolve, reject) => {
        const rl = createInterface({ input: parent.stdout! });
        rl.once('line', resolve);
        parent.once('exit', (code) => reject(new Error(`fixture exited with ${code}`)));
      });
      const { pids } = JSON.parse(line) as { pids: number[] };
      pids.forEach((p) => seenPids.add(p));
      assert.equal(pids.length, 2);
      assert.ok(pids.every(alive));
      parent.kill('SIGKILL');
      await eventually(() => pids.every((p) => !alive(p)), 'the orphaned children to exit', 5000);
    } finally {
      if (parent.exitCode === null) parent.kill('SIGKILL');
    }
  });

  after(async () => {
    await sim.cluster.stop();
    // No child of ours may survive the suite.
    for (const pid of seenPids) await eventually(() => !alive(pid), `pid ${pid} to be gone`, 5000);
    assert.deepEqual(liveChildPids(), []);
  });
});
