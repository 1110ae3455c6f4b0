import { strict as assert } from 'node:assert';
import * as net from 'node:net';
import { Int64 } from 'thrift';
import { MessageScanner } from '../../src/connection/message-scanner';
import { decodeReply, encodeCall } from '../../src/connection/thrift-codec';
import * as I from '../../src/thrift/gen-nodejs/ImpalaService_types';
import * as T from '../../src/thrift/gen-nodejs/TCLIService_types';
import { check } from './helpers/hs2-client';
import { useCluster } from './helpers/sim-fixture';

/** One request of a pipelined batch. */
interface Call {
  method: string;
  req: object;
  /** The generated reply struct (it reads itself; its typings do not say so). */
  Resp: new () => object;
}

/**
 * A bare socket that writes several requests in one write (what a pipelining client
 * does) and hands back each reply as it is decoded, in order.
 */
class PipelineSocket {
  readonly #socket: net.Socket;
  readonly #scanner = new MessageScanner();
  #buf = Buffer.alloc(0);
  #seqid = 0;
  #waiting: Array<{ call: Call; seqid: number; resolve: (r: unknown) => void; reject: (e: Error) => void }> = [];

  private constructor(socket: net.Socket) {
    this.#socket = socket;
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('close', () => {
      for (const w of this.#waiting.splice(0)) w.reject(new Error('the socket closed'));
    });
    socket.on('error', () => undefined);
  }

  static open(port: number): Promise<PipelineSocket> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: '127.0.0.1', port }, () => resolve(new PipelineSocket(socket)));
      socket.once('error', reject);
    });
  }

  /** Writes every call in one write; resolves each reply separately. */
  send(calls: readonly Call[]): Array<Promise<unknown>> {
    const replies = calls.map((call) => {
      const seqid = ++this.#seqid;
      return { call, seqid, promise: new Promise<unknown>((resolve, reject) => this.#waiting.push({ call, seqid, resolve, reject })) };
    });
    this.#socket.write(Buffer.concat(replies.map((r) => encodeCall(r.call.method, r.seqid, r.call.req as never))));
    return replies.map((r) => r.promise);
  }

  close(): void {
    this.#socket.destroy();
  }

  #onData(chunk: Buffer): void {
    this.#buf = Buffer.concat([this.#buf, chunk]);
    for (;;) {
      const length = this.#scanner.scan(this.#buf, this.#buf.length);
      if (length < 0) return;
      const message = this.#buf.subarray(0, length);
      this.#buf = this.#buf.subarray(length);
      this.#scanner.reset();
      const w = this.#waiting.shift();
      if (w === undefined) throw new Error('a reply nobody asked for');
      try {
        w.resolve(decodeReply(Buffer.from(message), { method: w.call.method, seqid: w.seqid, Resp: w.call.Resp as never }, 'sim'));
      } catch (err) {
        w.reject(err as Error);
      }
    }
  }
}

