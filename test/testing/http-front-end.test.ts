import { strict as assert } from 'node:assert';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { HttpConnection } from '../../src/connection';
import { decodeReply, encodeCall } from '../../src/connection/thrift-codec';
import { HttpResponseParser, type HttpResponse } from '../../src/connection/http-response-parser';
import { ErrorCode, hasCode } from '../../src/errors';
import { startCluster } from '../../src/testing';
import type { SimCluster, SimCoordinator } from '../../src/testing';
import * as I from '../../src/thrift/gen-nodejs/ImpalaService_types';
import * as T from '../../src/thrift/gen-nodejs/TCLIService_types';
import { TestPki } from '../helpers/tls-certs';
import { eventually, Hs2TestClient } from './helpers/hs2-client';

const openBody = (seqid = 1): Buffer =>
  encodeCall('OpenSession', seqid, new T.TOpenSessionReq({ client_protocol: T.TProtocolVersion.HIVE_CLI_SERVICE_PROTOCOL_V6, username: 'nobody' }) as never);

/** One raw client connection to an HTTP port, reading responses with the library's parser. */
class RawHttp {
  readonly socket: net.Socket;
  readonly closed: Promise<void>;
  #parser = new HttpResponseParser(64 * 1024, 1 << 26);
  #waiting: ((r: HttpResponse | Error) => void) | undefined;
  #interim = '';

  private constructor(socket: net.Socket) {
    this.socket = socket;
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      if (chunk.toString('latin1').startsWith('HTTP/1.1 100')) this.#interim += chunk.toString('latin1');
      const r = this.#parser.push(chunk);
      if (r) this.#waiting?.(r);
    });
    socket.on('end', () => {
      try {
        const r = this.#parser.end();
        if (r) this.#waiting?.(r);
      } catch (err) {
        this.#waiting?.(err as Error);
      }
    });
  }

  static connect(port: number): Promise<RawHttp> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ host: '127.0.0.1', port }, () => resolve(new RawHttp(s)));
      s.once('error', reject);
    });
  }

  /** Over TLS (an HTTPS port), trusting `ca`. */
  static connectTls(port: number, ca: string): Promise<RawHttp> {
    return new Promise((resolve, reject) => {
      const s = tls.connect({ host: '127.0.0.1', port, ca, servername: 'localhost' }, () => resolve(new RawHttp(s)));
      s.once('error', reject);
    });
  }

  get interim(): string {
    return this.#interim;
  }

  /** Sends a request and waits for its response (bounded). */
  request(method: string, target: string, body: Buffer, headers: string[] = []): Promise<HttpResponse> {
    const head = `${method} ${target} HTTP/1.1\r\nHost: sim\r\nContent-Length: ${body.length}\r\n${headers.map((h) => `${h}\r\n`).join('')}\r\n`;
    this.socket.write(Buffer.concat([Buffer.from(head), body]));
    return this.response();
  }

  response(): Promise<HttpResponse> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no response within 5 s')), 5000);
      this.#waiting = (r) => {
        clearTimeout(timer);
        this.#waiting = undefined;
        if (r instanceof Error) reject(r);
        else resolve(r);
      };
    });
  }
}

function decodeOpen(body: Buffer, seqid: number): T.TOpenSessionResp {
  return decodeReply(body, { method: 'OpenSession', seqid, Resp: T.TOpenSessionResp as never }, 'sim') as unknown as T.TOpenSessionResp;
}

