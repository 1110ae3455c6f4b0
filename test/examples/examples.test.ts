import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { childEnv, ensureBuilt, ROOT, runNode } from '../package/build';

/**
 * Every example, run as a user runs it (through the package name, i.e. the build), each
 * with its own simulator, bounded in time, checked on what it prints.
 */
const EXAMPLES: Record<string, { args?: string[]; expect: RegExp[] }> = {
  'http-service.ts': { expect: [/^listening on http:\/\/127\.0\.0\.1:\d+$/m, /^GET \/regions\/3 -> 200 \[\{"region":"3","orders":"200","total":"300300"\}\]$/m, /^GET \/regions\/9 -> 404 \[\]$/m, /^GET \/health -> 200 3 coordinators$/m, /^stopped$/m] },
  'sticky-ddl.ts': { expect: [/^session \w+:\w+ on 127\.0\.0\.1:\d+$/m, /^inserted 3 rows$/m, /^count 3, total 35\.75$/m] },
  'stream-csv.ts': { args: ['200000'], expect: [/^wrote 200000 rows \([\d.]+ MB\) to /m, /^peak heap while streaming: \d+ MB/m] },
  'connection-strings.ts': {
    expect: [/^impala: impala:\/\/alice:\*\*\*@/m, /^jdbc:impala: jdbc:impala:\/\/.*PWD=\*\*\*/m, /^jdbc:hive2: .*password=\*\*\*/m, /^host-list: /m, /^options: \{ url, user, password, database, retries \}$/m, /^IMPALA_URL -> impala:\/\/alice@127\.0\.0\.1:\d+; password prints as \*\*\*$/m],
  },
  'pool-metrics.ts': { expect: [/^impala_coordinator_up\{coordinator="[\d.:]+",state="up"\} 1$/m, /^impala_coordinator_up\{coordinator="[\d.:]+",state="down"\} 0$/m, /^impala_requests_total\{/m, /^impala_events_total\{event="coordinatorDown",/m, /^# connectionCreated seen on diagnostics_channel: [1-9]\d*$/m] },
  'demo.ts': { expect: [/^simulator: impala:\/\//m, /killing 127\.0\.0\.1:\d+/, /restarting 127\.0\.0\.1:\d+/, /^\d+ queries succeeded, 0 failed/m, /^zero caller errors$/m] },
};

describe('examples/ (run through the package name against the simulator)', function () {
  this.timeout(180_000);
  before(async function () {
    this.timeout(900_000);
    await ensureBuilt();
  });

  it('every example in examples/ is run here', () => {
    const files = fs.readdirSync(path.join(ROOT, 'examples')).filter((f) => f.endsWith('.ts'));
    assert.deepEqual(files.sort(), [...Object.keys(EXAMPLES), 'mocha-simulator.spec.ts'].sort());
  });

  it('type-check against the published types (examples/tsconfig.json)', async () => {
    const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const output = await new Promise<string>((resolve) =>
      execFile(process.execPath, [tsc, '-p', 'examples/tsconfig.json', '--pretty', 'false'], { cwd: ROOT, timeout: 300_000 }, (err, stdout, stderr) => resolve(err ? `${stdout}${stderr}${err.message}` : '')),
    );
    assert.equal(output, '');
  });

  for (const [file, { args = [], expect }] of Object.entries(EXAMPLES)) {
    it(`${file} runs, exits 0 by itself and prints what it promises`, async () => {
      const r = await runNode(['--require', 'tsx/cjs', path.join('examples', file), ...args], { env: childEnv({ DEMO_SECONDS: '6' }), timeoutMs: 150_000 });
      assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
      for (const re of expect) assert.match(r.stdout, re);
    });
  }

  it('mocha-simulator.spec.ts passes under mocha', async () => {
    const r = await runNode([path.join(ROOT, 'node_modules', 'mocha', 'bin', 'mocha.js'), '--no-config', '--require', 'tsx/cjs', 'examples/mocha-simulator.spec.ts'], { env: childEnv(), timeoutMs: 150_000 });
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /3 passing/);
  });
});
