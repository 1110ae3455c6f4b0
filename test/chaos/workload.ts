import { setTimeout as sleep } from 'node:timers/promises';
import { ErrorCode, type ImpalaClient, type Session } from '../../src';
import type { SeededRandom } from './seeded-random';
import type { StatementLedger, StatementRecord } from './statement-ledger';

/** Rows of the read-only table: `id` 0..BASE_ROWS-1, `v = 2 * id`. */
export const BASE_ROWS = 1000;
/** Table the pooled INSERTs write, one row per unique key. */
export const DML_TABLE = 'chaos_dml';

/** DuckDB SQL that creates the tables the workload expects (run with `cluster.seed`). */
export const SEED_SQL = [
  `CREATE TABLE chaos_base AS SELECT range AS id, range * 2 AS v FROM range(${BASE_ROWS})`,
  `CREATE TABLE ${DML_TABLE} (id BIGINT, worker INTEGER, note VARCHAR)`,
].join(';\n');

/** Settings of {@link runWorkload}. */
export interface WorkloadOptions {
  client: ImpalaClient;
  ledger: StatementLedger;
  /** The run's generator; each worker derives its own sequence from it. */
  random: SeededRandom;
  /** Concurrent workers. */
  workers: number;
  /** Aborted when workers should stop after the statement (or session) they are in. */
  stop: AbortSignal;
  /**
   * The deliberately broken rule: every INSERT is marked `idempotent: true`, so the
   * client retries it after an unknown outcome and may run it twice.
   */
  breakRetryDml: boolean;
  /** Gives unique INSERT keys and session table numbers. */
  ids: { next(): number };
}

/** Share of each operation in the mix (they add up to 1). */
const MIX: ReadonlyArray<readonly [Operation, number]> = [
  ['select', 0.45],
  ['stream', 0.15],
  ['insert', 0.28],
  ['session', 0.12],
];
type Operation = 'select' | 'stream' | 'insert' | 'session';

/**
 * Runs `workers` loops mixing SELECTs with known answers, streamed SELECTs, INSERTs
 * with unique keys, and pinned sessions doing CREATE TABLE → INSERT → SELECT → DROP,
 * until `stop` is aborted. Every statement and what its caller was told goes into the
 * ledger; no error escapes.
 */
export async function runWorkload(o: WorkloadOptions): Promise<void> {
  await Promise.all(Array.from({ length: o.workers }, (_, w) => worker(o, w, o.random.derive(1000 + w))));
}

async function worker(o: WorkloadOptions, w: number, random: SeededRandom): Promise<void> {
  while (!o.stop.aborted) {
    const before = o.ledger.records.length;
    const op = pickOperation(random);
    if (op === 'select') await select(o, w, random);
    else if (op === 'stream') await stream(o, w, random);
    else if (op === 'insert') await insert(o, w);
    else await session(o, w, random);
    // A little think time keeps 16 workers from starving 2 cores (and the timeouts);
    // after a failure a little more, as an application would, instead of spinning on
    // fast failures (which would also swamp the counts).
    const failed = o.ledger.records.slice(before).some((r) => r.worker === w && r.outcome !== 'ok');
    await sleep(failed ? random.int(20, 60) : random.int(2, 12));
  }
}

function pickOperation(random: SeededRandom): Operation {
  let x = random.next();
  for (const [op, share] of MIX) {
    if (x < share) return op;
    x -= share;
  }
  return 'select';
}

/** `count(*)` and `sum(v)` below a random bound: exact answers the run can check. */
async function select(o: WorkloadOptions, w: number, random: SeededRandom): Promise<void> {
  const k = random.int(1, BASE_ROWS);
  const rec = o.ledger.begin(w, 'read', `SELECT count, sum below ${k}`);
  try {
    const r = await o.client.query('SELECT count(*) AS n, sum(v) AS s FROM chaos_base WHERE id < ?', { params: [k] });
    const row = r.rows[0];
    const got = row === undefined ? 'no row' : `n=${String(row.n)} s=${String(row.s)}`;
    const want = `n=${k} s=${k * (k - 1)}`;
    o.ledger.succeed(rec, { attempts: r.attempts, coordinator: r.coordinator, ...(got === want ? {} : { wrongResult: `got ${got}, want ${want}` }) });
  } catch (err) {
    o.ledger.fail(rec, err);
  }
}

/** A few fetch batches of ordered ids, checked row by row. */
async function stream(o: WorkloadOptions, w: number, random: SeededRandom): Promise<void> {
  const k = random.int(100, 400);
  const rec = o.ledger.begin(w, 'stream', `stream ids below ${k}`);
  const rows = o.client.stream<{ id: bigint }>('SELECT id FROM chaos_base WHERE id < ? ORDER BY id', { params: [k], fetchSize: 64 });
  let n = 0;
  let wrong: string | undefined;
  try {
    for await (const row of rows) {
      if (wrong === undefined && row.id !== BigInt(n)) wrong = `row ${n} has id ${String(row.id)}`;
      n++;
    }
    if (wrong === undefined && n !== k) wrong = `got ${n} rows, want ${k}`;
    o.ledger.succeed(rec, { attempts: rows.attempts, ...(rows.coordinator ? { coordinator: rows.coordinator } : {}), ...(wrong ? { wrongResult: wrong } : {}) });
  } catch (err) {
    o.ledger.fail(rec, err, { rowsBeforeFailure: n, ...(rows.coordinator ? { coordinator: rows.coordinator } : {}) });
  }
}