describe('simulator: HS2 over HTTP', function () {
  this.timeout(30_000);
  let cluster: SimCluster;
  const raws: RawHttp[] = [];
  const conns: HttpConnection[] = [];
  const raw = async (c: SimCoordinator): Promise<RawHttp> => {
    const r = await RawHttp.connect(c.httpPort);
    raws.push(r);
    return r;
  };
  const channel = async (c: SimCoordinator, extra: Partial<Parameters<typeof HttpConnection.open>[0]> = {}): Promise<HttpConnection> => {
    const conn = await HttpConnection.open({ host: c.host, port: c.httpPort, transport: 'http', rpcTimeoutMs: 5000, ...extra });
    conns.push(conn);
    return conn;
  };

  before(async () => {
    cluster = await startCluster({ coordinators: 2, users: { alice: 'pw-a' }, tokens: { 'hdr.payload.sig': 'jwt-user' } });
  });
  afterEach(async () => {
    for (const r of raws.splice(0)) r.socket.destroy();
    await Promise.all(conns.splice(0).map((c) => c.close()));
    for (const c of cluster.coordinators) {
      await c.resume();
      await c.dropIdle(0);
      await c.setRpcDelay(0);
      await c.injectHttpStatus({ status: 503, count: 0 });
      if (!c.up) await c.restart();
    }
  });
  after(() => cluster.stop());

  const basic = (user: string, password: string): string => `Authorization: Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

  it('has an HTTP port per coordinator and an impala+http URL', () => {
    const [a, b] = cluster.coordinators;
    assert.notEqual(a!.httpPort, a!.port);
    assert.equal(a!.httpAddress, `127.0.0.1:${a!.httpPort}`);
    assert.equal(cluster.urlFor('hs2-http'), `impala+http://${a!.httpAddress},${b!.httpAddress}/default`);
    assert.equal(cluster.urlFor('hs2'), cluster.url);
  });

  it('serves any path, keeps the connection alive, answers OPTIONS with CORS and drops other methods', async () => {
    const c = cluster.coordinators[0]!;
    const r = await raw(c);
    const first = await r.request('POST', '/whatever/path', openBody(7), [basic('alice', 'pw-a')]);
    assert.equal(first.status, 200);
    assert.equal(first.headers.get('content-type')?.[0], 'application/x-thrift');
    assert.equal(first.headers.get('connection')?.[0], 'Keep-Alive');
    assert.equal(first.headers.get('access-control-allow-origin')?.[0], '*');
    assert.equal(decodeOpen(first.body, 7).status.statusCode, T.TStatusCode.SUCCESS_STATUS);
    const options = await r.request('OPTIONS', '/cliservice', Buffer.alloc(0));
    assert.equal(options.status, 200);
    assert.match(options.headers.get('access-control-allow-methods')?.[0] ?? '', /POST/);
    r.socket.write('GET /cliservice HTTP/1.1\r\nHost: sim\r\n\r\n');
    await r.closed;
  });

  it('answers Expect: 100-continue before the body is sent', async () => {
    const r = await raw(cluster.coordinators[0]!);
    const body = openBody();
    r.socket.write(`POST /cliservice HTTP/1.1\r\nHost: sim\r\nContent-Length: ${body.length}\r\nExpect: 100-continue\r\n${basic('alice', 'pw-a')}\r\n\r\n`);
    await eventually(() => r.interim.startsWith('HTTP/1.1 100 Continue\r\n\r\n'), '100 Continue', 5000);
    r.socket.write(body);
    assert.equal((await r.response()).status, 200);
  });

  it("authenticates as impalad does: 401 + Connection: close without credentials; Basic issues a signed cookie that alone authenticates, on this incarnation only", async () => {
    const [c0, c1] = cluster.coordinators;
    const r = await raw(c0!);
    const refused = await r.request('POST', '/cliservice', openBody());
    assert.equal(refused.status, 401);
    assert.deepEqual(refused.headers.get('www-authenticate'), ['Basic', 'Bearer error="invalid_token"']);
    assert.equal(refused.headers.get('connection')?.[0], 'close');
    assert.equal(refused.body.length, 0);
    await r.closed;

    const r2 = await raw(c0!);
    const wrong = await r2.request('POST', '/cliservice', openBody(), [basic('alice', 'nope')]);
    assert.equal(wrong.status, 401);
    const r3 = await raw(c0!);
    const good = await r3.request('POST', '/cliservice', openBody(), [basic('alice', 'pw-a')]);
    assert.equal(good.status, 200);
    const setCookie = good.headers.get('set-cookie')?.[0] ?? '';
    assert.match(setCookie, /^impala\.auth=[A-Za-z0-9_-]{43}=&u=alice&t=\d+&r=\d+&a=LDAP;HttpOnly;Max-Age=86400$/);
    const cookie = `Cookie: ${setCookie.split(';')[0]}`;
    const withCookie = await r3.request('POST', '/cliservice', openBody(2), [cookie]);
    assert.equal(withCookie.status, 200);
    assert.equal(withCookie.headers.get('set-cookie'), undefined, 'no new cookie for a cookie-authenticated request');

    const before1 = cluster.stats()[1]!.http;
    const r4 = await raw(c1!);
    assert.equal((await r4.request('POST', '/cliservice', openBody(), [cookie])).status, 401, "another coordinator's cookie is refused");
    assert.equal(cluster.stats()[1]!.http.cookieRejected, before1.cookieRejected + 1);
    await c0!.restart();
    const r5 = await raw(c0!);
    assert.equal((await r5.request('POST', '/cliservice', openBody(), [cookie])).status, 401, 'a restart refuses old cookies');
  });

  it('accepts listed bearer tokens (JWT-shaped) and runs statements as their user, or as the doAs user', async () => {
    const c = cluster.coordinators[0]!;
    const client = new Hs2TestClient(await channel(c, { auth: { mechanism: 'JWT', token: 'hdr.payload.sig' } }));
    const s = await client.openSession();
    await client.query(s, 'SELECT 1 AS jwt_probe');
    const delegated = new Hs2TestClient(await channel(c, { auth: { mechanism: 'PLAIN', username: 'alice', password: 'pw-a' }, http: { doAs: 'bob' } }));
    await delegated.query(await delegated.openSession(), 'SELECT 2 AS doas_probe');
    const log = cluster.stats()[0]!.executed;
    assert.equal(log.find((e) => e.sql === 'SELECT 1 AS jwt_probe')?.user, 'jwt-user');
    assert.equal(log.find((e) => e.sql === 'SELECT 2 AS doas_probe')?.user, 'bob');
    const conflict = await delegated.openSessionRaw({ 'impala.doas.user': 'carol' });
    assert.match(conflict.status.errorMessage ?? '', /^Cannot set 'impala.doas.user' configuration property when 'doAs' query parameter is set\./);
    const bad = await channel(c, { auth: { mechanism: 'JWT', token: 'not.a.listed-token' } });
    await assert.rejects(bad.call('PingImpalaHS2Service', new I.TPingImpalaHS2ServiceReq(), I.TPingImpalaHS2ServiceResp), (e: unknown) => hasCode(e, ErrorCode.AUTH_FAILED));
  });

  it('binds sessions by handle: a session opened over HTTP works over the binary port and a new HTTP connection', async () => {
    const c = cluster.coordinators[0]!;
    const auth = { mechanism: 'PLAIN', username: 'alice', password: 'pw-a' } as const;
    const http = new Hs2TestClient(await channel(c, { auth }));
    const s = await http.openSession();
    await http.query(s, 'SET MEM_LIMIT=1g');
    const binary = await Hs2TestClient.connect({ host: c.host, port: c.port }, auth);
    try {
      const rows = await binary.query(s, 'SET');
      assert.ok(rows.some((row) => row[0] === 'MEM_LIMIT' && row[1] === '1g'));
    } finally {
      await binary.close();
    }
    const again = new Hs2TestClient(await channel(c, { auth }));
    assert.deepEqual(await again.query(s, 'SELECT 6 * 7'), [[42]]);
  });

  it('faults act on HTTP connections: kill resets them, hang holds replies, dropIdle closes idle ones, refused connects, cut replies', async () => {
    const c = cluster.coordinators[1]!;
    const auth = { mechanism: 'PLAIN', username: 'alice', password: 'pw-a' } as const;
    const client = new Hs2TestClient(await channel(c, { auth }));
    const s = await client.openSession();

    await c.hang();
    const held = client.query(s, 'SELECT 1');
    await new Promise((r) => setTimeout(r, 200));
    await c.resume();
    assert.deepEqual(await held, [[1]], 'the held reply went out on resume');

    await c.dropIdle(100);
    await eventually(() => cluster.stats()[1]!.connections === 0, 'the idle HTTP connection to be cut', 5000);
    await c.dropIdle(0);
    assert.deepEqual(await client.query(s, 'SELECT 2'), [[2]], 'the channel reconnected; the session is still there');

    await c.dropDuringFetch(1);
    const cut = await client.query(s, 'SELECT 3').then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(hasCode(cut, ErrorCode.CONNECTION_LOST) || hasCode(cut, ErrorCode.PROTOCOL), String(cut));

    await c.refuseConnections(1);
    await assert.rejects(channel(c).then((ch) => ch.call('PingImpalaHS2Service', new I.TPingImpalaHS2ServiceReq(), I.TPingImpalaHS2ServiceResp)), (e: unknown) => hasCode(e, ErrorCode.CONNECTION_LOST) || hasCode(e, ErrorCode.CONNECT_FAILED));

    const victim = new Hs2TestClient(await channel(c, { auth }));
    const vs = await victim.openSession();
    const op = await victim.execute(vs, 'SELECT sleep(3000)');
    // FetchResults waits on the server for the rows: in flight when the coordinator dies.
    const pending = victim.fetchRaw(op).then(
      () => undefined,
      (e: unknown) => e,
    );
    await eventually(() => cluster.stats()[1]!.executed.some((e) => e.sql === 'SELECT sleep(3000)'), 'the sleep to run', 5000);
    await new Promise((r) => setTimeout(r, 100));
    await c.kill();
    const lost = await pending;
    assert.ok(hasCode(lost, ErrorCode.CONNECTION_LOST) && (lost as { requestWritten?: boolean }).requestWritten === true, String(lost));
  });

  it('injectHttpStatus answers the next requests with the status and Retry-After, without serving them', async () => {
    const c = cluster.coordinators[0]!;
    await c.injectHttpStatus({ status: 503, count: 2, retryAfterS: 4 });
    const r = await raw(c);
    for (let i = 0; i < 2; i++) {
      const resp = await r.request('POST', '/cliservice', openBody(), [basic('alice', 'pw-a')]);
      assert.equal(resp.status, 503);
      assert.equal(resp.headers.get('retry-after')?.[0], '4');
    }
    assert.equal((await r.request('POST', '/cliservice', openBody(), [basic('alice', 'pw-a')])).status, 200);
    await assert.rejects(c.injectHttpStatus({ status: 500 as never }), (e: unknown) => hasCode(e, ErrorCode.INVALID_ARGUMENT));
  });
});

