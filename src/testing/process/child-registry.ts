import type { ChildProcess } from 'node:child_process';

/**
 * Every coordinator child process this process started and that has not exited.
 * When this process exits (normally, or through an uncaught error) they are all
 * SIGKILLed synchronously, so a failing test run leaves no orphan. If this process
 * is itself SIGKILLed, each child notices its closed IPC channel or its new parent
 * id and exits by itself.
 *
 * @internal
 */
const live = new Set<ChildProcess>();
let hooked = false;

function killAll(): void {
  for (const child of live) {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
  live.clear();
}

/** Tracks a child until it exits. */
export function trackChild(child: ChildProcess): void {
  if (!hooked) {
    hooked = true;
    process.on('exit', killAll);
  }
  live.add(child);
  child.once('exit', () => live.delete(child));
}

/** Pids of tracked children still running (tests assert this is empty at the end). */
export function liveChildPids(): number[] {
  return [...live].map((c) => c.pid).filter((p): p is number => p !== undefined);
}
