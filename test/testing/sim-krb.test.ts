import { strict as assert } from 'node:assert';
import * as net from 'node:net';
import { Connection } from '../../src/connection';
import { NegotiationReader, type NegotiationFrame } from '../../src/connection/negotiation-reader';
import { encodeNegotiationFrame, SaslStatus } from '../../src/connection/sasl-plain';
import { loadKerberos, type GssClient } from '../../src/connection/load-kerberos';
import { decodeReply, encodeCall } from '../../src/connection/thrift-codec';
import type { ThriftReadable, ThriftRequest, ThriftResponseClass } from '../../src/connection/types';
import { ErrorCode, ImpalaError } from '../../src/errors';
import * as I from '../../src/thrift/gen-nodejs/ImpalaService_types';
import * as T from '../../src/thrift/gen-nodejs/TCLIService_types';
import { startCluster } from '../../src/testing';
import type { SimCluster } from '../../src/testing/types';
import { startKdcOrSkip, type Kdc } from '../helpers/kdc';
import { waitFor } from '../helpers/pool-fixtures';

const b64 = (b: Buffer): string => b.toString('base64');
const bytes = (s: string | null): Buffer => (s ? Buffer.from(s, 'base64') : Buffer.alloc(0));

/** A raw client socket speaking Thrift SASL by hand, to see exactly what the coordinator sends. */
class RawSasl {
  readonly socket: net.Socket;
  readonly reader: NegotiationReader;
  closedWithoutFrame = false;

  private constructor(socket: net.Socket) {
    this.socket = socket;
    this.reader = new NegotiationReader(socket, 'sim', (cause) => {
      this.closedWithoutFrame = true;
      return new Error(`closed${cause ? `: ${cause.message}` : ''}`);
    });
  }

  static async connect(port: number): Promise<RawSasl> {
    const socket = net.connect({ host: '127.0.0.1', port });
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    return new RawSasl(socket);
  }

  send(status: number, payload: Buffer): void {
    this.reader.write(encodeNegotiationFrame(status, payload));
  }