describe('simulator: pipelined requests on one connection', function () {
  this.timeout(20_000);
  const sim = useCluster({ coordinators: 1, fetchRowsTimeoutMs: 5000 });
  const sockets: PipelineSocket[] = [];
  afterEach(() => {
    for (const s of sockets.splice(0)) s.close();
  });

  async function open(): Promise<{ s: PipelineSocket; session: T.TSessionHandle }> {
    const s = await PipelineSocket.open(sim.cluster.coordinators[0]!.port);
    sockets.push(s);
    const [opened] = s.send([
      { method: 'OpenSession', req: new T.TOpenSessionReq({ client_protocol: T.TProtocolVersion.HIVE_CLI_SERVICE_PROTOCOL_V6 }), Resp: T.TOpenSessionResp },
    ]);
    const resp = (await opened) as T.TOpenSessionResp;
    check('OpenSession', resp.status);
    return { s, session: resp.sessionHandle! };
  }

  async function execute(s: PipelineSocket, session: T.TSessionHandle, statement: string): Promise<T.TOperationHandle> {
    const [exec] = s.send([{ method: 'ExecuteStatement', req: new T.TExecuteStatementReq({ sessionHandle: session, statement, runAsync: true }), Resp: T.TExecuteStatementResp }]);
    const resp = (await exec) as T.TExecuteStatementResp;
    check('ExecuteStatement', resp.status);
    return resp.operationHandle!;
  }

  const metadata = (operationHandle: T.TOperationHandle): Call => ({
    method: 'GetResultSetMetadata',
    req: new T.TGetResultSetMetadataReq({ operationHandle }),
    Resp: T.TGetResultSetMetadataResp,
  });
  const fetch = (operationHandle: T.TOperationHandle): Call => ({
    method: 'FetchResults',
    req: new T.TFetchResultsReq({ operationHandle, orientation: T.TFetchOrientation.FETCH_NEXT, maxRows: new Int64(100) }),
    Resp: T.TFetchResultsResp,
  });

  it('answers every request of a batch, in order, each with its own reply', async () => {
    const { s, session } = await open();
    const calls: Call[] = [];
    for (let i = 0; i < 20; i++) {
      calls.push(
        i % 2 === 0
          ? { method: 'GetInfo', req: new T.TGetInfoReq({ sessionHandle: session, infoType: T.TGetInfoType.CLI_DBMS_NAME }), Resp: T.TGetInfoResp }
          : { method: 'PingImpalaHS2Service', req: new I.TPingImpalaHS2ServiceReq({ sessionHandle: session }), Resp: I.TPingImpalaHS2ServiceResp },
      );
    }
    const replies = await Promise.all(s.send(calls));
    replies.forEach((r, i) => {
      if (i % 2 === 0) assert.equal((r as T.TGetInfoResp).infoValue.stringValue, 'Impala');
      else assert.match((r as I.TPingImpalaHS2ServiceResp).version ?? '', /^impalad version /);
    });
  });

  it('a reply ready early is not held back by a pipelined request that waits for rows', async () => {
    const { s, session } = await open();
    const op = await execute(s, session, 'SELECT sleep(1000) AS slept');
    const [meta, rows] = s.send([metadata(op), fetch(op)]);
    let fetched = false;
    const fetchedRows = (rows as Promise<T.TFetchResultsResp>).then((r) => {
      fetched = true;
      return r;
    });
    const schema = ((await meta) as T.TGetResultSetMetadataResp).schema;
    // Replies that came in the same read would both be handled by now.
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(fetched, false, 'the metadata came back while the fetch still waited for rows');
    assert.equal(schema?.columns[0]?.columnName, 'slept');
    const r = await fetchedRows;
    check('FetchResults', r.status);
    assert.deepEqual(r.results?.columns?.[0]?.boolVal?.values, [true]);
  });

  it('a query pipelined behind its metadata: both replies, rows right', async () => {
    const { s, session } = await open();
    for (let i = 0; i < 3; i++) {
      const op = await execute(s, session, "SELECT 7 AS n, 'x' AS s");
      const [meta, rows, closed] = s.send([
        metadata(op),
        fetch(op),
        { method: 'CloseOperation', req: new T.TCloseOperationReq({ operationHandle: op }), Resp: T.TCloseOperationResp },
      ]);
      assert.deepEqual(((await meta) as T.TGetResultSetMetadataResp).schema?.columns.map((c) => c.columnName), ['n', 's']);
      const r = (await rows) as T.TFetchResultsResp;
      assert.deepEqual(r.results?.columns?.[0]?.byteVal?.values, [7]);
      assert.deepEqual(r.results?.columns?.[1]?.stringVal?.values.map((v) => Buffer.from(v).toString()), ['x']);
      check('CloseOperation', ((await closed) as T.TCloseOperationResp).status);
    }
  });

  it('dropDuringFetch: the reply before the cut fetch reaches the client whole', async () => {
    const { s, session } = await open();
    const op = await execute(s, session, 'SELECT 1 AS one');
    sim.cluster.coordinators[0]!.dropDuringFetch(1);
    const [meta, rows] = s.send([metadata(op), fetch(op)]);
    const rowsFailed = rows.then(
      () => 'answered',
      (err: Error) => err.message,
    );
    assert.equal(((await meta) as T.TGetResultSetMetadataResp).schema?.columns[0]?.columnName, 'one');
    assert.equal(await rowsFailed, 'the socket closed');
  });
});
