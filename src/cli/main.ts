import { runCheck } from './check-command';
import { type CliIo, EXIT_USAGE, processIo } from './cli-io';
import { runQuery } from './query-command';
import { runSim } from './sim-command';
import { packageVersion } from './version';

/** Top-level help of the `impala-ha` command. */
export const USAGE = `Usage: impala-ha <command> [options]

Commands:
  query   run SQL through the pool, like impala-shell -q / -f (-B for delimited output)
  check   check each coordinator of a connection string: TCP, TLS, auth, session, version, latency
  sim     start a simulated Impala cluster and serve until interrupted

Options:
  -h, --help      show this help
  -v, --version   print the impala-ha version

Run 'impala-ha <command> --help' for a command's options.`;

/**
 * Entry point of the `impala-ha` command (bin/impala-ha.js). Resolves with the exit
 * status: 0 on success, 2 on a usage error, otherwise what the command documents.
 *
 * @param argv arguments after the program name, e.g. `['sim', '--coordinators', '3']`.
 * @param io output and stop signal; defaults to the process's stdout/stderr and SIGINT/SIGTERM.
 */
export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'query':
      return runQuery(rest, io);
    case 'check':
      return runCheck(rest, io);
    case 'sim':
      return runSim(rest, io);
    case '-v':
    case '--version':
    case 'version':
      io.out(packageVersion());
      return 0;
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      io.out(USAGE);
      return command === undefined ? EXIT_USAGE : 0;
    default:
      io.err(`impala-ha: unknown command '${command}'`);
      io.err(USAGE);
      return EXIT_USAGE;
  }
}

// Lets `node --require tsx/cjs src/cli/main.ts sim` (and `node dist/src/cli/main.js`) run the command directly.
if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
