import type { EncodedBatch, EncodedColumn, ExecutedStatement } from '../engine/types';
import type { EngineAccess, ExecutionRecord } from '../engine-access';
import { sliceColumn } from './batch-slices';
import type { OperationRunner } from './sim-operation';

/**
 * Runs a planned statement on the shared SQL engine. The engine waits out any
 * `sleep(ms)` inside `execute` and makes `cancel` stop it.
 *
 * @internal
 */
export class EngineStatementRunner implements OperationRunner {
  readonly #engine: EngineAccess;
  readonly #statementId: string;
  readonly #record: ExecutionRecord;
  #released = false;

  constructor(engine: EngineAccess, statementId: string, record: ExecutionRecord) {
    this.#engine = engine;
    this.#statementId = statementId;
    this.#record = record;
  }

  run(): Promise<ExecutedStatement> {
    return this.#engine.execute(this.#statementId, this.#record);
  }

  fetch(maxRows: number): Promise<EncodedBatch> {
    return this.#engine.fetch(this.#statementId, maxRows);
  }

  cancel(): Promise<void> {
    return this.#engine.cancel(this.#statementId);
  }

  async release(): Promise<void> {
    if (this.#released) return;
    this.#released = true;
    await this.#engine.release(this.#statementId);
  }
}

/**
 * Serves rows built in place (metadata operations such as GetTables): the result is
 * ready as soon as the operation runs, and is handed out in batches of `maxRows`.
 *
 * @internal
 */
export class StaticResultRunner implements OperationRunner {
  readonly #produce: () => Promise<EncodedColumn[]>;
  #columns: EncodedColumn[] = [];
  #rows = 0;
  #offset = 0;
  #produced = false;

  /** @param produce builds the whole result (it is small) when the operation runs. */
  constructor(produce: () => Promise<EncodedColumn[]>) {
    this.#produce = produce;
  }

  /** Builds the result; later calls keep it (the metadata RPC builds it before registering the query). */
  async run(): Promise<ExecutedStatement> {
    if (this.#produced) return {};
    this.#columns = await this.#produce();
    this.#rows = this.#columns[0]?.values.length ?? 0;
    this.#produced = true;
    return {};
  }

  async fetch(maxRows: number): Promise<EncodedBatch> {
    const start = this.#offset;
    const end = Math.min(this.#rows, start + maxRows);
    this.#offset = end;
    return { columns: this.#columns.map((c) => sliceColumn(c, start, end)), rowCount: end - start, done: end >= this.#rows };
  }

  async cancel(): Promise<void> {}

  async release(): Promise<void> {
    this.#columns = [];
  }
}
