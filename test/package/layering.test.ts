import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT } from './build';

const SRC = path.join(ROOT, 'src');
/** Hard cap on a source file (docs/architecture.md, style anchors); generated Thrift code is exempt. */
const MAX_LINES = 450;

/**
 * Which src/ folders each folder may import (DESIGN §1, docs/architecture.md): errors ←
 * connection ← protocol ← pool/session ← client, pure policies below the pool, the
 * simulator on connection/protocol only, the CLI and the entry point on top.
 */
const ALLOWED: Record<string, string[]> = {
  errors: [],
  // Pure helpers with no imports of ours (one listener per AbortSignal).
  util: [],
  thrift: [],
  // Pure pieces of the HTTP transport: the header rules a URL is checked by, the token provider type.
  'connection-string': ['errors', 'connection', 'util'],
  balancer: ['errors', 'util'],
  // Typed events and tracing are the vocabulary every layer reports in (next to errors).
  events: ['errors', 'util'],
  // The attempt loop reports retried/failedOver.
  retry: ['errors', 'events', 'util'],
  health: ['errors', 'retry', 'events', 'util'],
  connection: ['errors', 'thrift', 'util'],
  protocol: ['errors', 'connection', 'thrift', 'util'],
  pool: ['errors', 'connection', 'protocol', 'balancer', 'health', 'retry', 'events', 'connection-string', 'util'],
  session: ['errors', 'connection', 'protocol', 'pool', 'retry', 'events', 'util'],
  client: ['errors', 'connection', 'protocol', 'pool', 'session', 'retry', 'events', 'connection-string', 'balancer', 'health', 'util'],
  testing: ['errors', 'thrift', 'connection', 'protocol', 'connection-string', 'util'],
  cli: ['errors', 'connection', 'protocol', 'client', 'session', 'retry', 'connection-string', 'testing', 'util'],
  '.': ['errors', 'connection-string', 'balancer', 'retry', 'health', 'events', 'connection', 'protocol', 'pool', 'session', 'client', 'util'],
};

/** Known breaks, to be fixed where they live (each must still exist, so a fixed one is removed from this list). */
const KNOWN: Record<string, string> = {};

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'gen-nodejs' ? [] : sources(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

function folderOf(file: string): string {
  const rel = path.relative(SRC, file).split(path.sep);
  if (rel.length > 1) return rel[0]!;
  const asDir = path.join(SRC, rel[0]!);
  return fs.existsSync(asDir) && fs.statSync(asDir).isDirectory() ? rel[0]! : '.';
}

/** Folder → folder edges, with one importing file each, from import/export/require statements (type-only included). */
function edges(): Map<string, string> {
  const out = new Map<string, string>();
  for (const file of sources(SRC)) {
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)['"](\.{1,2}\/[^'"]*)['"]/gm)) {
      const from = folderOf(file);
      const to = folderOf(path.resolve(path.dirname(file), m[1]!));
      if (from !== to && !out.has(`${from} -> ${to}`)) out.set(`${from} -> ${to}`, path.relative(ROOT, file));
    }
  }
  return out;
}

describe('source layout', () => {
  it('folders import only the layers below them (DESIGN §1)', () => {
    const wrong: string[] = [];
    const graph = edges();
    for (const [edge, file] of graph) {
      const [from, to] = edge.split(' -> ') as [string, string];
      if (ALLOWED[from] === undefined) wrong.push(`${from}: a new folder; add its allowed imports to this test`);
      else if (!ALLOWED[from]!.includes(to) && KNOWN[edge] === undefined) wrong.push(`${file}: ${from} may not import ${to} (allowed: ${ALLOWED[from]!.join(', ') || 'nothing'})`);
    }
    assert.deepEqual(wrong, []);
    for (const edge of Object.keys(KNOWN)) assert.ok(graph.has(edge), `${edge} is gone: remove it from KNOWN`);
  });

  it('has no folder cycle (apart from known breaks, none today)', () => {
    const graph = new Map<string, Set<string>>();
    for (const edge of edges().keys()) {
      if (KNOWN[edge] !== undefined) continue;
      const [from, to] = edge.split(' -> ') as [string, string];
      if (!graph.has(from)) graph.set(from, new Set());
      graph.get(from)!.add(to);
    }
    const state = new Map<string, 'open' | 'done'>();
    const cycles: string[] = [];
    const visit = (node: string, trail: string[]): void => {
      if (state.get(node) === 'done') return;
      if (state.get(node) === 'open') {
        cycles.push([...trail.slice(trail.indexOf(node)), node].join(' -> '));
        return;
      }
      state.set(node, 'open');
      for (const next of graph.get(node) ?? []) visit(next, [...trail, node]);
      state.set(node, 'done');
    };
    for (const node of graph.keys()) visit(node, []);
    assert.deepEqual(cycles, []);
  });

  it(`keeps every hand-written source file at or under ${MAX_LINES} lines`, () => {
    const long = sources(SRC)
      .map((f) => ({ f: path.relative(ROOT, f), n: fs.readFileSync(f, 'utf8').split('\n').length }))
      .filter(({ n }) => n > MAX_LINES)
      .map(({ f, n }) => `${f}: ${n} lines`);
    assert.deepEqual(long, []);
  });
});
