import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Connection } from '../../src/connection';
import { ErrorCode, ImpalaError } from '../../src/errors';
import * as T from '../../src/thrift/gen-nodejs/TCLIService_types';
import * as I from '../../src/thrift/gen-nodejs/ImpalaService_types';
import { startRawThriftServer, type RawThriftServer } from '../helpers/raw-thrift-server';

const ok = (): T.TStatus => new T.TStatus({ statusCode: T.TStatusCode.SUCCESS_STATUS });
const sessionHandle = (): T.TSessionHandle =>
  new T.TSessionHandle({ sessionId: new T.THandleIdentifier({ guid: Buffer.alloc(16, 1), secret: Buffer.alloc(16, 2) }) });
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

/** A free loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('Connection', () => {
  let server: RawThriftServer | undefined;
  const conns: Connection[] = [];
  const track = (c: Connection): Connection => (conns.push(c), c);

  afterEach(async () => {
    await Promise.all(conns.splice(0).map((c) => c.close()));
    await server?.close();
    server = undefined;
  });

  it('makes calls over NOSASL and correlates replies in order', async () => {
    server = await startRawThriftServer({
      handler: {
        OpenSession: async (req: T.TOpenSessionReq) =>
          new T.TOpenSessionResp({
            status: ok(),
            serverProtocolVersion: req.client_protocol,
            sessionHandle: sessionHandle(),
            configuration: { http_addr: 'sim:25000' },
          }),
        PingImpalaHS2Service: async () => new I.TPingImpalaHS2ServiceResp({ status: ok(), version: 'impalad version 4.5.0 RELEASE' }),
      },
    });
    const conn = track(await Connection.open({ host: '127.0.0.1', port: server.port }));
    const [open, ping] = await Promise.all([
      conn.call('OpenSession', openReq(), T.TOpenSessionResp),
      conn.call('PingImpalaHS2Service', new I.TPingImpalaHS2ServiceReq({ sessionHandle: sessionHandle() }), I.TPingImpalaHS2ServiceResp),
    ]);
    assert.equal(open.serverProtocolVersion, T.TProtocolVersion.HIVE_CLI_SERVICE_PROTOCOL_V6);
    assert.equal(open.configuration?.http_addr, 'sim:25000');
    assert.equal(ping.version, 'impalad version 4.5.0 RELEASE');
    assert.deepEqual(server.calls, ['OpenSession', 'PingImpalaHS2Service']);
    assert.equal(conn.pendingCalls, 0);
  });

  it('reassembles a large reply delivered one byte at a time', async () => {
    const names = Array.from({ length: 2000 }, (_, i) => `column_${i}_${'x'.repeat(i % 17)}`);
    server = await startRawThriftServer({
      handler: {
        GetResultSetMetadata: async () =>
          new T.TGetResultSetMetadataResp({
            status: ok(),
            schema: new T.TTableSchema({
              columns: names.map(
                (n, i) =>
                  new T.TColumnDesc({
                    columnName: n,
                    position: i,
                    typeDesc: new T.TTypeDesc({ types: [new T.TTypeEntry({ primitiveEntry: new T.TPrimitiveTypeEntry({ type: T.TTypeId.STRING_TYPE }) })] }),
                  }),
              ),
            }),
          }),
      },
      writeHook: (socket, bytes) => {
        // Dribble the reply so every parse boundary is exercised.
        let i = 0;
        const step = (): void => {
          if (socket.destroyed) return;
          const end = Math.min(bytes.length, i + (i < 4096 ? 1 : 997));
          socket.write(bytes.subarray(i, end));
          i = end;
          if (i < bytes.length) setImmediate(step);
        };
        step();
      },
    });
    const conn = track(await Connection.open({ host: '127.0.0.1', port: server.port }));
    const req = new T.TGetResultSetMetadataReq({
      operationHandle: new T.TOperationHandle({
        operationId: new T.THandleIdentifier({ guid: Buffer.alloc(16), secret: Buffer.alloc(16) }),
        operationType: T.TOperationType.EXECUTE_STATEMENT,
        hasResultSet: true,
      }),
    });
    const resp = await conn.call('GetResultSetMetadata', req, T.TGetResultSetMetadataResp);
    assert.deepEqual(
      resp.schema!.columns.map((c) => c.columnName),
      names,
    );
  });

  it('authenticates with SASL PLAIN and rejects a wrong password as an auth failure without leaking it', async () => {
    server = await startRawThriftServer({
      users: { alice: 's3cr3t-pw' },
      handler: { OpenSession: async () => new T.TOpenSessionResp({ status: ok(), serverProtocolVersion: 5, sessionHandle: sessionHandle() }) },
    });
    const good = track(await Connection.open({ host: '127.0.0.1', port: server.port, auth: { mechanism: 'PLAIN', username: 'alice', password: 's3cr3t-pw' } }));
    const resp = await good.call('OpenSession', openReq(), T.TOpenSessionResp);
    assert.equal(resp.status.statusCode, T.TStatusCode.SUCCESS_STATUS);

    const err = await rejection(Connection.open({ host: '127.0.0.1', port: server.port, auth: { mechanism: 'PLAIN', username: 'alice', password: 'wrong-pw-123' } }));
    assert.equal(err.code, ErrorCode.AUTH_FAILED);
    assert.equal(err.retryable, false);
    assert.match(err.message, /alice/);
    assert.doesNotMatch(err.message + String(err.stack), /wrong-pw-123|s3cr3t-pw/);
  });

  it('reports a refused connect with the coordinator named', async () => {
    const port = await closedPort();
    const err = await rejection(Connection.open({ host: '127.0.0.1', port }));
    assert.equal(err.code, ErrorCode.CONNECT_REFUSED);
    assert.equal(err.coordinator, `127.0.0.1:${port}`);
    assert.equal(err.retryable, true);
  });

  it('bounds the whole connect (here a SASL handshake that never completes) by connectTimeoutMs', async () => {
    server = await startRawThriftServer({ users: { u: 'p' }, saslSilent: true, handler: {} });
    const started = Date.now();
    const err = await rejection(Connection.open({ host: '127.0.0.1', port: server.port, connectTimeoutMs: 300, auth: { mechanism: 'PLAIN', username: 'u', password: 'p' } }));
    const elapsed = Date.now() - started;
    assert.equal(err.code, ErrorCode.CONNECT_TIMEOUT);
    assert.ok(elapsed >= 280 && elapsed < 3000, `connect gave up after ${elapsed} ms`);
    // The half-open socket must be gone on the server side too.
    for (let i = 0; i < 100 && server.sockets.size > 0; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(server.sockets.size, 0);
  });

  it('rejects the pending call at once with connection-lost (written) and queued calls as not written when the socket is destroyed mid-call', async () => {
    let arrived!: () => void;
    const callArrived = new Promise<void>((r) => (arrived = r));
    server = await startRawThriftServer({
      handler: {
        ExecuteStatement: () => {
          arrived();
          return new Promise(() => undefined); // never answers
        },
      },
    });
    const conn = track(await Connection.open({ host: '127.0.0.1', port: server.port, rpcTimeoutMs: 30_000 }));
    const execReq = new T.TExecuteStatementReq({ sessionHandle: sessionHandle(), statement: 'INSERT INTO t VALUES (1)' });
    const first = rejection(conn.call('ExecuteStatement', execReq, T.TExecuteStatementResp));
    const second = rejection(conn.call('ExecuteStatement', execReq, T.TExecuteStatementResp));
    await callArrived;
    const started = Date.now();
    for (const s of server.sockets) s.destroy();
    const [e1, e2] = await Promise.all([first, second]);
    assert.ok(Date.now() - started < 1000, 'pending calls were not rejected promptly');
    assert.equal(e1.code, ErrorCode.CONNECTION_LOST);
    assert.equal((e1 as unknown as { requestWritten: boolean }).requestWritten, true);
    assert.equal(e1.retryable, false);
    assert.match(e1.message, /may have received it/);
    assert.equal(e2.code, ErrorCode.CONNECTION_LOST);
    assert.equal((e2 as unknown as { requestWritten: boolean }).requestWritten, false);
    assert.equal(e2.retryable, true);
    assert.equal(conn.closed, true);
    const after = await rejection(conn.call('ExecuteStatement', execReq, T.TExecuteStatementResp));
    assert.equal(after.code, ErrorCode.CONNECTION_CLOSED);
  });

  it('times out a call on a server that accepts but never answers, at the configured bound, and closes the connection', async () => {
    server = await startRawThriftServer({ handler: { PingImpalaHS2Service: () => new Promise(() => undefined) } });
    const conn = track(await Connection.open({ host: '127.0.0.1', port: server.port, rpcTimeoutMs: 250 }));
    let closeEvent: Error | undefined;
    conn.on('close', (err) => (closeEvent = err));
    const started = Date.now();
    const err = await rejection(conn.call('PingImpalaHS2Service', new I.TPingImpalaHS2ServiceReq({ sessionHandle: sessionHandle() }), I.TPingImpalaHS2ServiceResp));
    const elapsed = Date.now() - started;
    assert.equal(err.code, ErrorCode.RPC_TIMEOUT);
    assert.ok(elapsed >= 240 && elapsed < 2000, `timed out after ${elapsed} ms`);
    for (let i = 0; i < 100 && !conn.closed; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(conn.closed, true);
    assert.ok(closeEvent, 'close event carries the timeout');
    // A per-call bound overrides the connection default.
    const conn2 = track(await Connection.open({ host: '127.0.0.1', port: server.port, rpcTimeoutMs: 60_000 }));
    const t2 = Date.now();
    const err2 = await rejection(
      conn2.call('PingImpalaHS2Service', new I.TPingImpalaHS2ServiceReq({ sessionHandle: sessionHandle() }), I.TPingImpalaHS2ServiceResp, { timeoutMs: 150 }),
    );
    assert.equal(err2.code, ErrorCode.RPC_TIMEOUT);
    assert.ok(Date.now() - t2 < 2000);
  });

  it('keeps the connection usable after a TApplicationException (unknown method)', async () => {
    server = await startRawThriftServer({
      handler: { OpenSession: async () => new T.TOpenSessionResp({ status: ok(), serverProtocolVersion: 5, sessionHandle: sessionHandle() }) },
    });
    const conn = track(await Connection.open({ host: '127.0.0.1', port: server.port }));
    const err = await rejection(conn.call('NoSuchMethod', openReq(), T.TOpenSessionResp));
    assert.equal(err.code, ErrorCode.THRIFT_APPLICATION);
    assert.match(err.message, /NoSuchMethod/);
    const resp = await conn.call('OpenSession', openReq(), T.TOpenSessionResp);
    assert.equal(resp.status.statusCode, T.TStatusCode.SUCCESS_STATUS);
  });

  it('refuses a reply larger than maxMessageBytes with a protocol error', async () => {
    server = await startRawThriftServer({
      handler: { GetLog: async () => new T.TGetLogResp({ status: ok(), log: 'y'.repeat(200_000) }) },
    });
    const conn = track(await Connection.open({ host: '127.0.0.1', port: server.port, maxMessageBytes: 50_000 }));
    const handle = new T.TOperationHandle({
      operationId: new T.THandleIdentifier({ guid: Buffer.alloc(16), secret: Buffer.alloc(16) }),
      operationType: 0,
      hasResultSet: true,
    });
    const err = await rejection(conn.call('GetLog', new T.TGetLogReq({ operationHandle: handle }), T.TGetLogResp));
    assert.equal(err.code, ErrorCode.PROTOCOL);
    assert.match(err.message, /maximum message size of 50000 bytes/);
    for (let i = 0; i < 100 && !conn.closed; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(conn.closed, true);
  });

  it('close() rejects pending calls as closed and resolves once the socket is gone', async () => {
    server = await startRawThriftServer({ handler: { PingImpalaHS2Service: () => new Promise(() => undefined) } });
    const conn = await Connection.open({ host: '127.0.0.1', port: server.port });
    const pending = rejection(conn.call('PingImpalaHS2Service', new I.TPingImpalaHS2ServiceReq({ sessionHandle: sessionHandle() }), I.TPingImpalaHS2ServiceResp));
    await new Promise((r) => setTimeout(r, 20));
    await conn.close();
    const err = await pending;
    assert.equal(err.code, ErrorCode.CONNECTION_CLOSED);
    assert.equal(conn.closed, true);
    await conn.close(); // idempotent
  });

  it('validates options with typed errors', async () => {
    const e1 = await rejection(Connection.open({ host: '', port: 1 }));
    assert.equal(e1.code, ErrorCode.INVALID_ARGUMENT);
    const e2 = await rejection(Connection.open({ host: '127.0.0.1', port: 70000 }));
    assert.equal(e2.code, ErrorCode.INVALID_ARGUMENT);
    assert.match(e2.message, /1 to 65535/);
  });

  describe('TLS', () => {
    let dir: string;
    let key: string;
    let cert: string;
    before(function () {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'impala-ha-tls-'));
      execFileSync(
        'openssl',
        ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=coordinator.test', '-addext', 'subjectAltName=DNS:coordinator.test,IP:127.0.0.1'],
        { stdio: 'ignore' },
      );
      key = fs.readFileSync(path.join(dir, 'key.pem'), 'utf8');
      cert = fs.readFileSync(path.join(dir, 'cert.pem'), 'utf8');
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('verifies the certificate by default and connects with the right CA', async () => {
      server = await startRawThriftServer({
        tls: { key, cert },
        handler: { OpenSession: async () => new T.TOpenSessionResp({ status: ok(), serverProtocolVersion: 5, sessionHandle: sessionHandle() }) },
      });
      const untrusted = await rejection(Connection.open({ host: '127.0.0.1', port: server.port, tls: true }));
      assert.equal(untrusted.code, ErrorCode.TLS_FAILED);
      assert.equal(untrusted.retryable, false);

      const conn = track(await Connection.open({ host: '127.0.0.1', port: server.port, tls: { ca: cert } }));
      const resp = await conn.call('OpenSession', openReq(), T.TOpenSessionResp);
      assert.equal(resp.status.statusCode, T.TStatusCode.SUCCESS_STATUS);

      const named = track(await Connection.open({ host: '127.0.0.1', port: server.port, tls: { ca: cert, servername: 'coordinator.test' } }));
      assert.equal(named.closed, false);
      const wrongName = await rejection(Connection.open({ host: '127.0.0.1', port: server.port, tls: { ca: cert, servername: 'other.test' } }));
      assert.equal(wrongName.code, ErrorCode.TLS_FAILED);
    });
  });
});
