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
import { duckIdent, isSignificant, type Token } from './sql-lexer';
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

/** What {@link redirectStaleReads} did: the tokens to rewrite and the snapshots they read. */
export interface RedirectedReads {
  readonly tokens: readonly Token[];
  readonly snapshots: readonly string[];
}

/**
 * Replaces each table this coordinator reads whose newest write has not reached
 * it by the snapshot of the version it knows, keeping the name the query uses for
 * it (`t` becomes `main."__impala_snapshot_3" AS t` unless it has an alias).
 *
 * @param tokens - the statement's tokens (whitespace included) that contain `refs`.
 */
export function redirectStaleReads(tokens: readonly Token[], refs: readonly TableReference[], view: CatalogView, database: string): RedirectedReads {
  const swaps = new Map<Token, { ref: TableReference; snapshot: string }>();
  for (const ref of refs) {
    if (ref.role !== 'source' || ref.tokens === undefined) continue;
    const q = qualify(ref.table, database);
    const snapshot = view.dataSource(q.db, q.name);
    if (snapshot !== undefined) swaps.set(ref.tokens[0] as Token, { ref, snapshot });
  }
  if (swaps.size === 0) return { tokens, snapshots: [] };
  const out: Token[] = [];
  const snapshots: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    const swap = swaps.get(t);
    if (swap === undefined) {
      out.push(t);
      continue;
    }
    const nameTokens = swap.ref.tokens as readonly Token[];
    const last = nameTokens[nameTokens.length - 1] as Token;
    while (i < tokens.length && tokens[i] !== last) i++;
    const next = tokens.slice(i + 1).find(isSignificant);
    const aliased = next !== undefined && (next.kind === 'ident' || (next.kind === 'word' && !NOT_ALIASES.has(next.value)));
    const text = `${snapshotTable(swap.snapshot)}${aliased ? '' : ` AS ${duckIdent(swap.ref.table.name)}`}`;
    // The dialect rewrite copies `number` tokens as they are.
    out.push({ kind: 'number', text, value: text, start: t.start, end: last.end });
    snapshots.push(swap.snapshot);
  }
  return { tokens: out, snapshots };
}
