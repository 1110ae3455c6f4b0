import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { inspect } from 'node:util';
import { TBinaryProtocol, TBufferedTransport, Thrift } from 'thrift';
import { AuthCookieStore, HttpConnection, type CallPolicy, type HttpAuthenticator, type HttpTransportOptions } from '../../src/connection';
import { ConnectionLostError, ErrorCode, HttpStatusError, ImpalaError } from '../../src/errors';
import * as I from '../../src/thrift/gen-nodejs/ImpalaService_types';
import * as T from '../../src/thrift/gen-nodejs/TCLIService_types';
import { encodeThriftReply, startScriptedHttpServer, type HttpHandler, type ScriptedHttpServer } from '../helpers/scripted-http-server';

const ok = (): T.TStatus => new T.TStatus({ statusCode: T.TStatusCode.SUCCESS_STATUS });
const handle = (): T.TSessionHandle => new T.TSessionHandle({ sessionId: new T.THandleIdentifier({ guid: Buffer.alloc(16, 1), secret: Buffer.alloc(16, 2) }) });
const pingReq = (): I.TPingImpalaHS2ServiceReq => new I.TPingImpalaHS2ServiceReq({ sessionHandle: handle() });
const pong = (version = '4.5.0'): I.TPingImpalaHS2ServiceResp => new I.TPingImpalaHS2ServiceResp({ status: ok(), version });
const execReq = (): T.TExecuteStatementReq => new T.TExecuteStatementReq({ sessionHandle: handle(), statement: 'INSERT INTO t VALUES (1)' });
const PASSWORD = 's3cret-Pa55';

/** A Thrift EXCEPTION message (unknown method) for `method`/`seqid`. */
function applicationException(method: string, seqid: number): Buffer {
  let out: Buffer | undefined;
  const p = new TBinaryProtocol(new TBufferedTransport(undefined, (msg?: Buffer) => (out = msg)));
  p.writeMessageBegin(method, Thrift.MessageType.EXCEPTION, seqid);
  new Thrift.TApplicationException(Thrift.TApplicationExceptionType.UNKNOWN_METHOD, `Invalid method name: '${method}'`).write(p);
  p.writeMessageEnd();
  p.flush();
  return out!;
}

