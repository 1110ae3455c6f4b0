import { strict as assert } from 'node:assert';
import * as net from 'node:net';
import { format, inspect } from 'node:util';
import createDebug from 'debug';
import { createClient, ErrorCode, ImpalaError, type ClientOptions, type ImpalaClient } from '../../src';
import type { ClientEventName } from '../../src/events/client-events';
import { startCluster } from '../../src/testing';
import type { SimCluster, SimClusterOptions } from '../../src/testing/types';
import { haproxyBinary, startHaproxy } from '../helpers/haproxy';
import { startKdcOrSkip, type Kdc } from '../helpers/kdc';
import { FAST, loadLoop, waitFor } from '../helpers/pool-fixtures';

/**
 * Kerberos over HS2-HTTP (SPNEGO) through the pool, against a real MIT KDC on loopback
 * and simulated coordinators whose HTTP ports accept `Authorization: Negotiate` with
 * their keytab, as impalad with --principal. Coordinators are addressed as
 * `localhost` (principal impala/localhost); the load-balancer cases use impala/lb.example.
 */

const EVENTS: readonly ClientEventName[] = [
  'coordinatorUp',
  'coordinatorDown',
  'coordinatorDraining',
  'connectionCreated',
  'connectionClosed',
  'connectionValidated',
  'retried',
  'failedOver',
  'sessionReopened',
  'poolCleared',
];

async function rejection(p: Promise<unknown>): Promise<ImpalaError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof ImpalaError, `not an ImpalaError: ${String(err)}`);
    return err;
  }
  assert.fail('expected a rejection');
}

