import { readFileSync } from 'node:fs';
import type { RssSample } from './invariant-checker';

/**
 * Samples this process's resident set and V8 heap (and the coordinator child
 * processes' resident sets, read from /proc) at a fixed interval while a round runs. One unref'd timer, stopped by
 * {@link stop}.
 */
export class RssSampler {
  readonly #samples: RssSample[] = [];
  readonly #clock: () => number;
  readonly #childPids: () => ReadonlyArray<number | undefined>;
  #timer: NodeJS.Timeout | undefined;

  /**
   * @param clock milliseconds since the run started
   * @param childPids current coordinator process ids (undefined entries are skipped)
   */
  constructor(clock: () => number, childPids: () => ReadonlyArray<number | undefined>) {
    this.#clock = clock;
    this.#childPids = childPids;
  }

  /** Starts sampling every `intervalMs` (default 500 ms), with one sample at once. */
  start(intervalMs = 500): void {
    this.sample();
    this.#timer = setInterval(() => this.sample(), intervalMs);
    this.#timer.unref();
  }

  /** Takes one sample now. */
  sample(): void {
    // A full collection first, when the soak runs with --expose-gc: without it the heap
    // figure includes garbage that has not been collected yet, and a floor read from it
    // rises whenever V8 postpones a major GC, which made the leak check flaky.
    (globalThis as { gc?: () => void }).gc?.();
    const childMaxMb = Math.max(0, ...this.#childPids().map((pid) => (pid === undefined ? 0 : childRssMb(pid))));
    const m = process.memoryUsage();
    this.#samples.push({ at: this.#clock(), rssMb: m.rss / 1048576, heapMb: m.heapUsed / 1048576, childMaxMb });
  }

  stop(): RssSample[] {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    return [...this.#samples];
  }
}

/** VmRSS of a process in MB; 0 when it is gone or /proc is not there. */
function childRssMb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/**
 * Counts unhandled rejections and uncaught exceptions while installed. The soak keeps
 * running after one (so the rest of the verdict is still printed) and fails at the end.
 */
export class UnhandledTracker {
  readonly #seen: string[] = [];
  readonly #onRejection = (reason: unknown): void => {
    this.#seen.push(`unhandled rejection: ${describe(reason)}`);
  };
  readonly #onException = (err: Error): void => {
    this.#seen.push(`uncaught exception: ${describe(err)}`);
  };

  install(): this {
    process.on('unhandledRejection', this.#onRejection);
    process.on('uncaughtException', this.#onException);
    return this;
  }

  uninstall(): void {
    process.off('unhandledRejection', this.#onRejection);
    process.off('uncaughtException', this.#onException);
  }

  /** What was seen since {@link install} (or since the last {@link take}), then forgets it. */
  take(): string[] {
    return this.#seen.splice(0);
  }
}

/** Name, code, message and the top of the stack (where it came from is the point). */
function describe(x: unknown): string {
  if (!(x instanceof Error)) return String(x);
  const code = (x as { code?: unknown }).code;
  const frames = (x.stack ?? '').split('\n').filter((l) => l.trim().startsWith('at ')).slice(0, 4).map((l) => l.trim());
  return `${x.name}${code ? ` ${String(code)}` : ''}: ${x.message.split('\n')[0]}${frames.length ? ` (${frames.join(' < ')})` : ''}`;
}