async function insert(o: WorkloadOptions, w: number): Promise<void> {
  const key = o.ids.next();
  const sql = `INSERT INTO ${DML_TABLE} VALUES (${key}, ${w}, 'w${w}')`;
  const rec = o.ledger.begin(w, 'dml', sql, { key, table: DML_TABLE });
  try {
    const r = await o.client.execute(sql, { idempotent: o.breakRetryDml });
    o.ledger.succeed(rec, { attempts: r.attempts, coordinator: r.coordinator });
  } catch (err) {
    o.ledger.fail(rec, err);
  }
}

/**
 * A pinned session: CREATE TABLE, two or three INSERTs, a SELECT that must see
 * them (read-your-writes on one coordinator), DROP TABLE. Sessions reopen elsewhere
 * when their coordinator dies; half of them use an affinity key.
 */
async function session(o: WorkloadOptions, w: number, random: SeededRandom): Promise<void> {
  const table = `chaos_s_${o.ids.next()}`;
  const open = o.ledger.begin(w, 'session-open', `open session for ${table}`);
  let opened = false;
  try {
    await o.client.withSession(
      async (s) => {
        opened = true;
        o.ledger.succeed(open, { coordinator: s.coordinator });
        await sessionStatements(o, w, random, s, table);
      },
      { reopenOnFailover: true, ...(random.chance(0.5) ? { affinity: `tenant-${random.int(1, 20)}` } : {}) },
    );
  } catch (err) {
    // Statements record their own failures; what lands here is opening (or closing) the session.
    if (!opened) o.ledger.fail(open, err);
    else o.ledger.fail(o.ledger.begin(w, 'session-open', `close session for ${table}`), err);
  }
}

async function sessionStatements(o: WorkloadOptions, w: number, random: SeededRandom, s: Session, table: string): Promise<void> {
  // Once the session is lost every later call fails the same way, without being sent: stop there.
  let lost = false;
  const settle = (rec: StatementRecord, err: unknown): void => {
    o.ledger.fail(rec, err);
    lost ||= rec.code === ErrorCode.SESSION_LOST;
  };
  const run = async (kind: 'session-ddl' | 'session-dml', sql: string, key?: number): Promise<StatementRecord> => {
    const rec = o.ledger.begin(w, kind, sql, key === undefined ? undefined : { key, table });
    try {
      const r = await s.execute(sql, kind === 'session-dml' ? { idempotent: o.breakRetryDml } : {});
      o.ledger.succeed(rec, { attempts: r.attempts, coordinator: r.coordinator });
    } catch (err) {
      settle(rec, err);
    }
    return rec;
  };
  const created = await run('session-ddl', `CREATE TABLE ${table} (id BIGINT, w INTEGER)`);
  if (created.outcome === 'ok') {
    const inserts: StatementRecord[] = [];
    for (let i = random.int(2, 3); i > 0 && !lost; i--) {
      const key = o.ids.next();
      inserts.push(await run('session-dml', `INSERT INTO ${table} VALUES (${key}, ${w})`, key));
    }
    if (!lost) await readBack(o, w, s, table, inserts, settle);
  }
  if (created.outcome !== 'failed' && !lost) await run('session-ddl', `DROP TABLE IF EXISTS ${table}`);
}

/** The session reads its table back: each INSERT's row count, and no row it did not write. */
async function readBack(o: WorkloadOptions, w: number, s: Session, table: string, inserts: StatementRecord[], settle: (rec: StatementRecord, err: unknown) => void): Promise<void> {
  const rec = o.ledger.begin(w, 'session-read', `SELECT ids of ${table}`);
  try {
    const r = await s.query<{ id: bigint }>(`SELECT id FROM ${table} ORDER BY id`);
    const seen = new Map<number, number>();
    for (const row of r.rows) seen.set(Number(row.id), (seen.get(Number(row.id)) ?? 0) + 1);
    for (const ins of inserts) ins.observedRows = seen.get(ins.key!) ?? 0;
    const expected = new Set(inserts.map((i) => i.key!));
    const stray = [...seen.keys()].filter((k) => !expected.has(k));
    o.ledger.succeed(rec, { attempts: r.attempts, coordinator: r.coordinator, ...(stray.length > 0 ? { wrongResult: `rows with keys never inserted here: ${stray.join(', ')}` } : {}) });
  } catch (err) {
    settle(rec, err);
  }
}
