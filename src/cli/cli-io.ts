/** Where the command writes and what stops a long-running subcommand; tests pass their own. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  /**
   * Writes result text to stdout and resolves once the stream can take more, so a
   * large result piped into a slow reader never piles up in memory. Default: `out`.
   */
  write?(text: string): Promise<void>;
  /** True when stderr is a terminal: only then does a long query show a ticker. */
  errIsTty?: boolean;
  /** Writes to stderr without a newline (the ticker redraws its line with `\r`). */
  errRaw?(text: string): void;
  /** Resolves when the process should stop serving (SIGINT/SIGTERM by default). */
  untilStopped(): Promise<string>;
}

/** Exit status for a usage error (unknown flag, bad value), as most CLIs use. */
export const EXIT_USAGE = 2;

/** stdout/stderr and the process's SIGINT/SIGTERM. */
export const processIo: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  write: (text) =>
    new Promise<void>((resolve, reject) => {
      // A closed pipe (`| head`) ends the wait too: the command stops at its next write.
      const ok = process.stdout.write(text, (err) => (err ? reject(err) : undefined));
      if (ok) resolve();
      else process.stdout.once('drain', resolve);
    }),
  errIsTty: process.stderr.isTTY === true,
  errRaw: (text) => process.stderr.write(text),
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
