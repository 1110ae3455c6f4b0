/**
 * The simulated Impala catalog: which databases and tables each coordinator knows,
 * with catalog propagation lag (protocol reference §5.3).
 *
 * Model: every DDL appends a change to one ordered log, like catalogd's versions on
 * the statestore topic. A change is applied on the coordinator that made it at once
 * and on the others `lagMs` later; because the topic is ordered, a coordinator that
 * has a change also has every earlier one. INVALIDATE METADATA / REFRESH (and a
 * coordinator restart) bring a coordinator fully up to date.
 *
 * Data travels the same way: a write (INSERT, UPDATE, TRUNCATE...) is a `data`
 * change that names a snapshot of the table as it was before the write. A
 * coordinator that has not received the change yet reads the snapshot, like an
 * impalad that still lists the table's old files.
 *
 * @internal
 */

/** A column as declared by Impala DDL. */
export interface DeclaredColumn {
  /** Lower-case name. */
  readonly name: string;
  /** Impala's type text, e.g. `char(5)`. */
  readonly type: string;
  readonly comment: string;
}

/** What the catalog keeps about a table or view beyond what DuckDB stores. */
export interface TableInfo {
  readonly kind: 'TABLE' | 'VIEW';
  /** Columns with their Impala types, when created by Impala DDL (empty for seeded tables). */
  readonly columns: readonly DeclaredColumn[];
  /** Partition column names, in order (stored as the last ordinary columns). */
  readonly partitionColumns: readonly string[];
  readonly comment: string;
  /** `STORED AS` format, upper case; `TEXTFILE` when not given. */
  readonly fileFormat: string;
}

/** A table with no Impala-declared metadata (created by {@link seed} or by DuckDB SQL). */
export const PLAIN_TABLE: TableInfo = { kind: 'TABLE', columns: [], partitionColumns: [], comment: '', fileFormat: 'TEXTFILE' };

/** One catalog change made by a DDL statement. */
export type CatalogChange =
  | { readonly op: 'createDatabase'; readonly db: string; readonly comment: string }
  | { readonly op: 'dropDatabase'; readonly db: string }
  | { readonly op: 'createTable'; readonly db: string; readonly table: string; readonly info: TableInfo }
  | { readonly op: 'alterTable'; readonly db: string; readonly table: string; readonly info: TableInfo }
  | { readonly op: 'dropTable'; readonly db: string; readonly table: string }
  /** The table's data changed; `snapshot` is the engine table holding the data as it was before. */
  | { readonly op: 'data'; readonly db: string; readonly table: string; readonly snapshot: string };

interface DatabaseState {
  readonly comment: string;
  readonly tables: Map<string, TableInfo>;
}

type State = Map<string, DatabaseState>;

/** Origin of changes that every coordinator has at once. */
const EVERYWHERE = -1;

interface LoggedChange {
  readonly seq: number;
  readonly change: CatalogChange;
  readonly origin: number;
  /** When the change took effect on its origin, ms on the catalog's clock. */
  readonly at: number;
  /** How much later the other coordinators get it, ms. */
  readonly lagMs: number;
}

/** What one coordinator currently knows. */
export interface CatalogView {
  /**
   * Identifies this state of the catalog as a coordinator sees it: two views with
   * the same version hold the same databases, tables and data sources (plan
   * caches key on it).
   */
  readonly version: string;
  hasDatabase(db: string): boolean;
  table(db: string, table: string): TableInfo | undefined;
  /** Database names with comments, sorted. */
  databases(): Array<{ name: string; comment: string }>;
  /** Table names of a database, sorted; empty for an unknown database. */
  tables(db: string): string[];
  /**
   * Where this coordinator reads the table's data from: the snapshot of the
   * version it knows when a newer write has not reached it yet, else `undefined`
   * (the table itself).
   */
  dataSource(db: string, table: string): string | undefined;
}

function applyChange(state: State, change: CatalogChange): void {
  switch (change.op) {
    case 'createDatabase':
      if (!state.has(change.db)) state.set(change.db, { comment: change.comment, tables: new Map() });
      break;
    case 'dropDatabase':
      state.delete(change.db);
      break;
    case 'createTable':
    case 'alterTable':
      state.get(change.db)?.tables.set(change.table, change.info);
      break;
    case 'dropTable':
      state.get(change.db)?.tables.delete(change.table);
      break;
    case 'data':
      // Data lives in the engine; the catalog only orders it.
      break;
  }
}

function cloneState(state: State): State {
  return new Map([...state].map(([name, db]) => [name, { comment: db.comment, tables: new Map(db.tables) }]));
}

