import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

/** Options of {@link startHaproxy}. */
export interface HaproxyOptions {
  /** Backend `host:port` addresses. */
  backends: readonly string[];
  /** `balance` algorithm. Default `leastconn`. */
  balance?: string;
  /** `timeout client`, e.g. `1s`. */
  timeoutClient?: string;
  /** `timeout server`. Default `30s`. */
  timeoutServer?: string;
  /** Health checks: `check inter 2s fall 3 rise 2` by default (HAProxy's defaults). */
  check?: string;
  /** `mode`: `tcp` (default) or `http` (requests balanced one by one). */
  mode?: 'tcp' | 'http';
  /** HTTP mode: pin a client to a server with an inserted cookie (`cookie <name> insert indirect nocache`). */
  affinityCookie?: string;
}

/** A running HAProxy on loopback. */
export interface Haproxy {
  port: number;
  address: string;
  stop(): Promise<void>;
}

/** Path of the haproxy binary, or undefined with the reason it is not usable. */
export function haproxyBinary(): { path?: string; reason?: string } {
  for (const p of ['/usr/sbin/haproxy', '/usr/bin/haproxy', '/usr/local/sbin/haproxy']) if (fs.existsSync(p)) return { path: p };
  const which = spawnSync('sh', ['-c', 'command -v haproxy'], { encoding: 'utf8' });
  if (which.status === 0 && which.stdout.trim()) return { path: which.stdout.trim() };
  return { reason: 'haproxy is not installed (apt-get install haproxy; .ci/run installs it)' };
}

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** Starts HAProxy (TCP mode unless `mode: 'http'`) in front of `backends`, on a free loopback port. */
export async function startHaproxy(options: HaproxyOptions): Promise<Haproxy> {
  const bin = haproxyBinary();
  if (!bin.path) throw new Error(bin.reason);
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'impala-ha-haproxy-'));
  const check = options.check ?? 'check inter 2s fall 3 rise 2';
  const mode = options.mode ?? 'tcp';
  const cookie = options.affinityCookie;
  const cfg = [
    'global',
    '  maxconn 4096',
    'defaults',
    `  mode ${mode}`,
    '  timeout connect 2s',
    `  timeout client ${options.timeoutClient ?? '30s'}`,
    `  timeout server ${options.timeoutServer ?? '30s'}`,
    `frontend impala`,
    `  bind 127.0.0.1:${port}`,
    '  default_backend coordinators',
    'backend coordinators',
    `  balance ${options.balance ?? 'leastconn'}`,
    ...(cookie ? [`  cookie ${cookie} insert indirect nocache`] : []),
    ...options.backends.map((b, i) => `  server c${i} ${b} ${check}${cookie ? ` cookie c${i}` : ''}`),
    '',
  ].join('\n');
  const cfgPath = path.join(dir, 'haproxy.cfg');
  fs.writeFileSync(cfgPath, cfg);
  const child: ChildProcess = spawn(bin.path, ['-db', '-f', cfgPath], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // Wait until it accepts connections (bounded).
  const deadline = Date.now() + 5000;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host: '127.0.0.1', port }, () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (ok) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`haproxy did not start: ${stderr.trim() || 'no output'}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    port,
    address: `127.0.0.1:${port}`,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 2000);
        await exited;
        clearTimeout(t);
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
