import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * This package's version, read from its package.json (found by walking up from this
 * file: `src/cli` when run from source, `dist/src/cli` when installed).
 */
export function packageVersion(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'impala-ha' && typeof pkg.version === 'string') return pkg.version;
    }
    if (path.dirname(dir) === dir) return 'unknown';
  }
}
