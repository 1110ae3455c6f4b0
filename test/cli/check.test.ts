import { strict as assert } from 'node:assert';
import { startCluster, type SimCluster } from '../../src/testing';
import type { CheckReport } from '../../src/cli/check-command';
import { BIN, childEnv, ensureBuilt, runNode } from '../package/build';

const impalaHa = (args: string[], env: Record<string, string> = {}) => runNode([BIN, ...args], { env: childEnv(env) });

describe('impala-ha check (the installed bin against the simulator)', function () {
  this.timeout(120_000);
  const clusters: SimCluster[] = [];
  before(async function () {
    this.timeout(900_000);
    await ensureBuilt();
  });
  afterEach(async () => {
    await Promise.all(clusters.splice(0).map((c) => c.stop()));
  });

  it('reports every step of every coordinator as JSON and exits 0 when all are up', async () => {
    const cluster = await startCluster({ coordinators: 2 });
    clusters.push(cluster);
    const r = await impalaHa(['check', cluster.url, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as CheckReport;
    assert.equal(report.url, cluster.url.replace(/\/default$/, ''));
    assert.deepEqual([report.up, report.down], [2, 0]);
    for (const [i, c] of report.coordinators.entries()) {
      assert.equal(c.coordinator, cluster.coordinators[i]!.address);
      assert.equal(c.up, true);
      assert.deepEqual(Object.fromEntries(Object.entries(c.steps).map(([k, s]) => [k, s.status])), { tcp: 'ok', tls: 'skipped', auth: 'ok', session: 'ok', ping: 'ok' });
      assert.match(c.version!, /^impalad version \d+\.\d+\.\d+/);
      assert.ok(typeof c.latencyMs === 'number' && c.latencyMs >= 0);
    }
  });

  it('exits 1 and names the failing step when a coordinator is down (text output, IMPALA_URL)', async () => {
    const cluster = await startCluster({ coordinators: 2 });
    clusters.push(cluster);
    await cluster.coordinators[1]!.kill();
    const r = await impalaHa(['check'], { IMPALA_URL: cluster.url });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /: 1 of 2 coordinator\(s\) up\n/);
    assert.match(r.stdout, new RegExp(`^${cluster.coordinators[0]!.address} {2}UP$`, 'm'));
    assert.match(r.stdout, new RegExp(`^${cluster.coordinators[1]!.address} {2}DOWN\\n {2}tcp +FAILED [\\d.]+ ms {2}ECONNREFUSED: `, 'm'));
  });

  it('tells an authentication failure from a reachable coordinator, and never prints the password', async () => {
    const cluster = await startCluster({ coordinators: 1, users: { alice: 'right-secret' } });
    clusters.push(cluster);
    const address = cluster.coordinators[0]!.address;
    const bad = await impalaHa(['check', `impala://alice:wrong-secret@${address}`, '--json']);
    assert.equal(bad.code, 1, bad.stderr);
    const report = JSON.parse(bad.stdout) as CheckReport;
    const steps = report.coordinators[0]!.steps;
    assert.equal(steps.tcp.status, 'ok');
    assert.equal(steps.auth.status, 'failed');
    assert.equal(steps.auth.error!.code, 'IMPALA_ERR_AUTH_FAILED');
    assert.equal(steps.session.status, 'skipped');
    assert.ok(!bad.stdout.includes('wrong-secret') && !bad.stderr.includes('wrong-secret'), 'the password never prints');
    const good = await impalaHa(['check', `impala://alice:right-secret@${address}`]);
    assert.equal(good.code, 0, good.stdout);
    assert.match(good.stdout, /auth +ok {2}SASL PLAIN as alice/);
    assert.ok(!good.stdout.includes('right-secret'));
  });

  it('rejects bad command lines with exit status 2', async () => {
    for (const args of [['check', 'a:1', '--url', 'b:1'], ['check', '--timeout_ms', 'soon', 'a:1'], ['check', 'impala://h:1?bogus=1']]) {
      const r = await impalaHa(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, /^impala-ha check: /);
    }
  });
});
