import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { gssAcceptorPath } from '../../src/testing/server/gss-acceptor';

/**
 * A real MIT KDC on loopback for the Kerberos tests: a fresh realm in a temporary
 * folder, principals and keytabs made with `kadmin.local`, a user ticket from
 * `kinit -kt`. While it runs, this process's environment points the Kerberos
 * libraries at it (KRB5_CONFIG, KRB5CCNAME, KRB5RCACHEDIR); `stop()` restores it.
 */

const TOOLS = {
  krb5kdc: ['/usr/sbin/krb5kdc'],
  kdb5_util: ['/usr/sbin/kdb5_util'],
  'kadmin.local': ['/usr/sbin/kadmin.local'],
  kinit: ['/usr/bin/kinit'],
  kdestroy: ['/usr/bin/kdestroy'],
} as const;
type Tool = keyof typeof TOOLS;

/** Debian packages that provide the tools above (and the headers the `kerberos` package builds against). */
export const KDC_PACKAGES = ['krb5-kdc', 'krb5-admin-server', 'krb5-user', 'libkrb5-dev'] as const;

let aptUpdated = false;

function findTool(tool: Tool): string | undefined {
  for (const p of TOOLS[tool]) if (fs.existsSync(p)) return p;
  const which = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' });
  return which.status === 0 && which.stdout.trim() !== '' ? which.stdout.trim() : undefined;
}

function missingTools(): Tool[] {
  return (Object.keys(TOOLS) as Tool[]).filter((t) => findTool(t) === undefined);
}

/**
 * Whether a KDC can be started here: the MIT tools are present, or (as root) they are
 * installed now (`apt-get update` once per process first). Otherwise a reason to print
 * when the Kerberos tests skip.
 */
export function kdcAvailability(): { ok: true } | { ok: false; reason: string } {
  let missing = missingTools();
  if (missing.length === 0) return { ok: true };
  if (process.getuid?.() !== 0) {
    return { ok: false, reason: `MIT Kerberos tools missing (${missing.join(', ')}) and not root: apt-get install ${KDC_PACKAGES.join(' ')} (.ci/run installs them)` };
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (!aptUpdated) {
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'ignore', env, timeout: 300_000 });
    aptUpdated = true;
  }
  const install = spawnSync('apt-get', ['install', '-y', '-qq', ...KDC_PACKAGES], { encoding: 'utf8', env, timeout: 600_000 });
  missing = missingTools();
  if (missing.length === 0) return { ok: true };
  return { ok: false, reason: `could not install ${KDC_PACKAGES.join(' ')}: ${(install.stderr || install.stdout || '').trim().split('\n').slice(-2).join(' ')}` };
}

/** Options of {@link startKdc}. */
export interface KdcOptions {
  /** Realm name. Default `IMPALA.TEST`. */
  realm?: string;
  /** The user principal (without realm) whose ticket goes into the ticket cache. Default `alice`. */
  user?: string;
  /** Service principals (without realm) put into {@link Kdc.serviceKeytab}. Default `['impala/localhost', 'impala/lb.example']`. */
  services?: readonly string[];
}

