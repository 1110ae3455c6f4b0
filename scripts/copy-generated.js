#!/usr/bin/env node
'use strict';
// tsc does not emit the generated Thrift JavaScript (it resolves the .d.ts beside it),
// so the build copies it into dist/ next to the compiled code that requires it. Its
// .d.ts files stay behind: the published types are the bundles (scripts/bundle-types.js).
const fs = require('node:fs');
const path = require('node:path');

const from = path.join(__dirname, '..', 'src', 'thrift', 'gen-nodejs');
const to = path.join(__dirname, '..', 'dist', 'src', 'thrift', 'gen-nodejs');
fs.mkdirSync(to, { recursive: true });
for (const name of fs.readdirSync(from)) {
  if (name.endsWith('.js')) fs.copyFileSync(path.join(from, name), path.join(to, name));
}
