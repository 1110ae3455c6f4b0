import type { ColumnInfo } from './result-metadata';
import type { RowObject } from './row-decoder';

/** How a running stream reports what it learns about its query. @internal */
export interface RowStreamProgress {
  setQueryId(queryId: string): void;
  setColumns(columns: ColumnInfo[]): void;
}

/**
 * Rows of one statement on one coordinator session, as an async iterable that holds
 * at most one fetched batch in memory. The statement starts when iteration starts.
 * Leaving the loop early (`break`, `return`, a thrown exception) cancels and closes
 * the query on the server before the loop exits. Iterate it once.
 */
export class RowStream<R = RowObject> implements AsyncIterable<R> {
  #columns: ColumnInfo[] | undefined;
  #queryId: string | undefined;
  #started = false;
  readonly #produce: (progress: RowStreamProgress) => AsyncGenerator<R[], void, undefined>;

  /** @internal */
  constructor(produce: (progress: RowStreamProgress) => AsyncGenerator<R[], void, undefined>) {
    this.#produce = produce;
  }

  /** Result columns, once the statement has been planned (before the first row). */
  get columns(): ColumnInfo[] | undefined {
    return this.#columns;
  }

  /** Impala query id, once ExecuteStatement has answered. */
  get queryId(): string | undefined {
    return this.#queryId;
  }

  [Symbol.asyncIterator](): AsyncGenerator<R, void, undefined> {
    return flatten(this.batches());
  }

  /**
   * The same rows, one decoded batch (up to `fetchSize` rows) at a time: fewer
   * promise hand-offs than row by row, for consumers that can take arrays. Either this
   * or row iteration, once.
   */
  batches(): AsyncGenerator<R[], void, undefined> {
    if (this.#started) throw new TypeError('a RowStream can be iterated only once');
    this.#started = true;
    return this.#produce({
      setQueryId: (id) => {
        this.#queryId = id;
      },
      setColumns: (columns) => {
        this.#columns = columns;
      },
    });
  }
}

async function* flatten<R>(batches: AsyncGenerator<R[], void, undefined>): AsyncGenerator<R, void, undefined> {
  // for-await calls return() on the inner generator when the consumer leaves early,
  // which is what cancels and closes the query.
  for await (const rows of batches) {
    for (let i = 0; i < rows.length; i++) yield rows[i]!;
  }
}