/** A TCP relay to `port` that keeps every byte both ways, to learn the tokens and cookies that really crossed the wire. */
async function recordingProxy(port: number): Promise<{ port: number; traffic: () => string; close: () => Promise<void> }> {
  const chunks: Buffer[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect({ host: '127.0.0.1', port });
    for (const [from, to] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      sockets.add(from);
      from.on('data', (d: Buffer) => {
        chunks.push(d);
        to.write(d);
      });
      from.on('end', () => to.end());
      from.on('error', () => to.destroy());
      from.on('close', () => {
        sockets.delete(from);
        to.destroy();
      });
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    traffic: () => Buffer.concat(chunks).toString('latin1'),
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

describe('Kerberos over HS2-HTTP (SPNEGO), 3 coordinators, real KDC', function () {
  this.timeout(120_000);
  let kdc: Kdc;
  const clusters: SimCluster[] = [];
  const clients: ImpalaClient[] = [];
  const cluster = async (principal?: string, extra: SimClusterOptions = {}): Promise<SimCluster> => {
    const c = await startCluster({ coordinators: 3, ...extra, kerberos: { keytab: kdc.serviceKeytab, ...(principal ? { principal } : {}) } });
    clusters.push(c);
    return c;
  };
  const byName = (c: SimCluster): string[] => c.coordinators.map((x) => `localhost:${x.httpPort}`);
  const client = (options: ClientOptions | string): ImpalaClient => {
    const c = typeof options === 'string' ? createClient(options) : createClient({ ...FAST, protocol: 'hs2-http', auth: 'gssapi', ...options });
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

  it("a kinit'd user reaches all three, each with its own principal (_HOST), from options, impala+http:// and jdbc:hive2 transportMode=http", async () => {
    const sim = await cluster(`impala/localhost@${kdc.realm}`);
    const hosts = byName(sim);
    assert.equal((await servedBy(client({ coordinators: hosts, balance: 'roundrobin' }), 6)).size, 3);
    const url = client(`impala+http://${hosts.join(',')}/default?auth=gssapi&balance=roundrobin`);
    assert.deepEqual([url.options.protocol, url.options.auth], ['hs2-http', 'gssapi']);
    assert.equal((await servedBy(url, 6)).size, 3);
    const hive2 = client(`jdbc:hive2://${hosts.join(',')}/default;transportMode=http;httpPath=cliservice;principal=impala/_HOST@${kdc.realm};balance=roundrobin`);
    assert.equal((await servedBy(hive2, 6)).size, 3);
    for (const c of sim.stats()) {
      assert.ok(c.http.negotiateAccepted >= 1, `${c.address}: ${JSON.stringify(c.http)}`);
      assert.ok(c.executed.length > 0 && c.executed.every((e) => e.user === kdc.userPrincipal), `${c.address} ran as ${c.executed.map((e) => e.user).join(', ')}`);
    }
  });

  it("one fixed krbHost (a load balancer's principal) works for all three; the simulator's hs2-http URL carries it", async () => {
    const sim = await cluster(`impala/lb.example@${kdc.realm}`);
    const addresses = sim.coordinators.map((c) => c.httpAddress);
    assert.equal((await servedBy(client({ coordinators: addresses, kerberosHostFqdn: 'lb.example', balance: 'roundrobin' }), 6)).size, 3);
    const url = sim.urlFor('hs2-http');
    assert.match(url, /^impala\+http:\/\/.*\?auth=gssapi&krbHost=lb\.example$/);
    assert.ok((await servedBy(client(url), 3)).size > 0);
  });

  it('a wrong principal fails fast with AUTH_FAILED naming the principal tried, and nothing runs', async () => {
    const sim = await cluster(`impala/lb.example@${kdc.realm}`);
    // Each coordinator's own name, but they hold only the balancer's principal: the ticket is refused (401).
    const perHost = client({ coordinators: byName(sim), connectTimeoutMs: 60_000, acquireTimeoutMs: 60_000 });
    let retried = 0;
    perHost.on('retried', () => retried++);
    const err = await rejection(perHost.query('SELECT 1'));
    assert.equal(err.code, ErrorCode.AUTH_FAILED, err.message);
    assert.match(err.message, /Kerberos \(SPNEGO\) authentication to localhost:\d+ as service principal impala\/localhost failed: the server refused the Kerberos ticket/);
    assert.equal(retried, 0, 'an authentication failure is not retried');
    const stats = sim.stats();
    assert.equal(stats.reduce((n, c) => n + c.executed.length, 0), 0);
    assert.equal(stats.reduce((n, c) => n + c.http.negotiateAccepted, 0), 0);
    assert.ok(stats.reduce((n, c) => n + c.http.unauthorized, 0) >= 1);
    // A principal the KDC does not know fails before anything is sent.
    const unknown = client({ coordinators: byName(sim), kerberosHostFqdn: 'nosuch.example', connectTimeoutMs: 60_000, acquireTimeoutMs: 60_000 });
    const before = sim.stats().reduce((n, c) => n + c.http.requests, 0);
    const err2 = await rejection(unknown.query('SELECT 1'));
    assert.equal(err2.code, ErrorCode.AUTH_FAILED);
    assert.match(err2.message, /impala\/nosuch\.example failed: could not get a service ticket/);
    assert.equal(sim.stats().reduce((n, c) => n + c.http.requests, 0), before, 'no request reached a coordinator');
  });

  it('the ticket is validated once per connection: later requests ride on the auth cookie, an expired cookie costs one new ticket', async () => {
    const sim = await cluster(undefined, { coordinators: 1, httpCookieMaxAgeS: 2 });
    const impala = client({ coordinators: byName(sim), maxConnectionsPerCoordinator: 1 });
    for (let i = 0; i < 10; i++) assert.deepEqual((await impala.query('SELECT ? AS i', { params: [i] })).rows, [{ i }]);
    let http = sim.stats()[0]!.http;
    assert.equal(http.negotiateAccepted, 1, `one ticket for the connection: ${JSON.stringify(http)}`);
    assert.equal(http.unauthorized, 0);
    assert.ok(http.cookieAccepted >= 10, `every later request carried the cookie: ${JSON.stringify(http)}`);
    // Past Max-Age the client no longer holds the cookie; Negotiate goes out again, once.
    await new Promise((r) => setTimeout(r, 2100));
    for (let i = 0; i < 3; i++) await impala.query('SELECT 1');
    http = sim.stats()[0]!.http;
    assert.equal(http.negotiateAccepted, 2, JSON.stringify(http));
    assert.equal(http.unauthorized, 0, 'the expired cookie was not even sent');
    // A restart forgets the cookie's signing key: the refused cookie is dropped and one new ticket follows.
    await sim.coordinators[0]!.restart();
    await waitFor(async () => (await impala.query('SELECT 1').then(() => true, () => false)), 30_000, 'the restarted coordinator to serve');
    http = sim.stats()[0]!.http;
    assert.ok(http.cookieRejected >= 1 && http.negotiateAccepted >= 1, JSON.stringify(http));
    // Every 401 answered a refused cookie (which was then dropped), never a ticket.
    assert.equal(http.unauthorized, http.cookieRejected, JSON.stringify(http));
  });

  it('kill one of 3 (a real SIGKILL) under 8 concurrent SELECT loops: zero caller errors with Kerberos over HTTP', async () => {
    const sim = await cluster(undefined, { processes: true });
    const impala = client({ coordinators: byName(sim), balance: 'leastconn' });
    const victim = sim.coordinators[1]!;
    const victimAddress = `localhost:${victim.httpPort}`;
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
      if (restarted && r.coordinator === victimAddress) servedAfterRestart++;
    });
    await chaos;
    assert.deepEqual(load.errors.map((e) => e.message), []);
    assert.ok(load.ok > 100, `only ${load.ok} queries ran`);
    for (const address of byName(sim)) assert.ok((served.get(address) ?? 0) > 0, `${address} served nothing`);
    await waitFor(
      async () => {
        await Promise.all(Array.from({ length: 4 }, () => impala.query('SELECT count(*) AS n FROM range(10) t').then((r) => void (r.coordinator === victimAddress && servedAfterRestart++))));
        return servedAfterRestart > 0;
      },
      20_000,
      'the restarted coordinator to serve again',
    );
    const stats = await sim.refreshStats();
    assert.ok(stats[1]!.http.negotiateAccepted >= 1, `the restarted coordinator validated a new ticket: ${JSON.stringify(stats[1]!.http)}`);
  });

  it('no token, ticket or cookie in errors, DEBUG=impala-ha:* output, events or inspect', async () => {
    const sim = await cluster(`impala/localhost@${kdc.realm}`, { coordinators: 1, httpCookieMaxAgeS: 1 });
    const proxy = await recordingProxy(sim.coordinators[0]!.httpPort);
    const lines: string[] = [];
    const restore = createDebug.disable();
    const originalLog = createDebug.log;
    createDebug.enable('impala-ha:*');
    createDebug.log = (...args: unknown[]) => void lines.push(format(...args));
    const outputs: string[] = [];
    try {
      const impala = client({ coordinators: [`localhost:${proxy.port}`], maxConnectionsPerCoordinator: 2 });
      for (const name of EVENTS) impala.on(name, (e: unknown) => outputs.push(inspect(e, { depth: 5 }), JSON.stringify(e) ?? ''));
      await Promise.all(Array.from({ length: 4 }, (_, i) => impala.query('SELECT ? AS i', { params: [i] })));
      await new Promise((r) => setTimeout(r, 1100));
      await impala.query('SELECT 1');
      outputs.push(inspect(impala, { depth: 6 }), inspect(impala.options), JSON.stringify(impala.options));
      // And the failure path: the same traffic with a principal the coordinator does not hold.
      const wrong = client({ coordinators: [`localhost:${proxy.port}`], kerberosHostFqdn: 'lb.example' });
      const err = await rejection(wrong.query('SELECT 1'));
      outputs.push(err.message, inspect(err, { depth: 6, showHidden: true }), JSON.stringify(err) ?? '');
    } finally {
      createDebug.log = originalLog;
      createDebug.disable();
      if (restore) createDebug.enable(restore);
      await proxy.close();
    }
    const traffic = proxy.traffic();
    // The run must have carried every kind of secret, or the search below proves nothing.
    const kinds: Record<string, RegExp> = {
      'Authorization: Negotiate <token>': /^Authorization: Negotiate \S+\r$/im,
      'WWW-Authenticate: Negotiate <token>': /^WWW-Authenticate: Negotiate \S+\r$/im,
      'Set-Cookie: impala.auth': /^Set-Cookie: impala\.auth=/im,
      'Cookie: impala.auth': /^Cookie: impala\.auth=/im,
    };
    for (const [what, re] of Object.entries(kinds)) assert.match(traffic, re, `no ${what} crossed the wire`);
    const secrets = new Set<string>();
    for (const m of traffic.matchAll(/^(?:Authorization|WWW-Authenticate): Negotiate (\S+)\r$/gim)) {
      for (const piece of [m[1]!, m[1]!.slice(-24)]) secrets.add(piece);
    }
    for (const m of traffic.matchAll(/^(?:Set-Cookie|Cookie): impala\.auth=([^;\r]+)/gim)) {
      // The whole value, and its signature alone.
      for (const piece of [m[1]!, m[1]!.split('&')[0]!]) secrets.add(piece);
    }
    assert.ok(lines.some((l) => /authenticated with Kerberos \(SPNEGO\) to impala\/localhost/.test(l)), 'the debug output was captured');
    assert.ok(secrets.size >= 8, `${secrets.size} secrets seen`);
    const all = [...outputs, ...lines].join('\n');
    for (const secret of secrets) assert.ok(!all.includes(secret), `a secret (${secret.length} chars) appears in the output`);
  });

  describe('behind HAProxy in mode http with cookie affinity', () => {
    before(function () {
      const bin = haproxyBinary();
      if (!bin.path) {
        console.log(`      skipped: ${bin.reason}`);
        this.skip();
      }
    });

    it("every auth cookie goes back only to the backend that signed it (the balancer's principal for all)", async () => {
      const sim = await cluster(`impala/lb.example@${kdc.realm}`);
      const proxy = await startHaproxy({ backends: sim.coordinators.map((c) => c.httpAddress), mode: 'http', balance: 'roundrobin', affinityCookie: 'SRV' });
      try {
        const impala = client({ coordinators: [proxy.address], kerberosHostFqdn: 'lb.example', maxConnectionsPerCoordinator: 6 });
        const load = await loadLoop(6, 1500, (w, i) => impala.query('SELECT ? AS n', { params: [w * 1000 + i] }));
        assert.deepEqual(load.errors.map((e) => e.message), []);
        assert.ok(load.ok > 20, `${load.ok} queries`);
        const stats = sim.stats();
        assert.ok(stats.filter((c) => c.executed.length > 0).length >= 2, 'HAProxy spread the pooled connections');
        for (const c of stats) {
          assert.equal(c.http.cookieRejected, 0, `${c.address}: no cookie signed by another backend: ${JSON.stringify(c.http)}`);
          assert.equal(c.http.unauthorized, 0, `${c.address}: ${JSON.stringify(c.http)}`);
        }
        const tickets = stats.reduce((n, c) => n + c.http.negotiateAccepted, 0);
        const cookies = stats.reduce((n, c) => n + c.http.cookieAccepted, 0);
        assert.ok(tickets >= 1 && tickets <= 6, `one ticket per pooled connection at most: ${tickets}`);
        assert.ok(cookies > tickets * 3, `${cookies} cookie requests for ${tickets} tickets`);
      } finally {
        await proxy.stop();
      }
    });
  });
});
