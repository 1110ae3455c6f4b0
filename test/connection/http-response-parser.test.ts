import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { AuthCookieStore, CookieJar, parseSetCookie } from '../../src/connection/cookie-jar';
import { parseRetryAfter } from '../../src/connection/http-options';
import { HttpParseError, HttpResponseParser, type HttpResponse } from '../../src/connection/http-response-parser';

/** Feeds `bytes` cut at `cuts`; returns the response once complete. */
function feed(bytes: Buffer, cuts: number[], max = 1 << 20): HttpResponse | undefined {
  const p = new HttpResponseParser(4096, max);
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  let from = 0;
  let out: HttpResponse | undefined;
  for (const to of [...points, bytes.length]) {
    if (to <= from) continue;
    const r = p.push(bytes.subarray(from, to));
    if (r) {
      assert.equal(out, undefined, 'one response only');
      out = r;
    }
    from = to;
  }
  return out;
}

function chunked(body: Buffer, sizes: number[]): Buffer {
  const parts: Buffer[] = [];
  let i = 0;
  for (const s of sizes) {
    if (i >= body.length) break;
    const piece = body.subarray(i, i + Math.max(1, s));
    parts.push(Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n'));
    i += piece.length;
  }
  if (i < body.length) parts.push(Buffer.from(`${(body.length - i).toString(16)}\r\n`), body.subarray(i), Buffer.from('\r\n'));
  parts.push(Buffer.from('0\r\nX-Trailer: 1\r\n\r\n'));
  return Buffer.concat(parts);
}

describe('HttpResponseParser', () => {
  it('reads any Content-Length or chunked body, after any number of 1xx, whatever the chunk boundaries', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 3000 }).map((a) => Buffer.from(a)),
        fc.boolean(),
        fc.integer({ min: 0, max: 2 }),
        fc.array(fc.integer({ min: 1, max: 700 }), { maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        (body, useChunks, interim, sizes, cuts) => {
          const head = `${'HTTP/1.1 100 Continue\r\n\r\n'.repeat(interim)}HTTP/1.1 200 OK\r\nX-A: 1\r\nx-a: 2\r\n${useChunks ? 'Transfer-Encoding: chunked' : `Content-Length: ${body.length}`}\r\n\r\n`;
          const bytes = Buffer.concat([Buffer.from(head, 'latin1'), useChunks ? chunked(body, sizes) : body]);
          const r = feed(bytes, cuts);
          assert.ok(r, 'complete');
          assert.equal(r.status, 200);
          assert.deepEqual(r.headers.get('x-a'), ['1', '2']);
          assert.ok(r.body.equals(body));
          assert.equal(r.close, false);
        },
      ),
      { seed: 42, numRuns: 300 },
    );
  });

  it('reads a body delimited by the end of the connection (Connection: close, no length)', () => {
    const p = new HttpResponseParser(4096, 1024);
    assert.equal(p.push(Buffer.from('HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic\r\nConnection: close\r\n\r\n')), undefined);
    const r = p.end();
    assert.equal(r?.status, 401);
    assert.equal(r?.close, true);
    assert.equal(r?.body.length, 0);
  });

  it('rejects what is not a response, truncated bodies and oversized ones', () => {
    assert.throws(() => new HttpResponseParser(4096, 10).push(Buffer.from('SSH-2.0\r\n\r\n')), HttpParseError);
    assert.throws(() => new HttpResponseParser(4096, 10).push(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n')), /maximum message size/);
    assert.throws(() => new HttpResponseParser(4096, 10).push(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n')), /Content-Length/);
    assert.throws(() => new HttpResponseParser(64, 10).push(Buffer.from(`HTTP/1.1 200 OK\r\nX: ${'y'.repeat(100)}`)), /headers longer/);
    const p = new HttpResponseParser(4096, 100);
    p.push(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab'));
    assert.throws(() => p.end(), /ended in the middle/);
    assert.throws(() => new HttpResponseParser(4096, 100).push(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nab')), /unexpected bytes/);
  });
});

describe('cookies', () => {
  it('parses Set-Cookie with Max-Age, Expires, Secure and deletions', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    assert.deepEqual(parseSetCookie('impala.auth=sig=&u=a&t=1;HttpOnly;Max-Age=86400;Secure', now), { name: 'impala.auth', value: 'sig=&u=a&t=1', expiresAt: now + 86_400_000, secure: true });
    assert.deepEqual(parseSetCookie('SRV=c1; path=/', now), { name: 'SRV', value: 'c1', expiresAt: undefined, secure: false });
    assert.equal(parseSetCookie('SRV=c1; Expires=Wed, 01 Jan 2025 00:00:00 GMT', now), null);
    assert.equal(parseSetCookie('SRV=; Max-Age=0', now), null);
    assert.equal(parseSetCookie('garbage', now), undefined);
  });

  it('drops expired cookies and deleted ones, shares auth cookies by scope and forgets them after a 401', () => {
    const store = new AuthCookieStore();
    const jar = new CookieJar('h1:28000', false, store);
    jar.receive(['impala.auth=s1;Max-Age=10', 'SRV=b2'], 1_000);
    assert.deepEqual(jar.header(2_000), { value: 'impala.auth=s1; SRV=b2', hasAuth: true });
    assert.deepEqual(jar.header(20_000), { value: 'SRV=b2', hasAuth: false }, 'expired after Max-Age');
    jar.receive(['impala.auth=s2'], 20_000);
    const sibling = new CookieJar('h1:28000', false, store);
    sibling.receive(['SRV=b2'], 20_000);
    assert.deepEqual(sibling.header(20_000), { value: 'SRV=b2; impala.auth=s2', hasAuth: true }, 'same backend: shares the auth cookie');
    const elsewhere = new CookieJar('h1:28000', false, store);
    elsewhere.receive(['SRV=b3'], 20_000);
    assert.equal(elsewhere.header(20_000).hasAuth, false, 'another backend behind the balancer');
    jar.dropAuth();
    assert.equal(new CookieJar('h1:28000', false, store).header().hasAuth, false);
    jar.receive(['SRV=; Max-Age=0'], 20_000);
    assert.deepEqual(jar.names(), []);
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    assert.equal(parseRetryAfter(['3'], now), 3000);
    assert.equal(parseRetryAfter(['Thu, 01 Jan 2026 00:00:02 GMT'], now), 2000);
    assert.equal(parseRetryAfter(['soon'], now), undefined);
    assert.equal(parseRetryAfter(undefined, now), undefined);
  });
});
