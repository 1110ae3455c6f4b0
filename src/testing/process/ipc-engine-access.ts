import { SimSqlError } from '../engine/types';
import type { EncodedBatch, ExecutedStatement, PlannedStatement, StatementContext } from '../engine/types';
import type { EngineAccess, ExecutionRecord } from '../engine-access';
import { type PackedBatch, unpackBatch } from './batch-packing';
import type { EngineMethod, FromChild, ToChild } from './ipc-messages';

/**
 * The engine as a coordinator child process sees it: every call is a message to
 * the parent, which owns the SQL engine, and its reply. Calls fail when the channel
 * to the parent is gone (the child is then about to exit).
 *
 * @internal
 */
export class IpcEngineAccess implements EngineAccess {
  readonly defaultQueryOptions: Readonly<Record<string, string>>;
  readonly #send: (msg: FromChild) => boolean;
  readonly #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  #nextId = 1;

  constructor(defaultQueryOptions: Record<string, string>, send: (msg: FromChild) => boolean) {
    this.defaultQueryOptions = Object.freeze({ ...defaultQueryOptions });
    this.#send = send;
  }

  plan(sql: string, ctx: StatementContext): Promise<PlannedStatement> {
    return this.#call('plan', [sql, ctx]) as Promise<PlannedStatement>;
  }

  execute(id: string, record: ExecutionRecord): Promise<ExecutedStatement> {
    return this.#call('execute', [id, record]) as Promise<ExecutedStatement>;
  }

  async fetch(id: string, maxRows: number): Promise<EncodedBatch> {
    return unpackBatch((await this.#call('fetch', [id, maxRows])) as PackedBatch);
  }

  async cancel(id: string): Promise<void> {
    await this.#call('cancel', [id]);
  }

  async release(id: string): Promise<void> {
    await this.#call('release', [id]);
  }

  /** Delivers the parent's reply. */
  settle(msg: Extract<ToChild, { type: 'engine-reply' }>): void {
    const pending = this.#pending.get(msg.id);
    if (pending === undefined) return;
    this.#pending.delete(msg.id);
    if (msg.ok) pending.resolve(msg.value);
    else pending.reject(new SimSqlError(msg.error.message, msg.error.sqlState));
  }

  /** Fails every pending call (channel closed). */
  failAll(reason: string): void {
    for (const p of this.#pending.values()) p.reject(new Error(reason));
    this.#pending.clear();
  }

  #call(method: EngineMethod, args: unknown[]): Promise<unknown> {
    const id = this.#nextId++;
    return new Promise<unknown>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      if (!this.#send({ type: 'engine', id, method, args })) {
        this.#pending.delete(id);
        reject(new Error('the simulator parent process is gone'));
      }
    });
  }
}
