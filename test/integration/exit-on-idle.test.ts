import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { PoolFixture, describeVariants } from '../helpers/pool-fixtures';

const CHILD = path.join(__dirname, '../helpers/forgets-close-child.ts');

/** Runs the child against `coordinators` over `protocol`; resolves with its exit code and output, or rejects if it is still alive after `boundMs`. */
function runChild(coordinators: string[], mode: string, protocol: string, boundMs: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--require', 'tsx/cjs', CHILD, coordinators.join(','), mode, protocol], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // A hang detector, not a speed claim: the pool's idle timeout is 10 minutes, so a
    // child that waits for it is still here long after this.
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the child did not exit by itself within ${boundMs} ms; stdout: ${stdout} stderr: ${stderr}`));
    }, boundMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describeVariants('a script that forgets close() exits by itself (child process, simulator in this process)', function (v) {
  this.timeout(90_000);
  const fx = new PoolFixture(v);
  afterEach(() => fx.stop());

  it('after pooled queries and an unclosed session, with keepalive on', async () => {
    await fx.start({ coordinators: 2 });
    const { code, stdout, stderr } = await runChild(fx.addresses(), 'plain', v.name, 40_000);
    assert.equal(code, 0, stderr);
    const out = JSON.parse(stdout) as { results: unknown[]; states: string[] };
    assert.deepEqual(out.results, [{ i: 0 }, { i: 1 }, { i: 2 }, { seven: 7 }]);
  });

  it('with minIdle connections and a dead coordinator being probed', async () => {
    await fx.start({ coordinators: 2 });
    await fx.cluster.coordinators[1]!.kill();
    const { code, stdout, stderr } = await runChild(fx.addresses(), 'minIdle', v.name, 40_000);
    assert.equal(code, 0, stderr);
    const out = JSON.parse(stdout) as { results: unknown[]; states: string[] };
    assert.deepEqual(out.results, [{ i: 0 }, { i: 1 }, { i: 2 }, { seven: 7 }]);
    assert.deepEqual(out.states, ['up', 'down'], 'the dead coordinator was down (and its probe timer armed) when the script ended');
  });
});
