import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ensureBuilt, ROOT } from './build';

interface PackFile {
  path: string;
  size: number;
}
interface PackResult {
  size: number;
  unpackedSize: number;
  entryCount: number;
  files: PackFile[];
}

/** Bounds on what `npm install impala-ha` downloads and unpacks (today ≈0.6 MB and ≈2.5 MB: JS with inline source maps). */
const MAX_TARBALL_BYTES = 1.5 * 1024 * 1024;
const MAX_UNPACKED_BYTES = 5 * 1024 * 1024;

function packDryRun(): Promise<PackResult> {
  return new Promise((resolve, reject) => {
    execFile('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, maxBuffer: 16 << 20, timeout: 120_000 }, (err, stdout) => {
      if (err) return reject(err);
      resolve((JSON.parse(stdout) as PackResult[])[0]!);
    });
  });
}

describe('the npm package (npm pack --dry-run)', function () {
  this.timeout(120_000);
  let pack: PackResult;
  let files: string[];
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as Record<string, any>;

  before(async function () {
    this.timeout(900_000);
    await ensureBuilt();
    pack = await packDryRun();
    files = pack.files.map((f) => f.path);
  });

  it('holds the entry points, their bundled types, the CLI, README and LICENSE', () => {
    for (const f of ['package.json', 'README.md', 'LICENSE', 'bin/impala-ha.js', 'dist/index.d.ts', 'dist/testing.d.ts', 'dist/src/index.js', 'dist/src/testing/index.js', 'dist/src/cli/main.js', 'dist/src/thrift/gen-nodejs/TCLIService.js']) {
      assert.ok(files.includes(f), `${f} is missing from the package`);
    }
    const targets = [pkg.main, pkg.types, ...Object.values(pkg.bin as Record<string, string>)];
    for (const entry of Object.values(pkg.exports as Record<string, string | Record<string, string>>)) targets.push(...(typeof entry === 'string' ? [entry] : Object.values(entry)));
    for (const t of targets) assert.ok(files.includes(path.posix.normalize(t)), `package.json points at ${t}, which is not in the package`);
  });

  it('holds no sources, tests, benchmarks, per-file declarations or secrets', () => {
    const unwanted = files.filter(
      (f) =>
        /^(src|test|bench|examples|scripts|docs|\.ci)\//.test(f) ||
        (f.endsWith('.ts') && f !== 'dist/index.d.ts' && f !== 'dist/testing.d.ts') ||
        /(^|\/)(\.env|\.npmrc|id_rsa)|\.(pem|key|crt|p12|tgz|log)$/.test(f) ||
        f.includes('node_modules'),
    );
    assert.deepEqual(unwanted, []);
  });

  it(`stays small: tarball ≤ ${MAX_TARBALL_BYTES} B, unpacked ≤ ${MAX_UNPACKED_BYTES} B`, () => {
    assert.ok(pack.size <= MAX_TARBALL_BYTES, `tarball is ${pack.size} B`);
    assert.ok(pack.unpackedSize <= MAX_UNPACKED_BYTES, `unpacked is ${pack.unpackedSize} B`);
  });

  it('says where it comes from and under which licence', () => {
    assert.equal(pkg.license, 'Apache-2.0');
    const license = fs.readFileSync(path.join(ROOT, 'LICENSE'), 'utf8');
    assert.match(license, /^\s*Apache License\s+Version 2\.0, January 2004/);
    assert.match(license, /END OF TERMS AND CONDITIONS/);
    assert.match(pkg.repository.url, /^git\+https:\/\/github\.com\/impala-ha\/impala-ha\.git$/);
    assert.match(pkg.homepage, /^https:\/\//);
    assert.match(pkg.bugs.url, /^https:\/\//);
    for (const [name, version] of Object.entries({ ...pkg.dependencies, ...pkg.devDependencies } as Record<string, string>)) {
      assert.match(version, /^\d+\.\d+\.\d+(-[\w.]+)?$/, `${name} is pinned exactly`);
    }
  });

  it('links from the README work on the npm page: relative links only to packaged files, repository links to files that exist', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const links = [...readme.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!);
    assert.ok(links.length > 0);
    const repo = 'https://github.com/impala-ha/impala-ha/blob/main/';
    for (const link of links) {
      if (link.startsWith('#')) continue;
      if (link.startsWith(repo)) {
        const file = link.slice(repo.length).split('#')[0]!;
        assert.ok(fs.existsSync(path.join(ROOT, file)), `${link} names a file the repository does not have`);
      } else if (!/^https?:\/\//.test(link)) {
        assert.ok(files.includes(link.split('#')[0]!), `README links to ${link}, which is not in the package: use ${repo}${link}`);
      }
    }
  });
});
