import { strict as assert } from 'node:assert';
import * as sinon from 'sinon';
import { Connection, type CallPolicy, type Channel } from '../../src/connection';
import { ErrorCode, ImpalaError, RpcTimeoutError } from '../../src/errors';
import * as T from '../../src/thrift/gen-nodejs/TCLIService_types';
import { startRawThriftServer, type RawThriftServer } from '../helpers/raw-thrift-server';

const ok = (): T.TStatus => new T.TStatus({ statusCode: T.TStatusCode.SUCCESS_STATUS });
const sessionHandle = (): T.TSessionHandle =>
  new T.TSessionHandle({ sessionId: new T.THandleIdentifier({ guid: Buffer.alloc(16, 1), secret: Buffer.alloc(16, 2) }) });
const infoReq = (type: number = T.TGetInfoType.CLI_SERVER_NAME): T.TGetInfoReq => new T.TGetInfoReq({ sessionHandle: sessionHandle(), infoType: type });
const info = (text: string): T.TGetInfoResp => new T.TGetInfoResp({ status: ok(), infoValue: new T.TGetInfoValue({ stringValue: text }) });

/** Resolves when `cond` holds, checking after each turn of the event loop (setImmediate is not faked). */
async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 100_000; i++) {
    if (cond()) return;
    await new Promise((r) => setImmediate(r));
  }
  assert.fail(`never happened: ${what}`);
}

/** Tracks a promise's outcome without letting a rejection go unhandled. */
function watch<T>(p: Promise<T>): { settled: () => boolean; value: () => T | undefined; error: () => unknown } {
  let done = false;
  let value: T | undefined;
  let error: unknown;
  p.then(
    (v) => {
      done = true;
      value = v;
    },
    (e: unknown) => {
      done = true;
      error = e;
    },
  );
  return { settled: () => done, value: () => value, error: () => error };
}

/**
 * A server whose GetInfo replies wait until the test releases them, one per call in
 * arrival order (the type number of the request picks nothing; order does).
 */
async function heldServer(): Promise<{ server: RawThriftServer; arrived: () => number; release: (text: string) => void }> {
  const waiting: Array<(text: string) => void> = [];
  let arrived = 0;
  const server = await startRawThriftServer({
    handler: {
      GetInfo: () =>
        new Promise<T.TGetInfoResp>((resolve) => {
          arrived++;
          waiting.push((text) => resolve(info(text)));
        }),
    },
  });
  return {
    server,
    arrived: () => arrived,
    release: (text) => {
      const next = waiting.shift();
      assert.ok(next, 'no held call to release');
      next(text);
    },
  };
}

