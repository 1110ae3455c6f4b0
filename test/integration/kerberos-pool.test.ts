import { strict as assert } from 'node:assert';
import { createClient, ErrorCode, ImpalaError, type ClientOptions, type ImpalaClient } from '../../src';
import { startCluster } from '../../src/testing';
import type { SimCluster } from '../../src/testing/types';
import { startKdcOrSkip, type Kdc } from '../helpers/kdc';
import { FAST, loadLoop, waitFor } from '../helpers/pool-fixtures';

/**
 * The pool with Kerberos on, against a real MIT KDC on loopback and three simulated
 * coordinators that accept GSSAPI with a keytab (as impalad with --principal and
 * --keytab_file). Coordinators are addressed as `localhost`, whose principal is
 * impala/localhost; the load balancer case uses impala/lb.example.
 */
describe('pool with Kerberos (3 coordinators, real KDC)', function () {
  this.timeout(120_000);
  let kdc: Kdc;
  const clusters: SimCluster[] = [];
  const clients: ImpalaClient[] = [];
  const cluster = async (principal?: string, processes = false): Promise<SimCluster> => {
    const c = await startCluster({ coordinators: 3, processes, kerberos: { keytab: kdc.serviceKeytab, ...(principal ? { principal } : {}) } });
    clusters.push(c);
    return c;
  };
  const byName = (c: SimCluster): string[] => c.coordinators.map((x) => `localhost:${x.port}`);
  const client = (options: ClientOptions | string): ImpalaClient => {
    const c = typeof options === 'string' ? createClient(options) : createClient({ ...FAST, auth: 'gssapi', ...options });
    clients.push(c);
    return c;
  };
  const servedBy = async (impala: ImpalaClient, n: number): Promise<Set<string>> => {
    const served = new Set<string>();
    for (let i = 0; i < n; i++) served.add((await impala.query('SELECT 1 AS x')).coordinator);
    return served;
  };

  before(async function () {
    this.timeout(600_000);
    kdc = await startKdcOrSkip(this);
  });
  after(async () => kdc?.stop());
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    for (const c of clusters.splice(0)) await c.stop();
  });

  it("a kinit'd user reaches all three, each with its own principal (_HOST), from options, jdbc:hive2 and jdbc:impala URLs", async () => {
    const sim = await cluster(`impala/localhost@${kdc.realm}`);
    const hosts = byName(sim);
    assert.equal((await servedBy(client({ coordinators: hosts, balance: 'roundrobin' }), 6)).size, 3);
    const hive2 = client(`jdbc:hive2://${hosts.join(',')}/default;principal=impala/_HOST@${kdc.realm};balance=roundrobin`);
    assert.equal(hive2.options.auth, 'gssapi');
    assert.equal((await servedBy(hive2, 6)).size, 3);
    const simba = client(`jdbc:impala://${hosts.join(',')}/default;AuthMech=1;KrbHostFQDN=_HOST;KrbServiceName=impala;KrbRealm=${kdc.realm};balance=roundrobin`);
    assert.equal((await servedBy(simba, 6)).size, 3);
  });

  it('three coordinators with three different principals: each connection targets its own coordinator’s', async () => {
    // 127.0.0.1-3 stand for three hosts; each coordinator holds only its own key.
    const sims: SimCluster[] = [];
    for (const n of [1, 2, 3]) {
      const host = `127.0.0.${n}`;
      const keytab = kdc.addPrincipal(`impala/${host}`);
      const sim = await startCluster({ coordinators: 1, host, kerberos: { keytab, principal: `impala/${host}@${kdc.realm}` }, ...(sims[0] ? { engine: sims[0].engine } : {}) });
      sims.push(sim);
    }
    // The first one owns the shared engine: stop it last.
    clusters.push(...[...sims].reverse());
    const addresses = sims.map((s) => s.coordinators[0]!.address);
    assert.deepEqual([...(await servedBy(client({ coordinators: addresses, balance: 'roundrobin' }), 9))].sort(), [...addresses].sort());
    // One principal for all is refused by the two that do not hold it.
    const one = client({ coordinators: addresses.slice(1), kerberosHostFqdn: '127.0.0.1' });
    const err = await one.query('SELECT 1').then(
      () => assert.fail('expected AUTH_FAILED'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof ImpalaError);
    assert.equal(err.code, ErrorCode.AUTH_FAILED);
    assert.match(err.message, /impala\/127\.0\.0\.1/);
  });

  it("one fixed krbHost (a load balancer's principal) works for all three coordinators", async () => {
    // Every coordinator runs as impala/lb.example, as behind a balancer (merged keytab).
    const sim = await cluster(`impala/lb.example@${kdc.realm}`);
    const addresses = sim.coordinators.map((c) => c.address);
    assert.equal((await servedBy(client({ coordinators: addresses, kerberosHostFqdn: 'lb.example', balance: 'roundrobin' }), 6)).size, 3);
    const url = client(`jdbc:hive2://${addresses.join(',')}/;principal=impala/lb.example@${kdc.realm};balance=roundrobin`);
    assert.equal((await servedBy(url, 6)).size, 3);
    // The simulator's own URL carries the balancer's host.
    assert.match(sim.url, /auth=gssapi&krbHost=lb\.example$/);
    assert.equal((await servedBy(client(sim.url), 3)).size > 0, true);
  });

  it('a wrong principal fails fast with AUTH_FAILED naming the principal tried', async () => {
    const sim = await cluster(`impala/lb.example@${kdc.realm}`);
    // Each coordinator's own name, but they only hold the balancer's principal: every connect is refused.
    const perHost = client({ coordinators: byName(sim), connectTimeoutMs: 60_000, acquireTimeoutMs: 60_000 });
    const err = await perHost.query('SELECT 1').then(
      () => assert.fail('expected AUTH_FAILED'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof ImpalaError);
    assert.equal(err.code, ErrorCode.AUTH_FAILED, err.message);
    assert.match(err.message, /impala\/localhost/);
    assert.equal(sim.stats().reduce((n, c) => n + c.executed.length, 0), 0);
    // A principal the KDC does not know.
    const unknown = client({ coordinators: byName(sim), kerberosHostFqdn: 'nosuch.example', connectTimeoutMs: 60_000, acquireTimeoutMs: 60_000 });
    const err2 = await unknown.query('SELECT 1').then(
      () => assert.fail('expected AUTH_FAILED'),
      (e: unknown) => e,
    );
    assert.ok(err2 instanceof ImpalaError);
    assert.equal(err2.code, ErrorCode.AUTH_FAILED);
    assert.match(err2.message, /impala\/nosuch\.example/);
  });

  it('kill one of 3 (a real SIGKILL) under 8 concurrent SELECT loops: zero caller errors with Kerberos on', async () => {
    const sim = await cluster(undefined, true);
    const impala = client({ coordinators: byName(sim), balance: 'leastconn' });
    const victim = sim.coordinators[1]!;
    const served = new Map<string, number>();
    let restarted = false;
    let servedAfterRestart = 0;
    const chaos = (async () => {
      await new Promise((r) => setTimeout(r, 2500));
      await victim.kill();
      await new Promise((r) => setTimeout(r, 3000));
      await victim.restart();
      restarted = true;
    })();
    const load = await loadLoop(8, 10_000, async (w, i) => {
      const r = await impala.query('SELECT count(*) AS n FROM range(?) t', { params: [1000 + ((w * 31 + i) % 500)] });
      served.set(r.coordinator, (served.get(r.coordinator) ?? 0) + 1);
      if (restarted && r.coordinator === `localhost:${victim.port}`) servedAfterRestart++;
    });
    await chaos;
    assert.deepEqual(load.errors.map((e) => e.message), []);
    assert.ok(load.ok > 100, `only ${load.ok} queries ran`);
    for (const address of byName(sim)) assert.ok((served.get(address) ?? 0) > 0, `${address} served nothing`);
    // Rise and slow start take their time on a loaded machine: keep querying until the
    // restarted coordinator (a new Kerberos handshake) serves again.
    await waitFor(
      async () => {
        await Promise.all(Array.from({ length: 4 }, () => impala.query('SELECT count(*) AS n FROM range(10) t').then((r) => void (r.coordinator === `localhost:${victim.port}` && servedAfterRestart++))));
        return servedAfterRestart > 0;
      },
      20_000,
      'the restarted coordinator to serve again',
    );
  });
});
