import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { childEnv, ensureBuilt, ROOT, runNode } from '../package/build';

const PRELOAD = path.join(ROOT, 'bench', 'lib', 'compiled-client.ts');

/** Loads the client's entry point and a generated Thrift module in a child, with the preload; prints where they came from. */
const PROBE = `
require(${JSON.stringify(path.join(ROOT, 'src'))});
require(${JSON.stringify(path.join(ROOT, 'src', 'thrift', 'gen-nodejs', 'TCLIService_types'))});
const loaded = Object.keys(require.cache);
console.log(JSON.stringify({
  src: loaded.filter((f) => f.startsWith(${JSON.stringify(path.join(ROOT, 'src') + path.sep)})).length,
  dist: loaded.filter((f) => f.startsWith(${JSON.stringify(path.join(ROOT, 'dist', 'src') + path.sep)})).length,
  mode: process.env.IMPALA_HA_BENCH_CLIENT,
}));
`;

function probe(env: Record<string, string>): ReturnType<typeof runNode> {
  return runNode(['--require', 'tsx/cjs', '--require', PRELOAD, '-e', PROBE], { env: childEnv(env), timeoutMs: 60_000 });
}

describe('bench: the client under test is the compiled package', function () {
  this.timeout(600_000);

  before(async () => {
    await ensureBuilt();
  });

  it('with the preload, every module of src/ (TypeScript and generated JavaScript) loads from dist/src/', async () => {
    const ran = await probe({});
    assert.equal(ran.code, 0, ran.stderr);
    const seen = JSON.parse(ran.stdout) as { src: number; dist: number; mode: string };
    assert.equal(seen.src, 0, 'no module may load from src/');
    assert.ok(seen.dist > 20, `expected the client's modules from dist/src, got ${seen.dist}`);
    assert.equal(seen.mode, 'dist', 'children inherit the choice');
  });

  it('IMPALA_HA_BENCH_CLIENT=source (--source) keeps the TypeScript sources', async () => {
    const ran = await probe({ IMPALA_HA_BENCH_CLIENT: 'source' });
    assert.equal(ran.code, 0, ran.stderr);
    const seen = JSON.parse(ran.stdout) as { src: number; dist: number };
    assert.equal(seen.dist, 0);
    assert.ok(seen.src > 20);
  });

  it('a build older than a source file is refused with a message saying to build', async () => {
    const source = path.join(ROOT, 'src', 'errors', 'index.ts');
    const compiled = path.join(ROOT, 'dist', 'testing.d.ts');
    const { atime, mtime } = fs.statSync(compiled);
    const past = new Date(fs.statSync(source).mtimeMs - 60_000);
    fs.utimesSync(compiled, past, past);
    try {
      const ran = await probe({});
      assert.notEqual(ran.code, 0);
      assert.match(ran.stderr, /bench: dist\/ is older than src\/[\w/.-]+; run `npm run build`/);
    } finally {
      fs.utimesSync(compiled, atime, mtime);
    }
  });
});
