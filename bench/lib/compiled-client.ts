/**
 * Makes the benchmarks load the client as users run it: the compiled package in
 * `dist/`, not the TypeScript sources through tsx.
 *
 * Why: tsx compiles with esbuild's `keepNames`, which wraps every named function and
 * closure in `__name(fn, "name")`, an `Object.defineProperty` call each time the
 * closure is created. A pooled `select 1` creates a dozen such closures, so under tsx
 * the pool paid about 8 µs per query that the published JavaScript never pays, and
 * every comparison with hive-driver (shipped as compiled JavaScript) was skewed
 * against us. tsc's output has no such wrapper.
 *
 * How: once loaded (first import of bench/run.ts, or `--require` in a benchmark's
 * child process), every module that resolves into `src/` resolves to its compiled
 * twin in `dist/src/` instead, so the bench and the client share one copy of each
 * module (one set of classes). A build older than any source file is refused with a
 * message saying to build (`npm run bench` builds first). `--source` (or
 * `IMPALA_HA_BENCH_CLIENT=source`) keeps the sources, for profiling with source lines.
 * The simulator's host process is left on the sources: it is the same in every run.
 */
import * as fs from 'node:fs';
import Module from 'node:module';
import * as path from 'node:path';

/** The environment variable children inherit: `dist` (the compiled package) or `source`. */
export const CLIENT_ENV = 'IMPALA_HA_BENCH_CLIENT';

const root = path.resolve(__dirname, '..', '..');
const srcDir = path.join(root, 'src') + path.sep;
const distDir = path.join(root, 'dist', 'src') + path.sep;

/** Whether this process loads the client from `dist/`. */
export function usesCompiledClient(): boolean {
  return process.env[CLIENT_ENV] === 'dist';
}

/** The file the preload adds to a child's `--require` list so the child loads `dist/` too. */
export const COMPILED_CLIENT_PRELOAD = __filename;

type Resolve = (request: string, parent: unknown, isMain: boolean, options: unknown) => string;
const moduleInternals = Module as unknown as { _resolveFilename: Resolve };

/** The newest modification time of any file under `dir`, in ms. */
function newest(dir: string): { file: string; mtimeMs: number } {
  let best = { file: dir, mtimeMs: 0 };
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    const n = entry.isDirectory() ? newest(p) : { file: p, mtimeMs: fs.statSync(p).mtimeMs };
    if (n.mtimeMs > best.mtimeMs) best = n;
  }
  return best;
}

/** Why `dist/` cannot stand for `src/` (missing, or older than a source file), or undefined when it can. */
function staleReason(): string | undefined {
  // The last file the build writes (as scripts/ensure-built.js checks).
  const stamp = path.join(root, 'dist', 'testing.d.ts');
  const built = fs.statSync(stamp, { throwIfNoEntry: false });
  if (!built) return 'dist/ is missing or incomplete';
  const source = newest(srcDir);
  if (source.mtimeMs > built.mtimeMs) return `dist/ is older than ${path.relative(root, source.file)}`;
  return undefined;
}

function install(): void {
  const original = moduleInternals._resolveFilename;
  const redirected = new Map<string, string>();
  let checked = false;
  moduleInternals._resolveFilename = function resolveToDist(this: unknown, request, parent, isMain, options): string {
    const resolved = original.call(this, request, parent, isMain, options);
    if (!resolved.startsWith(srcDir)) return resolved;
    const hit = redirected.get(resolved);
    if (hit !== undefined) return hit;
    if (!checked) {
      const stale = staleReason();
      if (stale) throw new Error(`bench: ${stale}; run \`npm run build\` (npm run bench does), or pass --source to measure the TypeScript sources`);
      checked = true;
    }
    const compiled = distDir + resolved.slice(srcDir.length).replace(/\.ts$/, '.js');
    if (!fs.existsSync(compiled)) throw new Error(`bench: ${path.relative(root, compiled)} is missing; run \`npm run build\``);
    redirected.set(resolved, compiled);
    return compiled;
  };
}

if (process.env[CLIENT_ENV] === undefined) process.env[CLIENT_ENV] = process.argv.includes('--source') ? 'source' : 'dist';
if (usesCompiledClient()) install();
