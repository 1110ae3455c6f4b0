import { strict as assert } from 'node:assert';
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ErrorCode, hasCode } from '../../src/errors';
import { eventually, Hs2TestClient } from './helpers/hs2-client';

const MAIN = join(__dirname, '..', '..', 'src', 'cli', 'main.ts');

interface Run {
  child: ChildProcess;
  lines: string[];
  stderr: string[];
  exited: Promise<number | null>;
}

function runCli(args: string[]): Run {
  const child = spawn(process.execPath, ['--require', 'tsx/cjs', MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const stderr: string[] = [];
  createInterface({ input: child.stdout! }).on('line', (l) => lines.push(l));
  createInterface({ input: child.stderr! }).on('line', (l) => stderr.push(l));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, lines, stderr, exited };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('impala-ha sim (command line)', function () {
  this.timeout(30_000);
  const runs: Run[] = [];
  afterEach(() => {
    for (const r of runs.splice(0)) if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill('SIGKILL');
  });

  it('prints the URL and one line per coordinator, serves queries, and stops cleanly on SIGINT', async () => {
    const run = runCli(['sim', '--coordinators', '3']);
    runs.push(run);
    await eventually(() => run.lines.some((l) => l.startsWith('Serving')), 'the simulator to start', 20_000);
    const url = run.lines[0]!;
    assert.match(url, /^impala:\/\/127\.0\.0\.1:\d+,127\.0\.0\.1:\d+,127\.0\.0\.1:\d+\/default$/);
    assert.match(run.lines[1]!, /^hs2-http: impala\+http:\/\/127\.0\.0\.1:\d+,127\.0\.0\.1:\d+,127\.0\.0\.1:\d+\/default$/);
    assert.match(run.lines[2]!, /^beeswax: impala:\/\/127\.0\.0\.1:\d+,127\.0\.0\.1:\d+,127\.0\.0\.1:\d+\/default\?protocol=beeswax$/);
    const coordinatorLines = run.lines.filter((l) => l.startsWith('coordinator '));
    assert.equal(coordinatorLines.length, 3);
    for (const line of coordinatorLines) assert.match(line, /^coordinator \d: 127\.0\.0\.1:\d+, HTTP 127\.0\.0\.1:\d+, beeswax 127\.0\.0\.1:\d+$/);
    const ports = [...url.matchAll(/:(\d+)/g)].map((m) => Number(m[1]));
    const client = await Hs2TestClient.connect({ host: '127.0.0.1', port: ports[2]! });
    try {
      assert.deepEqual(await client.query(await client.openSession(), 'SELECT 6 * 7'), [[42]]);
    } finally {
      await client.close();
    }
    run.child.kill('SIGINT');
    assert.equal(await run.exited, 0);
    assert.ok(run.stderr.some((l) => l.includes('SIGINT: stopping')));
    await assert.rejects(Hs2TestClient.connect({ host: '127.0.0.1', port: ports[0]! }), (err: unknown) => hasCode(err, ErrorCode.CONNECT_REFUSED));
  });

  it('--processes: prints each child pid and leaves none behind after SIGTERM', async () => {
    const run = runCli(['sim', '--coordinators', '2', '--processes', '--users', 'alice:secret']);
    runs.push(run);
    await eventually(() => run.lines.some((l) => l.startsWith('Serving')), 'the simulator to start', 20_000);
    const pids = run.lines.map((l) => /\(pid (\d+)\)$/.exec(l)?.[1]).filter((p): p is string => p !== undefined).map(Number);
    assert.equal(pids.length, 2);
    assert.ok(pids.every(alive));
    assert.ok(run.lines.includes('SASL PLAIN users: alice'));
    assert.ok(!run.lines.join('\n').includes('secret'), 'passwords are never printed');
    run.child.kill('SIGTERM');
    assert.equal(await run.exited, 0);
    await eventually(() => pids.every((p) => !alive(p)), 'the coordinator processes to exit', 5000);
  });

  it('rejects unknown flags and bad values with exit status 2', async () => {
    const unknown = runCli(['sim', '--coordinator', '3']);
    runs.push(unknown);
    assert.equal(await unknown.exited, 2);
    assert.match(unknown.stderr.join('\n'), /Unknown option '--coordinator'/);
    const bad = runCli(['sim', '--coordinators', 'many']);
    runs.push(bad);
    assert.equal(await bad.exited, 2);
    assert.match(bad.stderr.join('\n'), /--coordinators must be an integer from 1 to 64, got 'many'/);
    const cmd = runCli(['simulate']);
    runs.push(cmd);
    assert.equal(await cmd.exited, 2);
    assert.match(cmd.stderr.join('\n'), /unknown command 'simulate'/);
  });

  it('--help prints the options', async () => {
    const help = runCli(['sim', '--help']);
    runs.push(help);
    assert.equal(await help.exited, 0);
    const text = help.lines.join('\n');
    for (const flag of ['--coordinators', '--base-port', '--http-base-port', '--beeswax-base-port', '--catalog-lag-ms', '--processes', '--users']) assert.ok(text.includes(flag), flag);
  });
});
