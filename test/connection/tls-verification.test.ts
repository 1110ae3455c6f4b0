import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { inspect } from 'node:util';
import { createClient, ErrorCode, ImpalaError, Secret, type ClientOptions, type ImpalaClient } from '../../src';
import { startCluster } from '../../src/testing';
import type { SimCluster, SimClusterOptions } from '../../src/testing/types';
import { TestPki, type IssuedCert } from '../helpers/tls-certs';

const run = promisify(execFile);

/** Bounds that keep a refused connect from being retried for long. */
const QUICK: ClientOptions = { connectTimeoutMs: 3000, acquireTimeoutMs: 4000, retries: 0 };

/** The first error in `err`'s chain (itself, `cause`, a NO_COORDINATOR's per-coordinator errors) with `code`. */
function findCode(err: unknown, code: string): ImpalaError | undefined {
  const seen = new Set<unknown>();
  const queue: unknown[] = [err];
  while (queue.length > 0) {
    const e = queue.shift();
    if (e === undefined || e === null || seen.has(e)) continue;
    seen.add(e);
    if (e instanceof ImpalaError && e.code === code) return e;
    queue.push((e as { cause?: unknown }).cause, ...(((e as { errors?: unknown[] }).errors ?? []) as unknown[]));
  }
  return undefined;
}

async function failure(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  assert.fail('expected the call to fail');
}

