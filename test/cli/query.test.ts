import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startCluster, type SimCluster } from '../../src/testing';
import { BIN, childEnv, ensureBuilt, runNode } from '../package/build';

const impalaHa = (args: string[], env: Record<string, string> = {}, input?: string) =>
  runNode([BIN, ...args], { env: childEnv(env), ...(input !== undefined ? { input } : {}) });

describe('impala-ha query (the installed bin against the simulator)', function () {
  this.timeout(120_000);
  let cluster: SimCluster;
  let dir: string;

  before(async function () {
    this.timeout(900_000);
    await ensureBuilt();
    cluster = await startCluster({ coordinators: 2 });
    await cluster.seed("CREATE TABLE people AS SELECT range AS id, 'p' || range AS name FROM range(5)");
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'impala-ha-cli-'));
  });
  after(async () => {
    await cluster?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('prints an impala-shell table on stdout and the row count on stderr', async () => {
    const r = await impalaHa(['query', '--url', cluster.url, '-q', 'SELECT id, name FROM people ORDER BY id LIMIT 2']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, ['+----+------+', '| id | name |', '+----+------+', '| 0  | p0   |', '| 1  | p1   |', '+----+------+', ''].join('\n'));
    assert.match(r.stderr, /^Fetched 2 row\(s\) in \d+\.\d\ds$/m);
  });

  it('-B prints delimited rows (header only with --print_header, any delimiter) and reads IMPALA_URL', async () => {
    const plain = await impalaHa(['query', '-B', '-q', 'SELECT id, name FROM people ORDER BY id LIMIT 3'], { IMPALA_URL: cluster.url });
    assert.equal(plain.code, 0, plain.stderr);
    assert.equal(plain.stdout, '0\tp0\n1\tp1\n2\tp2\n');
    const withHeader = await impalaHa(['query', '-i', cluster.coordinators[1]!.address, '-B', '--print_header', '--output_delimiter', ',', '--quiet', '-q', 'SELECT id, name FROM people ORDER BY id LIMIT 2']);
    assert.equal(withHeader.code, 0, withHeader.stderr);
    assert.equal(withHeader.stdout, 'id,name\n0,p0\n1,p1\n');
    assert.equal(withHeader.stderr, '', '--quiet prints nothing on stderr');
  });

  it('-f runs a script statement by statement; USE and SET pin it to one session', async () => {
    const file = path.join(dir, 'script.sql');
    fs.writeFileSync(file, ["-- a comment; with a semicolon", 'CREATE DATABASE IF NOT EXISTS clidb;', 'USE clidb;', "CREATE TABLE t AS SELECT 'a;b' AS s;", 'SELECT s FROM t;', ''].join('\n'));
    const r = await impalaHa(['query', '--url', cluster.url, '-B', '-f', file]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'a;b\n', 'the quoted ; does not split the statement, and USE applied to the next ones');
  });

  it("-f - reads the statements from stdin; -d picks the database", async () => {
    const r = await impalaHa(['query', '--url', cluster.url, '-d', 'clidb', '-B', '-f', '-'], {}, 'SELECT count(*) FROM t');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '1\n');
  });

  it('-Q passes query options with every statement (an unknown one is refused by the server)', async () => {
    const ok = await impalaHa(['query', '--url', cluster.url, '-Q', 'MEM_LIMIT=2g', '-B', '-q', 'SELECT 1']);
    assert.equal(ok.code, 0, ok.stderr);
    const bad = await impalaHa(['query', '--url', cluster.url, '-Q', 'NOT_AN_OPTION=1', '-q', 'SELECT 1']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^ERROR: IMPALA_ERR_INVALID_QUERY_OPTION: .*NOT_AN_OPTION/m);
  });

  it('prints a failure as one line with its code, exits 1, and stops unless -c', async () => {
    const r = await impalaHa(['query', '--url', cluster.url, '-B', '-q', 'SELECT * FROM missing_table; SELECT 7']);
    assert.equal(r.code, 1);
    const errors = r.stderr.split('\n').filter((l) => l.startsWith('ERROR: '));
    assert.equal(errors.length, 1);
    assert.match(errors[0]!, /^ERROR: IMPALA_ERR_OBJECT_NOT_FOUND: .*missing_table/);
    assert.equal(r.stdout, '', 'the statement after the failure did not run');
    const goOn = await impalaHa(['query', '--url', cluster.url, '-B', '-c', '-q', 'SELECT * FROM missing_table; SELECT 7']);
    assert.equal(goOn.code, 1);
    assert.equal(goOn.stdout, '7\n');
  });

  it('exits 3 with the code when no coordinator can be reached', async () => {
    const r = await impalaHa(['query', '-i', '127.0.0.1:1', '-q', 'SELECT 1']);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /^ERROR: IMPALA_ERR_(NO_COORDINATOR|CONNECT_REFUSED): /m);
  });

  it('draws no ticker when stderr is not a terminal, even for a slow statement', async () => {
    const r = await impalaHa(['query', '--url', cluster.url, '-B', '-q', 'SELECT sleep(1500) AS s']);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(!r.stderr.includes('\r') && !r.stderr.includes('running'), JSON.stringify(r.stderr));
  });

  it('rejects bad command lines with exit status 2 and a pointer to --help', async () => {
    for (const args of [['query'], ['query', '-q', 'SELECT 1', '-f', 'x.sql'], ['query', '--bogus', '-q', 'SELECT 1'], ['query', '-q', ';;'], ['query', '-Q', 'NOEQUALS', '-q', 'SELECT 1'], ['query', '-f', path.join(dir, 'absent.sql')], ['query', '--url', 'impala://h:99999', '-q', 'SELECT 1']]) {
      const r = await impalaHa(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /^impala-ha query: .+\nRun 'impala-ha query --help' for the options\.\n$/, args.join(' '));
      assert.equal(r.stdout, '');
    }
  });
});

describe('impala-ha --help and --version', function () {
  this.timeout(120_000);
  before(async function () {
    this.timeout(900_000);
    await ensureBuilt();
  });

  it('prints the package version', async () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-v']) {
      const r = await impalaHa([flag]);
      assert.equal(r.code, 0);
      assert.equal(r.stdout, `${pkg.version}\n`);
    }
  });

  it('has help for the command and for each subcommand', async () => {
    const top = await impalaHa(['--help']);
    assert.equal(top.code, 0);
    for (const command of ['query', 'check', 'sim']) {
      assert.match(top.stdout, new RegExp(`^  ${command} `, 'm'));
      const r = await impalaHa([command, '--help']);
      assert.equal(r.code, 0, command);
      assert.match(r.stdout, new RegExp(`^Usage: impala-ha ${command} `), command);
    }
    const unknown = await impalaHa(['frobnicate']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown command 'frobnicate'/);
  });
});
