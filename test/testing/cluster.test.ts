import { strict as assert } from 'node:assert';
import { createServer } from 'node:net';
import { ConfigError, ErrorCode, hasCode } from '../../src/errors';
import { startCluster, type SimClusterOptions } from '../../src/testing';
import { Hs2TestClient } from './helpers/hs2-client';

/** A free port with `count - 1` free ports after it (best effort: checked, then released). */
async function freePortRange(count: number): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const base = 20000 + Math.floor(Math.random() * 30000);
    const servers = [];
    try {
      for (let i = 0; i < count; i++) {
        const s = createServer();
        await new Promise<void>((resolve, reject) => {
          s.once('error', reject);
          s.listen(base + i, '127.0.0.1', () => resolve());
        });
        servers.push(s);
      }
      return base;
    } catch {
      // try another range
    } finally {
      await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    }
  }
  throw new Error('no free port range found');
}

describe('startCluster', function () {
  this.timeout(20_000);

  it('starts N coordinators, builds the URL, and stop() is idempotent and closes the ports', async () => {
    const cluster = await startCluster({ coordinators: 2 });
    try {
      const [a, b] = cluster.coordinators;
      assert.equal(cluster.url, `impala://${a!.address},${b!.address}/default`);
      assert.deepEqual(cluster.coordinators.map((c) => c.index), [0, 1]);
      assert.ok(cluster.coordinators.every((c) => c.up && c.host === '127.0.0.1' && c.port > 0 && c.pid === undefined));
      assert.deepEqual(
        cluster.stats().map((s) => [s.index, s.address, s.up, s.openSessions, s.openOperations, s.connections, s.executed.length]),
        [
          [0, a!.address, true, 0, 0, 0, 0],
          [1, b!.address, true, 0, 0, 0, 0],
        ],
      );
    } finally {
      await cluster.stop();
      await cluster.stop();
    }
    assert.ok(cluster.coordinators.every((c) => !c.up));
    await assert.rejects(Hs2TestClient.connect({ host: '127.0.0.1', port: cluster.coordinators[0]!.port }), (err: unknown) => hasCode(err, ErrorCode.CONNECT_REFUSED));
  });

  it('basePort puts coordinator i on basePort + i', async () => {
    const base = await freePortRange(3);
    const cluster = await startCluster({ coordinators: 3, basePort: base });
    try {
      assert.deepEqual(cluster.coordinators.map((c) => c.port), [base, base + 1, base + 2]);
    } finally {
      await cluster.stop();
    }
  });

  it('seed() makes tables visible on every coordinator at once, without logging them', async () => {
    const cluster = await startCluster({ coordinators: 2, catalogLagMs: 60_000 });
    try {
      await cluster.seed("CREATE TABLE seeded (id INTEGER, name VARCHAR); INSERT INTO seeded VALUES (1, 'a'), (2, 'b');");
      for (const c of cluster.coordinators) {
        const client = await Hs2TestClient.connect(c);
        try {
          assert.deepEqual(await client.query(await client.openSession(), 'SELECT name FROM seeded ORDER BY id'), [['a'], ['b']]);
        } finally {
          await client.close();
        }
      }
      assert.deepEqual(cluster.stats().map((s) => s.executed.length), [1, 1]);
    } finally {
      await cluster.stop();
    }
  });

  it('a port already in use fails the start and stops what was started', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve()));
    const port = (blocker.address() as { port: number }).port;
    try {
      await assert.rejects(startCluster({ coordinators: 1, basePort: port, startTimeoutMs: 1000 }), /EADDRINUSE/);
    } finally {
      await new Promise((r) => blocker.close(r));
    }
  });

  const bad: Array<[string, SimClusterOptions, RegExp]> = [
    ['coordinators 0', { coordinators: 0 }, /coordinators must be an integer from 1 to 64, got 0/],
    ['coordinators 1.5', { coordinators: 1.5 }, /coordinators must be an integer/],
    ['negative lag', { catalogLagMs: -1 }, /catalogLagMs must be a number of milliseconds >= 0/],
    ['basePort too high', { coordinators: 3, basePort: 65534 }, /basePort must be an integer from 1 to 65533/],
    ['processes not boolean', { processes: 'yes' as unknown as boolean }, /processes must be true or false/],
    ['empty users', { users: {} }, /users must be an object mapping at least one user name/],
    ['unknown option', { coordinater: 3 } as unknown as SimClusterOptions, /unknown option 'coordinater'/],
  ];
  for (const [name, options, message] of bad) {
    it(`rejects ${name} with a ConfigError naming the option`, async () => {
      await assert.rejects(startCluster(options), (err: unknown) => err instanceof ConfigError && message.test(err.message));
    });
  }

  it('never puts a password in a users error', async () => {
    await assert.rejects(startCluster({ users: { '': 'topsecret' } }), (err: unknown) => err instanceof ConfigError && !err.message.includes('topsecret'));
  });

  it('fault setters reject bad arguments with an ArgumentError', async () => {
    const cluster = await startCluster({ coordinators: 1 });
    try {
      const c = cluster.coordinators[0]!;
      await assert.rejects(c.dropIdle(-5), (err: unknown) => hasCode(err, ErrorCode.INVALID_ARGUMENT) && /dropIdle ms must be a finite number >= 0, got -5/.test((err as Error).message));
      await assert.rejects(c.refuseConnections(1.5), (err: unknown) => hasCode(err, ErrorCode.INVALID_ARGUMENT));
      await assert.rejects(c.setAdmission({ maxRunning: -1 }), (err: unknown) => hasCode(err, ErrorCode.INVALID_ARGUMENT));
      await assert.rejects(c.setRpcDelay({ method: '', ms: 5 }), (err: unknown) => hasCode(err, ErrorCode.INVALID_ARGUMENT));
      await assert.rejects(c.shutdown({ deadlineMs: Number.NaN }), (err: unknown) => hasCode(err, ErrorCode.INVALID_ARGUMENT));
      assert.equal(c.up, true, 'a rejected shutdown did not start one');
    } finally {
      await cluster.stop();
    }
  });
});
