import { strict as assert } from 'node:assert';
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import * as T from '../../../src/thrift/gen-nodejs/TCLIService_types';
import { check, Hs2TestClient, type Cell } from '../helpers/hs2-client';
import { useCluster } from '../helpers/sim-fixture';
import type { ConformanceRow, ConformanceSuite } from './conformance-row';

// Every `*.rows.ts` file of this folder contributes a suite.
const suites: ConformanceSuite[] = readdirSync(__dirname)
  .filter((f) => f.endsWith('.rows.ts'))
  .sort()
  .map((f) => (require(path.join(__dirname, f)) as { suite: ConformanceSuite }).suite);

/** Impala's spelling of a result column type from GetResultSetMetadata. */
function typeText(desc: T.TTypeDesc): string {
  const entry = desc.types[0]?.primitiveEntry;
  if (entry == null) return 'COMPLEX';
  const name = (T.TTypeId[entry.type] as string).replace(/_TYPE$/, '');
  const q = entry.typeQualifiers?.qualifiers ?? {};
  if (name === 'DECIMAL') return `DECIMAL(${q.precision?.i32Value},${q.scale?.i32Value})`;
  if (name === 'CHAR' || name === 'VARCHAR') return `${name}(${q.characterMaximumLength?.i32Value})`;
  return name === 'NULL' ? 'NULL_TYPE' : name;
}

function show(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `${x}n` : x));
}

async function runRow(client: Hs2TestClient, session: T.TSessionHandle, row: ConformanceRow): Promise<void> {
  const resp = await client.executeRaw(session, row.sql);
  let failure = resp.status.statusCode === T.TStatusCode.ERROR_STATUS ? (resp.status.errorMessage ?? 'error') : undefined;
  const op = resp.operationHandle;
  if (failure === undefined && op != null) {
    const done = await client.waitDone(op);
    if (done.operationState !== T.TOperationState.FINISHED_STATE) failure = done.errorMessage ?? done.status.errorMessage ?? 'failed';
  }
  if (row.error !== undefined) {
    if (op != null) await client.closeOperation(op);
    assert.ok(failure !== undefined, `expected the error ${row.error}, but the statement succeeded`);
    assert.ok(failure.includes(row.error), `expected the error to contain\n  ${row.error}\ngot\n  ${failure}`);
    return;
  }
  assert.equal(failure, undefined, `statement failed: ${failure}`);
  try {
    const meta = await client.metadata(op!);
    check('GetResultSetMetadata', meta.status);
    const columns = meta.schema?.columns ?? [];
    const types = row.fallback?.types ?? row.types;
    const labels = row.fallback?.labels ?? row.labels;
    if (types !== undefined) assert.deepEqual(columns.map((c) => typeText(c.typeDesc)), types, 'types');
    if (labels !== undefined) assert.deepEqual(columns.map((c) => c.columnName), labels, 'labels');
    const rows: Cell[][] = await client.fetchAll(op!);
    if (row.values !== undefined) assert.equal(show(rows[0] ?? null), show(row.values), 'first row');
  } finally {
    await client.closeOperation(op!);
  }
}

describe('conformance: the simulator answers as Impala does (types, labels, values, errors)', function () {
  this.timeout(60_000);
  const sim = useCluster({ coordinators: 1 });
  let client: Hs2TestClient;
  let session: T.TSessionHandle;

  before(async () => {
    const c = sim.cluster.coordinators[0]!;
    client = await Hs2TestClient.connect({ host: c.host, port: c.port });
    session = await client.openSession();
  });

  after(async () => {
    await client?.close();
  });

  it(`has ${suites.reduce((n, s) => n + s.rows.length, 0)} rows, each with a source note (and a reason when unsure)`, () => {
    const rows = suites.flatMap((s) => s.rows);
    assert.ok(rows.length > 0);
    for (const row of rows) {
      assert.ok((row.source !== 'unsure' && row.fallback === undefined) || (row.note ?? '') !== '', `row without the note it needs: ${row.sql}`);
      assert.ok(row.error !== undefined || row.types !== undefined || row.labels !== undefined || row.values !== undefined, `row expects nothing: ${row.sql}`);
    }
  });

  for (const suite of suites) {
    describe(suite.name, () => {
      before(async () => {
        await client.query(session, `CREATE DATABASE IF NOT EXISTS ${suite.database}`);
        await client.query(session, `USE ${suite.database}`);
        for (const sql of suite.setup) await client.query(session, sql);
      });

      for (const row of suite.rows) {
        it(`${row.sql} [${row.source}${row.fallback === undefined ? '' : ', fallback'}]`, async () => {
          await client.query(session, `USE ${suite.database}`);
          await runRow(client, session, row);
        });
      }
    });
  }
});
