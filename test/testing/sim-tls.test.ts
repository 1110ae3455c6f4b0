import { strict as assert } from 'node:assert';
import { Connection } from '../../src/connection';
import { ErrorCode, ImpalaError } from '../../src/errors';
import * as T from '../../src/thrift/gen-nodejs/TCLIService_types';
import { startCluster } from '../../src/testing';
import type { SimCluster } from '../../src/testing/types';
import { TestPki, type IssuedCert } from '../helpers/tls-certs';

const openReq = (): T.TOpenSessionReq => new T.TOpenSessionReq({ client_protocol: T.TProtocolVersion.HIVE_CLI_SERVICE_PROTOCOL_V6 });

async function rejection(p: Promise<unknown>): Promise<ImpalaError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof ImpalaError, `expected an ImpalaError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected a rejection');
}

describe('simulator: TLS on coordinator ports', function () {
  this.timeout(60_000);
  let pki: TestPki;
  let server: IssuedCert;
  const clusters: SimCluster[] = [];
  const conns: Connection[] = [];

  before(() => {
    pki = new TestPki();
    server = pki.issue('coordinator', ['IP:127.0.0.1', 'DNS:localhost']);
  });
  after(() => pki.remove());
  afterEach(async () => {
    await Promise.all(conns.splice(0).map((c) => c.close()));
    for (const c of clusters.splice(0)) await c.stop();
  });

  for (const processes of [false, true]) {
    it(`serves HS2 inside TLS only, and kill/refuse still act on the TCP connections (${processes ? 'child processes' : 'in process'})`, async () => {
      const sim = await startCluster({ coordinators: 2, processes, tls: { cert: server.cert, key: server.key } });
      clusters.push(sim);
      assert.match(sim.url, /^impalas:\/\/127\.0\.0\.1:\d+,127\.0\.0\.1:\d+\/default$/);
      const [c0, c1] = sim.coordinators;

      const secure = await Connection.open({ host: '127.0.0.1', port: c0!.port, tls: { ca: pki.ca.cert } });
      conns.push(secure);
      const resp = await secure.call('OpenSession', openReq(), T.TOpenSessionResp);
      assert.equal(resp.status.statusCode, T.TStatusCode.SUCCESS_STATUS);

      // A client without TLS gets no answer it can read: the port only speaks TLS.
      const plain = await Connection.open({ host: '127.0.0.1', port: c1!.port, rpcTimeoutMs: 3000 });
      conns.push(plain);
      const plainErr = await rejection(plain.call('OpenSession', openReq(), T.TOpenSessionResp));
      assert.ok([ErrorCode.CONNECTION_LOST, ErrorCode.PROTOCOL, ErrorCode.RPC_TIMEOUT].includes(plainErr.code as never), plainErr.code);

      await c1!.refuseConnections(1);
      const refused = await rejection(Connection.open({ host: '127.0.0.1', port: c1!.port, tls: { ca: pki.ca.cert }, connectTimeoutMs: 3000 }));
      assert.ok([ErrorCode.CONNECT_FAILED, ErrorCode.TLS_FAILED].includes(refused.code as never), `${refused.code}: ${refused.message}`);

      // kill -9: the established TLS connection is reset, not left hanging.
      const lost = new Promise<Error | undefined>((resolve) => secure.once('close', resolve));
      await c0!.kill();
      const closeErr = await lost;
      assert.ok(closeErr, 'the connection reports why it closed');
      const after = await rejection(secure.call('OpenSession', openReq(), T.TOpenSessionResp));
      assert.equal(after.code, ErrorCode.CONNECTION_CLOSED);
    });
  }

  it('runs SASL PLAIN inside TLS', async () => {
    const sim = await startCluster({ coordinators: 1, users: { bob: 'builder' }, tls: { cert: server.cert, key: server.key } });
    clusters.push(sim);
    const conn = await Connection.open({ host: 'localhost', port: sim.coordinators[0]!.port, tls: { ca: pki.ca.cert }, auth: { mechanism: 'PLAIN', username: 'bob', password: 'builder' } });
    conns.push(conn);
    assert.equal((await conn.call('OpenSession', openReq(), T.TOpenSessionResp)).status.statusCode, T.TStatusCode.SUCCESS_STATUS);
  });

  it('a hung coordinator does not answer the TLS handshake until it resumes', async () => {
    const sim = await startCluster({ coordinators: 1, tls: { cert: server.cert, key: server.key } });
    clusters.push(sim);
    const c = sim.coordinators[0]!;
    await c.hang();
    const stuck = await rejection(Connection.open({ host: '127.0.0.1', port: c.port, tls: { ca: pki.ca.cert }, connectTimeoutMs: 500 }));
    assert.equal(stuck.code, ErrorCode.CONNECT_TIMEOUT);
    const waiting = Connection.open({ host: '127.0.0.1', port: c.port, tls: { ca: pki.ca.cert }, connectTimeoutMs: 10_000 });
    await new Promise((r) => setTimeout(r, 200));
    await c.resume();
    const conn = await waiting;
    conns.push(conn);
    assert.equal((await conn.call('OpenSession', openReq(), T.TOpenSessionResp)).status.statusCode, T.TStatusCode.SUCCESS_STATUS);
  });

  it('rejects unusable TLS options at startCluster without echoing key material', async () => {
    const bad: Array<[object, RegExp]> = [
      [{ cert: 'not pem', key: server.key }, /tls\.cert must be a PEM certificate/],
      [{ cert: server.cert, key: 'MIIsecretbytes' }, /tls\.key must be a PEM private key/],
      [{ cert: server.cert, key: server.key, requireClientCert: true }, /tls\.ca is needed with requireClientCert/],
      [{ cert: server.cert, key: server.key, passphrase: 42 }, /tls\.passphrase must be a string/],
    ];
    for (const [tls, message] of bad) {
      const err = await rejection(startCluster({ coordinators: 1, tls: tls as never }));
      assert.equal(err.code, ErrorCode.CONFIG_INVALID_VALUE);
      assert.match(err.message, message);
      assert.doesNotMatch(err.message, /MIIsecret|BEGIN (CERTIFICATE|EC|PRIVATE)/);
    }
  });
});
