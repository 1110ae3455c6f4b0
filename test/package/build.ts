import { execFile, spawn } from 'node:child_process';
import * as path from 'node:path';

/** The repository root. */
export const ROOT = path.join(__dirname, '..', '..');

let building: Promise<void> | undefined;

/**
 * Builds once per test run when dist/ is missing or older than the sources
 * (scripts/ensure-built.js), so the package tests, the CLI tests and the examples run
 * what a user installs (dist/, the bundled types), never a stale build.
 */
export function ensureBuilt(): Promise<void> {
  building ??= new Promise<void>((resolve, reject) => {
    execFile(process.execPath, [path.join(ROOT, 'scripts', 'ensure-built.js')], { cwd: ROOT, timeout: 600_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) =>
      err ? reject(new Error(`the build failed: ${err.message}\n${stdout}\n${stderr}`)) : resolve(),
    );
  });
  return building;
}

/** What a finished child process printed. */
export interface Ran {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `node <args>` from the repository root with a hard bound: a child still
 * running after `timeoutMs` is killed and the promise rejects.
 */
export function runNode(args: string[], options: { env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number; cwd?: string } = {}): Promise<Ran> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: options.cwd ?? ROOT, env: options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`node ${args.join(' ')} still running after ${timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

/** The command-line entry point as installed (`bin/impala-ha.js`, which loads dist/). */
export const BIN = path.join(ROOT, 'bin', 'impala-ha.js');

/** Environment for a child: the parent's, without IMPALA_URL unless given. */
export function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.IMPALA_URL;
  return { ...env, ...extra };
}