async function rejection(p: Promise<unknown>): Promise<ImpalaError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof ImpalaError, `expected an ImpalaError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected a rejection');
}

describe('HttpConnection (HS2 over HTTP)', () => {
  let server: ScriptedHttpServer | undefined;
  const conns: HttpConnection[] = [];
  const track = (c: HttpConnection): HttpConnection => (conns.push(c), c);
  const serve = async (h: HttpHandler): Promise<ScriptedHttpServer> => (server = await startScriptedHttpServer(h));
  const open = (extra: Partial<Parameters<typeof HttpConnection.open>[0]> = {}): Promise<HttpConnection> =>
    HttpConnection.open({ host: '127.0.0.1', port: server!.port, transport: 'http', rpcTimeoutMs: 5000, ...extra }).then(track);

  afterEach(async () => {
    await Promise.all(conns.splice(0).map((c) => c.close()));
    await server?.close();
    server = undefined;
  });

  it('sends each call as a POST on one kept-alive connection, with path, doAs, tracing and custom headers', async () => {
    await serve((_req, reply) => reply.thrift(pong()));
    const conn = await open({ http: { path: '/gateway/impala', doAs: 'bob smith', headers: { 'X-Gateway': 'g1' } } });
    const openedAt = conn.lastActivityAt;
    await new Promise((r) => setTimeout(r, 20));
    for (let i = 0; i < 3; i++) {
      const r = await conn.call('PingImpalaHS2Service', pingReq(), I.TPingImpalaHS2ServiceResp, { trace: { sessionId: '0101010101010101:0101010101010101', queryId: 'ab:cd' } });
      assert.equal(r.version, '4.5.0');
    }
    assert.equal(server!.connections(), 1, 'one TCP connection for three calls');
    assert.ok(conn.lastActivityAt > openedAt, 'traffic moves lastActivityAt');
    assert.equal(conn.pendingCalls, 0);
    const req = server!.requests[2]!;
    assert.equal(req.method, 'POST');
    assert.equal(req.target, '/gateway/impala?doAs=bob%20smith');
    assert.equal(req.headers.get('content-type')?.[0], 'application/x-thrift');
    assert.equal(req.headers.get('host')?.[0], `127.0.0.1:${server!.port}`);
    assert.equal(req.headers.get('x-gateway')?.[0], 'g1');
    assert.equal(req.headers.get('x-impala-session-id')?.[0], '0101010101010101:0101010101010101');
    assert.equal(req.headers.get('x-impala-query-id')?.[0], 'ab:cd');
    assert.match(req.headers.get('x-request-id')?.[0] ?? '', /^[0-9a-f-]{36}$/);
    assert.equal(req.headers.get('authorization'), undefined, 'NOSASL sends no credentials');
    assert.equal(req.call.method, 'PingImpalaHS2Service');
    assert.equal(conn.transport, 'http');
  });

  it('reads chunked bodies, skips 100 Continue, and reassembles a reply delivered one byte at a time', async () => {
    await serve(async (req, reply) => {
      const body = encodeThriftReply(req.call.method, req.call.seqid, pong(`v${req.onConnection}`));
      if (req.onConnection === 0) {
        const half = Math.floor(body.length / 2);
        reply.raw(`HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n${half.toString(16)}\r\n`);
        reply.raw(Buffer.concat([body.subarray(0, half), Buffer.from(`\r\n${(body.length - half).toString(16)};ext=1\r\n`), body.subarray(half), Buffer.from('\r\n0\r\n\r\n')]));
      } else {
        for (const byte of Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n`), body])) {
          reply.raw(Buffer.from([byte]));
          await new Promise((r) => setImmediate(r));
        }
      }
      reply.finish();
    });
    const conn = await open();
    assert.equal((await conn.call('PingImpalaHS2Service', pingReq(), I.TPingImpalaHS2ServiceResp)).version, 'v0');
    assert.equal((await conn.call('PingImpalaHS2Service', pingReq(), I.TPingImpalaHS2ServiceResp)).version, 'v1');
    assert.equal(server!.connections(), 1);
  });

  it('authenticates with Basic, then uses the auth cookie; a 401 drops the cookie and authenticates once more', async () => {
    const basic = `Basic ${Buffer.from(`alice:${PASSWORD}`).toString('base64')}`;
    let refuseCookie = false;
    await serve((req, reply) => {
      const cookie = req.headers.get('cookie')?.[0];
      if (cookie?.includes('impala.auth=sig1') && !refuseCookie) return reply.thrift(pong());
      if (refuseCookie && cookie !== undefined) {
        refuseCookie = false;
        return reply.status(401, ['WWW-Authenticate: Basic'], '', true);
      }
      if (req.headers.get('authorization')?.[0] !== basic) return reply.status(401, ['WWW-Authenticate: Basic'], '', true);
      reply.thrift(pong(), ['Set-Cookie: impala.auth=sig1&u=alice&t=1&r=2&a=LDAP;HttpOnly;Max-Age=86400']);
    });
    const conn = await open({ auth: { mechanism: 'PLAIN', username: 'alice', password: PASSWORD } });
    await conn.call('PingImpalaHS2Service', pingReq(), I.TPingImpalaHS2ServiceResp);
    await conn.call('PingImpalaHS2Service', pingReq(), I.TPingImpalaHS2ServiceResp);
    assert.equal(server!.requests[0]!.headers.get('cookie'), undefined);
    assert.equal(server!.requests[1]!.headers.get('cookie')?.[0], 'impala.auth=sig1&u=alice&t=1&r=2&a=LDAP');
    assert.equal(server!.requests[1]!.headers.get('authorization')?.[0], basic, 'credentials go along with the cookie');
    refuseCookie = true;
    await conn.call('PingImpalaHS2Service', pingReq(), I.TPingImpalaHS2ServiceResp);
    const last = server!.requests.slice(-2);
    assert.ok(last[0]!.headers.get('cookie'), 'the refused request carried the cookie');
    assert.equal(last[1]!.headers.get('cookie'), undefined, 'the cookie was dropped after the 401');
    assert.notEqual(last[0]!.connection, last[1]!.connection, 'a 401 closes the connection; the resend uses a new one');
    assert.equal(conn.closed, false);
  });

  it('fails with AUTH_FAILED after a 401 that credentials do not fix, naming the schemes and never the password', async () => {
    await serve((_req, reply) => reply.status(401, ['WWW-Authenticate: Basic realm="x"', 'WWW-Authenticate: Negotiate'], '', true));
    const conn = await open({ auth: { mechanism: 'PLAIN', username: 'alice', password: PASSWORD } });
    const err = await rejection(conn.call('ExecuteStatement', execReq(), T.TExecuteStatementResp));
    assert.equal(err.code, ErrorCode.AUTH_FAILED);
    assert.equal(err.retryable, false);
    assert.match(err.message, /refused ExecuteStatement with HTTP 401: Basic credentials were not accepted; it accepts Basic, Negotiate/);
    assert.equal(server!.requests.length, 1, 'no cookie was sent, so the same credentials are not tried again');
    for (const text of [err.message, inspect(err), inspect(conn), JSON.stringify(conn)]) assert.ok(!text.includes(PASSWORD) && !text.includes(Buffer.from(`alice:${PASSWORD}`).toString('base64')), text);
  });

  it('Bearer: a 401 asks the provider for a fresh token and resends once', async () => {
    const asked: boolean[] = [];
    await serve((req, reply) => (req.headers.get('authorization')?.[0] === 'Bearer good.token' ? reply.thrift(pong()) : reply.status(401, ['WWW-Authenticate: Bearer error="invalid_token"'], '', true)));
    const conn = await open({
      auth: {
        mechanism: 'JWT',
        token: ({ refresh }) => {
          asked.push(refresh);
          return refresh ? 'good.token' : 'expired.token';
        },
      },
    });
    await conn.call('PingImpalaHS2Service', pingReq(), I.TPingImpalaHS2ServiceResp);
    assert.deepEqual(asked, [false, true]);
    const failing = await open({ auth: { mechanism: 'JWT', token: 'bad.token' } });
    const err = await rejection(failing.call('PingImpalaHS2Service', pingReq(), I.TPingImpalaHS2ServiceResp));
    assert.equal(err.code, ErrorCode.AUTH_FAILED);
    assert.ok(!err.message.includes('bad.token') && !inspect(failing).includes('bad.token'));
  });

  it('takes a pluggable authenticator with several rounds and mutual authentication (the SPNEGO shape)', async () => {
    let answered = 0;
    await serve((req, reply) => {
      const auth = req.headers.get('authorization')?.[0];
      if (auth === 'Negotiate step-2') return reply.thrift(pong(), [`WWW-Authenticate: Negotiate ${answered++ === 0 ? 'server-proof' : 'forged'}`]);
      reply.status(401, ['WWW-Authenticate: Negotiate challenge-1'], '', true);
    });
    const seen: string[] = [];
    const authenticator: HttpAuthenticator = {
      scheme: 'Negotiate',
      maxRounds: 2,
      authorization: (ctx) => {
        seen.push(`${ctx.round}:${ctx.challenges.join('|')}:${ctx.host}`);
        return ctx.round === 0 ? 'Negotiate step-1' : 'Negotiate step-2';
      },
      accepted: (_ctx, challenges) => {
        seen.push(`accepted:${challenges.join('|')}`);
        if (challenges[0] !== 'Negotiate server-proof') throw new Error('mutual authentication failed');
      },
    };
    const conn = await open({ http: { authenticator } });
    await conn.call('PingImpalaHS2Service', pingReq(), I.TPingImpalaHS2ServiceResp);
    assert.deepEqual(seen, ['0::127.0.0.1', '1:Negotiate challenge-1:127.0.0.1', 'accepted:Negotiate server-proof']);
    // A server that cannot prove itself after answering: the call may have run, the channel is done.
    const err = await rejection(conn.call('ExecuteStatement', execReq(), T.TExecuteStatementResp));
    assert.equal(err.code, ErrorCode.PROTOCOL);
    assert.match(err.message, /may have acted on it/);
    assert.equal(conn.closed, true);
  });

  it('resends an idempotent call after 503 + Retry-After, but never ExecuteStatement', async () => {
    let unavailable = 2;
    await serve((req, reply) => {
      if (req.call.method === 'ExecuteStatement') return reply.status(503, ['Retry-After: 0'], 'no server available');
      if (unavailable-- > 0) return reply.status(503, ['Retry-After: 1'], 'no server available');
      reply.thrift(pong());
    });
    const conn = await open();
    const t0 = Date.now();
    await conn.call('PingImpalaHS2Service', pingReq(), I.TPingImpalaHS2ServiceResp);
    assert.ok(Date.now() - t0 >= 1900, `waited ${Date.now() - t0} ms for two Retry-After: 1`);
    assert.equal(server!.requests.filter((r) => r.call.method === 'PingImpalaHS2Service').length, 3);
    const err = await rejection(conn.call('ExecuteStatement', execReq(), T.TExecuteStatementResp));
    assert.ok(err instanceof HttpStatusError, String(err));
    assert.equal(err.code, ErrorCode.HTTP_STATUS);
    assert.equal(err.status, 503);
    assert.equal(err.retryAfterMs, 0);
    assert.equal(err.requestWritten, true, 'a proxy may have forwarded it');
    assert.equal(server!.requests.filter((r) => r.call.method === 'ExecuteStatement').length, 1, 'sent once');
    assert.equal(conn.closed, false, 'a status answer does not break the channel');
  });

  it('fails at once when Retry-After is longer than maxRetryAfterMs or the call bound', async () => {
    await serve((_req, reply) => reply.status(429, ['Retry-After: 120'], 'slow down'));
    const conn = await open({ http: { maxRetryAfterMs: 5000 } });
    const err = await rejection(conn.call('GetOperationStatus', new T.TGetOperationStatusReq(), T.TGetOperationStatusResp));
    assert.ok(err instanceof HttpStatusError);
    assert.equal(err.status, 429);
    assert.equal(err.retryAfterMs, 120_000);
    assert.equal(server!.requests.length, 1);
  });

  it('replaces a kept-alive connection the server closed while idle, without an error', async () => {
    await serve((req, reply) => {
      reply.thrift(pong());
      // Like a proxy's idle timeout: close right after answering.
      setTimeout(() => reply.socket.end(), 20);
      void req;
    });
    const conn = await open();
    await conn.call('PingImpalaHS2Service', pingReq(), I.TPingImpalaHS2ServiceResp);
    await new Promise((r) => setTimeout(r, 150));
    await conn.call('ExecuteStatement', execReq(), T.TExecuteStatementResp).catch(() => undefined);
    assert.equal(server!.connections(), 2);
    assert.equal(server!.requests.length, 2, 'the request went out once, on the new connection');
    assert.equal(conn.closed, false);
  });

  it('a kept-alive connection that dies under a request with no answer: resent once when idempotent, reported as maybe-run otherwise', async () => {
    await serve((req, reply) => {
      // The second request on every connection is swallowed and the connection closed.
      if (req.onConnection === 1) {
        reply.socket.destroy();
        return;
      }
      if (req.call.method === 'ExecuteStatement') return reply.thrift(new T.TExecuteStatementResp({ status: ok() }));
      reply.thrift(pong());
    });
    const conn = await open();
    await conn.call('PingImpalaHS2Service', pingReq(), I.TPingImpalaHS2ServiceResp);
    await conn.call('PingImpalaHS2Service', pingReq(), I.TPingImpalaHS2ServiceResp);
    assert.deepEqual(server!.requests.map((r) => [r.connection, r.onConnection]), [[1, 0], [1, 1], [2, 0]], 'the ping was resent on a new connection');
    const err = await rejection(conn.call('ExecuteStatement', execReq(), T.TExecuteStatementResp));
    assert.ok(err instanceof ConnectionLostError, String(err));
    assert.equal(err.requestWritten, true);
    assert.equal(err.method, 'ExecuteStatement');
    assert.equal(server!.requests.filter((r) => r.call.method === 'ExecuteStatement').length, 1, 'never resent');
    assert.equal(conn.closed, true, 'the channel broke with the connection, as on the binary wire');
  });

  it('times out a call at its bound, says it was written, breaks the channel and emits close', async () => {
    await serve(() => undefined);
    const conn = await open({ rpcTimeoutMs: 300 });
    let closedWith: Error | undefined;
    conn.once('close', (e) => (closedWith = e));
    const first = conn.call('PingImpalaHS2Service', pingReq(), I.TPingImpalaHS2ServiceResp);
    const queued = conn.call('GetOperationStatus', new T.TGetOperationStatusReq(), T.TGetOperationStatusResp, { timeoutMs: 5000 });
    const err = await rejection(first);
    assert.equal(err.code, ErrorCode.RPC_TIMEOUT);
    assert.equal((err as { requestWritten?: boolean }).requestWritten, true);
    const q = await rejection(queued);
    assert.equal(q.code, ErrorCode.CONNECTION_LOST);
    assert.equal((q as ConnectionLostError).requestWritten, false, 'the queued call was never sent');
    assert.equal(conn.closed, true);
    assert.ok(closedWith !== undefined);
  });

  it('refuses a body larger than maxMessageBytes and unreadable responses with a protocol error', async () => {
    await serve((req, reply) => (req.onConnection === 0 && req.connection === 1 ? reply.status(200, [], Buffer.alloc(4096)) : reply.raw('SMTP ready\r\n\r\n')));
    const big = await open({ maxMessageBytes: 1024 });
    assert.equal((await rejection(big.call('PingImpalaHS2Service', pingReq(), I.TPingImpalaHS2ServiceResp))).code, ErrorCode.PROTOCOL);
    const garbage = await open();
    assert.equal((await rejection(garbage.call('PingImpalaHS2Service', pingReq(), I.TPingImpalaHS2ServiceResp))).code, ErrorCode.PROTOCOL);
  });

  it('applies the CallPolicy: per-method bound, overrun hook while the call goes on, observed latency', async () => {
    await serve((req, reply) => {
      setTimeout(() => reply.thrift(pong()), req.call.method === 'PingImpalaHS2Service' ? 250 : 0);
    });
    const overruns: string[] = [];
    const observed: string[] = [];
    const policy: CallPolicy = {
      timeoutMs: (m) => (m === 'GetInfo' ? 100 : undefined),
      overrunMs: () => 50,
      onOverrun: (m, ch) => overruns.push(`${m}@${ch.transport}`),
      observe: (m, ms) => observed.push(`${m}:${ms >= 200}`),
    };
    const conn = await open({ callPolicy: policy });
    await conn.call('PingImpalaHS2Service', pingReq(), I.TPingImpalaHS2ServiceResp);
    assert.deepEqual(overruns, ['PingImpalaHS2Service@http']);
    assert.deepEqual(observed, ['PingImpalaHS2Service:true']);
  });

  it('starts the overrun clock when the call is in flight (a hanging authenticator counts) and observes a TApplicationException', async () => {
    await serve((req, reply) => reply.status(200, ['Content-Type: application/x-thrift'], applicationException(req.call.method, req.call.seqid)));
    const overruns: string[] = [];
    const observed: string[] = [];
    const policy: CallPolicy = { overrunMs: () => 30, onOverrun: (m) => overruns.push(m), observe: (m) => observed.push(m) };
    let hang = true;
    const authenticator: HttpAuthenticator = { scheme: 'Test', authorization: () => (hang ? new Promise<string>(() => undefined) : 'Test ok') };
    const conn = await open({ callPolicy: policy, http: { authenticator } });
    const err = await rejection(conn.call('GetInfo', pingReq(), I.TPingImpalaHS2ServiceResp, { timeoutMs: 300 }));
    assert.equal(err.code, ErrorCode.RPC_TIMEOUT);
    assert.deepEqual(overruns, ['GetInfo'], 'the call never reached the server, yet it overran');
    assert.deepEqual(observed, [], 'no answer, nothing observed');
    hang = false;
    const conn2 = await open({ callPolicy: policy, http: { authenticator } });
    assert.equal((await rejection(conn2.call('GetInfo', pingReq(), I.TPingImpalaHS2ServiceResp))).code, ErrorCode.THRIFT_APPLICATION);
    assert.deepEqual(observed, ['GetInfo'], 'an exception reply is an answer');
  });

  it('keeps auth cookies per coordinator and load-balancer cookies per channel', async () => {
    const store = new AuthCookieStore();
    await serve((req, reply) =>
      reply.thrift(pong(), req.headers.get('cookie') ? [] : ['Set-Cookie: impala.auth=A-signed&u=alice;HttpOnly;Max-Age=60', 'Set-Cookie: SRV=c1; path=/']),
    );
    const a = server!;
    const other = await startScriptedHttpServer((_req, reply) => reply.thrift(pong()));
    try {
      const c1 = await open({ http: { cookieStore: store } });
      await c1.call('PingImpalaHS2Service', pingReq(), I.TPingImpalaHS2ServiceResp);
      await c1.call('PingImpalaHS2Service', pingReq(), I.TPingImpalaHS2ServiceResp);
      assert.equal(a.requests[1]!.headers.get('cookie')?.[0], 'impala.auth=A-signed&u=alice; SRV=c1');
      // Another channel to the same coordinator, no affinity yet: it does not inherit c1's backend-scoped cookie.
      const c2 = await open({ http: { cookieStore: store } });
      await c2.call('PingImpalaHS2Service', pingReq(), I.TPingImpalaHS2ServiceResp);
      assert.equal(a.requests[2]!.headers.get('cookie'), undefined);
      const toOther = track(await HttpConnection.open({ host: '127.0.0.1', port: other.port, transport: 'http', http: { cookieStore: store } }));
      for (let i = 0; i < 2; i++) await toOther.call('PingImpalaHS2Service', pingReq(), I.TPingImpalaHS2ServiceResp);
      assert.ok(other.requests.every((r) => r.headers.get('cookie') === undefined), 'never offered to another coordinator');
      assert.equal(inspect(store), 'AuthCookieStore { scopes: 1 }');
      assert.ok(!inspect(c1).includes('A-signed'));
    } finally {
      await other.close();
    }
  });

  it('reports a refused connect at open, and a failed reconnect inside a call as lost before it was sent', async () => {
    const s = net.createServer();
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const port = (s.address() as net.AddressInfo).port;
    await new Promise<void>((r) => s.close(() => r()));
    await assert.rejects(HttpConnection.open({ host: '127.0.0.1', port, transport: 'http' }), (e: unknown) => e instanceof ImpalaError && e.code === ErrorCode.CONNECT_REFUSED);
    await serve((_req, reply) => {
      reply.thrift(pong());
      reply.socket.end();
    });
    const conn = await open();
    await conn.call('PingImpalaHS2Service', pingReq(), I.TPingImpalaHS2ServiceResp);
    await server!.close();
    // Let the server's FIN arrive: a close that is seen before a request is written costs nothing.
    await new Promise((r) => setTimeout(r, 50));
    const err = await rejection(conn.call('ExecuteStatement', execReq(), T.TExecuteStatementResp));
    assert.ok(err instanceof ConnectionLostError, String(err));
    assert.equal(err.requestWritten, false, err.message);
    assert.match(err.message, /could not reconnect before ExecuteStatement was sent/);
    assert.equal(conn.closed, true);
    server = undefined;
  });

  it('refuses unusable options with typed errors', async () => {
    await serve((_req, reply) => reply.thrift(pong()));
    const bad: HttpTransportOptions[] = [{ path: 'a b' }, { headers: { 'Content-Length': '1' } }, { headers: { Authorization: 'x' } }, { headers: { 'X-Ok': 'a\r\nb' } }, { maxStatusRetries: -1 }, { doAs: '' }];
    for (const http of bad) {
      await assert.rejects(open({ http }), (e: unknown) => e instanceof ImpalaError && e.code === ErrorCode.INVALID_ARGUMENT, JSON.stringify(http));
    }
    await assert.rejects(open({ auth: { mechanism: 'JWT', token: '' } }), (e: unknown) => e instanceof ImpalaError && e.code === ErrorCode.INVALID_ARGUMENT);
  });

  describe('TLS', () => {
    let dir: string;
    let key: string;
    let cert: string;
    before(function () {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'impala-ha-https-'));
      execFileSync(
        'openssl',
        ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=coordinator.test', '-addext', 'subjectAltName=DNS:coordinator.test,IP:127.0.0.1'],
        { stdio: 'ignore' },
      );
      key = fs.readFileSync(path.join(dir, 'key.pem'), 'utf8');
      cert = fs.readFileSync(path.join(dir, 'cert.pem'), 'utf8');
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('verifies the certificate and sends Secure cookies only over TLS', async () => {
      server = await startScriptedHttpServer((req, reply) => reply.thrift(pong(), req.headers.get('cookie') ? [] : ['Set-Cookie: impala.auth=tls-only;Secure;HttpOnly']), { key, cert });
      const conn = await open({ tls: { ca: cert } });
      await conn.call('PingImpalaHS2Service', pingReq(), I.TPingImpalaHS2ServiceResp);
      await conn.call('PingImpalaHS2Service', pingReq(), I.TPingImpalaHS2ServiceResp);
      assert.equal(server.requests[1]!.headers.get('cookie')?.[0], 'impala.auth=tls-only');
      const err = await rejection(HttpConnection.open({ host: '127.0.0.1', port: server.port, transport: 'http', tls: { ca: cert, servername: 'other.test' } }));
      assert.equal(err.code, ErrorCode.TLS_FAILED);
    });
  });
});
