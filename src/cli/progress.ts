/** Where the ticker draws. */
export interface ProgressSink {
  /** Only a terminal gets a ticker; pipes and files get nothing. */
  isTty: boolean;
  write(text: string): void;
}

/** Ticker period, in ms: often enough to look alive, rarely enough to cost nothing. */
export const TICK_MS = 250;
/** A query faster than this shows no ticker at all, in ms. */
export const QUIET_MS = 1000;

/**
 * Shows `  running 3.2s` on stderr, redrawn in place, while a statement runs longer
 * than {@link QUIET_MS} and stderr is a terminal. `stop()` erases the line.
 */
export class Progress {
  readonly #sink: ProgressSink;
  readonly #label: string;
  readonly #started = Date.now();
  #timer: NodeJS.Timeout | undefined;
  #drawn = false;

  constructor(sink: ProgressSink, label: string) {
    this.#sink = sink;
    this.#label = label;
    if (!sink.isTty) return;
    this.#timer = setInterval(() => this.#tick(), TICK_MS);
    // The ticker never keeps the process alive on its own.
    this.#timer.unref();
  }

  #tick(): void {
    const elapsed = Date.now() - this.#started;
    if (elapsed < QUIET_MS) return;
    this.#sink.write(`\r\x1b[2K  ${this.#label} ${(elapsed / 1000).toFixed(1)}s`);
    this.#drawn = true;
  }

  /** Stops the ticker and clears its line. Safe to call twice. */
  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    if (this.#drawn) this.#sink.write('\r\x1b[2K');
    this.#drawn = false;
  }
}
