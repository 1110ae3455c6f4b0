import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import createDebug from 'debug';
import { ConfigError, ErrorCode } from '../../errors';

const debug = createDebug('impala-ha:sim');

/** An opaque MIT GSSAPI credential or security context held by the addon. */
export type GssHandle = { readonly __gss: unique symbol };

/** What `gss-acceptor.c` exports (see the comment at its top). @internal */
export interface GssAcceptorAddon {
  acquire(keytab: string, principal: string | null): GssHandle;
  newContext(): GssHandle;
  accept(context: GssHandle, credential: GssHandle, token: Buffer): { token: Buffer | null; complete: boolean; client?: string };
  wrap(context: GssHandle, message: Buffer): Buffer;
  unwrap(context: GssHandle, token: Buffer): Buffer;
  dispose(context: GssHandle): void;
}

/** Bound on compiling the addon, in ms. */
const BUILD_TIMEOUT_MS = 120_000;

const SOURCE_NAME = 'gss-acceptor.c';

/** The C source: in `src/testing/native/` (tsx) or its copy in `dist/src/testing/native/` (the build puts it there). */
function sourcePath(): string {
  const candidates = [path.join(__dirname, '..', 'native', SOURCE_NAME)];
  const found = candidates.find((p) => fs.existsSync(p));
  if (found === undefined) throw unavailable(`its source ${SOURCE_NAME} is missing (looked in ${candidates.join(', ')})`);
  return found;
}

function unavailable(why: string, cause?: unknown): ConfigError {
  return new ConfigError(
    ErrorCode.CONFIG_UNSUPPORTED,
    `the simulator's Kerberos acceptor (a small addon over MIT GSSAPI, built on first use) is not available: ${why}`,
    'kerberos',
    cause,
  );
}

/** Node's C headers (node_api.h): the npm `nodedir` setting, else the ones installed with this node. */
function nodeIncludeDir(): string {
  const roots = [process.env.npm_config_nodedir, path.resolve(path.dirname(process.execPath), '..')].filter((r): r is string => typeof r === 'string' && r !== '');
  for (const root of roots) {
    const dir = path.join(root, 'include', 'node');
    if (fs.existsSync(path.join(dir, 'node_api.h'))) return dir;
  }
  throw unavailable(`Node's C headers (include/node/node_api.h) were not found under ${roots.join(' or ')}`);
}

/** Compiler flags for MIT GSSAPI, from pkg-config when it knows them. */
function gssapiFlags(): { cflags: string[]; libs: string[] } {
  const read = (arg: string): string[] | undefined => {
    const r = spawnSync('pkg-config', [arg, 'krb5-gssapi'], { encoding: 'utf8', timeout: 10_000 });
    return r.status === 0 ? r.stdout.trim().split(/\s+/).filter((s) => s !== '') : undefined;
  };
  return { cflags: read('--cflags') ?? [], libs: read('--libs') ?? ['-lgssapi_krb5'] };
}

/** Where built addons are kept: `$IMPALA_HA_CACHE_DIR`, else `$XDG_CACHE_HOME/impala-ha`, else `~/.cache/impala-ha`. */
function cacheDir(): string {
  return process.env.IMPALA_HA_CACHE_DIR ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'impala-ha');
}

let building: Promise<string> | undefined;

/**
 * Path of the compiled acceptor addon, compiling it first when this source has not
 * been built on this machine yet (a C compiler and libkrb5-dev are needed once). The
 * file name carries a hash of the source, platform and architecture, and the build
 * writes a temporary file then renames it, so concurrent test processes never load a
 * half-written file.
 *
 * @throws ConfigError CONFIG_UNSUPPORTED saying what is missing.
 */
export function gssAcceptorPath(): Promise<string> {
  building ??= build().catch((err: unknown) => {
    building = undefined;
    throw err;
  });
  return building;
}

async function build(): Promise<string> {
  const source = sourcePath();
  const hash = createHash('sha256').update(fs.readFileSync(source)).update(`${process.platform}-${process.arch}`).digest('hex').slice(0, 16);
  const dir = cacheDir();
  const target = path.join(dir, `gss-acceptor-${hash}.node`);
  if (fs.existsSync(target)) return target;
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const include = nodeIncludeDir();
  const { cflags, libs } = gssapiFlags();
  const temp = `${target}.${process.pid}.tmp`;
  const args = ['-O2', '-fPIC', '-shared', `-I${include}`, ...cflags, source, '-o', temp, ...libs];
  const compiler = process.env.CC ?? 'cc';
  debug('building the Kerberos acceptor: %s %s', compiler, args.join(' '));
  const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve) => {
    const child = spawn(compiler, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), BUILD_TIMEOUT_MS);
    child.once('error', (err) => {
      clearTimeout(timer);
      resolve({ code: null, output: err.message });
    });
    child.once('close', (status) => {
      clearTimeout(timer);
      resolve({ code: status, output: out });
    });
  });
  if (code !== 0) {
    fs.rmSync(temp, { force: true });
    const tail = output.trim().split('\n').slice(-3).join(' | ');
    throw unavailable(`compiling it failed (needs a C compiler and the MIT Kerberos headers: apt-get install gcc libkrb5-dev): ${tail || `exit code ${String(code)}`}`);
  }
  fs.renameSync(temp, target);
  return target;
}

const loaded = new Map<string, GssAcceptorAddon>();

/** Loads the addon built by {@link gssAcceptorPath} (also in coordinator child processes, which get the path). */
export function loadGssAcceptor(file: string): GssAcceptorAddon {
  let addon = loaded.get(file);
  if (addon === undefined) {
    try {
      addon = require(file) as GssAcceptorAddon;
    } catch (err) {
      throw unavailable(`loading ${file} failed: ${(err as Error).message}`, err);
    }
    loaded.set(file, addon);
  }
  return addon;
}
