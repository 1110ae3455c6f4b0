// Rewrites the generated tables (between BEGIN/END GENERATED markers) in the Markdown
// files given, from the option specs in src/connection-string, so docs never drift.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { renderJdbcHive2Table, renderJdbcImpalaTable, renderOptionsTable } from '../src/connection-string';

const BLOCKS: Record<string, () => string> = { options: renderOptionsTable, 'jdbc-impala': renderJdbcImpalaTable, 'jdbc-hive2': renderJdbcHive2Table };
for (const file of process.argv.slice(2)) {
  if (!existsSync(file)) continue;
  let text = readFileSync(file, 'utf8');
  for (const [name, render] of Object.entries(BLOCKS)) {
    const re = new RegExp(`(<!-- BEGIN GENERATED: ${name} -->\\n)[\\s\\S]*?(\\n?<!-- END GENERATED: ${name} -->)`);
    text = text.replace(re, (_m, begin: string) => `${begin}${render()}\n<!-- END GENERATED: ${name} -->`);
  }
  writeFileSync(file, text);
}
