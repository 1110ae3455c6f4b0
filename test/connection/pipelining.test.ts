import { strict as assert } from 'node:assert';
import { Connection } from '../../src/connection';
import { ConnectionLostError, ErrorCode, ImpalaError, RpcTimeoutError } from '../../src/errors';
import * as I from '../../src/thrift/gen-nodejs/ImpalaService_types';
import * as T from '../../src/thrift/gen-nodejs/TCLIService_types';
import { startRawThriftServer, type RawThriftServer } from '../helpers/raw-thrift-server';

const ok = (): T.TStatus => new T.TStatus({ statusCode: T.TStatusCode.SUCCESS_STATUS });
const sessionHandle = (): T.TSessionHandle =>
  new T.TSessionHandle({ sessionId: new T.THandleIdentifier({ guid: Buffer.alloc(16, 1), secret: Buffer.alloc(16, 2) }) });
const pingReq = (): I.TPingImpalaHS2ServiceReq => new I.TPingImpalaHS2ServiceReq({ sessionHandle: sessionHandle() });
const infoReq = (): T.TGetInfoReq => new T.TGetInfoReq({ sessionHandle: sessionHandle(), infoType: T.TGetInfoType.CLI_SERVER_NAME });
const openReq = (): T.TOpenSessionReq => new T.TOpenSessionReq({ client_protocol: T.TProtocolVersion.HIVE_CLI_SERVICE_PROTOCOL_V6 });
const info = (text: string): T.TGetInfoResp => new T.TGetInfoResp({ status: ok(), infoValue: new T.TGetInfoValue({ stringValue: text }) });

/** Resolves when `cond` holds, checking after each turn of the event loop (bounded by turns, not time). */
async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 100_000; i++) {
    if (cond()) return;
    await new Promise((r) => setImmediate(r));
  }
  assert.fail(`never happened: ${what}`);
}

