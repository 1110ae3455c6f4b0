import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { HaproxyAvailability } from './context';

/** Bound on each apt-get step, in ms. */
const APT_TIMEOUT_MS = 300_000;
/** Bound on HAProxy accepting connections after it was started, in ms. */
const START_TIMEOUT_MS = 5_000;

const CANDIDATES = ['/usr/sbin/haproxy', '/usr/bin/haproxy', '/usr/local/sbin/haproxy', '/usr/local/bin/haproxy'];

function findBinary(): string | undefined {
  for (const p of CANDIDATES) if (fs.existsSync(p)) return p;
  const which = spawnSync('sh', ['-c', 'command -v haproxy'], { encoding: 'utf8' });
  return which.status === 0 && which.stdout.trim() !== '' ? which.stdout.trim() : undefined;
}

/** `HAProxy <version>` from `haproxy -v`. */
function versionOf(bin: string): string | undefined {
  const r = spawnSync(bin, ['-v'], { encoding: 'utf8', timeout: 10_000 });
  if (r.status !== 0) return undefined;
  const m = /version (\S+)/.exec(r.stdout);
  return m ? `HAProxy ${m[1]}` : r.stdout.split('\n')[0]?.trim();
}

/**
 * Finds HAProxy; when it is missing and this process runs as root, installs
 * Debian's package (`apt-get update` once, then `apt-get install -y haproxy`).
 * Otherwise reports why the HAProxy parts will be skipped.
 */
export function ensureHaproxy(log: (message: string) => void): HaproxyAvailability {
  let bin = findBinary();
  if (!bin) {
    if (process.getuid?.() !== 0) {
      return { path: undefined, version: undefined, reason: 'haproxy is not installed and this is not root (install it with: apt-get install haproxy)' };
    }
    log('haproxy is missing: apt-get update && apt-get install -y haproxy');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const update = spawnSync('apt-get', ['update', '-qq'], { env, stdio: ['ignore', 'ignore', 'pipe'], timeout: APT_TIMEOUT_MS, encoding: 'utf8' });
    const install =
      update.status === 0
        ? spawnSync('apt-get', ['install', '-y', '-qq', 'haproxy'], { env, stdio: ['ignore', 'ignore', 'pipe'], timeout: APT_TIMEOUT_MS, encoding: 'utf8' })
        : update;
    bin = findBinary();
    if (!bin) {
      const why = (install.stderr ?? '').trim().split('\n').pop() || `exit status ${install.status ?? install.signal}`;
      return { path: undefined, version: undefined, reason: `installing haproxy failed (${why})` };
    }
  }
  const version = versionOf(bin);
  if (!version) return { path: undefined, version: undefined, reason: `${bin} -v failed` };
  return { path: bin, version, reason: undefined };
}

/**
 * How HAProxy checks and fails over:
 * - `impala-docs`: the configuration of Impala's documentation (`balance leastconn`,
 *   `option redispatch`, `retries 3`, `check` with HAProxy's defaults `inter 2s fall 3
 *   rise 2`: a TCP connect check), timeouts 3600 s;
 * - `tuned`: a Thrift-level check every 250 ms (a call that any Thrift server answers
 *   with an exception, so a hung coordinator fails it), `fall 2 rise 1`, passive
 *   `observe layer4` marking a server down at its first connection error, sessions
 *   to a down server shut, redispatch on every retry.
 */
export type HaproxyProfile = 'impala-docs' | 'tuned';

/** Options of {@link startHaproxy}. */
export interface HaproxyOptions {
  /** Backend `host:port` addresses. */
  backends: readonly string[];
  profile: HaproxyProfile;
  /** `balance` algorithm. Default `leastconn`. */
  balance?: string;
  /** `timeout client` and `timeout server` (HAProxy time syntax), overriding the profile's. */
  idleTimeout?: string;
}

/** A running HAProxy on loopback. */
export interface RunningHaproxy {
  host: string;
  port: number;
  address: string;
  /** The configuration it runs, for the report. */
  config: string;
  stop(): Promise<void>;
}

/**
 * A Thrift TBinaryProtocol call (strict, unframed) of a method no HS2 server has,
 * `HealthCheck()`: Impala's Thrift server (and the simulator) answers with a
 * TApplicationException UNKNOWN_METHOD, message type 3, without touching any state.
 */
const THRIFT_PROBE_HEX = '80010001' + '0000000b' + Buffer.from('HealthCheck').toString('hex') + '00000001' + '00';
/** Start of a strict TBinaryProtocol EXCEPTION reply (version 1, type 3). */
const THRIFT_EXCEPTION_HEX = '80010003';

/** The HAProxy configuration of a profile, listening on 127.0.0.1:`port`. */
export function haproxyConfig(port: number, o: HaproxyOptions): string {
  const tuned = o.profile === 'tuned';
  const idle = o.idleTimeout ?? '3600s';
  const server = tuned
    ? 'check inter 250ms fastinter 100ms downinter 250ms fall 2 rise 1 observe layer4 error-limit 1 on-error mark-down on-marked-down shutdown-sessions'
    : 'check';
  return [
    'global',
    '  maxconn 4096',
    'defaults',
    '  mode tcp',
    tuned ? '  option redispatch 1' : '  option redispatch',
    '  retries 3',
    `  timeout connect ${tuned ? '500ms' : '5s'}`,
    `  timeout client ${idle}`,
    `  timeout server ${idle}`,
    ...(tuned ? ['  timeout check 500ms'] : []),
    'frontend impala',
    `  bind 127.0.0.1:${port}`,
    '  default_backend coordinators',
    'backend coordinators',
    `  balance ${o.balance ?? 'leastconn'}`,
    ...(tuned ? ['  option tcp-check', '  tcp-check connect', `  tcp-check send-binary ${THRIFT_PROBE_HEX}`, `  tcp-check expect binary ${THRIFT_EXCEPTION_HEX}`] : []),
    ...o.backends.map((b, i) => `  server c${i} ${b} ${server}`),
    '',
  ].join('\n');
}

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve, reject) => {
    s.once('error', reject);
    s.listen(0, '127.0.0.1', resolve);
  });
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port }, () => {
      s.destroy();
      resolve(true);
    });
    s.setTimeout(500, () => {
      s.destroy();
      resolve(false);
    });
    s.on('error', () => resolve(false));
  });
}

/** HAProxy processes started and not yet stopped, killed if this process exits first. */
const running = new Set<ChildProcess>();
let exitHookInstalled = false;

function track(child: ChildProcess): void {
  running.add(child);
  child.once('exit', () => running.delete(child));
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    // An interrupted benchmark must not leave proxies behind ('exit' handlers run synchronously).
    process.once('exit', () => {
      for (const c of running) c.kill('SIGKILL');
    });
  }
}

/** Starts HAProxy (TCP mode) in front of `backends` on a free loopback port. */
export async function startHaproxy(bin: string, options: HaproxyOptions): Promise<RunningHaproxy> {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'impala-ha-bench-haproxy-'));
  const config = haproxyConfig(port, options);
  const cfgPath = path.join(dir, 'haproxy.cfg');
  fs.writeFileSync(cfgPath, config);
  const child: ChildProcess = spawn(bin, ['-db', '-f', cfgPath], { stdio: ['ignore', 'ignore', 'pipe'] });
  track(child);
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    if (stderr.length < 10_000) stderr += d.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 2_000);
      await exited;
      clearTimeout(t);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!(await canConnect(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`haproxy did not start: ${stderr.trim() || 'no output'}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  return { host: '127.0.0.1', port, address: `127.0.0.1:${port}`, config, stop };
}
