import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DUCKDB_INSTALL_COMMAND, DUCKDB_PACKAGE, DUCKDB_TESTED_VERSION } from '../../src/testing/load-engine';
import { ROOT } from './build';

type Semver = { satisfies(version: string, range: string): boolean; validRange(range: string): string | null };

/** npm's own semver (the one that decides ERESOLVE), from the npm running the tests or the global one. */
function npmSemver(): Semver | undefined {
  const roots: string[] = [];
  if (process.env.npm_execpath) roots.push(path.join(path.dirname(process.env.npm_execpath), '..'));
  try {
    roots.push(path.join(execFileSync('npm', ['root', '-g'], { encoding: 'utf8', timeout: 30_000 }).trim(), 'npm'));
  } catch {
    // no global npm: the first candidate may still do
  }
  for (const r of roots) {
    const p = path.join(r, 'node_modules', 'semver');
    if (fs.existsSync(path.join(p, 'package.json'))) return require(p) as Semver;
  }
  return undefined;
}

describe('the DuckDB peer range and the install hint', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as Record<string, Record<string, string>>;
  const range = pkg.peerDependencies![DUCKDB_PACKAGE]!;
  let semver: Semver;
  before(function () {
    const found = npmSemver();
    if (found === undefined) {
      console.log("    (skipped: npm's semver module was not found next to npm)");
      this.skip();
    }
    semver = found!;
  });

  it('accepts the pinned dev version, which the install hint names', () => {
    assert.ok(semver.validRange(range), range);
    assert.equal(DUCKDB_TESTED_VERSION, pkg.devDependencies![DUCKDB_PACKAGE], 'the hint names the version the project tests with');
    assert.ok(semver.satisfies(DUCKDB_TESTED_VERSION, range), `${DUCKDB_TESTED_VERSION} outside ${range}`);
    assert.equal(DUCKDB_INSTALL_COMMAND, `npm install --save-dev ${DUCKDB_PACKAGE}@${DUCKDB_TESTED_VERSION}`);
    const installed = (JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', DUCKDB_PACKAGE, 'package.json'), 'utf8')) as { version: string }).version;
    assert.ok(semver.satisfies(installed, range), `installed ${installed} outside ${range}`);
  });

  it('accepts the releases a user gets from the registry, though every one is a prerelease', () => {
    // `npm install @duckdb/node-api` picks the `latest` tag (1.5.6-r.1 when this was
    // written; the simulator's suite passes on it). A plain `>=1.5.5-r.5 <2` would refuse
    // it: npm matches a prerelease only against comparators of the same x.y.z.
    for (const v of ['1.5.5-r.5', '1.5.6-r.1']) assert.ok(semver.satisfies(v, range), `${v} outside ${range}`);
    assert.equal(semver.satisfies('1.5.6-r.1', '>=1.5.5-r.5 <2'), false, 'why the range lists each x.y.z');
    for (const v of ['1.5.5-r.4', '1.4.4-r.4', '2.0.0']) assert.equal(semver.satisfies(v, range), false, `${v} is untested and stays outside`);
  });
});