async function rejection(p: Promise<unknown>): Promise<ImpalaError> {
  const err = await p.then(
    () => assert.fail('expected a rejection'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof ImpalaError, `expected an ImpalaError, got ${String(err)}`);
  return err;
}

function gate(): { wait: Promise<void>; open: () => void } {
  let open!: () => void;
  const wait = new Promise<void>((r) => (open = r));
  return { wait, open };
}

describe('Connection pipelining', () => {
  let server: RawThriftServer | undefined;
  const conns: Connection[] = [];
  const track = (c: Connection): Connection => (conns.push(c), c);

  afterEach(async () => {
    await Promise.all(conns.splice(0).map((c) => c.close()));
    await server?.close();
    server = undefined;
  });

  it('writes a pipelined call while the previous one waits, and matches the in-order replies', async () => {
    let n = 0;
    server = await startRawThriftServer({
      handler: {
        // Answers only once the second call has been read: proof it was written before the first reply.
        PingImpalaHS2Service: async () => {
          await until(() => server!.calls.length >= 3, 'the pipelined calls reached the server');
          return new I.TPingImpalaHS2ServiceResp({ status: ok(), version: 'first' });
        },
        GetInfo: async () => info(`info-${++n}`),
      },
    });
    const conn = track(await Connection.open({ host: '127.0.0.1', port: server.port }));
    const first = conn.call('PingImpalaHS2Service', pingReq(), I.TPingImpalaHS2ServiceResp);
    const second = conn.call('GetInfo', infoReq(), T.TGetInfoResp, { pipeline: true });
    const third = conn.call('GetInfo', infoReq(), T.TGetInfoResp, { pipeline: true });
    assert.equal(conn.pendingCalls, 3);
    const [a, b, c] = await Promise.all([first, second, third]);
    assert.equal(a.version, 'first');
    assert.equal(b.infoValue.stringValue, 'info-1');
    assert.equal(c.infoValue.stringValue, 'info-2');
    assert.deepEqual(server.calls, ['PingImpalaHS2Service', 'GetInfo', 'GetInfo']);
    assert.equal(conn.pendingCalls, 0);
  });

  it('keeps call order: a pipelined call queued behind an unpipelined one is not written before it', async () => {
    const arrived = gate();
    server = await startRawThriftServer({
      handler: {
        PingImpalaHS2Service: () => {
          arrived.open();
          return new Promise(() => undefined);
        },
      },
    });
    const conn = track(await Connection.open({ host: '127.0.0.1', port: server.port }));
    const a = rejection(conn.call('PingImpalaHS2Service', pingReq(), I.TPingImpalaHS2ServiceResp));
    const b = rejection(conn.call('GetInfo', infoReq(), T.TGetInfoResp));
    const c = rejection(conn.call('GetInfo', infoReq(), T.TGetInfoResp, { pipeline: true }));
    await arrived.wait;
    for (const s of server.sockets) s.destroy();
    const [ea, eb, ec] = (await Promise.all([a, b, c])) as ConnectionLostError[];
    assert.deepEqual(
      [ea, eb, ec].map((e) => [e.code, e.method, e.requestWritten]),
      [
        [ErrorCode.CONNECTION_LOST, 'PingImpalaHS2Service', true],
        [ErrorCode.CONNECTION_LOST, 'GetInfo', false],
        [ErrorCode.CONNECTION_LOST, 'GetInfo', false],
      ],
    );
    assert.deepEqual(server.calls, ['PingImpalaHS2Service']);
  });

  it('a timeout of a pipelined call closes the stream; the others fail with their written flags', async () => {
    const arrived = gate();
    server = await startRawThriftServer({
      handler: {
        PingImpalaHS2Service: () => {
          arrived.open();
          return new Promise(() => undefined);
        },
        GetInfo: async () => info('never read'),
      },
    });
    const conn = track(await Connection.open({ host: '127.0.0.1', port: server.port, rpcTimeoutMs: 30_000 }));
    const head = rejection(conn.call('PingImpalaHS2Service', pingReq(), I.TPingImpalaHS2ServiceResp));
    const piped = rejection(conn.call('GetInfo', infoReq(), T.TGetInfoResp, { pipeline: true, timeoutMs: 100 }));
    const queued = rejection(conn.call('GetInfo', infoReq(), T.TGetInfoResp));
    await arrived.wait;
    const eb = (await piped) as RpcTimeoutError;
    assert.ok(eb instanceof RpcTimeoutError);
    assert.equal(eb.requestWritten, true);
    assert.equal(eb.timeoutMs, 100);
    const ea = (await head) as ConnectionLostError;
    const ec = (await queued) as ConnectionLostError;
    assert.equal(ea.code, ErrorCode.CONNECTION_LOST);
    assert.equal(ea.requestWritten, true);
    assert.match(ea.message, /GetInfo got no answer within 100 ms/);
    assert.equal(ec.code, ErrorCode.CONNECTION_LOST);
    assert.equal(ec.requestWritten, false);
    assert.equal(ec.retryable, true);
    assert.equal(conn.closed, true);
  });

  it('reads several replies arriving together in one stream, split at odd places', async () => {
    const replies: Buffer[] = [];
    server = await startRawThriftServer({
      handler: { GetInfo: async (req: T.TGetInfoReq) => info(`type-${req.infoType}-${'x'.repeat(req.infoType * 100)}`) },
      writeHook: (socket, bytes) => {
        replies.push(bytes);
        if (replies.length < 4) return;
        // All four replies at once, in 3-byte pieces.
        const all = Buffer.concat(replies.splice(0));
        for (let i = 0; i < all.length; i += 3) socket.write(all.subarray(i, i + 3));
      },
    });
    const conn = track(await Connection.open({ host: '127.0.0.1', port: server.port }));
    const types = [13, 17, 18, 2];
    const out = await Promise.all(types.map((t) => conn.call('GetInfo', new T.TGetInfoReq({ sessionHandle: sessionHandle(), infoType: t }), T.TGetInfoResp, { pipeline: true })));
    assert.deepEqual(
      out.map((r) => r.infoValue.stringValue),
      types.map((t) => `type-${t}-${'x'.repeat(t * 100)}`),
    );
  });

  it('pipelines over SASL PLAIN framing', async () => {
    let n = 0;
    server = await startRawThriftServer({ users: { alice: 'pw' }, handler: { GetInfo: async () => info(`sasl-${++n}`) } });
    const conn = track(await Connection.open({ host: '127.0.0.1', port: server.port, auth: { mechanism: 'PLAIN', username: 'alice', password: 'pw' } }));
    const out = await Promise.all([1, 2, 3].map(() => conn.call('GetInfo', infoReq(), T.TGetInfoResp, { pipeline: true })));
    assert.deepEqual(
      out.map((r) => r.infoValue.stringValue),
      ['sasl-1', 'sasl-2', 'sasl-3'],
    );
  });

  it('a TApplicationException leaves the pipeline aligned', async () => {
    server = await startRawThriftServer({
      handler: { OpenSession: async () => new T.TOpenSessionResp({ status: ok(), serverProtocolVersion: 5, sessionHandle: sessionHandle() }) },
    });
    const conn = track(await Connection.open({ host: '127.0.0.1', port: server.port }));
    const bad = rejection(conn.call('NoSuchMethod', openReq(), T.TOpenSessionResp));
    const good = conn.call('OpenSession', openReq(), T.TOpenSessionResp, { pipeline: true });
    assert.equal((await bad).code, ErrorCode.THRIFT_APPLICATION);
    assert.equal((await good).serverProtocolVersion, 5);
    assert.equal(conn.closed, false);
  });

  it('a reply with the wrong seqid is a protocol error that closes the connection', async () => {
    server = await startRawThriftServer({
      handler: { GetInfo: async () => info('x') },
      writeHook: (socket, bytes) => {
        // Strict header: version(4) name length(4) name, then the seqid.
        const seqidAt = 8 + bytes.readInt32BE(4);
        const copy = Buffer.from(bytes);
        copy.writeInt32BE(copy.readInt32BE(seqidAt) + 1, seqidAt);
        socket.write(copy);
      },
    });
    const conn = track(await Connection.open({ host: '127.0.0.1', port: server.port }));
    const first = rejection(conn.call('GetInfo', infoReq(), T.TGetInfoResp));
    const second = rejection(conn.call('GetInfo', infoReq(), T.TGetInfoResp, { pipeline: true }));
    const e1 = await first;
    assert.equal(e1.code, ErrorCode.PROTOCOL);
    assert.match(e1.message, /answered seqid \d+ to GetInfo seqid \d+/);
    const e2 = (await second) as ConnectionLostError;
    assert.equal(e2.code, ErrorCode.CONNECTION_LOST);
    assert.equal(e2.requestWritten, true);
    assert.equal(conn.closed, true);
  });
});
