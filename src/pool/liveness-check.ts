import createDebug from 'debug';
import { ImpalaError } from '../errors';
import type { Clock } from '../retry/clock';

const debug = createDebug('impala-ha:health');

/** Longest pause between two checks while the coordinator keeps answering, in ms. */
const MAX_GAP_MS = 4000;

/** How a liveness check ended: answered, did not answer, or not run (asked too soon after an answer, or closed). */
export type LivenessVerdict = 'alive' | 'dead' | 'skipped';

/** What a {@link LivenessCheck} needs. @internal */
export interface LivenessDeps {
  /** `host:port`, for logs. */
  address: string;
  clock: Clock;
  /** Bound on one check, in ms. */
  timeoutMs(): number;
  /**
   * Asks the coordinator something it must answer at once, on a channel other than the
   * stalled ones, within `timeoutMs`: resolves when it answered (a server error is an
   * answer too), rejects when it did not.
   */
  ping(timeoutMs: number): Promise<void>;
  /** The coordinator did not answer: it is down or hung. */
  onDead(error: Error): void;
}

/**
 * "Is the coordinator alive?" asked on another channel when a call overruns, so a
 * legitimately long query is never cut while a hung coordinator is given up on within
 * about two overrun points. Single-flight per coordinator: while a check runs, more
 * requests join it. After the coordinator answered, the next check waits a gap that
 * doubles (1 s up to 4 s) while checks keep being asked for — a long query on a healthy
 * coordinator costs a ping every few seconds at most. Owns no timer.
 *
 * @internal
 */
export class LivenessCheck {
  readonly #d: LivenessDeps;
  #running: Promise<LivenessVerdict> | undefined;
  #nextAllowedAt = Number.NEGATIVE_INFINITY;
  #gapMs = 0;
  #lastAskedAt = Number.NEGATIVE_INFINITY;
  #closed = false;

  constructor(deps: LivenessDeps) {
    this.#d = deps;
  }

  /** A check is running. */
  get running(): boolean {
    return this.#running !== undefined;
  }

  /**
   * Checks now unless a check is running (then joins it) or the coordinator answered
   * too recently (`skipped`). Resolves with the verdict; never rejects.
   */
  check(reason: string): Promise<LivenessVerdict> {
    if (this.#closed) return Promise.resolve('skipped');
    if (this.#running) return this.#running;
    const now = this.#d.clock.now();
    // A quiet spell resets the spacing: a new stall is checked at once.
    if (now - this.#lastAskedAt > MAX_GAP_MS + this.#gapMs) this.#gapMs = 0;
    this.#lastAskedAt = now;
    if (now < this.#nextAllowedAt) return Promise.resolve('skipped');
    this.#running = this.#run(reason).finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  /** Stops checking (a running check still ends). */
  close(): void {
    this.#closed = true;
  }

  async #run(reason: string): Promise<LivenessVerdict> {
    const timeoutMs = this.#d.timeoutMs();
    debug('%s liveness check (%s), bound %d ms', this.#d.address, reason, timeoutMs);
    try {
      await this.#d.ping(timeoutMs);
    } catch (err) {
      // An error the server sent is an answer: it is alive.
      if (!(err instanceof ImpalaError && err.family === 'server')) {
        debug('%s did not answer its liveness check: %s', this.#d.address, (err as Error).message);
        this.#gapMs = 0;
        this.#nextAllowedAt = Number.NEGATIVE_INFINITY;
        if (!this.#closed) this.#d.onDead(err as Error);
        return 'dead';
      }
    }
    this.#gapMs = this.#gapMs === 0 ? 1000 : Math.min(MAX_GAP_MS, this.#gapMs * 2);
    this.#nextAllowedAt = this.#d.clock.now() + this.#gapMs;
    debug('%s is alive; next check not before %d ms', this.#d.address, this.#gapMs);
    return 'alive';
  }
}