/** A running KDC. */
export interface Kdc {
  readonly realm: string;
  /** TCP port of the KDC on 127.0.0.1. */
  readonly port: number;
  /** The temporary folder holding the database, keytabs, krb5.conf and the ticket cache. */
  readonly dir: string;
  /** `user@REALM` with a ticket in {@link ccache}. */
  readonly userPrincipal: string;
  /** Keytab with every service principal of the options (a merged keytab, as behind a load balancer). */
  readonly serviceKeytab: string;
  /** `FILE:` ticket cache of the user. */
  readonly ccache: string;
  /** Path of the krb5.conf the libraries read. */
  readonly krb5Conf: string;
  /** Adds a principal with a random key and writes its keys to a new keytab; returns the keytab path. */
  addPrincipal(name: string): string;
  /** Destroys the user's tickets (`kdestroy`). */
  destroyTickets(): void;
  /** (Re)gets the user's ticket (`kinit -kt`). */
  kinit(): void;
  /** Stops the KDC, deletes the folder, restores the environment. */
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

function run(tool: Tool, args: string[], env: NodeJS.ProcessEnv): void {
  const r = spawnSync(findTool(tool)!, args, { encoding: 'utf8', env, timeout: 30_000 });
  // The arguments are not shown: kdb5_util's carry the master password.
  if (r.status !== 0) throw new Error(`${tool} ${args[0] ?? ''} failed: ${(r.stderr || r.stdout || String(r.error)).trim()}`);
}

function waitForPort(port: number, child: ChildProcess, stderr: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise<void>((resolve, reject) => {
    const attempt = (): void => {
      const s = net.connect({ host: '127.0.0.1', port }, () => {
        s.destroy();
        resolve();
      });
      s.on('error', () => {
        if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) {
          reject(new Error(`krb5kdc did not start on 127.0.0.1:${port}: ${stderr().trim() || 'no output'}`));
          return;
        }
        setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}

const ENV_KEYS = ['KRB5_CONFIG', 'KRB5_KDC_PROFILE', 'KRB5CCNAME', 'KRB5RCACHEDIR', 'KRB5_KTNAME', 'KRB5_CLIENT_KTNAME'] as const;

/**
 * Starts a KDC for a fresh realm on a free loopback port, creates the service
 * principals (one merged keytab) and the user (a keytab, then `kinit -kt`), and points
 * this process at it. Call {@link kdcAvailability} first.
 */
export async function startKdc(options: KdcOptions = {}): Promise<Kdc> {
  const realm = options.realm ?? 'IMPALA.TEST';
  const user = options.user ?? 'alice';
  const services = options.services ?? ['impala/localhost', 'impala/lb.example'];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'impala-ha-kdc-'));
  const port = await freePort();
  const krb5Conf = path.join(dir, 'krb5.conf');
  const kdcConf = path.join(dir, 'kdc.conf');
  const ccache = `FILE:${path.join(dir, 'ccache')}`;
  fs.mkdirSync(path.join(dir, 'rcache'));
  fs.writeFileSync(
    krb5Conf,
    [
      '[libdefaults]',
      `  default_realm = ${realm}`,
      '  dns_lookup_kdc = false',
      '  dns_lookup_realm = false',
      // The client decides the host in the principal (krbHost, canonicalizeHostName);
      // the library must not rewrite it behind the tests' back.
      '  dns_canonicalize_hostname = false',
      '  rdns = false',
      '  udp_preference_limit = 1',
      '  ticket_lifetime = 1h',
      '[realms]',
      `  ${realm} = {`,
      `    kdc = 127.0.0.1:${port}`,
      '  }',
      '[domain_realm]',
      `  localhost = ${realm}`,
      `  .example = ${realm}`,
      `  lb.example = ${realm}`,
      '',
    ].join('\n'),
  );
  fs.writeFileSync(
    kdcConf,
    [
      '[kdcdefaults]',
      `  kdc_listen = 127.0.0.1:${port}`,
      `  kdc_tcp_listen = 127.0.0.1:${port}`,
      '[realms]',
      `  ${realm} = {`,
      `    database_name = ${path.join(dir, 'principal')}`,
      `    key_stash_file = ${path.join(dir, 'stash')}`,
      `    acl_file = ${path.join(dir, 'kadm5.acl')}`,
      '    max_life = 1h',
      '  }',
      '[logging]',
      `  kdc = FILE:${path.join(dir, 'kdc.log')}`,
      '',
    ].join('\n'),
  );
  const saved = Object.fromEntries(ENV_KEYS.map((k) => [k, process.env[k]]));
  const env: NodeJS.ProcessEnv = { ...process.env, KRB5_CONFIG: krb5Conf, KRB5_KDC_PROFILE: kdcConf, KRB5CCNAME: ccache, KRB5RCACHEDIR: path.join(dir, 'rcache') };
  let child: ChildProcess | undefined;
  // A test process that dies without stop() must not leave a KDC behind.
  const killOnExit = (): void => void child?.kill('SIGKILL');
  process.once('exit', killOnExit);
  const cleanup = async (): Promise<void> => {
    process.off('exit', killOnExit);
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((r) => child!.once('exit', () => r()));
      child.kill('SIGTERM');
      const t = setTimeout(() => child?.kill('SIGKILL'), 2000);
      await exited;
      clearTimeout(t);
    }
    for (const k of ENV_KEYS) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    // A random master password: the database lives only as long as the test.
    const master = Math.random().toString(36).slice(2) + Math.random().toString(36).slice(2);
    run('kdb5_util', ['create', '-s', '-r', realm, '-P', master], env);
    const kadmin = (query: string): void => run('kadmin.local', ['-r', realm, '-q', query], env);
    const serviceKeytab = path.join(dir, 'impala.keytab');
    for (const s of services) {
      kadmin(`addprinc -randkey ${s}@${realm}`);
      kadmin(`ktadd -k ${serviceKeytab} ${s}@${realm}`);
    }
    const userKeytab = path.join(dir, `${user}.keytab`);
    kadmin(`addprinc -randkey ${user}@${realm}`);
    kadmin(`ktadd -k ${userKeytab} ${user}@${realm}`);
    let stderr = '';
    child = spawn(findTool('krb5kdc')!, ['-n', '-r', realm], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    await waitForPort(port, child, () => stderr, 10_000);
    const userPrincipal = `${user}@${realm}`;
    const kinit = (): void => run('kinit', ['-kt', userKeytab, userPrincipal], env);
    kinit();
    Object.assign(process.env, { KRB5_CONFIG: krb5Conf, KRB5CCNAME: ccache, KRB5RCACHEDIR: path.join(dir, 'rcache') });
    let stopped: Promise<void> | undefined;
    return {
      realm,
      port,
      dir,
      userPrincipal,
      serviceKeytab,
      ccache,
      krb5Conf,
      addPrincipal(name: string): string {
        const keytab = path.join(dir, `${name.replace(/[^A-Za-z0-9._-]/g, '_')}.keytab`);
        kadmin(`addprinc -randkey ${name}@${realm}`);
        kadmin(`ktadd -k ${keytab} ${name}@${realm}`);
        return keytab;
      },
      destroyTickets(): void {
        run('kdestroy', [], env);
      },
      kinit,
      stop(): Promise<void> {
        stopped ??= cleanup();
        return stopped;
      },
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

/**
 * For a suite's `before` hook: starts a KDC when everything Kerberos needs is here (the
 * MIT tools, installed now when root; the optional `kerberos` package; a C compiler
 * for the simulator's acceptor), else prints why and skips the suite.
 */
export async function startKdcOrSkip(ctx: Mocha.Context, options: KdcOptions = {}): Promise<Kdc> {
  const skip = (reason: string): never => {
    console.log(`      (skipped: ${reason})`);
    ctx.skip();
  };
  const tools = kdcAvailability();
  if (!tools.ok) skip(tools.reason);
  try {
    require('kerberos');
  } catch (err) {
    skip(`the optional 'kerberos' package does not load (${(err as Error).message.split('\n')[0]}); npm install kerberos@7.0.0`);
  }
  try {
    await gssAcceptorPath();
  } catch (err) {
    skip((err as Error).message);
  }
  return startKdc(options);
}
