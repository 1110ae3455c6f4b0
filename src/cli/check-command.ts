import { parseArgs } from 'node:util';
import type { ClientOptions } from '../connection-string/options';
import { formatConnectionString } from '../connection-string/format';
import { resolveOptions } from '../connection-string/resolve';
import { ImpalaError } from '../errors';
import { type CliIo, EXIT_USAGE } from './cli-io';
import { probeCoordinator, type ProbeReport, type StepResult } from './coordinator-probe';
import { usage, UsageError } from './usage-error';

/** Help text of `impala-ha check`. */
export const CHECK_USAGE = `Usage: impala-ha check [URL] [options]

Checks every coordinator of a connection string, one step at a time: TCP connect,
TLS handshake (when configured), authentication and OpenSession, then three
PingImpalaHS2Service calls for the version and the round-trip latency.

URL is any connection string impala-ha accepts (impala://, impalas://, jdbc:impala://,
jdbc:hive2://, host:port,host:port); without one, --url, -i or IMPALA_URL is used.

Options:
  --url <url>             connection string (instead of the positional URL)
  -i, --impalad <h:p,..>  coordinator(s), comma-separated
  --timeout_ms <ms>       bound on each connect and each call (default 5000)
  --json                  print one JSON document instead of text
  -h, --help              show this help

Exit status: 0 every coordinator is up; 1 at least one is down; 2 usage error.`;

/** The JSON `check --json` prints. */
export interface CheckReport {
  /** The connection string checked, password redacted. */
  url: string;
  up: number;
  down: number;
  coordinators: ProbeReport[];
}

/** Runs `impala-ha check`; resolves with the exit status. */
export async function runCheck(args: string[], io: CliIo): Promise<number> {
  let options;
  let shown: string;
  let json = false;
  try {
    const { values: v, positionals } = usage(() =>
      parseArgs({
        args,
        strict: true,
        allowPositionals: true,
        options: {
          url: { type: 'string' },
          impalad: { type: 'string', short: 'i' },
          timeout_ms: { type: 'string' },
          json: { type: 'boolean' },
          help: { type: 'boolean', short: 'h' },
        },
      }),
    );
    if (v.help === true) {
      io.out(CHECK_USAGE);
      return 0;
    }
    json = v.json === true;
    const given = [positionals[0], v.url, v.impalad].filter((x) => x !== undefined);
    if (given.length > 1 || positionals.length > 1) throw new UsageError('give one connection string: a URL argument, --url or -i');
    const timeout = v.timeout_ms ?? '5000';
    if (!/^\d+$/.test(timeout) || Number(timeout) < 1) throw new UsageError(`--timeout_ms must be a positive integer of ms, got '${timeout}'`);
    const target: ClientOptions = {};
    if (positionals[0] !== undefined || v.url !== undefined) target.url = (positionals[0] ?? v.url)!;
    if (v.impalad !== undefined) target.coordinators = v.impalad;
    // Shown without the check's own time bounds, and without the password.
    shown = formatConnectionString(resolveOptions(target), { omitDefaults: true });
    options = resolveOptions({ ...target, connectTimeoutMs: Number(timeout), rpcTimeoutMs: Number(timeout) });
  } catch (err) {
    if (!(err instanceof UsageError) && !(err instanceof ImpalaError)) throw err;
    io.err(`impala-ha check: ${err instanceof ImpalaError ? `${err.code}: ${err.message}` : err.message}`);
    io.err("Run 'impala-ha check --help' for the options.");
    return EXIT_USAGE;
  }
  const reports = await Promise.all(options.coordinators.map((address) => probeCoordinator(options, address)));
  const up = reports.filter((r) => r.up).length;
  const report: CheckReport = { url: shown, up, down: reports.length - up, coordinators: reports };
  if (json) io.out(JSON.stringify(report, null, 2));
  else printText(io, report);
  return report.down === 0 ? 0 : 1;
}

function printText(io: CliIo, report: CheckReport): void {
  io.out(`${report.url}: ${report.up} of ${report.coordinators.length} coordinator(s) up`);
  for (const r of report.coordinators) {
    io.out(`${r.coordinator}  ${r.up ? 'UP' : 'DOWN'}`);
    for (const [name, step] of Object.entries(r.steps) as [string, StepResult][]) io.out(`  ${name.padEnd(8)}${describeStep(step)}`);
  }
}

function describeStep(step: StepResult): string {
  const ms = step.ms !== undefined ? ` ${step.ms.toFixed(1)} ms` : '';
  if (step.status === 'failed') return `FAILED${ms}  ${step.error!.code}: ${step.error!.message}`;
  if (step.status === 'skipped') return `skipped  ${step.detail ?? ''}`;
  return `ok${ms}${step.detail ? `  ${step.detail}` : ''}`;
}
