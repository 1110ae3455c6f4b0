import { strict as assert } from 'node:assert';
import { connect as netConnect, type Socket } from 'node:net';
import * as hive from 'hive-driver';
import { ErrorCode, hasCode } from '../../src/errors';
import * as I from '../../src/thrift/gen-nodejs/ImpalaService_types';
import { HIVE_FETCH_NEXT } from './helpers/hive-driver';
import { check, Hs2TestClient } from './helpers/hs2-client';
import { useCluster } from './helpers/sim-fixture';

const USERS = { alice: 'wonderland', bob: 'builder' };

function saslFrame(status: number, payload: Buffer | string): Buffer {
  const body = Buffer.isBuffer(payload) ? payload : Buffer.from(payload);
  const out = Buffer.alloc(5 + body.length);
  out[0] = status;
  out.writeUInt32BE(body.length, 1);
  body.copy(out, 5);
  return out;
}

/** Sends bytes on a raw socket and collects everything the server sends until it closes (bounded). */
function exchange(port: number, bytes: Buffer): Promise<{ received: Buffer; closed: boolean }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const socket: Socket = netConnect({ host: '127.0.0.1', port }, () => socket.write(bytes));
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ received: Buffer.concat(chunks), closed: false });
    }, 3000);
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ received: Buffer.concat(chunks), closed: true });
    });
  });
}

describe('simulator: SASL PLAIN authentication (users option)', function () {
  this.timeout(20_000);
  const sim = useCluster({ coordinators: 1, users: USERS });
  const port = (): number => sim.cluster.coordinators[0]!.port;
  const clients: Hs2TestClient[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });

  async function login(username: string, password: string): Promise<Hs2TestClient> {
    const client = await Hs2TestClient.connect({ host: '127.0.0.1', port: port() }, { mechanism: 'PLAIN', username, password });
    clients.push(client);
    return client;
  }

  it('accepts a known user; the session runs as the authenticated user, not TOpenSessionReq.username', async () => {
    const client = await login('alice', 'wonderland');
    const s = await client.openSession(undefined, 'mallory');
    const op = await client.execute(s, 'SELECT 1');
    await client.waitDone(op);
    const profile = await client.call('GetRuntimeProfile', new I.TGetRuntimeProfileReq({ operationHandle: op, sessionHandle: s }), I.TGetRuntimeProfileResp);
    check('GetRuntimeProfile', profile.status);
    assert.match(profile.profile!, /\n {4}User: alice\n/);
  });

  it('a wrong password closes the socket without any SASL frame, as Impala does', async () => {
    const { received, closed } = await exchange(port(), Buffer.concat([saslFrame(1, 'PLAIN'), saslFrame(2, '\0alice\0wrong')]));
    assert.equal(closed, true);
    assert.equal(received.length, 0);
    await assert.rejects(login('alice', 'wrong'), (err: unknown) => hasCode(err, ErrorCode.AUTH_FAILED));
    await assert.rejects(login('nobody', 'x'), (err: unknown) => hasCode(err, ErrorCode.AUTH_FAILED));
  });

  it('answers an unknown mechanism with BAD and a NOSASL client with ERROR', async () => {
    const bad = await exchange(port(), saslFrame(1, 'GSSAPI'));
    assert.equal(bad.received[0], 3);
    assert.equal(bad.received.subarray(5).toString(), 'Unsupported mechanism type GSSAPI');
    assert.equal(bad.closed, true);
    // A plain Thrift message starts with 0x80: not a SASL START.
    const plain = await exchange(port(), Buffer.from([0x80, 0x01, 0x00, 0x01, 0, 0, 0, 0]));
    assert.equal(plain.received[0], 4);
    assert.equal(plain.received.subarray(5).toString(), 'Expecting START status, received 128');
    assert.equal(plain.closed, true);
  });

  it('refuses a session opened by another user on this connection', async () => {
    const alice = await login('alice', 'wonderland');
    const bob = await login('bob', 'builder');
    const s = await alice.openSession();
    const resp = await bob.executeRaw(s, 'SELECT 1');
    assert.equal(resp.status.errorMessage, "The user authorized on the connection 'bob' does not match the session username 'alice'\n");
  });

  it('hive-driver authenticates with its user\\0user\\0password PLAIN response', async () => {
    const { TCLIService, TCLIService_types } = hive.thrift as { TCLIService: object; TCLIService_types: never };
    const client = new hive.HiveClient(TCLIService, TCLIService_types);
    client.on('error', () => undefined);
    try {
      await client.connect(
        { host: '127.0.0.1', port: port() },
        new hive.connections.TcpConnection(),
        new hive.auth.PlainTcpAuthentication({ username: 'bob', password: 'builder' }),
      );
      const session = await client.openSession({ client_protocol: 9 });
      const utils = new hive.HiveUtils(TCLIService_types);
      const op = await session.executeStatement('SELECT 40 + 2 AS n', { runAsync: true });
      await utils.waitUntilReady(op, false, () => undefined);
      // FETCH_NEXT: hive-driver's default first fetch is FETCH_FIRST, which Impala refuses without a result cache.
      await utils.fetchAll(op, HIVE_FETCH_NEXT);
      assert.deepEqual(utils.getResult(op).getValue(), [{ n: 42 }]);
      await op.close();
      await session.close();
    } finally {
      client.close();
    }
  });
});

describe('simulator: a SASL client on a NOSASL coordinator', function () {
  this.timeout(20_000);
  const sim = useCluster({ coordinators: 1 });

  it('gets its connection closed', async () => {
    const { received, closed } = await exchange(sim.cluster.coordinators[0]!.port, Buffer.concat([saslFrame(1, 'PLAIN'), saslFrame(2, '\0a\0b')]));
    assert.equal(closed, true);
    assert.equal(received.length, 0);
  });
});
