#!/usr/bin/env node
'use strict';
// Thin launcher: the command lives in the compiled library (npm run build).
require('../dist/src/cli/main.js').main(process.argv.slice(2)).then(
  (code) => { if (typeof code === 'number') process.exitCode = code; },
  (err) => { console.error(err && err.message ? err.message : err); process.exitCode = 1; },
);
