import type { RequestExecutor, RequestSpec } from './request-executor';
import type { AttemptResult } from '../retry/attempt-loop';
import type { ProtocolSession } from '../protocol/protocol-session';
import type { ColumnInfo } from '../protocol/hs2/result-metadata';

/** The per-session stream the client wraps: batches of rows, plus columns/queryId once known. */
interface SessionStream<Row> {
  batches(): AsyncGenerator<Row[], void, undefined>;
  readonly columns?: ColumnInfo[] | undefined;
  readonly queryId?: string | undefined;
}

/**
 * Rows of a streamed query, as an async iterable. At most one fetched batch is held
 * in memory; leaving the loop early (`break`, `return`, an exception) cancels and
 * closes the query on the server and gives the connection back.
 *
 * Iterate it once.
 */
export class ResultStream<Row = Record<string, unknown>> implements AsyncIterable<Row> {
  #columns: ColumnInfo[] | undefined;
  #queryId: string | undefined;
  #coordinator: string | undefined;
  #attempts = 0;
  #started = false;
  readonly #executor: RequestExecutor;
  readonly #spec: RequestSpec;
  readonly #open: (session: ProtocolSession, signal: AbortSignal) => SessionStream<unknown>;
  readonly #track: (p: Promise<unknown>) => unknown;
  readonly #trace: (run: () => Promise<AttemptResult<void>>) => Promise<AttemptResult<void>>;

  /** @internal */
  constructor(
    executor: RequestExecutor,
    spec: RequestSpec,
    open: (session: ProtocolSession, signal: AbortSignal) => SessionStream<unknown>,
    track: (p: Promise<unknown>) => unknown,
    trace: (run: () => Promise<AttemptResult<void>>) => Promise<AttemptResult<void>> = (run) => run(),
  ) {
    this.#executor = executor;
    this.#spec = spec;
    this.#open = open;
    this.#track = track;
    this.#trace = trace;
  }

  /** Result columns, once the first row (or the end) has been reached. */
  get columns(): ColumnInfo[] | undefined {
    return this.#columns;
  }

  /** Impala query id of the attempt that delivers the rows. */
  get queryId(): string | undefined {
    return this.#queryId;
  }

  /** `host:port` of the coordinator that delivers the rows. */
  get coordinator(): string | undefined {
    return this.#coordinator;
  }

  /** Attempts made (more than 1 when a failure before the first row was retried). */
  get attempts(): number {
    return this.#attempts;
  }

  [Symbol.asyncIterator](): AsyncIterator<Row> {
    if (this.#started) throw new TypeError('a ResultStream can be iterated only once');
    this.#started = true;
    return this.#rows();
  }

  async *#rows(): AsyncGenerator<Row> {
    // The executor runs one attempt per call of `work`; rows flow out through a
    // channel while the attempt holds its lease, so a failure before the first row
    // is retried like any request and one after it is reported as is.
    const channel = new BatchChannel<Row>();
    const run = this.#trace(() => this.#executor.run(this.#spec, async (session, attempt) => {
      const progress = attempt.progress;
      this.#attempts = attempt.number;
      progress.statementSent = true;
      const stream = this.#open(session, attempt.signal);
      const it = stream.batches();
      try {
        for (;;) {
          const next = await it.next();
          this.#columns = stream.columns ?? this.#columns;
          this.#queryId = stream.queryId ?? this.#queryId;
          if (next.done) break;
          progress.rowsDelivered = true;
          this.#coordinator = session.coordinator;
          const wanted = await channel.push(next.value as Row[], attempt.signal);
          if (!wanted) break;
        }
      } finally {
        await it.return?.();
      }
      // Stopped by an abort while the consumer was not reading: an error, never a short result.
      if (attempt.signal.aborted) throw attempt.signal.reason;
    }));
    this.#track(run);
    run.then(
      (r) => {
        this.#coordinator = r.coordinator;
        channel.end();
      },
      (err: unknown) => channel.fail(err),
    );
    try {
      for (;;) {
        const item = await channel.pull();
        if (item.done) return;
        const rows = item.value;
        for (let i = 0; i < rows.length; i++) yield rows[i]!;
      }
    } finally {
      channel.cancel();
      await run.catch(() => undefined);
    }
  }
}

/**
 * A one-slot hand-off of row batches between the attempt (producer) and the caller's
 * loop (consumer): the producer fetches the next batch only once the consumer took
 * the previous one, so at most two batches are in memory.
 */
class BatchChannel<Row> {
  #waitingConsumer: ((r: IteratorResult<Row[]>) => void) | undefined;
  #waitingConsumerFail: ((e: unknown) => void) | undefined;
  #waitingProducer: ((wanted: boolean) => void) | undefined;
  #pending: Row[] | undefined;
  #done = false;
  #error: unknown;
  #failed = false;
  #cancelled = false;

  /**
   * Hands over a batch; resolves true when it was taken, false when the consumer left
   * or `signal` fired (the call was aborted or the client closed while the consumer
   * was not reading).
   */
  push(rows: Row[], signal?: AbortSignal): Promise<boolean> {
    if (this.#cancelled || signal?.aborted) return Promise.resolve(false);
    const consumer = this.#waitingConsumer;
    if (consumer) {
      this.#waitingConsumer = undefined;
      this.#waitingConsumerFail = undefined;
      consumer({ done: false, value: rows });
      return Promise.resolve(true);
    }
    this.#pending = rows;
    return new Promise<boolean>((resolve) => {
      const onAbort = (): void => {
        if (this.#waitingProducer !== settle) return;
        this.#waitingProducer = undefined;
        this.#pending = undefined;
        resolve(false);
      };
      const settle = (wanted: boolean): void => {
        signal?.removeEventListener('abort', onAbort);
        resolve(wanted);
      };
      this.#waitingProducer = settle;
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  pull(): Promise<IteratorResult<Row[]>> {
    const rows = this.#pending;
    if (rows !== undefined) {
      this.#pending = undefined;
      const producer = this.#waitingProducer;
      this.#waitingProducer = undefined;
      producer?.(true);
      return Promise.resolve({ done: false, value: rows });
    }
    if (this.#failed) return Promise.reject(this.#error);
    if (this.#done) return Promise.resolve({ done: true, value: undefined });
    return new Promise((resolve, reject) => {
      this.#waitingConsumer = resolve;
      this.#waitingConsumerFail = reject;
    });
  }

  end(): void {
    this.#done = true;
    this.#waitingConsumer?.({ done: true, value: undefined });
    this.#waitingConsumer = undefined;
  }

  fail(err: unknown): void {
    this.#failed = true;
    this.#error = err;
    this.#waitingConsumerFail?.(err);
    this.#waitingConsumer = undefined;
    this.#waitingConsumerFail = undefined;
  }

  /** The consumer left: the producer stops at its next batch. */
  cancel(): void {
    this.#cancelled = true;
    const producer = this.#waitingProducer;
    this.#waitingProducer = undefined;
    producer?.(false);
  }
}