describe('simulator: HS2 over HTTP in child processes', function () {
  this.timeout(60_000);
  let cluster: SimCluster | undefined;
  after(() => cluster?.stop());

  it('serves HTTP from a child process, takes HTTP faults over IPC, and a real SIGKILL resets HTTP connections', async () => {
    cluster = await startCluster({ coordinators: 1, processes: true });
    const c = cluster.coordinators[0]!;
    const conn = await HttpConnection.open({ host: c.host, port: c.httpPort, transport: 'http', rpcTimeoutMs: 10_000 });
    try {
      const client = new Hs2TestClient(conn);
      const s = await client.openSession();
      assert.deepEqual(await client.query(s, 'SELECT 5'), [[5]]);
      await c.injectHttpStatus({ status: 429, count: 1, retryAfterS: 0 });
      // Ping is idempotent: the channel waits Retry-After and sends it again.
      const ping = await conn.call('PingImpalaHS2Service', new I.TPingImpalaHS2ServiceReq({ sessionHandle: s }), I.TPingImpalaHS2ServiceResp);
      assert.equal(ping.status.statusCode, T.TStatusCode.SUCCESS_STATUS);
      const stats = await cluster.refreshStats();
      assert.ok(stats[0]!.http.requests >= 4, JSON.stringify(stats[0]!.http));
      const op = await client.execute(s, 'SELECT sleep(5000)');
      const pending = client.fetchRaw(op).then(
        () => undefined,
        (e: unknown) => e,
      );
      await eventually(() => cluster!.stats()[0]!.executed.some((e) => e.sql === 'SELECT sleep(5000)'), 'the sleep to run', 10_000);
      await new Promise((r) => setTimeout(r, 100));
      await c.kill();
      const lost = await pending;
      assert.ok(hasCode(lost, ErrorCode.CONNECTION_LOST), String(lost));
      await c.restart();
      const after = await HttpConnection.open({ host: c.host, port: c.httpPort, transport: 'http' });
      const again = new Hs2TestClient(after);
      assert.deepEqual(await again.query(await again.openSession(), 'SELECT 6'), [[6]]);
      await after.close();
    } finally {
      await conn.close();
    }
  });
});

