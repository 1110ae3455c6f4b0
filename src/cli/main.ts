import { type CliIo, EXIT_USAGE, processIo } from './cli-io';
import { runSim } from './sim-command';

/** Top-level help of the `impala-ha` command. */
export const USAGE = `Usage: impala-ha <command> [options]

Commands:
  sim     start a simulated Impala cluster and serve until interrupted

Run 'impala-ha <command> --help' for a command's options.`;

/**
 * Entry point of the `impala-ha` command (bin/impala-ha.js). Resolves with the exit
 * status: 0 on success, 2 on a usage error.
 *
 * @param argv arguments after the program name, e.g. `['sim', '--coordinators', '3']`.
 * @param io output and stop signal; defaults to the process's stdout/stderr and SIGINT/SIGTERM.
 */
export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'sim':
      return runSim(rest, io);
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
