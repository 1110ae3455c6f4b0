import { strict as assert } from 'node:assert';
import { inspect } from 'node:util';
import { HttpConnection, NEGOTIATE_MAX_CONTINUATIONS, NegotiateAuthenticator } from '../../src/connection';
import { negotiateToken } from '../../src/connection/http-negotiate';
import type { GssClient } from '../../src/connection/load-kerberos';
import { ErrorCode, ImpalaError } from '../../src/errors';
import * as I from '../../src/thrift/gen-nodejs/ImpalaService_types';
import * as T from '../../src/thrift/gen-nodejs/TCLIService_types';
import { startScriptedHttpServer, type HttpHandler, type ScriptedHttpServer } from '../helpers/scripted-http-server';

/**
 * The Negotiate authenticator's rounds over a real HTTP channel to a scripted server.
 * The GSS initiator is scripted too (the real one runs against a KDC in
 * test/integration/kerberos-http.test.ts): its tokens are plain words, so each test
 * can say which token the server saw in which round.
 */

const ok = (): T.TStatus => new T.TStatus({ statusCode: T.TStatusCode.SUCCESS_STATUS });
const handle = (): T.TSessionHandle => new T.TSessionHandle({ sessionId: new T.THandleIdentifier({ guid: Buffer.alloc(16, 1), secret: Buffer.alloc(16, 2) }) });
const ping = (): I.TPingImpalaHS2ServiceReq => new I.TPingImpalaHS2ServiceReq({ sessionHandle: handle() });
const pong = (): I.TPingImpalaHS2ServiceResp => new I.TPingImpalaHS2ServiceResp({ status: ok(), version: '4.5.0' });
const COOKIE = 'impala.auth=c2lnbmF0dXJl&u=alice@IMPALA.TEST&t=1&r=2&a=KERBEROS';

