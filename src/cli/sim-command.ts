import { parseArgs } from 'node:util';
import type { SimClusterOptions } from '../testing/types';
import { type CliIo, EXIT_USAGE } from './cli-io';
import { UsageError } from './usage-error';

/** Help text of `impala-ha sim`. */
export const SIM_USAGE = `Usage: impala-ha sim [options]

Starts a simulated Impala cluster (HS2 coordinators, each also serving HS2 over
HTTP and Beeswax, over one in-memory DuckDB database), prints its connection URLs
(binary HS2 first, then 'hs2-http:' and 'beeswax:') and serves until interrupted
(Ctrl-C).

Options:
  --coordinators <n>      number of coordinators (default 3)
  --base-port <port>      coordinator i listens on port+i (default: free ports)
  --http-base-port <port> coordinator i serves HS2 over HTTP on port+i (default: free ports)
  --beeswax-base-port <port>
                          coordinator i serves Beeswax on port+i (default: free ports)
  --host <address>        address to listen on (default 127.0.0.1)
  --catalog-lag-ms <ms>   delay before DDL is visible on other coordinators (default 0)
  --processes             run each coordinator as a child process
  --users <u:p,...>       require SASL PLAIN (HTTP: Basic) with these users and passwords
  -h, --help              show this help`;

function integer(flag: string, raw: string | undefined, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < min || n > max) throw new UsageError(`${flag} must be an integer from ${min} to ${max}, got '${raw}'`);
  return n;
}

function users(raw: string | undefined): Record<string, string> | undefined {
  if (raw === undefined) return undefined;
  const out: Record<string, string> = {};
  for (const entry of raw.split(',')) {
    const colon = entry.indexOf(':');
    // Never echo the entry: it holds a password.
    if (colon <= 0) throw new UsageError(`--users takes user:password pairs separated by commas; entry ${Object.keys(out).length + 1} has no user name or no ':'`);
    out[entry.slice(0, colon)] = entry.slice(colon + 1);
  }
  return out;
}

/** Parses `sim` arguments into cluster options; `'help'` when help was asked for. */
export function parseSimArgs(args: string[]): SimClusterOptions | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        coordinators: { type: 'string' },
        'base-port': { type: 'string' },
        'http-base-port': { type: 'string' },
        'beeswax-base-port': { type: 'string' },
        host: { type: 'string' },
        'catalog-lag-ms': { type: 'string' },
        processes: { type: 'boolean' },
        users: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const v = parsed.values;
  if (v.help === true) return 'help';
  const options: SimClusterOptions = {};
  const coordinators = integer('--coordinators', v.coordinators, 1, 64);
  if (coordinators !== undefined) options.coordinators = coordinators;
  const basePort = integer('--base-port', v['base-port'], 1, 65535);
  if (basePort !== undefined) options.basePort = basePort;
  const httpBasePort = integer('--http-base-port', v['http-base-port'], 1, 65535);
  if (httpBasePort !== undefined) options.httpBasePort = httpBasePort;
  const beeswaxBasePort = integer('--beeswax-base-port', v['beeswax-base-port'], 1, 65535);
  if (beeswaxBasePort !== undefined) options.beeswaxBasePort = beeswaxBasePort;
  const lag = integer('--catalog-lag-ms', v['catalog-lag-ms'], 0, 3_600_000);
  if (lag !== undefined) options.catalogLagMs = lag;
  if (v.host !== undefined) options.host = v.host;
  if (v.processes === true) options.processes = true;
  const u = users(v.users);
  if (u !== undefined) options.users = u;
  return options;
}

/** Runs `impala-ha sim`; resolves with the exit status once the cluster has stopped. */
export async function runSim(args: string[], io: CliIo): Promise<number> {
  let options: SimClusterOptions | 'help';
  try {
    options = parseSimArgs(args);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.err(`impala-ha sim: ${err.message}`);
    io.err("Run 'impala-ha sim --help' for the options.");
    return EXIT_USAGE;
  }
  if (options === 'help') {
    io.out(SIM_USAGE);
    return 0;
  }
  // Loaded here: the simulator needs the optional DuckDB engine, other commands do not.
  const { startCluster } = require('../testing') as typeof import('../testing');
  const cluster = await startCluster(options);
  try {
    io.out(cluster.url);
    io.out(`hs2-http: ${cluster.urlFor('hs2-http')}`);
    io.out(`beeswax: ${cluster.urlFor('beeswax')}`);
    for (const c of cluster.coordinators) {
      io.out(`coordinator ${c.index}: ${c.address}, HTTP ${c.httpAddress}, beeswax ${c.beeswaxAddress}${c.pid === undefined ? '' : ` (pid ${c.pid})`}`);
    }
    if (options.users !== undefined) io.out(`SASL PLAIN users: ${Object.keys(options.users).join(', ')}`);
    io.out('Serving; press Ctrl-C to stop.');
    const signal = await io.untilStopped();
    io.err(`${signal}: stopping the simulator`);
  } finally {
    await cluster.stop();
  }
  return 0;
}
