/** Settings of a {@link RetryBudget}. */
export interface RetryBudgetOptions {
  /** Retries allowed as a share of requests in the window. Default 0.2 (Finagle, Envoy). */
  ratio: number;
  /** Retries allowed per second regardless of traffic, so a quiet client can still retry. Default 10. */
  minPerSecond: number;
  /** Length of the sliding window in ms. Default 10000. */
  windowMs: number;
}

const BUCKETS = 10;

/**
 * A retry budget shared by every request of one client: retries may add at most
 * `ratio` of the request volume (plus `minPerSecond`) over a sliding window. When
 * every coordinator fails, this bounds the extra load the client sends — the
 * "retry storm" that per-request retry counts alone allow.
 *
 * No timers: the window advances with the injected clock on each call.
 */
export class RetryBudget {
  readonly #opts: RetryBudgetOptions;
  readonly #now: () => number;
  readonly #requests = new Float64Array(BUCKETS);
  readonly #retries = new Float64Array(BUCKETS);
  #bucketStart: number;
  #bucket = 0;

  constructor(opts: Partial<RetryBudgetOptions> = {}, now: () => number = Date.now) {
    this.#opts = { ratio: opts.ratio ?? 0.2, minPerSecond: opts.minPerSecond ?? 10, windowMs: opts.windowMs ?? 10_000 };
    this.#now = now;
    this.#bucketStart = now();
  }

  /** Records one first attempt of a request. */
  recordRequest(): void {
    this.#advance();
    this.#requests[this.#bucket]! += 1;
  }

  /** Takes one retry from the budget; false when the budget is spent (do not retry). */
  tryRetry(): boolean {
    this.#advance();
    let requests = 0;
    let retries = 0;
    for (let i = 0; i < BUCKETS; i++) {
      requests += this.#requests[i]!;
      retries += this.#retries[i]!;
    }
    const allowed = this.#opts.ratio * requests + (this.#opts.minPerSecond * this.#opts.windowMs) / 1000;
    if (retries + 1 > allowed) return false;
    this.#retries[this.#bucket]! += 1;
    return true;
  }

  /** Retries and requests in the current window, for stats. */
  snapshot(): { requests: number; retries: number } {
    this.#advance();
    let requests = 0;
    let retries = 0;
    for (let i = 0; i < BUCKETS; i++) {
      requests += this.#requests[i]!;
      retries += this.#retries[i]!;
    }
    return { requests, retries };
  }

  #advance(): void {
    const width = this.#opts.windowMs / BUCKETS;
    const now = this.#now();
    let steps = Math.floor((now - this.#bucketStart) / width);
    if (steps <= 0) return;
    this.#bucketStart += steps * width;
    if (steps > BUCKETS) steps = BUCKETS;
    for (let k = 0; k < steps; k++) {
      this.#bucket = (this.#bucket + 1) % BUCKETS;
      this.#requests[this.#bucket] = 0;
      this.#retries[this.#bucket] = 0;
    }
  }
}
