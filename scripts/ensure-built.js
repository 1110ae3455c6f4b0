#!/usr/bin/env node
'use strict';
// Runs `npm run build` when dist/ is missing or older than its inputs: the demo, the
// examples and the package tests import the package by name, i.e. run dist/.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');

function newest(dir) {
  let max = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    max = Math.max(max, entry.isDirectory() ? newest(p) : fs.statSync(p).mtimeMs);
  }
  return max;
}

function isStale() {
  // The last file the build writes.
  const stamp = path.join(root, 'dist', 'testing.d.ts');
  if (!fs.existsSync(stamp)) return true;
  const inputs = Math.max(
    newest(path.join(root, 'src')),
    newest(path.join(root, 'scripts')),
    ...['package.json', 'tsconfig.json', 'tsconfig.build.json'].map((f) => fs.statSync(path.join(root, f)).mtimeMs),
  );
  return fs.statSync(stamp).mtimeMs < inputs;
}

if (isStale()) {
  process.stderr.write('dist/ is missing or stale: npm run build\n');
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
}