function viewOf(version: string, state: State, stale: ReadonlyMap<string, string> = new Map()): CatalogView {
  return {
    version,
    dataSource: (db, table) => stale.get(`${db}.${table}`),
    hasDatabase: (db) => state.has(db),
    table: (db, table) => state.get(db)?.tables.get(table),
    databases: () =>
      [...state].map(([name, db]) => ({ name, comment: db.comment })).sort((a, b) => a.name.localeCompare(b.name)),
    tables: (db) => [...(state.get(db)?.tables.keys() ?? [])].sort(),
  };
}

/** The catalog shared by the simulated coordinators. */
export class Catalog {
  readonly #now: () => number;
  /** Changes every coordinator has. */
  readonly #base: State = new Map();
  /** Changes some coordinator may still lack, in order. */
  readonly #pending: LoggedChange[] = [];
  /** Per coordinator, the highest sequence number it was brought up to explicitly. */
  readonly #caughtUp = new Map<number, number>();
  /** Snapshots of data changes every coordinator now has, for the engine to drop. */
  readonly #released: string[] = [];
  #seq = 0;
  /** Sequence number of the newest change folded into the base state (every older one is there too). */
  #folded = 0;

  /** @param now - the clock, in ms (injectable for tests). */
  constructor(now: () => number = () => performance.now()) {
    this.#now = now;
  }

  /**
   * Records changes made through `origin`.
   *
   * @param lagMs - delay before the other coordinators see them; 0 = everywhere at once.
   */
  record(changes: readonly CatalogChange[], origin: number, lagMs: number): void {
    const at = this.#now();
    for (const change of changes) {
      this.#pending.push({ seq: ++this.#seq, change, origin, at, lagMs });
    }
    this.#fold();
  }

  /** Applies changes to every coordinator at once (tables seeded outside Impala DDL). */
  recordEverywhere(changes: readonly CatalogChange[]): void {
    this.record(changes, EVERYWHERE, 0);
  }

  /** Brings a coordinator up to date with every change so far (INVALIDATE METADATA, restart). */
  catchUp(coordinator: number): void {
    this.#caughtUp.set(coordinator, this.#seq);
    this.#fold();
  }

  /**
   * The version of what `coordinator` knows now (see {@link CatalogView.version}),
   * without building the view.
   */
  versionFor(coordinator: number): string {
    this.#fold();
    return `${this.#seq}:${this.#seen(coordinator, this.#now())}`;
  }

  /** What `coordinator` knows now. */
  viewFor(coordinator: number): CatalogView {
    this.#fold();
    const now = this.#now();
    const seen = this.#seen(coordinator, now);
    const version = `${this.#seq}:${seen}`;
    if (this.#pending.length === 0) return viewOf(version, this.#base);
    const state = cloneState(this.#base);
    const stale = new Map<string, string>();
    for (const entry of this.#pending) {
      // Seeded changes are everywhere at once without implying the DDL logged before them.
      if (entry.seq <= seen || entry.origin === EVERYWHERE) {
        applyChange(state, entry.change);
        continue;
      }
      const change = entry.change;
      // The oldest write this coordinator lacks holds the data as it last knew it.
      if (change.op === 'data' && !stale.has(`${change.db}.${change.table}`)) stale.set(`${change.db}.${change.table}`, change.snapshot);
    }
    return viewOf(version, state, stale);
  }

  /**
   * The newest change `coordinator` has: with the log's length, it decides the
   * whole view (every change up to it applies, later data changes are stale).
   */
  #seen(coordinator: number, now: number): number {
    let seen = Math.max(this.#caughtUp.get(coordinator) ?? 0, this.#folded);
    for (const entry of this.#pending) {
      if (entry.origin === EVERYWHERE) continue;
      if (entry.origin === coordinator || entry.at + entry.lagMs <= now) seen = Math.max(seen, entry.seq);
    }
    return seen;
  }

  /** Snapshots no coordinator reads any more (their change reached everyone), once each. */
  takeReleased(): string[] {
    this.#fold();
    return this.#released.splice(0);
  }

  /** The latest state, regardless of propagation (what catalogd and DuckDB hold). */
  latest(): CatalogView {
    const state = cloneState(this.#base);
    for (const entry of this.#pending) applyChange(state, entry.change);
    return viewOf(`${this.#seq}:${this.#seq}`, state);
  }

  /** Moves changes every coordinator has into the base state, oldest first. */
  #fold(): void {
    const now = this.#now();
    while (this.#pending.length > 0) {
      const head = this.#pending[0] as LoggedChange;
      if (head.origin !== EVERYWHERE && head.at + head.lagMs > now) break;
      applyChange(this.#base, head.change);
      if (head.change.op === 'data') this.#released.push(head.change.snapshot);
      this.#folded = head.seq;
      this.#pending.shift();
    }
  }
}
