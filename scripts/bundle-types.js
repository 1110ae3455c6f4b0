#!/usr/bin/env node
'use strict';
// Rolls the declarations of each public entry point into one self-contained .d.ts
// (dist/index.d.ts, dist/testing.d.ts). Consumers then see only the public surface:
// no internal module, no type from a dependency whose typings are dev-only (thrift,
// node-int64) and no @duckdb/node-api type, so a project with TypeScript's defaults
// (skipLibCheck: false) type-checks. The build fails when a bundle imports anything
// but Node's own modules.
const fs = require('node:fs');
const path = require('node:path');
const { generateDtsBundle } = require('dts-bundle-generator');
const { pruneInternal } = require('./prune-internal');

const root = path.join(__dirname, '..');
/** Entry point source → bundled declaration file, as package.json `exports` names them. */
const ENTRIES = [
  { source: 'src/index.ts', out: 'dist/index.d.ts' },
  { source: 'src/testing/index.ts', out: 'dist/testing.d.ts' },
];

/** What a published declaration may import: Node's built-in modules (typed by @types/node). */
function allowedSpecifier(spec) {
  return spec.startsWith('node:');
}

/** Every module a declaration file imports or references, with its line. */
function importsOf(text) {
  const found = [];
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    for (const m of line.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/g)) found.push({ spec: m[1], line: i + 1 });
    const ref = /^\/\/\/\s*<reference\s+(types|path)="([^"]+)"/.exec(line);
    if (ref) found.push({ spec: ref[1] === 'types' ? ref[2] : `./${ref[2]}`, line: i + 1, reference: true });
  });
  return found;
}

function main() {
  const outputs = generateDtsBundle(
    ENTRIES.map((e) => ({
      filePath: path.join(root, e.source),
      output: { noBanner: true, exportReferencedTypes: false, sortNodes: false },
    })),
    { preferredConfigPath: path.join(root, 'tsconfig.build.json') },
  );
  const problems = [];
  ENTRIES.forEach((e, i) => {
    const text = pruneInternal(outputs[i]);
    for (const imp of importsOf(text)) {
      const ok = imp.reference ? imp.spec === 'node' : allowedSpecifier(imp.spec);
      if (!ok) problems.push(`${e.out}:${imp.line} imports '${imp.spec}'`);
    }
    const file = path.join(root, e.out);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  });
  if (problems.length > 0) {
    process.stderr.write(
      `bundle-types: a published declaration must import only node:* modules (consumers lack our dev-only typings):\n  ${problems.join('\n  ')}\n` +
        'Keep the type out of the public signature, mark the member @internal, or declare a local type.\n',
    );
    process.exitCode = 1;
  }
}

if (require.main === module) main();
module.exports = { importsOf, allowedSpecifier, ENTRIES };
