/**
 * Per-coordinator data visibility: the snapshots that let a coordinator keep
 * reading a table as it was before a write it has not received yet.
 *
 * In Impala an INSERT adds files and the other coordinators list them only when
 * the catalog update carrying the new file list reaches them (protocol reference
 * §5.3), like DDL. The simulator keeps one DuckDB table per database table, so
 * before a write whose change will lag it copies the table into a snapshot; the
 * catalog's `data` change names the snapshot, and a coordinator whose view lacks
 * the change reads the snapshot instead (see {@link redirectStaleReads}).
 * Snapshots are dropped once every coordinator has the change and no planned
 * statement still reads them.
 *
 * @internal
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { CatalogView } from './catalog';
import { duckIdent, type Token } from './sql-lexer';
import type { TableReference } from './statement-scan';
import { qualify, type QualifiedName } from './token-cursor';

/** DuckDB schema holding snapshots: DuckDB's own, which is not an Impala database. */
const SNAPSHOT_SCHEMA = 'main';

// Words that may follow a table name without being its alias.
const NOT_ALIASES = new Set([
  'WHERE', 'JOIN', 'ON', 'USING', 'INNER', 'LEFT', 'RIGHT', 'FULL', 'CROSS', 'OUTER', 'SEMI', 'ANTI', 'NATURAL',
  'GROUP', 'ORDER', 'HAVING', 'LIMIT', 'OFFSET', 'UNION', 'EXCEPT', 'INTERSECT', 'WINDOW', 'QUALIFY', 'TABLESAMPLE',
  'SET', 'VALUES', 'SELECT', 'WHEN', 'THEN', 'ELSE', 'END', 'AND', 'OR', 'STRAIGHT_JOIN',
]);

/** The snapshots of one engine and who still reads them. */
export class DataVersions {
  #seq = 0;
  /** Planned statements reading each snapshot. */
  readonly #readers = new Map<string, number>();
  /** Released by the catalog but still read: dropped when the last reader goes. */
  readonly #released = new Set<string>();
  /** Snapshots created and not dropped yet. */
  readonly #existing = new Set<string>();
  /** Per-table chain so a snapshot and the write after it are not interleaved with another write. */
  readonly #locks = new Map<string, Promise<void>>();

  /**
   * Runs `write` on `table` after copying the table into a new snapshot, one
   * write per table at a time. Resolves with the write's result and the
   * snapshot's name; when `write` fails the snapshot is dropped.
   */
  async snapshotAndWrite<R>(conn: DuckDBConnection, table: QualifiedName, write: () => Promise<R>): Promise<{ result: R; snapshot: string }> {
    const key = `${table.db}.${table.name}`;
    const previous = this.#locks.get(key) ?? Promise.resolve();
    let unlock!: () => void;
    const mine = new Promise<void>((resolve) => (unlock = resolve));
    const chain = previous.then(() => mine);
    this.#locks.set(key, chain);
    await previous;
    const snapshot = `__impala_snapshot_${++this.#seq}`;
    try {
      await conn.run(`CREATE TABLE ${snapshotTable(snapshot)} AS SELECT * FROM ${duckIdent(table.db)}.${duckIdent(table.name)}`);
      this.#existing.add(snapshot);
      try {
        return { result: await write(), snapshot };
      } catch (err) {
        this.#existing.delete(snapshot);
        await conn.run(`DROP TABLE IF EXISTS ${snapshotTable(snapshot)}`).catch(() => undefined);
        throw err;
      }
    } finally {
      unlock();
      if (this.#locks.get(key) === chain) this.#locks.delete(key);
    }
  }

  /** A planned statement reads these snapshots (until {@link unread}). */
  read(snapshots: readonly string[]): void {
    for (const s of snapshots) this.#readers.set(s, (this.#readers.get(s) ?? 0) + 1);
  }

  /** A statement that read these snapshots is gone. */
  unread(snapshots: readonly string[]): void {
    for (const s of snapshots) {
      const n = (this.#readers.get(s) ?? 1) - 1;
      if (n > 0) this.#readers.set(s, n);
      else this.#readers.delete(s);
    }
  }

  /**
   * Drops the snapshots the catalog released (`released`, plus earlier ones that
   * were still read) that no statement reads any more.
   */
  async collect(released: readonly string[], connect: () => Promise<{ conn: DuckDBConnection; done: () => void }>): Promise<void> {
    for (const s of released) this.#released.add(s);
    const droppable = [...this.#released].filter((s) => !this.#readers.has(s));
    if (droppable.length === 0) return;
    for (const s of droppable) this.#released.delete(s);
    const { conn, done } = await connect();
    try {
      for (const s of droppable) {
        this.#existing.delete(s);
        await conn.run(`DROP TABLE IF EXISTS ${snapshotTable(s)}`).catch(() => undefined);
      }
    } finally {
      done();
    }
  }

  /** Snapshots not dropped yet (for leak checks). */
  get live(): number {
    return this.#existing.size;
  }
}

/** `main."<snapshot>"`. */
function snapshotTable(snapshot: string): string {
  return `${SNAPSHOT_SCHEMA}.${duckIdent(snapshot)}`;
}

/** Stale reads of one statement: tokens to write in place of table names, and the snapshots they read. */
export interface StaleReads {
  /** By the offset of the token they replace (see TokenCursor's `replacements`). */
  readonly replacements: ReadonlyMap<number, Token>;
  readonly snapshots: readonly string[];
}

/**
 * For each table the statement reads whose newest write has not reached this
 * coordinator, the tokens that read the snapshot of the version it knows instead,
 * keeping the name the query uses for it (`t` becomes
 * `main."__impala_snapshot_3" AS t` unless it has an alias). Tables written
 * (INSERT, UPDATE and DELETE targets) are not replaced: writes go to the table.
 *
 * @param sig - the statement's significant tokens, which `refs` point into.
 */
export function staleReads(sig: readonly Token[], refs: readonly TableReference[], view: CatalogView, database: string): StaleReads {
  const replacements = new Map<number, Token>();
  const snapshots: string[] = [];
  for (const ref of refs) {
    if (ref.role !== 'source' || ref.tokens === undefined || ref.tokens.length === 0) continue;
    const q = qualify(ref.table, database);
    const snapshot = view.dataSource(q.db, q.name);
    if (snapshot === undefined) continue;
    const first = ref.tokens[0] as Token;
    const last = ref.tokens[ref.tokens.length - 1] as Token;
    const next = sig[sig.indexOf(last) + 1];
    const aliased = next !== undefined && (next.kind === 'ident' || (next.kind === 'word' && !NOT_ALIASES.has(next.value)));
    const text = `${snapshotTable(snapshot)}${aliased ? '' : ` AS ${duckIdent(ref.table.name)}`}`;
    // `number` tokens are copied as they are by the dialect rewrite.
    replacements.set(first.start, { kind: 'number', text, value: text, start: first.start, end: last.end });
    for (const t of ref.tokens.slice(1)) replacements.set(t.start, { kind: 'number', text: '', value: '', start: t.start, end: t.end });
    snapshots.push(snapshot);
  }
  return { replacements, snapshots };
}
