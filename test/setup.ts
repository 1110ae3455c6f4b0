// Global test guards: an unhandled rejection or an uncaught exception anywhere in the
// run fails it, instead of printing a warning that nobody reads.
process.on('unhandledRejection', (reason) => {
  // Rethrowing from the handler makes mocha report it against the running test.
  throw reason instanceof Error ? reason : new Error(`unhandled rejection: ${String(reason)}`);
});
