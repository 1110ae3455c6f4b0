#!/usr/bin/env node
'use strict';
// tsc does not emit the generated Thrift JavaScript (it resolves the .d.ts beside it),
// so the build copies it into dist/ next to the compiled code that requires it. Its
// .d.ts files stay behind: the published types are the bundles (scripts/bundle-types.js).
// The simulator's GSSAPI acceptor is C compiled on first use; its source goes beside
// the compiled simulator too, so the package needs nothing from src/.
const fs = require('node:fs');
const path = require('node:path');

const from = path.join(__dirname, '..', 'src', 'thrift', 'gen-nodejs');
const to = path.join(__dirname, '..', 'dist', 'src', 'thrift', 'gen-nodejs');
fs.mkdirSync(to, { recursive: true });
for (const name of fs.readdirSync(from)) {
  if (name.endsWith('.js')) fs.copyFileSync(path.join(from, name), path.join(to, name));
}

const nativeFrom = path.join(__dirname, '..', 'src', 'testing', 'native');
const nativeTo = path.join(__dirname, '..', 'dist', 'src', 'testing', 'native');
fs.mkdirSync(nativeTo, { recursive: true });
for (const name of fs.readdirSync(nativeFrom)) {
  if (name.endsWith('.c')) fs.copyFileSync(path.join(nativeFrom, name), path.join(nativeTo, name));
}