describe('TLS: verification of every coordinator (simulator with TLS)', function () {
  this.timeout(60_000);
  let pki: TestPki;
  const clusters: SimCluster[] = [];
  const clients: ImpalaClient[] = [];
  const cluster = async (cert: IssuedCert, more: SimClusterOptions = {}): Promise<SimCluster> => {
    const c = await startCluster({ coordinators: 1, tls: { cert: cert.cert, key: cert.key }, ...(clusters[0] ? { engine: clusters[0].engine } : {}), ...more });
    clusters.push(c);
    return c;
  };
  const client = (options: ClientOptions): ImpalaClient => {
    const c = createClient({ ...QUICK, tls: true, ...options });
    clients.push(c);
    return c;
  };

  before(() => {
    pki = new TestPki();
  });
  after(() => pki.remove());
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    // The first cluster owns the shared engine: stop it last.
    for (const c of clusters.splice(0).reverse()) await c.stop();
  });

  it('refuses a certificate from an untrusted CA by default (IMPALA_ERR_TLS), and accepts it with tlsCa', async () => {
    const sim = await cluster(pki.issue('coordinator', ['IP:127.0.0.1']));
    const address = sim.coordinators[0]!.address;
    const err = await failure(client({ coordinators: [address] }).query('SELECT 1'));
    const tlsErr = findCode(err, ErrorCode.TLS_FAILED);
    assert.ok(tlsErr, `expected IMPALA_ERR_TLS in ${err.message}`);
    assert.match(tlsErr.message, /unable to verify|self.signed|certificate/);
    assert.equal(tlsErr.retryable, false);
    const ok = await client({ coordinators: [address], tlsCa: pki.ca.certFile }).query('SELECT 1 AS x');
    assert.deepEqual(ok.rows, [{ x: 1 }]);
    const inline = await client({ coordinators: [address], tlsCa: pki.ca.cert }).query('SELECT 1 AS x');
    assert.deepEqual(inline.rows, [{ x: 1 }], 'the CA given as PEM text');
  });

  it('refuses a self-signed certificate even when its name matches', async () => {
    const sim = await cluster(pki.selfSigned('coordinator', ['IP:127.0.0.1']));
    const err = await failure(client({ coordinators: [sim.coordinators[0]!.address], tlsCa: pki.ca.certFile }).query('SELECT 1'));
    assert.ok(findCode(err, ErrorCode.TLS_FAILED), err.message);
  });

  it('refuses a trusted certificate issued for another host name by default', async () => {
    const sim = await cluster(pki.issue('other', ['DNS:other.example']));
    const err = await failure(client({ coordinators: [sim.coordinators[0]!.address], tlsCa: pki.ca.certFile }).query('SELECT 1'));
    const tlsErr = findCode(err, ErrorCode.TLS_FAILED);
    assert.ok(tlsErr, err.message);
    assert.match(tlsErr.message, /does not match|altnames/);
    // Named explicitly (a balancer's name with TLS passthrough), the same certificate is fine.
    const named = await client({ coordinators: [sim.coordinators[0]!.address], tlsCa: pki.ca.certFile, tlsServername: 'other.example' }).query('SELECT 1 AS x');
    assert.deepEqual(named.rows, [{ x: 1 }]);
  });

  it("verifies each coordinator against its own address, not the first one's", async () => {
    const a = await cluster(pki.issue('a', ['IP:127.0.0.1']));
    const b = await cluster(pki.issue('b', ['IP:127.0.0.2']), { host: '127.0.0.2' });
    const addresses = [a.coordinators[0]!.address, b.coordinators[0]!.address];
    const impala = client({ coordinators: addresses, tlsCa: pki.ca.certFile, balance: 'roundrobin' });
    const served = new Set<string>();
    for (let i = 0; i < 12; i++) served.add((await impala.query('SELECT 1 AS x')).coordinator);
    assert.deepEqual([...served].sort(), [...addresses].sort(), 'both coordinators served over verified TLS');

    // The second coordinator now presents the first one's certificate: it alone is refused.
    const c = await cluster(pki.issue('a-again', ['IP:127.0.0.1']), { host: '127.0.0.2' });
    const only = client({ coordinators: [c.coordinators[0]!.address], tlsCa: pki.ca.certFile });
    const err = await failure(only.query('SELECT 1'));
    const tlsErr = findCode(err, ErrorCode.TLS_FAILED);
    assert.ok(tlsErr, err.message);
    assert.match(tlsErr.message, /127\.0\.0\.2/);
  });

  it('mutual TLS: a client certificate (encrypted key + passphrase) is accepted; without one the coordinator refuses', async () => {
    const serverCert = pki.issue('coordinator', ['IP:127.0.0.1']);
    const sim = await cluster(serverCert, { tls: { cert: serverCert.cert, key: serverCert.key, ca: pki.ca.cert, requireClientCert: true }, processes: true });
    const address = sim.coordinators[0]!.address;
    const alice = pki.issue('alice', [], 'client');
    const encrypted = pki.encryptKey(alice, 'correct horse');
    const ok = client({ coordinators: [address], tlsCa: pki.ca.certFile, tlsCert: alice.certFile, tlsKey: encrypted, tlsKeyPassphrase: 'correct horse' });
    assert.deepEqual((await ok.query('SELECT 1 AS x')).rows, [{ x: 1 }]);

    const inline = client({ coordinators: [address], tlsCa: pki.ca.cert, tlsCert: alice.cert, tlsKey: new Secret(alice.key) });
    assert.deepEqual((await inline.query('SELECT 1 AS x')).rows, [{ x: 1 }], 'certificate and key given as PEM text');
    assert.doesNotMatch(inspect(inline.options), /PRIVATE KEY/);

    const none = await failure(client({ coordinators: [address], tlsCa: pki.ca.certFile }).query('SELECT 1'));
    const refused = findCode(none, ErrorCode.TLS_FAILED);
    assert.ok(refused, none.message);
    assert.match(refused.message, /client certificate/);

    // A certificate from a CA the coordinator does not trust is refused too (Node's TLS
    // server drops such a peer without an alert, so the client sees the connection end).
    const stranger = pki.selfSigned('mallory', []);
    const foreign = await failure(client({ coordinators: [address], tlsCa: pki.ca.certFile, tlsCert: stranger.certFile, tlsKey: stranger.keyFile }).query('SELECT 1'));
    assert.ok(findCode(foreign, ErrorCode.TLS_FAILED) ?? findCode(foreign, ErrorCode.CONNECTION_LOST), foreign.message);
    assert.equal(sim.stats()[0]!.executed.length, 2, 'only the two clients with a trusted certificate ran a statement');
  });

  it('bad TLS files fail createClient with a ConfigError naming the option and the path, never the contents', () => {
    const alice = pki.issue('alice', [], 'client');
    const encrypted = pki.encryptKey(alice, 'correct horse');
    const cases: Array<[ClientOptions, string, RegExp]> = [
      [{ tlsCa: '/nonexistent/ca.pem' }, 'tlsCa', /cannot read '\/nonexistent\/ca\.pem' \(no such file\)/],
      [{ tlsCa: pki.dir }, 'tlsCa', /it is a directory/],
      [{ tlsCert: '/nonexistent/client.pem', tlsKey: alice.keyFile }, 'tlsCert', /client\.pem/],
      [{ tlsCert: alice.certFile, tlsKey: '/nonexistent/client.key' }, 'tlsKey', /client\.key/],
      [{ tlsCa: path.join(__dirname, 'tls-verification.test.ts') }, 'tlsCa', /not a PEM file/],
      [{ tlsCert: alice.certFile, tlsKey: encrypted, tlsKeyPassphrase: 'wrong horse' }, 'tlsKeyPassphrase', /bad decrypt|passphrase/],
    ];
    for (const [options, option, message] of cases) {
      let thrown: unknown;
      try {
        createClient({ coordinators: ['127.0.0.1:1'], tls: true, ...options });
      } catch (err) {
        thrown = err;
      }
      assert.ok(thrown instanceof ImpalaError, `${JSON.stringify(options)}: expected a ConfigError`);
      assert.equal(thrown.code, ErrorCode.CONFIG_INVALID_VALUE);
      assert.equal((thrown as ImpalaError & { option?: string }).option, option);
      assert.match(thrown.message, message);
      assert.doesNotMatch(thrown.message, /BEGIN (CERTIFICATE|EC|PRIVATE|ENCRYPTED)|horse/);
    }
  });

  it('turning verification off emits one process warning with a code, however many clients and connections', async () => {
    const sim = await cluster(pki.issue('coordinator', ['IP:127.0.0.1']));
    const child = await run(process.execPath, ['--require', 'tsx/cjs', path.join(__dirname, '../helpers/tls-warning-child.ts'), sim.coordinators[0]!.address, pki.ca.certFile], {
      timeout: 30_000,
    });
    const warnings = (JSON.parse(child.stdout) as Array<{ name: string; code: string; message: string }>).filter((w) => w.code?.startsWith('IMPALA_HA'));
    assert.equal(warnings.length, 1, JSON.stringify(warnings));
    assert.equal(warnings[0]!.code, 'IMPALA_HA_TLS_UNVERIFIED');
    assert.equal(warnings[0]!.name, 'SecurityWarning');
    assert.match(warnings[0]!.message, /certificate verification .* is off/);
  });
});
