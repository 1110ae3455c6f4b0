import * as fs from 'node:fs';
import { createClient, type ImpalaClient } from '../client';
import type { ExecuteResult } from '../protocol/call-options';
import type { ColumnInfo } from '../protocol/hs2/result-metadata';
import { statementKind } from '../retry/statement-kind';
import type { Session } from '../session/session';
import { ErrorCode, ImpalaError } from '../errors';
import { type CliIo, EXIT_USAGE } from './cli-io';
import { delimitedLine, renderTable } from './format-rows';
import { Progress } from './progress';
import { parseQueryArgs, QUERY_USAGE, type QueryPlan } from './query-args';
import { UsageError } from './usage-error';

/** Exit status when a statement failed. */
export const EXIT_FAILED = 1;
/** Exit status when no coordinator could be reached. */
export const EXIT_UNREACHABLE = 3;

/** Runs `impala-ha query`; resolves with the exit status. */
export async function runQuery(args: string[], io: CliIo, readStdin: () => string = () => fs.readFileSync(0, 'utf8')): Promise<number> {
  let plan: QueryPlan | 'help';
  let client: ImpalaClient;
  try {
    plan = parseQueryArgs(args, readStdin);
    if (plan === 'help') {
      io.out(QUERY_USAGE);
      return 0;
    }
    client = createClient(plan.client);
  } catch (err) {
    if (!(err instanceof UsageError) && !(err instanceof ImpalaError)) throw err;
    io.err(`impala-ha query: ${oneLine(err instanceof ImpalaError ? `${err.code}: ${err.message}` : err.message)}`);
    io.err("Run 'impala-ha query --help' for the options.");
    return EXIT_USAGE;
  }
  for (const w of client.options.warnings) io.err(`WARNING: ${w}`);
  try {
    // SET and USE only mean something on one session: pin the whole script to one.
    if (plan.statements.some((s) => statementKind(s) === 'session')) {
      return await client.withSession((session) => runAll(plan, io, client, session));
    }
    return await runAll(plan, io, client, undefined);
  } catch (err) {
    return report(io, err);
  } finally {
    await client.close();
  }
}

async function runAll(plan: QueryPlan, io: CliIo, client: ImpalaClient, session: Session | undefined): Promise<number> {
  let status = 0;
  for (const sql of plan.statements) {
    try {
      await runOne(plan, io, client, session, sql);
    } catch (err) {
      status = report(io, err);
      if (!plan.continueOnError || status === EXIT_UNREACHABLE) return status;
    }
  }
  return status;
}

async function runOne(plan: QueryPlan, io: CliIo, client: ImpalaClient, session: Session | undefined, sql: string): Promise<void> {
  const started = performance.now();
  const progress = new Progress({ isTty: io.errIsTty === true && io.errRaw !== undefined, write: (t) => io.errRaw?.(t) }, 'running');
  const options = { rowMode: 'array' as const, queryOptions: plan.queryOptions };
  const seconds = (): string => ((performance.now() - started) / 1000).toFixed(2);
  try {
    if (statementKind(sql) !== 'read') {
      const r: ExecuteResult = session ? await session.execute(sql, options) : await client.execute(sql, options);
      progress.stop();
      if (!plan.quiet) io.err(r.rowsModified !== undefined ? `Modified ${r.rowsModified} row(s) in ${seconds()}s` : `Done in ${seconds()}s`);
      return;
    }
    let count: number;
    if (session) {
      const r = await session.query<unknown[]>(sql, options);
      progress.stop();
      count = await print(plan, io, r.columns, toAsync([r.rows]));
    } else {
      const stream = client.stream<unknown[]>(sql, options);
      count = await print(plan, io, () => stream.columns, batches(stream), progress);
    }
    progress.stop();
    if (!plan.quiet) io.err(`Fetched ${count} row(s) in ${seconds()}s`);
  } finally {
    progress.stop();
  }
}

/**
 * Writes rows as they arrive (`-B`) or as one table at the end. `columns` is a getter
 * for streams: their columns are known once the first row (or the end) has come.
 */
async function print(
  plan: QueryPlan,
  io: CliIo,
  columns: ColumnInfo[] | (() => ColumnInfo[] | undefined),
  rows: AsyncIterable<unknown[][]>,
  progress?: Progress,
): Promise<number> {
  const names = (): string[] => (typeof columns === 'function' ? columns() : columns)?.map((c) => c.name) ?? [];
  const write = io.write ?? ((text: string) => Promise.resolve(io.out(text.replace(/\n$/, ''))));
  let count = 0;
  if (!plan.delimited) {
    const all: unknown[][] = [];
    for await (const batch of rows) all.push(...batch);
    progress?.stop();
    if (names().length > 0) await write(`${renderTable(names(), all)}\n`);
    return all.length;
  }
  let headerDone = !plan.printHeader;
  for await (const batch of rows) {
    progress?.stop();
    let text = '';
    if (!headerDone && batch.length > 0) {
      text += `${names().join(plan.delimiter)}\n`;
      headerDone = true;
    }
    for (const row of batch) text += `${delimitedLine(row, plan.delimiter)}\n`;
    count += batch.length;
    if (text !== '') await write(text);
  }
  if (!headerDone && names().length > 0) await write(`${names().join(plan.delimiter)}\n`);
  return count;
}

/** Groups a stream's rows into batches of up to 1024, so output is written in chunks. */
async function* batches(stream: AsyncIterable<unknown[]>): AsyncGenerator<unknown[][]> {
  let batch: unknown[][] = [];
  for await (const row of stream) {
    batch.push(row);
    if (batch.length >= 1024) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

async function* toAsync<T>(items: T[]): AsyncGenerator<T> {
  yield* items;
}

/** Prints a failure as one line with its code; returns the exit status it maps to. */
function report(io: CliIo, err: unknown): number {
  if (!(err instanceof ImpalaError)) {
    io.err(`ERROR: ${oneLine(err instanceof Error ? err.message : String(err))}`);
    return EXIT_FAILED;
  }
  io.err(`ERROR: ${err.code}: ${oneLine(err.message)}`);
  return err.family === 'connect' || err.code === ErrorCode.NO_COORDINATOR ? EXIT_UNREACHABLE : EXIT_FAILED;
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