describe('simulator: HS2 over HTTPS (tls)', function () {
  this.timeout(60_000);
  let pki: TestPki | undefined;
  let cluster: SimCluster | undefined;
  const sockets: net.Socket[] = [];
  after(async () => {
    for (const s of sockets) s.destroy();
    await cluster?.stop();
    pki?.remove();
  });

  it('the HTTP port of a TLS coordinator (child process) serves HTTPS only, and its auth cookie is Secure', async () => {
    pki = new TestPki();
    const server = pki.issue('coordinator', ['IP:127.0.0.1', 'DNS:localhost']);
    cluster = await startCluster({ coordinators: 1, processes: true, users: { alice: 'pw-a' }, tls: { cert: server.cert, key: server.key } });
    const c = cluster.coordinators[0]!;
    const r = await RawHttp.connectTls(c.httpPort, pki.ca.cert);
    sockets.push(r.socket);
    const basic = `Authorization: Basic ${Buffer.from('alice:pw-a').toString('base64')}`;
    const ok = await r.request('POST', '/cliservice', openBody(), [basic]);
    assert.equal(ok.status, 200);
    assert.equal(decodeOpen(ok.body, 1).status.statusCode, T.TStatusCode.SUCCESS_STATUS);
    assert.match(ok.headers.get('set-cookie')?.[0] ?? '', /^impala\.auth=[^;]+&u=alice&[^;]+;HttpOnly;Max-Age=86400;Secure$/);
    // Plain HTTP on the HTTPS port: not a TLS handshake, so the connection is closed without an HTTP answer.
    const plain = await RawHttp.connect(c.httpPort);
    sockets.push(plain.socket);
    let answered = false;
    plain.socket.on('data', (chunk: Buffer) => (answered ||= chunk.toString('latin1').startsWith('HTTP/')));
    plain.socket.write(`POST /cliservice HTTP/1.1\r\nHost: sim\r\n${basic}\r\nContent-Length: 0\r\n\r\n`);
    let closed = false;
    void plain.closed.then(() => (closed = true));
    await eventually(() => closed, 'the server to close the plain connection', 10_000);
    assert.equal(answered, false);
  });
});
