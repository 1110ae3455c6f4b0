import { strict as assert } from 'node:assert';
import * as net from 'node:net';
import { format, inspect } from 'node:util';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import createDebug from 'debug';
import { createClient, ErrorCode, ImpalaError } from '../../src';
import { Connection } from '../../src/connection';
import { canonicalHostName, resolveKerberosTarget } from '../../src/connection/kerberos-principal';
import { loadKerberos } from '../../src/connection/load-kerberos';
import { NegotiationReader } from '../../src/connection/negotiation-reader';
import { encodeNegotiationFrame, SaslStatus } from '../../src/connection/sasl-plain';
import { startCluster } from '../../src/testing';
import { gssAcceptorPath, loadGssAcceptor } from '../../src/testing/server/gss-acceptor';
import type { SimCluster } from '../../src/testing/types';
import { startKdcOrSkip, type Kdc } from '../helpers/kdc';

const EVENT_NAMES = ['coordinatorUp', 'coordinatorDown', 'coordinatorDraining', 'connectionCreated', 'connectionClosed', 'connectionValidated', 'retried', 'failedOver', 'sessionReopened', 'poolCleared'];

async function rejection(p: Promise<unknown>): Promise<ImpalaError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof ImpalaError, `expected an ImpalaError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected a rejection');
}

describe('Kerberos principal for each coordinator', () => {
  it('uses each coordinator’s own host (lower-cased, brackets stripped) unless a fixed host is given', async () => {
    assert.deepEqual(await resolveKerberosTarget({}, 'Coord1.Example.COM'), { serviceAtHost: 'impala@coord1.example.com', principal: 'impala/coord1.example.com', perCoordinator: true });
    assert.equal((await resolveKerberosTarget({ host: '_HOST', realm: 'EXAMPLE.COM' }, 'c2.example.com')).principal, 'impala/c2.example.com@EXAMPLE.COM');
    assert.equal((await resolveKerberosTarget({ host: '_host' }, 'c2')).serviceAtHost, 'impala@c2');
    assert.equal((await resolveKerberosTarget({}, '[::1]')).serviceAtHost, 'impala@::1');
    const fixed = await resolveKerberosTarget({ serviceName: 'hive', host: 'LB.example.com', canonicalizeHostName: 'forwardAndReverse' }, 'c3');
    assert.deepEqual(fixed, { serviceAtHost: 'hive@LB.example.com', principal: 'hive/LB.example.com', perCoordinator: false }, 'a fixed host is used as written');
  });

  it('canonicalizes like the MongoDB driver: none as written, forwardAndReverse through the address (/etc/hosts counts)', async () => {
    assert.equal(await canonicalHostName('127.0.0.1', 'none'), '127.0.0.1');
    assert.equal(await canonicalHostName('LOCALHOST.', 'none'), 'localhost');
    assert.equal(await canonicalHostName('127.0.0.1', 'forwardAndReverse'), 'localhost');
    assert.equal(await canonicalHostName('localhost', 'forwardAndReverse'), 'localhost');
    // No CNAME to follow for an address; an unresolvable name stays as it is.
    assert.equal(await canonicalHostName('127.0.0.1', 'forward'), '127.0.0.1');
    assert.equal(await canonicalHostName('no-such-host.invalid', 'forwardAndReverse'), 'no-such-host.invalid');
  });

  it("without the optional 'kerberos' package: a ConfigError naming the install command", () => {
    const missing = (): never => {
      const err = new Error("Cannot find module 'kerberos'") as NodeJS.ErrnoException;
      err.code = 'MODULE_NOT_FOUND';
      throw err;
    };
    assert.throws(() => loadKerberos(missing), (err: Error) => {
      assert.ok(err instanceof ImpalaError);
      assert.equal(err.code, ErrorCode.CONFIG_UNSUPPORTED);
      assert.match(err.message, /not installed; install it with 'npm install kerberos@7\.0\.0'/);
      return true;
    });
    const broken = (): never => {
      throw new Error('libgssapi_krb5.so.2: cannot open shared object file');
    };
    assert.throws(() => loadKerberos(broken), /did not load \(libgssapi_krb5.*libkrb5-dev.*npm install kerberos@7\.0\.0/);
  });
});

describe('Connection: SASL GSSAPI against the simulator (real KDC)', function () {
  this.timeout(60_000);
  let kdc: Kdc;
  let sim: SimCluster;
  const conns: Connection[] = [];
  const open = async (auth: Record<string, unknown>, host = '127.0.0.1', port = sim.coordinators[0]!.port): Promise<Connection> => {
    const c = await Connection.open({ host, port, connectTimeoutMs: 60_000, auth: { mechanism: 'GSSAPI', ...auth } });
    conns.push(c);
    return c;
  };

  before(async function () {
    this.timeout(600_000);
    kdc = await startKdcOrSkip(this);
    sim = await startCluster({ coordinators: 1, kerberos: { keytab: kdc.serviceKeytab } });
  });
  after(async () => {
    await sim?.stop();
    await kdc?.stop();
  });
  afterEach(async () => {
    await Promise.all(conns.splice(0).map((c) => c.close()));
  });

  it("connects with the coordinator's own name, a fixed krbHost, or the canonical name of its address", async () => {
    await open({}, 'localhost');
    await open({ host: 'lb.example' });
    await open({ canonicalizeHostName: 'forwardAndReverse' });
    assert.equal(conns.every((c) => !c.closed), true);
  });

  it('a principal the KDC does not know fails at once with AUTH_FAILED naming it (not a connect timeout)', async () => {
    // connectTimeoutMs is 60 s and the test's own bound 60 s: only an immediate failure passes.
    const err = await rejection(open({ host: 'nosuch.example', realm: kdc.realm }));
    assert.equal(err.code, ErrorCode.AUTH_FAILED);
    assert.equal(err.retryable, false);
    assert.match(err.message, /service principal impala\/nosuch\.example@IMPALA\.TEST/);
    assert.match(err.message, /not found in Kerberos database/);
    assert.match(err.message, /fixed krbHost/);

    const byAddress = await rejection(open({}));
    assert.equal(byAddress.code, ErrorCode.AUTH_FAILED);
    assert.match(byAddress.message, /impala\/127\.0\.0\.1/);
    assert.match(byAddress.message, /IP address.*canonicalizeHostName=forwardAndReverse/);
  });

  it('a principal the coordinator does not hold (the server closes without a frame) is AUTH_FAILED naming it', async () => {
    const strict = await startCluster({ coordinators: 1, kerberos: { keytab: kdc.serviceKeytab, principal: `impala/lb.example@${kdc.realm}` } });
    try {
      const err = await rejection(open({}, 'localhost', strict.coordinators[0]!.port));
      assert.equal(err.code, ErrorCode.AUTH_FAILED);
      assert.match(err.message, /closed the connection during Kerberos \(GSSAPI\) authentication to impala\/localhost/);
      assert.match(err.message, /krbHost/);
    } finally {
      await strict.stop();
    }
  });

  it('without a ticket: AUTH_FAILED saying no credentials are available', async () => {
    kdc.destroyTickets();
    try {
      const err = await rejection(open({}, 'localhost'));
      assert.equal(err.code, ErrorCode.AUTH_FAILED);
      assert.match(err.message, /impala\/localhost/);
      assert.match(err.message, /credentials|ticket|cache/i);
    } finally {
      kdc.kinit();
    }
  });

  it('checks the security-layer offer: a server that wants integrity/privacy, or skips the layer step, is refused', async () => {
    const addon = loadGssAcceptor(await gssAcceptorPath());
    const credential = addon.acquire(kdc.serviceKeytab, null);
    const scripted = async (finish: 'offer-privacy' | 'complete-early'): Promise<ImpalaError> => {
      const server = net.createServer((socket) => {
        socket.on('error', () => undefined);
        const reader = new NegotiationReader(socket, 'client', () => new Error('closed'));
        const context = addon.newContext();
        void (async () => {
          await reader.next(); // START GSSAPI
          const accepted = addon.accept(context, credential, (await reader.next()).payload);
          reader.write(encodeNegotiationFrame(SaslStatus.OK, accepted.token ?? Buffer.alloc(0)));
          await reader.next(); // the client's empty answer to the AP-REP
          if (finish === 'complete-early') reader.write(encodeNegotiationFrame(SaslStatus.COMPLETE, Buffer.alloc(0)));
          else reader.write(encodeNegotiationFrame(SaslStatus.OK, addon.wrap(context, Buffer.from([0x06, 0, 0x10, 0]))));
        })().catch(() => socket.destroy());
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      try {
        return await rejection(open({}, 'localhost', (server.address() as net.AddressInfo).port));
      } finally {
        await new Promise<void>((r) => server.close(() => r()));
      }
    };
    const privacy = await scripted('offer-privacy');
    assert.equal(privacy.code, ErrorCode.AUTH_FAILED);
    assert.match(privacy.message, /integrity or privacy layer \(offer 0x6\).*QOP 'auth'/);
    const early = await scripted('complete-early');
    assert.equal(early.code, ErrorCode.AUTH_FAILED);
    assert.match(early.message, /before the security-layer exchange/);
  });

  it('no ticket, token or key material in errors, debug output, events or inspect output', async () => {
    const lines: string[] = [];
    const previous = { log: createDebug.log, namespaces: createDebug.disable() };
    createDebug.enable('impala-ha:*');
    createDebug.log = (...args: unknown[]) => void lines.push(format(...args));
    const errors: ImpalaError[] = [];
    const events: string[] = [];
    const onEvent = (payload: unknown, name: string | symbol): void => void events.push(`${String(name)} ${inspect(payload, { depth: 6 })}`);
    for (const name of EVENT_NAMES) subscribe(`impala-ha:${name}`, onEvent);
    try {
      const impala = createClient({ coordinators: [`localhost:${sim.coordinators[0]!.port}`], auth: 'gssapi', kerberosRealm: kdc.realm });
      await impala.query('SELECT 1 AS x');
      lines.push(inspect(impala, { depth: 4 }), inspect(impala.options));
      await impala.close();
      const refused = createClient({ coordinators: [`localhost:${sim.coordinators[0]!.port}`], auth: 'gssapi', kerberosHostFqdn: 'nosuch.example', retries: 0 });
      errors.push(await rejection(refused.query('SELECT 1')));
      await refused.close();
      errors.push(await rejection(open({ host: 'nosuch.example' })));
      const strict = await startCluster({ coordinators: 1, kerberos: { keytab: kdc.serviceKeytab, principal: `impala/lb.example@${kdc.realm}` } });
      errors.push(await rejection(open({}, 'localhost', strict.coordinators[0]!.port)));
      await strict.stop();
    } finally {
      createDebug.log = previous.log;
      createDebug.enable(previous.namespaces);
      for (const name of EVENT_NAMES) unsubscribe(`impala-ha:${name}`, onEvent);
    }
    assert.ok(events.some((e) => e.startsWith('impala-ha:connectionCreated')), 'events were captured');
    const text = [...lines, ...events, ...errors.flatMap((e) => [e.message, inspect(e, { depth: 6 })])].join('\n');
    assert.ok(lines.some((l) => /authenticated with Kerberos to impala\/localhost/.test(l)), `the debug output was captured: ${lines.slice(0, 5).join(' / ')}`);
    // A Kerberos token or ticket would show as a long base64 or hex run.
    assert.doesNotMatch(text, /[A-Za-z0-9+/]{60,}={0,2}/, 'no base64 blob');
    assert.doesNotMatch(text, /\b[0-9a-f]{64,}\b/i, 'no hex blob');
  });
});