  /** The next frame, or undefined when the server closed the socket without one. */
  async next(): Promise<NegotiationFrame | undefined> {
    try {
      return await this.reader.next();
    } catch (err) {
      if (this.closedWithoutFrame) return undefined;
      throw err;
    }
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** Runs the GSSAPI exchange by hand up to the layer offer; returns the client context and the AP-REQ it sent. */
async function establish(raw: RawSasl, gss: GssClient): Promise<{ apReq: Buffer; offer: Buffer }> {
  const apReq = bytes(await gss.step(''));
  raw.send(SaslStatus.START, Buffer.from('GSSAPI'));
  raw.send(SaslStatus.OK, apReq);
  const apRep = await raw.next();
  assert.equal(apRep?.status, SaslStatus.OK, 'the AP-REP comes in an OK frame');
  assert.equal(bytes(await gss.step(b64(apRep!.payload))).length, 0);
  assert.equal(gss.contextComplete, true, 'mutual authentication done');
  raw.send(SaslStatus.OK, Buffer.alloc(0));
  const wrapped = await raw.next();
  assert.equal(wrapped?.status, SaslStatus.OK);
  return { apReq, offer: bytes(await gss.unwrap(b64(wrapped!.payload))) };
}

/** An HTTP response read by {@link post}. */
interface RawResponse {
  status: number;
  head: string;
  headers(name: string): string[];
  body: Buffer;
}

/** POSTs an OpenSession call on a new connection to the HTTP port with the given extra headers and reads the answer. */
async function post(port: number, headers: string[]): Promise<RawResponse> {
  const body = encodeCall('OpenSession', 1, new T.TOpenSessionReq({ client_protocol: T.TProtocolVersion.HIVE_CLI_SERVICE_PROTOCOL_V6 }) as unknown as ThriftRequest);
  const socket = net.connect({ host: '127.0.0.1', port });
  try {
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    socket.write(Buffer.concat([Buffer.from(['POST /cliservice HTTP/1.1', 'Host: sim', `Content-Length: ${body.length}`, ...headers, '', ''].join('\r\n')), body]));
    let data = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => (data = Buffer.concat([data, chunk])));
    const complete = (): boolean => {
      const end = data.indexOf('\r\n\r\n');
      if (end < 0) return false;
      const length = Number(/\r\ncontent-length: *(\d+)/i.exec(data.subarray(0, end).toString('latin1'))?.[1] ?? 0);
      return data.length >= end + 4 + length;
    };
    await waitFor(complete, 10_000, 'the HTTP response');
    const end = data.indexOf('\r\n\r\n');
    const head = data.subarray(0, end).toString('latin1');
    const lines = head.split('\r\n');
    return {
      status: Number(lines[0]!.split(' ')[1]),
      head,
      headers: (name) => lines.slice(1).filter((l) => l.toLowerCase().startsWith(`${name}:`)).map((l) => l.slice(name.length + 1).trim()),
      body: data.subarray(end + 4),
    };
  } finally {
    socket.destroy();
  }
}

/** A SPNEGO initiator (mutual authentication) for `service@host`. */
function spnego(service: string): Promise<GssClient> {
  const k = loadKerberos();
  return k.initializeClient(service, { mechOID: k.GSS_MECH_OID_SPNEGO, gssFlag: k.GSS_C_MUTUAL_FLAG | k.GSS_C_SEQUENCE_FLAG });
}

describe('simulator: Kerberos (SASL GSSAPI with a real MIT acceptor, real KDC)', function () {
  this.timeout(60_000);
  let kdc: Kdc;
  const clusters: SimCluster[] = [];
  const raws: RawSasl[] = [];
  const start = async (options: Parameters<typeof startCluster>[0]): Promise<SimCluster> => {
    const c = await startCluster({ coordinators: 1, ...options });
    clusters.push(c);
    return c;
  };
  const raw = async (c: SimCluster): Promise<RawSasl> => {
    const r = await RawSasl.connect(c.coordinators[0]!.port);
    raws.push(r);
    return r;
  };

  before(async function () {
    this.timeout(600_000);
    kdc = await startKdcOrSkip(this);
  });
  after(async () => kdc?.stop());
  afterEach(async () => {
    for (const r of raws.splice(0)) r.destroy();
    for (const c of clusters.splice(0)) await c.stop();
  });

  for (const processes of [false, true]) {
    it(`runs the full RFC 4752 exchange: AP-REP, a wrapped offer of "no layer, 0 bytes", COMPLETE after our choice (${processes ? 'child process' : 'in process'})`, async () => {
      const sim = await start({ processes, kerberos: { keytab: kdc.serviceKeytab } });
      const r = await raw(sim);
      const gss = await loadKerberos().initializeClient('impala@localhost');
      const { offer } = await establish(r, gss);
      assert.deepEqual([...offer], [0x01, 0, 0, 0], 'only "no security layer" offered, with a 0-byte buffer (QOP auth)');
      r.send(SaslStatus.OK, bytes(await gss.wrap(b64(Buffer.from([1, 0, 0, 0])))));
      const done = await r.next();
      assert.equal(done?.status, SaslStatus.COMPLETE);
      assert.equal(done!.payload.length, 0);
    });
  }

  it('the authenticated principal is the connected user, whatever OpenSession says', async () => {
    const sim = await start({ kerberos: { keytab: kdc.serviceKeytab } });
    const conn = await Connection.open({ host: '127.0.0.1', port: sim.coordinators[0]!.port, auth: { mechanism: 'GSSAPI', host: 'localhost' } });
    try {
      const open = await conn.call('OpenSession', new T.TOpenSessionReq({ client_protocol: T.TProtocolVersion.HIVE_CLI_SERVICE_PROTOCOL_V6, username: 'mallory' }), T.TOpenSessionResp);
      const exec = await conn.call('ExecuteStatement', new T.TExecuteStatementReq({ sessionHandle: open.sessionHandle!, statement: 'SELECT 1', runAsync: false }), T.TExecuteStatementResp);
      const profile = await conn.call(
        'GetRuntimeProfile',
        new I.TGetRuntimeProfileReq({ sessionHandle: open.sessionHandle, operationHandle: exec.operationHandle }),
        I.TGetRuntimeProfileResp,
      );
      assert.match(profile.profile ?? '', new RegExp(`Connected User: ${kdc.userPrincipal.replace('.', '\\.')}`));
      assert.doesNotMatch(profile.profile ?? '', /mallory/);
    } finally {
      await conn.close();
    }
  });

  it('refuses a replayed AP-REQ, a forged token and a foreign authorization id by closing without a frame', async () => {
    const sim = await start({ kerberos: { keytab: kdc.serviceKeytab } });
    const first = await raw(sim);
    const { apReq } = await establish(first, await loadKerberos().initializeClient('impala@localhost'));

    // The same ticket and authenticator again: the acceptor's replay cache rejects it.
    const replay = await raw(sim);
    replay.send(SaslStatus.START, Buffer.from('GSSAPI'));
    replay.send(SaslStatus.OK, apReq);
    assert.equal(await replay.next(), undefined, 'a replayed AP-REQ is refused');

    const forged = await raw(sim);
    forged.send(SaslStatus.START, Buffer.from('GSSAPI'));
    forged.send(SaslStatus.OK, Buffer.concat([apReq.subarray(0, 40), Buffer.alloc(apReq.length - 40, 0x41)]));
    assert.equal(await forged.next(), undefined, 'a forged token is refused');

    // A valid context whose client asks to act as someone else.
    const proxy = await raw(sim);
    const gss = await loadKerberos().initializeClient('impala@localhost');
    await establish(proxy, gss);
    proxy.send(SaslStatus.OK, bytes(await gss.wrap(b64(Buffer.from([1, 0, 0, 0])), { user: 'mallory' })));
    assert.equal(await proxy.next(), undefined, 'authorization as another user is refused');
  });

  it('accepts only its --principal when one is set (a ticket for another principal in the same keytab is refused)', async () => {
    const sim = await start({ kerberos: { keytab: kdc.serviceKeytab, principal: `impala/localhost@${kdc.realm}` }, processes: true });
    const port = sim.coordinators[0]!.port;
    const ok = await Connection.open({ host: '127.0.0.1', port, auth: { mechanism: 'GSSAPI', host: 'localhost' } });
    await ok.close();
    let refused: unknown;
    try {
      await Connection.open({ host: '127.0.0.1', port, auth: { mechanism: 'GSSAPI', host: 'lb.example' } });
    } catch (err) {
      refused = err;
    }
    assert.ok(refused instanceof ImpalaError);
    assert.equal(refused.code, ErrorCode.AUTH_FAILED);
    assert.match(refused.message, /impala\/lb\.example/);
    // The refused connection is gone; none is left behind.
    await waitFor(async () => (await sim.refreshStats())[0]!.connections === 0, 5000, 'no connection left open');
  });

  it('offers the mechanisms configured, like impalad: BAD "Unsupported mechanism type" otherwise; PLAIN and GSSAPI together', async () => {
    const plainOnly = await start({ users: { bob: 'secret' } });
    const r1 = await raw(plainOnly);
    r1.send(SaslStatus.START, Buffer.from('GSSAPI'));
    const bad = await r1.next();
    assert.equal(bad?.status, SaslStatus.BAD);
    assert.equal(bad!.payload.toString(), 'Unsupported mechanism type GSSAPI');

    const krbOnly = await start({ kerberos: { keytab: kdc.serviceKeytab } });
    const r2 = await raw(krbOnly);
    r2.send(SaslStatus.START, Buffer.from('PLAIN'));
    assert.equal((await r2.next())!.payload.toString(), 'Unsupported mechanism type PLAIN');

    const both = await start({ users: { bob: 'secret' }, kerberos: { keytab: kdc.serviceKeytab } });
    const port = both.coordinators[0]!.port;
    const viaKerberos = await Connection.open({ host: '127.0.0.1', port, auth: { mechanism: 'GSSAPI', host: 'localhost' } });
    const viaPlain = await Connection.open({ host: '127.0.0.1', port, auth: { mechanism: 'PLAIN', username: 'bob', password: 'secret' } });
    await Promise.all([viaKerberos.close(), viaPlain.close()]);
  });

  it('the HTTP port of a Kerberos coordinator answers 401 with WWW-Authenticate: Negotiate to a request without credentials', async () => {
    const sim = await start({ kerberos: { keytab: kdc.serviceKeytab } });
    assert.match(sim.urlFor('hs2-http'), /^impala\+http:\/\/127\.0\.0\.1:\d+\/default\?auth=gssapi$/, 'the same auth suffix as the binary URL');
    const r = await post(sim.coordinators[0]!.httpPort, []);
    assert.equal(r.status, 401);
    assert.deepEqual(r.headers('www-authenticate'), ['Negotiate']);
    assert.deepEqual(r.headers('connection'), ['close']);
    assert.equal(sim.stats()[0]!.http.unauthorized, 1);
  });

  for (const processes of [false, true]) {
    it(`accepts SPNEGO on the HTTP port: the 200 carries the server's final token (mutual authentication) and an a=KERBEROS cookie that then suffices (${processes ? 'child process' : 'in process'})`, async () => {
      const sim = await start({ processes, kerberos: { keytab: kdc.serviceKeytab, principal: `impala/localhost@${kdc.realm}` } });
      const port = sim.coordinators[0]!.httpPort;
      const gss = await spnego('impala@localhost');
      const r = await post(port, [`Authorization: Negotiate ${await gss.step('')}`]);
      assert.equal(r.status, 200, r.head);
      const proof = /^Negotiate (\S+)$/.exec(r.headers('www-authenticate')[0] ?? '');
      assert.ok(proof, `no final token: ${r.head}`);
      await gss.step(proof[1]!);
      assert.equal(gss.contextComplete, true, 'the server proved it holds the key');
      const cookie = r.headers('set-cookie')[0] ?? '';
      assert.match(cookie, new RegExp(`^impala\\.auth=[A-Za-z0-9_-]{43}=&u=${encodeURIComponent(kdc.userPrincipal)}&t=\\d+&r=\\d+&a=KERBEROS;HttpOnly;Max-Age=86400$`));
      const open = decodeReply(r.body, { method: 'OpenSession', seqid: 1, Resp: T.TOpenSessionResp as unknown as ThriftResponseClass<ThriftReadable> }, 'sim') as unknown as T.TOpenSessionResp;
      assert.equal(open.status?.statusCode, T.TStatusCode.SUCCESS_STATUS);
      const again = await post(port, [`Cookie: ${cookie.split(';')[0]}`]);
      assert.equal(again.status, 200);
      assert.deepEqual(again.headers('www-authenticate'), [], 'no Negotiate exchange on a cookie');
      const http = (await sim.refreshStats())[0]!.http;
      assert.deepEqual([http.negotiateAccepted, http.credentialsAccepted, http.cookieAccepted, http.unauthorized], [1, 1, 1, 0]);
    });
  }

  it("SPNEGO refusals: a replayed token, a ticket for another principal and garbage get 401 without any challenge (impalad's NegotiateAuth); beeline's 'Negotiate:' form is accepted", async () => {
    const sim = await start({ kerberos: { keytab: kdc.serviceKeytab, principal: `impala/localhost@${kdc.realm}` } });
    const port = sim.coordinators[0]!.httpPort;
    const token = await (await spnego('impala@localhost')).step('');
    assert.equal((await post(port, [`Authorization: Negotiate: ${token}`])).status, 200);
    const refused = [token, await (await spnego('impala@lb.example')).step(''), Buffer.from('not a token').toString('base64')];
    for (const t of refused) {
      const r = await post(port, [`Authorization: Negotiate ${t}`]);
      assert.equal(r.status, 401);
      assert.deepEqual(r.headers('www-authenticate'), []);
      assert.deepEqual(r.headers('set-cookie'), []);
    }
    const http = sim.stats()[0]!.http;
    assert.deepEqual([http.negotiateAccepted, http.unauthorized], [1, 3]);
  });

  it('a keytab that cannot be used fails startCluster with the keytab named', async () => {
    await assert.rejects(startCluster({ coordinators: 1, kerberos: { keytab: '/nonexistent/impala.keytab' } }), /\/nonexistent\/impala\.keytab/);
    await assert.rejects(startCluster({ coordinators: 1, kerberos: { keytab: kdc.serviceKeytab, principal: 'not a principal' } }), (err: Error) => {
      assert.ok(err instanceof ImpalaError);
      assert.equal(err.code, ErrorCode.CONFIG_INVALID_VALUE);
      assert.match(err.message, /service\/host@REALM/);
      return true;
    });
  });
});
