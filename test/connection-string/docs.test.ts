import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DEFAULTS,
  JDBC_HIVE2_PROPERTIES,
  JDBC_IMPALA_PROPERTIES,
  OPTION_NAMES,
  OPTION_SPECS,
  renderJdbcHive2Table,
  renderJdbcImpalaTable,
  renderOptionsTable,
} from '../../src/connection-string';

const ROOT = join(__dirname, '..', '..');
const DOC = readFileSync(join(ROOT, 'docs', 'configuration.md'), 'utf8');

function generatedBlock(name: string, text = DOC): string | undefined {
  return new RegExp(`<!-- BEGIN GENERATED: ${name} -->\\n([\\s\\S]*?)\\n<!-- END GENERATED: ${name} -->`).exec(text)?.[1];
}

/** The TSDoc comment directly above `declaration` in `source` ('' when there is none). */
function docBefore(source: string, declaration: string): string {
  const at = source.indexOf(`\n${declaration}`);
  assert.ok(at !== -1, `${declaration.trim()} not found`);
  const before = source.slice(0, at);
  const open = before.lastIndexOf('/**');
  const close = before.lastIndexOf('*/');
  return open !== -1 && close > open && before.slice(close + 2).trim() === '' ? before.slice(open) : '';
}

describe('connection strings: documentation stays in step with the code', () => {
  it('docs/configuration.md (and the README, once it embeds it) carry the generated options table unchanged', () => {
    assert.equal(generatedBlock('options'), renderOptionsTable(), 'regenerate the table with renderOptionsTable()');
    const readmePath = join(ROOT, 'README.md');
    const copy = existsSync(readmePath) ? generatedBlock('options', readFileSync(readmePath, 'utf8')) : undefined;
    if (copy !== undefined) assert.equal(copy, renderOptionsTable(), 'README.md: regenerate the table with renderOptionsTable()');
  });

  it('docs/configuration.md carries the generated JDBC property tables unchanged', () => {
    assert.equal(generatedBlock('jdbc-impala'), renderJdbcImpalaTable());
    assert.equal(generatedBlock('jdbc-hive2'), renderJdbcHive2Table());
  });

  it('the options table has one row per option, each with a default and a unit column', () => {
    const rows = renderOptionsTable().split('\n').slice(2);
    assert.equal(rows.length, OPTION_NAMES.length);
    OPTION_NAMES.forEach((name, i) => {
      const cells = rows[i]!.split(' | ');
      assert.equal(cells[0], `| \`${name}\``);
      assert.notEqual(cells[2]!.trim(), '', `${name} has no default`);
      if (OPTION_SPECS[name].type.type === 'duration') assert.equal(cells[3], 'ms', `${name} has no unit`);
    });
  });

  it('every option has TSDoc with its default on ClientOptions and ResolvedOptions', () => {
    const source = readFileSync(join(ROOT, 'src', 'connection-string', 'options.ts'), 'utf8');
    const client = source.slice(source.indexOf('export interface ClientOptions'), source.indexOf('export interface ResolvedOptions'));
    const resolved = source.slice(source.indexOf('export interface ResolvedOptions'));
    for (const name of OPTION_NAMES) {
      const clientDoc = docBefore(client, `  ${name}?:`);
      assert.match(clientDoc, /@default/, `ClientOptions.${name} lacks TSDoc with @default`);
      if (OPTION_SPECS[name].type.type === 'duration') assert.match(clientDoc, /in ms/, `ClientOptions.${name} does not state its unit`);
      assert.match(docBefore(resolved, `  readonly ${name}:`), /Default/, `ResolvedOptions.${name} lacks TSDoc`);
    }
    assert.ok(Object.keys(DEFAULTS).every((k) => OPTION_NAMES.includes(k as never)));
  });

  it('names each JDBC property once, and documents every one', () => {
    for (const list of [JDBC_IMPALA_PROPERTIES, JDBC_HIVE2_PROPERTIES]) {
      const names = list.map((p) => p.name.toLowerCase());
      assert.equal(new Set(names).size, names.length);
      for (const p of list) assert.ok(DOC.includes(`\`${p.name}\``), `${p.name} is not in the docs`);
    }
  });
});