/** A scripted initiator: step n returns `tokens[n]`; the server's tokens are recorded; `complete` after `completeAfter` steps. */
class ScriptedGss implements GssClient {
  readonly seen: string[] = [];
  contextComplete = false;
  #n = 0;
  constructor(
    readonly tokens: readonly string[],
    readonly completeAfter: number,
    readonly refuse?: string,
  ) {}
  async step(challenge: string): Promise<string | null> {
    this.seen.push(challenge);
    if (this.refuse !== undefined && challenge === this.refuse) throw new Error('GSS failure: the server token does not verify');
    const token = this.tokens[this.#n++] ?? null;
    if (this.#n >= this.completeAfter) this.contextComplete = true;
    return token;
  }
  unwrap(): Promise<string | null> {
    throw new Error('not used over HTTP');
  }
  wrap(): Promise<string | null> {
    throw new Error('not used over HTTP');
  }
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

describe('NegotiateAuthenticator (SPNEGO rounds over a real HTTP channel)', () => {
  let server: ScriptedHttpServer | undefined;
  const conns: HttpConnection[] = [];
  const serve = async (h: HttpHandler): Promise<void> => void (server = await startScriptedHttpServer(h));
  const auth = (req: { headers: ReadonlyMap<string, readonly string[]> }): string | undefined => req.headers.get('authorization')?.[0];
  const cookie = (req: { headers: ReadonlyMap<string, readonly string[]> }): string | undefined => req.headers.get('cookie')?.[0];
  /** A channel to the scripted server whose authenticator starts the given initiators in order. */
  const open = async (clients: ScriptedGss[], targets: string[] = [], options: ConstructorParameters<typeof NegotiateAuthenticator>[0] = {}): Promise<HttpConnection> => {
    const queue = [...clients];
    const authenticator = new NegotiateAuthenticator(options, async (service) => {
      targets.push(service);
      const next = queue.shift();
      if (next === undefined) throw new Error('no more scripted initiators');
      return next;
    });
    const conn = await HttpConnection.open({ host: '127.0.0.1', port: server!.port, transport: 'http', rpcTimeoutMs: 5000, http: { authenticator } });
    conns.push(conn);
    return conn;
  };

  afterEach(async () => {
    await Promise.all(conns.splice(0).map((c) => c.close()));
    await server?.close();
    server = undefined;
  });

  it('sends Negotiate without a cookie, verifies the final token, then rides on the cookie alone', async () => {
    await serve((req, reply) => {
      if (cookie(req) === COOKIE.split(';')[0]) return reply.thrift(pong());
      if (auth(req) === 'Negotiate YII-first') return reply.thrift(pong(), ['WWW-Authenticate: Negotiate c2VydmVyLXByb29m', `Set-Cookie: ${COOKIE};HttpOnly;Max-Age=86400`]);
      reply.status(401, ['WWW-Authenticate: Negotiate'], '', true);
    });
    const gss = new ScriptedGss(['YII-first'], 2);
    const targets: string[] = [];
    const conn = await open([gss], targets);
    for (let i = 0; i < 3; i++) await conn.call('PingImpalaHS2Service', ping(), I.TPingImpalaHS2ServiceResp);
    assert.deepEqual(targets, ['impala@127.0.0.1'], "one context, for the coordinator's own host");
    assert.deepEqual(gss.seen, ['', 'c2VydmVyLXByb29m'], "the server's final token was checked");
    assert.equal(auth(server!.requests[0]!), 'Negotiate YII-first');
    for (const req of server!.requests.slice(1)) {
      assert.equal(auth(req), undefined, 'no Negotiate while the cookie is held');
      assert.equal(cookie(req), COOKIE.split(';')[0]);
    }
    assert.equal(server!.requests.length, 3);
  });

  it('follows 401 + Negotiate <token> continuations on new connections, up to the bound', async () => {
    await serve((req, reply) => {
      const a = auth(req);
      if (a === 'Negotiate t3') return reply.thrift(pong(), ['WWW-Authenticate: Negotiate ZmluYWw=']);
      reply.status(401, [`WWW-Authenticate: Negotiate ${a === 'Negotiate t1' ? 'YzE=' : 'YzI='}`], '', true);
    });
    const gss = new ScriptedGss(['t1', 't2', 't3'], 4);
    const conn = await open([gss]);
    await conn.call('PingImpalaHS2Service', ping(), I.TPingImpalaHS2ServiceResp);
    assert.deepEqual(server!.requests.map(auth), ['Negotiate t1', 'Negotiate t2', 'Negotiate t3']);
    assert.deepEqual(gss.seen, ['', 'YzE=', 'YzI=', 'ZmluYWw=']);
    assert.equal(server!.connections(), 3, 'impalad closes the connection after each 401');

    // A server that never agrees: the request stops after the bound, naming the principal.
    await server!.close();
    await serve((_req, reply) => reply.status(401, ['WWW-Authenticate: Negotiate bW9yZQ=='], '', true));
    const endless = await open([new ScriptedGss(['a', 'b', 'c', 'd', 'e', 'f'], 99)], [], { host: 'lb.example', realm: 'IMPALA.TEST' });
    const err = await rejection(endless.call('PingImpalaHS2Service', ping(), I.TPingImpalaHS2ServiceResp));
    assert.equal(err.code, ErrorCode.AUTH_FAILED);
    assert.equal(err.retryable, false);
    assert.match(err.message, /service principal impala\/lb\.example@IMPALA\.TEST failed: no agreement after 3 continuation rounds/);
    assert.equal(server!.requests.length, 1 + NEGOTIATE_MAX_CONTINUATIONS);
  });

  it('a refused ticket fails at once with AUTH_FAILED naming the principal, never a token', async () => {
    await serve((_req, reply) => reply.status(401, [], '', true));
    const conn = await open([new ScriptedGss(['YIIsecret-ticket-bytes'], 2)], [], { serviceName: 'impalad' });
    const err = await rejection(conn.call('PingImpalaHS2Service', ping(), I.TPingImpalaHS2ServiceResp));
    assert.equal(err.code, ErrorCode.AUTH_FAILED);
    assert.match(err.message, /^Kerberos \(SPNEGO\) authentication to 127\.0\.0\.1:\d+ as service principal impalad\/127\.0\.0\.1 failed: the server refused the Kerberos ticket/);
    assert.match(err.message, /Each coordinator's own host name was used\. It is an IP address/);
    assert.equal(server!.requests.length, 1, 'the same ticket is not sent again');
    for (const text of [err.message, inspect(err), inspect(conn)]) assert.ok(!text.includes('secret-ticket'), text);
  });

  it('a 401 to the cookie drops it and authenticates once with a fresh ticket; a second refusal is final', async () => {
    let refuseAll = false;
    let issued = 0;
    await serve((req, reply) => {
      if (refuseAll) return reply.status(401, ['WWW-Authenticate: Negotiate'], '', true);
      if (cookie(req) === `impala.auth=v${issued}`) return reply.thrift(pong());
      if (auth(req)?.startsWith('Negotiate tok')) return reply.thrift(pong(), [`Set-Cookie: impala.auth=v${++issued};HttpOnly;Max-Age=86400`]);
      reply.status(401, ['WWW-Authenticate: Negotiate'], '', true);
    });
    const first = new ScriptedGss(['tok1'], 1);
    const second = new ScriptedGss(['tok2'], 1);
    const third = new ScriptedGss(['tok3'], 1);
    const conn = await open([first, second, third]);
    await conn.call('PingImpalaHS2Service', ping(), I.TPingImpalaHS2ServiceResp);
    issued++; // the server "restarts": the cookie it issued is no longer valid
    await conn.call('PingImpalaHS2Service', ping(), I.TPingImpalaHS2ServiceResp);
    const r = server!.requests;
    assert.deepEqual(
      r.map((q) => [auth(q) ?? '-', cookie(q) ?? '-']),
      [
        ['Negotiate tok1', '-'],
        ['-', 'impala.auth=v1'],
        ['Negotiate tok2', '-'],
      ],
    );
    refuseAll = true;
    const err = await rejection(conn.call('PingImpalaHS2Service', ping(), I.TPingImpalaHS2ServiceResp));
    assert.equal(err.code, ErrorCode.AUTH_FAILED);
    assert.match(err.message, /impala\/127\.0\.0\.1 failed/);
    assert.deepEqual(
      r.slice(3).map((q) => [auth(q) ?? '-', cookie(q) ?? '-']),
      [
        ['-', 'impala.auth=v3'],
        ['Negotiate tok3', '-'],
      ],
    );
  });

  it('a final token that does not verify fails the call as PROTOCOL (it may have run) and ends the channel', async () => {
    await serve((_req, reply) => reply.thrift(pong(), ['WWW-Authenticate: Negotiate Zm9yZ2Vk']));
    const conn = await open([new ScriptedGss(['tok'], 2, 'Zm9yZ2Vk')], [], { host: 'lb.example' });
    const err = await rejection(conn.call('PingImpalaHS2Service', ping(), I.TPingImpalaHS2ServiceResp));
    assert.equal(err.code, ErrorCode.PROTOCOL);
    assert.match(err.message, /failed Negotiate mutual authentication/);
    assert.match(String((err.cause as Error).message), /impala\/lb\.example failed: could not verify the server's final SPNEGO token/);
    assert.equal(conn.closed, true);
  });

  it('a library failure before anything is sent is AUTH_FAILED naming the principal and the reason', async () => {
    await serve((_req, reply) => reply.thrift(pong()));
    const authenticator = new NegotiateAuthenticator({ host: 'nosuch.example' }, async () => {
      throw new Error('Server impala/nosuch.example@IMPALA.TEST not found in Kerberos database');
    });
    const conn = await HttpConnection.open({ host: '127.0.0.1', port: server!.port, transport: 'http', http: { authenticator } });
    conns.push(conn);
    const err = await rejection(conn.call('PingImpalaHS2Service', ping(), I.TPingImpalaHS2ServiceResp));
    assert.equal(err.code, ErrorCode.AUTH_FAILED);
    assert.match(err.message, /as service principal impala\/nosuch\.example failed: could not start a Kerberos \(SPNEGO\) context: Server .* not found in Kerberos database\. The fixed krbHost/);
    assert.equal(server!.requests.length, 0, 'nothing was sent');
    assert.equal(inspect(authenticator), "NegotiateAuthenticator { service: 'impala', host: 'nosuch.example' }");
    assert.equal(JSON.stringify(authenticator), '{"scheme":"Negotiate"}');
  });

  it('reads Negotiate tokens as impalad writes them (and beeline\'s extra colon)', () => {
    assert.equal(negotiateToken(['Basic realm="x"', 'Negotiate oYG2MIGzoAMKAQA=']), 'oYG2MIGzoAMKAQA=');
    assert.equal(negotiateToken(['Negotiate: YII+/w==']), 'YII+/w==');
    assert.equal(negotiateToken(['Negotiate']), undefined);
    assert.equal(negotiateToken(['negotiate   abc ']), 'abc');
    assert.equal(negotiateToken([]), undefined);
  });
});
