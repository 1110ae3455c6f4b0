import { strict as assert } from 'node:assert';
import { splitStatements } from '../../src/cli/split-statements';

describe('splitStatements (impala-ha query -q / -f)', () => {
  it('splits at ; outside literals, quoted identifiers and comments', () => {
    assert.deepEqual(splitStatements("SELECT 'a;b'; SELECT \"x;\" FROM `t;`; -- c;\nSELECT 1 /* ; */"), ["SELECT 'a;b'", 'SELECT "x;" FROM `t;`', '-- c;\nSELECT 1 /* ; */']);
  });
  it('honours backslash escapes in string literals', () => {
    assert.deepEqual(splitStatements("SELECT 'it\\'s;'; SELECT 2"), ["SELECT 'it\\'s;'", 'SELECT 2']);
  });
  it('drops empty statements and ones made only of comments', () => {
    assert.deepEqual(splitStatements(' ; ;\n-- only a comment\n; /* x */ ;'), []);
  });
});
