/** Where the command writes and what stops a long-running subcommand; tests pass their own. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  /** Resolves when the process should stop serving (SIGINT/SIGTERM by default). */
  untilStopped(): Promise<string>;
}

/** Exit status for a usage error (unknown flag, bad value), as most CLIs use. */
export const EXIT_USAGE = 2;

/** stdout/stderr and the process's SIGINT/SIGTERM. */
export const processIo: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  untilStopped: () =>
    new Promise<string>((resolve) => {
      const onSignal = (signal: NodeJS.Signals): void => {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        resolve(signal);
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
    }),
};