describe('Connection call policy and overrun hook', () => {
  let clock: sinon.SinonFakeTimers | undefined;
  let server: RawThriftServer | undefined;
  const conns: Connection[] = [];

  const open = async (callPolicy?: CallPolicy, rpcTimeoutMs = 60_000): Promise<Connection> => {
    const c = await Connection.open({ host: '127.0.0.1', port: server!.port, rpcTimeoutMs, ...(callPolicy ? { callPolicy } : {}) });
    conns.push(c);
    // Timers and the clock are faked only once connected; socket I/O stays real.
    clock ??= sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    return c;
  };

  afterEach(async () => {
    clock?.restore();
    clock = undefined;
    await Promise.all(conns.splice(0).map((c) => c.close()));
    await server?.close();
    server = undefined;
  });

  it("bounds calls by the policy's timeout for their method unless the call sets its own", async () => {
    const held = await heldServer();
    server = held.server;
    const policy: CallPolicy = { timeoutMs: (m) => (m === 'GetInfo' ? 200 : undefined) };
    const conn = await open(policy);
    const call = watch(conn.call('GetInfo', infoReq(), T.TGetInfoResp));
    await until(() => held.arrived() === 1, 'the call reached the server');
    await clock!.tickAsync(199);
    assert.equal(call.settled(), false);
    await clock!.tickAsync(1);
    assert.ok(call.error() instanceof RpcTimeoutError);
    assert.equal((call.error() as RpcTimeoutError).timeoutMs, 200);

    const conn2 = await open(policy);
    const own = watch(conn2.call('GetInfo', infoReq(), T.TGetInfoResp, { timeoutMs: 500 }));
    await until(() => held.arrived() === 2, 'the second call reached the server');
    await clock!.tickAsync(499);
    assert.equal(own.settled(), false, 'the call keeps its own 500 ms bound');
    await clock!.tickAsync(1);
    assert.equal((own.error() as RpcTimeoutError).timeoutMs, 500);
  });

  it('falls back to rpcTimeoutMs when the policy has no value for the method', async () => {
    const held = await heldServer();
    server = held.server;
    const conn = await open({ timeoutMs: () => undefined }, 300);
    const call = watch(conn.call('GetInfo', infoReq(), T.TGetInfoResp));
    await until(() => held.arrived() === 1, 'the call reached the server');
    await clock!.tickAsync(299);
    assert.equal(call.settled(), false);
    await clock!.tickAsync(1);
    assert.equal((call.error() as RpcTimeoutError).timeoutMs, 300);
  });

  it('fires the overrun hook once, with the method and channel, while the call goes on to its reply', async () => {
    const held = await heldServer();
    server = held.server;
    const overruns: Array<[string, Channel]> = [];
    const conn = await open({ overrunMs: (m) => (m === 'GetInfo' ? 100 : undefined), onOverrun: (m, ch) => overruns.push([m, ch]) });
    const call = watch(conn.call('GetInfo', infoReq(), T.TGetInfoResp));
    await until(() => held.arrived() === 1, 'the call reached the server');
    await clock!.tickAsync(99);
    assert.equal(overruns.length, 0);
    await clock!.tickAsync(1);
    assert.equal(overruns.length, 1);
    assert.equal(overruns[0]![0], 'GetInfo');
    assert.equal(overruns[0]![1], conn);
    await clock!.tickAsync(10_000);
    assert.equal(overruns.length, 1, 'once per call');
    assert.equal(call.settled(), false);
    held.release('late but fine');
    await until(call.settled, 'the reply arrived');
    assert.equal(call.value()!.infoValue.stringValue, 'late but fine');
    assert.equal(conn.closed, false);
  });

  it("a pipelined call's overrun and observed latency count from when the call ahead was answered", async () => {
    const held = await heldServer();
    server = held.server;
    const overruns: string[] = [];
    const observed: Array<[string, number]> = [];
    const conn = await open({ overrunMs: () => 100, onOverrun: (m) => overruns.push(m), observe: (m, ms) => observed.push([m, ms]) });
    const a = watch(conn.call('GetInfo', infoReq(), T.TGetInfoResp, { onOverrun: () => overruns.push('a') }));
    const b = watch(conn.call('GetInfo', infoReq(), T.TGetInfoResp, { pipeline: true, onOverrun: () => overruns.push('b') }));
    await until(() => held.arrived() === 1, 'the first call reached the server');
    await clock!.tickAsync(150);
    assert.deepEqual(overruns, ['a'], 'the pipelined call is not overrunning while the server works on the one ahead');
    held.release('a');
    await until(a.settled, 'the first reply arrived');
    assert.deepEqual(observed, [['GetInfo', 150]]);
    await until(() => held.arrived() === 2, 'the server took up the pipelined call');
    await clock!.tickAsync(99);
    assert.deepEqual(overruns, ['a']);
    await clock!.tickAsync(1);
    assert.deepEqual(overruns, ['a', 'b']);
    await clock!.tickAsync(20);
    held.release('b');
    await until(b.settled, 'the second reply arrived');
    assert.equal(b.value()!.infoValue.stringValue, 'b');
    assert.deepEqual(observed, [['GetInfo', 150], ['GetInfo', 120]], 'latency of the pipelined call excludes its wait behind the first');
  });

  it("a call's own overrunMs and onOverrun replace the policy's", async () => {
    const held = await heldServer();
    server = held.server;
    const fired: string[] = [];
    const conn = await open({ overrunMs: () => 1000, onOverrun: () => fired.push('policy') });
    watch(conn.call('GetInfo', infoReq(), T.TGetInfoResp, { overrunMs: 50, onOverrun: () => fired.push('own') }));
    await until(() => held.arrived() === 1, 'the call reached the server');
    await clock!.tickAsync(50);
    assert.deepEqual(fired, ['own']);
    await clock!.tickAsync(2000);
    assert.deepEqual(fired, ['own'], 'the policy hook is not called for a call with its own hook');
    held.release('x');
  });

  it('does not observe calls that timed out; contains hooks that throw', async () => {
    const held = await heldServer();
    server = held.server;
    const observed: string[] = [];
    const conn = await open({
      overrunMs: () => 10,
      onOverrun: () => {
        throw new Error('policy bug');
      },
      observe: (m) => {
        observed.push(m);
        throw new Error('observer bug');
      },
    });
    const a = watch(conn.call('GetInfo', infoReq(), T.TGetInfoResp));
    await until(() => held.arrived() === 1, 'the call reached the server');
    await clock!.tickAsync(20);
    held.release('fine');
    await until(a.settled, 'the reply arrived');
    assert.equal(a.value()!.infoValue.stringValue, 'fine');
    assert.deepEqual(observed, ['GetInfo']);
    const b = watch(conn.call('GetInfo', infoReq(), T.TGetInfoResp, { timeoutMs: 30 }));
    await until(() => held.arrived() === 2, 'the second call reached the server');
    await clock!.tickAsync(30);
    assert.ok(b.error() instanceof RpcTimeoutError);
    assert.deepEqual(observed, ['GetInfo'], 'a timed-out call is not observed');
  });

  it('rejects unusable policies and policy values with typed errors naming the hook', async () => {
    server = await startRawThriftServer({ handler: { GetInfo: async () => info('x') } });
    const badOpen = await Connection.open({ host: '127.0.0.1', port: server.port, callPolicy: { timeoutMs: 5 as never } }).then(
      () => assert.fail('expected a rejection'),
      (e: unknown) => e as ImpalaError,
    );
    assert.equal(badOpen.code, ErrorCode.INVALID_ARGUMENT);
    assert.match(badOpen.message, /callPolicy\.timeoutMs must be a function/);
    const conn = await open({ timeoutMs: (m) => (m === 'GetInfo' ? -1 : undefined), overrunMs: (m) => (m === 'GetSchemas' ? Number.NaN : undefined) });
    const e1 = await conn.call('GetInfo', infoReq(), T.TGetInfoResp).then(
      () => assert.fail('expected a rejection'),
      (e: unknown) => e as ImpalaError,
    );
    assert.equal(e1.code, ErrorCode.INVALID_ARGUMENT);
    assert.match(e1.message, /callPolicy\.timeoutMs\('GetInfo'\) must be a positive number of milliseconds, got -1/);
    const e2 = await conn.call('GetSchemas', infoReq(), T.TGetInfoResp).then(
      () => assert.fail('expected a rejection'),
      (e: unknown) => e as ImpalaError,
    );
    assert.match(e2.message, /callPolicy\.overrunMs\('GetSchemas'\) must be a positive number of milliseconds or undefined, got NaN/);
    const e3 = await conn.call('GetInfo', infoReq(), T.TGetInfoResp, { timeoutMs: 100, overrunMs: 0 }).then(
      () => assert.fail('expected a rejection'),
      (e: unknown) => e as ImpalaError,
    );
    assert.match(e3.message, /overrunMs for GetInfo must be a positive number/);
    assert.equal(conn.pendingCalls, 0, 'nothing was queued');
    assert.equal((await conn.call('GetInfo', infoReq(), T.TGetInfoResp, { timeoutMs: 1000 })).infoValue.stringValue, 'x');
  });
});
