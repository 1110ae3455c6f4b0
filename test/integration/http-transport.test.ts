import { strict as assert } from 'node:assert';
import { inspect } from 'node:util';
import { createClient, ErrorCode, ImpalaError } from '../../src';
import { HttpConnection } from '../../src/connection';
import { pingImpalaHS2Service } from '../../src/protocol/hs2/hs2-rpc';
import * as I from '../../src/thrift/gen-nodejs/ImpalaService_types';
import * as T from '../../src/thrift/gen-nodejs/TCLIService_types';
import { haproxyBinary, startHaproxy, type Haproxy } from '../helpers/haproxy';
import { FAST, PoolFixture, loadLoop, variant } from '../helpers/pool-fixtures';
import { TestPki } from '../helpers/tls-certs';

const PASSWORD = 'ldap-Secret-77';

async function rejection(p: Promise<unknown>): Promise<ImpalaError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof ImpalaError, `not an ImpalaError: ${String(err)}`);
    return err;
  }
  assert.fail('expected a rejection');
}

describe('HS2 over HTTP through the pool (simulator)', function () {
  this.timeout(60_000);
  const fx = new PoolFixture(variant('hs2-http'));
  afterEach(() => fx.stop());

  it('a 401 re-authenticates once: a token provider is asked for a fresh token and the call succeeds', async () => {
    await fx.start({ coordinators: 1, tokens: { 'fresh.jwt.token': 'svc' } });
    const asked: boolean[] = [];
    const impala = fx.client({
      auth: 'jwt',
      tls: false,
      token: ({ refresh }) => {
        asked.push(refresh);
        return refresh ? 'fresh.jwt.token' : 'expired.jwt.token';
      },
    });
    const r = await impala.query('SELECT 1 AS one');
    assert.deepEqual(r.rows, [{ one: 1 }]);
    assert.equal(r.attempts, 1);
    assert.deepEqual(asked.slice(0, 2), [false, true]);
    const http = fx.cluster.stats()[0]!.http;
    assert.equal(http.unauthorized, 1, 'one 401, then the fresh token');
    assert.ok(http.cookieAccepted > 0, 'later requests ride on the cookie');
    assert.equal(fx.cluster.stats()[0]!.executed.at(-1)!.user, 'svc');
  });

  it('wrong LDAP credentials fail fast with AUTH_FAILED, are not retried, and never show the password', async () => {
    await fx.start({ users: { alice: PASSWORD } });
    const impala = fx.client({ user: 'alice', password: 'not-the-password' });
    let retried = 0;
    impala.on('retried', () => retried++);
    const err = await rejection(impala.query('SELECT 1'));
    assert.equal(err.code, ErrorCode.AUTH_FAILED, err.message);
    assert.equal(retried, 0);
    assert.ok(!`${err.message}${inspect(err)}${inspect(impala.options)}`.includes('not-the-password'));
    const good = fx.client({ user: 'alice', password: PASSWORD });
    assert.deepEqual((await good.query('SELECT 2 AS two')).rows, [{ two: 2 }]);
  });

  it('the auth cookie goes only to the coordinator that issued it: none refused under load, and a restarted one simply issues a new one', async () => {
    await fx.start({ users: { alice: PASSWORD } });
    const impala = fx.client({ user: 'alice', password: PASSWORD, balance: 'roundrobin', maxConnectionsPerCoordinator: 4 });
    const load = await loadLoop(8, 1500, (w, i) => impala.query('SELECT ? AS n', { params: [w * 1000 + i] }));
    assert.deepEqual(load.errors.map((e) => e.message), []);
    for (const c of fx.cluster.stats()) {
      assert.equal(c.http.cookieRejected, 0, `${c.address}: no cookie from another coordinator`);
      assert.ok(c.http.cookieAccepted > c.http.credentialsAccepted, `${c.address}: ${JSON.stringify(c.http)}`);
      assert.ok(c.http.credentialsAccepted <= 4, `${c.address}: LDAP checked once per pooled connection at most: ${JSON.stringify(c.http)}`);
    }
    await fx.cluster.coordinators[1]!.restart();
    const after = await loadLoop(4, 1500, () => impala.query('SELECT 1'));
    assert.deepEqual(after.errors.map((e) => e.message), []);
    const stats = fx.cluster.stats();
    assert.ok(stats[1]!.http.credentialsAccepted >= 1, 'the restarted coordinator checked the password again');
    assert.equal(stats[0]!.http.cookieRejected + stats[2]!.http.cookieRejected, 0);
  });

  it("a proxy's 503 with Retry-After costs read-only callers nothing", async () => {
    await fx.start();
    const impala = fx.client({ balance: 'roundrobin' });
    await impala.query('SELECT 1');
    for (const c of fx.cluster.coordinators) await c.injectHttpStatus({ status: 503, count: 3, retryAfterS: 0 });
    const results = await Promise.allSettled(Array.from({ length: 30 }, (_, i) => impala.query('SELECT ? AS i', { params: [i] })));
    assert.deepEqual(results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason)), []);
    assert.ok(fx.cluster.stats().every((c) => c.http.requests > 0));
  });

  it('doAs runs pooled statements as the delegated user', async () => {
    await fx.start({ coordinators: 1, users: { alice: PASSWORD } });
    const impala = fx.client({ user: 'alice', password: PASSWORD, doAs: 'reporting' });
    await impala.query('SELECT 11 AS delegated');
    assert.equal(fx.cluster.stats()[0]!.executed.find((e) => e.sql === 'SELECT 11 AS delegated')?.user, 'reporting');
  });

  it("with tls the HTTP ports serve HTTPS: urlFor('hs2-http') is impala+https:// and the client uses it as is, Secure auth cookie included", async () => {
    const pki = new TestPki();
    try {
      const server = pki.issue('coordinator', ['IP:127.0.0.1', 'DNS:localhost']);
      await fx.start({ coordinators: 2, users: { alice: PASSWORD }, tls: { cert: server.cert, key: server.key } });
      const url = fx.cluster.urlFor('hs2-http');
      assert.match(url, /^impala\+https:\/\/127\.0\.0\.1:\d+,127\.0\.0\.1:\d+\/default$/);
      const impala = createClient({ url, user: 'alice', password: PASSWORD, tlsCa: pki.ca.cert, ...FAST });
      fx.clients.push(impala);
      assert.deepEqual([impala.options.protocol, impala.options.tls], ['hs2-http', true]);
      for (let i = 0; i < 6; i++) assert.deepEqual((await impala.query('SELECT ? AS i', { params: [i] })).rows, [{ i }]);
      const http = fx.cluster.stats().map((c) => c.http);
      // The simulator marks its cookie Secure under TLS; the client sends such a cookie back over TLS only.
      assert.ok(http.some((h) => h.cookieAccepted > 0), `the Secure cookie came back over HTTPS: ${JSON.stringify(http)}`);
      assert.ok(http.every((h) => h.unauthorized === 0), JSON.stringify(http));
    } finally {
      pki.remove();
    }
  });

  describe('behind HAProxy in mode http (roundrobin per request) with cookie affinity', () => {
    let proxy: Haproxy | undefined;
    before(function () {
      const bin = haproxyBinary();
      if (!bin.path) {
        console.log(`      skipped: ${bin.reason}`);
        this.skip();
      }
    });
    afterEach(async () => {
      await proxy?.stop();
      proxy = undefined;
    });

    it('keeps every HS2 session on its coordinator; without the affinity cookie the same session breaks', async () => {
      await fx.start();
      proxy = await startHaproxy({ backends: fx.addresses(), mode: 'http', balance: 'roundrobin', affinityCookie: 'SRV' });
      const impala = createClient({ coordinators: [proxy.address], protocol: 'hs2-http', ...FAST, maxConnectionsPerCoordinator: 6 });
      fx.clients.push(impala);

      const load = await loadLoop(6, 1500, (w, i) => impala.query('SELECT ? AS n', { params: [w * 1000 + i] }));
      assert.deepEqual(load.errors.map((e) => e.message), []);
      assert.ok(load.ok > 20, `${load.ok} queries`);
      const used = fx.cluster.stats().filter((c) => c.executed.length > 0).length;
      assert.ok(used >= 2, `HAProxy spread the pooled sessions (${used} coordinators used)`);

      await impala.withSession(async (s) => {
        await s.execute('SET MEM_LIMIT=1g');
        for (let i = 0; i < 10; i++) await s.query('SELECT ? AS i', { params: [i] });
        const set = await s.query<{ option: string; value: string }>('SET');
        assert.equal(set.rows.find((r) => r.option === 'MEM_LIMIT')?.value, '1g');
        const where = fx.cluster.stats().filter((c) => c.executed.some((e) => e.sessionId === s.sessionId));
        assert.equal(where.length, 1, 'every statement of the session ran on one coordinator');
      });

      // Control: the same session's handle over fresh channels that carry no affinity cookie.
      const first = await HttpConnection.open({ host: '127.0.0.1', port: proxy.port, transport: 'http' });
      const open = (await first.call(
        'OpenSession',
        new T.TOpenSessionReq({ client_protocol: T.TProtocolVersion.HIVE_CLI_SERVICE_PROTOCOL_V6 }),
        T.TOpenSessionResp,
      )) as T.TOpenSessionResp;
      await first.close();
      const outcomes: string[] = [];
      for (let i = 0; i < 3; i++) {
        const fresh = await HttpConnection.open({ host: '127.0.0.1', port: proxy.port, transport: 'http' });
        try {
          await pingImpalaHS2Service(fresh, new I.TPingImpalaHS2ServiceReq({ sessionHandle: open.sessionHandle! }));
          outcomes.push('ok');
        } catch (err) {
          outcomes.push((err as ImpalaError).code);
        } finally {
          await fresh.close();
        }
      }
      assert.ok(outcomes.includes(ErrorCode.INVALID_SESSION), `roundrobin without the cookie reaches other coordinators: ${outcomes.join(', ')}`);
    });
  });
});
