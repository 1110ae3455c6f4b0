import { strict as assert } from 'node:assert';
import { Int64 } from 'thrift';
import * as T from '../../../src/thrift/gen-nodejs/TCLIService_types';
import { check, decodeRowSet, Hs2TestClient, type Cell } from '../helpers/hs2-client';
import { useCluster } from '../helpers/sim-fixture';
import { semanticsSuite, type SemanticsAction, type SemanticsRow } from './semantics-rows';

const METADATA_TYPES: Record<Extract<SemanticsAction, { kind: 'metadata' }>['rpc'], [new (a: never) => object, new () => MetadataResp]> = {
  GetCatalogs: [T.TGetCatalogsReq, T.TGetCatalogsResp],
  GetSchemas: [T.TGetSchemasReq, T.TGetSchemasResp],
  GetTables: [T.TGetTablesReq, T.TGetTablesResp],
  GetTableTypes: [T.TGetTableTypesReq, T.TGetTableTypesResp],
  GetColumns: [T.TGetColumnsReq, T.TGetColumnsResp],
  GetFunctions: [T.TGetFunctionsReq, T.TGetFunctionsResp],
  GetTypeInfo: [T.TGetTypeInfoReq, T.TGetTypeInfoResp],
};

interface MetadataResp {
  status: T.TStatus;
  operationHandle?: T.TOperationHandle | null;
}

/** What a row's action produced: an error text, or rows. */
type Outcome = { error: string; queryId?: string } | { rows: Cell[][] };

function printGuid(guid: Buffer): string {
  return `${guid.readBigUInt64LE(0).toString(16).padStart(16, '0')}:${guid.readBigUInt64LE(8).toString(16).padStart(16, '0')}`;
}

function show(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `${x}n` : x));
}

async function perform(client: Hs2TestClient, session: T.TSessionHandle, action: SemanticsAction): Promise<Outcome> {
  if (action.kind === 'metadata') {
    const [Req, Resp] = METADATA_TYPES[action.rpc];
    const resp = await client.call(action.rpc, new Req({ sessionHandle: session, ...action.req } as never), Resp);
    if (resp.status.statusCode === T.TStatusCode.ERROR_STATUS) return { error: resp.status.errorMessage ?? '' };
    const rows = await client.fetchAll(resp.operationHandle!);
    await client.closeOperation(resp.operationHandle!);
    return { rows };
  }
  const resp = await client.executeRaw(session, action.sql, action.overlay === undefined ? undefined : { ...action.overlay });
  if (resp.status.statusCode === T.TStatusCode.ERROR_STATUS) {
    const queryId = /^Query ([0-9a-f]{16}:[0-9a-f]{16}) failed:/.exec(resp.status.errorMessage ?? '')?.[1];
    return { error: resp.status.errorMessage ?? '', ...(queryId === undefined ? {} : { queryId }) };
  }
  const op = resp.operationHandle!;
  const queryId = printGuid(op.operationId.guid);
  try {
    const done = await client.waitDone(op);
    if (done.operationState !== T.TOperationState.FINISHED_STATE) return { error: done.errorMessage ?? done.status.errorMessage ?? '', queryId };
    if (action.kind === 'statement') return { rows: op.hasResultSet ? await client.fetchAll(op) : [] };
    if (action.next > 0) check('FetchResults', (await client.fetchRaw(op, action.next)).status);
    const orientation = action.orientation === 'FETCH_FIRST' ? T.TFetchOrientation.FETCH_FIRST : T.TFetchOrientation.FETCH_PRIOR;
    const again = await client.call('FetchResults', new T.TFetchResultsReq({ operationHandle: op, orientation, maxRows: new Int64(action.maxRows) }), T.TFetchResultsResp);
    if (again.status.statusCode === T.TStatusCode.ERROR_STATUS) return { error: again.status.errorMessage ?? '', queryId };
    return { rows: decodeRowSet(again.results!) };
  } finally {
    await client.closeOperation(op);
  }
}

function label(row: SemanticsRow): string {
  const a = row.action;
  const what = a.kind === 'metadata' ? `${a.rpc} ${show(a.req)}` : a.kind === 'fetch' ? `${a.sql} then ${a.orientation}` : a.sql;
  return `${what}${'overlay' in a && a.overlay !== undefined ? ` with ${show(a.overlay)}` : ''} [${row.source}]`;
}

/**
 * Runs the semantics table (semantics-rows.ts) against a simulated coordinator
 * over HS2: every row's action, compared with Impala's answer.
 */
describe('conformance: the simulator behaves as Impala does (DML targets, names, options, fetch orientation, metadata RPCs)', function () {
  this.timeout(60_000);
  const sim = useCluster({ coordinators: 1 });
  let client: Hs2TestClient;
  let session: T.TSessionHandle;

  before(async () => {
    const c = sim.cluster.coordinators[0]!;
    client = await Hs2TestClient.connect({ host: c.host, port: c.port });
    session = await client.openSession(undefined, semanticsSuite.user);
    await client.query(session, `CREATE DATABASE IF NOT EXISTS ${semanticsSuite.database}`);
    await client.query(session, `USE ${semanticsSuite.database}`);
    for (const sql of semanticsSuite.setup) await client.query(session, sql);
  });

  after(async () => {
    await client?.close();
  });

  it(`has ${semanticsSuite.rows.length} rows, each expecting something, with a reason when unsure`, () => {
    for (const row of semanticsSuite.rows) {
      assert.ok(row.source !== 'unsure' || (row.note ?? '') !== '', `unsure row without a note: ${label(row)}`);
    }
  });

  for (const row of semanticsSuite.rows) {
    it(label(row), async () => {
      const outcome = await perform(client, session, row.action);
      if (row.error !== undefined || row.errorPrefix !== undefined) {
        assert.ok('error' in outcome, `expected an error, got rows ${show('rows' in outcome ? outcome.rows : undefined)}`);
        if (row.error !== undefined) assert.equal(outcome.error, row.error.replaceAll('<qid>', outcome.queryId ?? '<qid>'));
        else assert.ok(outcome.error.startsWith(row.errorPrefix as string), `expected the error to start with ${row.errorPrefix}, got ${outcome.error}`);
        return;
      }
      assert.ok('rows' in outcome, `failed: ${'error' in outcome ? outcome.error : ''}`);
      if (row.rows !== undefined) assert.equal(show(outcome.rows), show(row.rows));
      if (row.firstRow !== undefined) assert.equal(show(outcome.rows[0]), show(row.firstRow));
    });
  }
});
