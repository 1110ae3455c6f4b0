import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ts from 'typescript';
import { ensureBuilt, ROOT, runNode } from './build';

/** What a new user writes: the client, results, events, errors, connection strings, and the simulator. */
const CONSUMER = `import { createClient, ImpalaError, ErrorCode, OutcomeUnknownError, parseConnectionString, formatConnectionString, redactConnectionString, resolveOptions, Secret, DEFAULTS, asBinary } from 'impala-ha';
import type { ClientOptions, QueryResult, ExecuteResult, CoordinatorDownEvent, ClientStats, ColumnInfo, Session, ResultStream } from 'impala-ha';
import { startCluster, type SimCluster } from 'impala-ha/testing';

export async function main(): Promise<void> {
  const cluster: SimCluster = await startCluster({ coordinators: 2, catalogLagMs: 0 });
  const options: ClientOptions = { url: cluster.url, password: new Secret('pw'), balance: 'p2c', queryTimeoutMs: '30s' };
  const impala = createClient(resolveOptions(options).coordinators.join(','));
  impala.on('coordinatorDown', (e: CoordinatorDownEvent) => console.log(e.coordinator, e.reason, e.time.toISOString()));
  const r: QueryResult<{ id: bigint }> = await impala.query<{ id: bigint }>('SELECT ? AS id', { params: [1n], timeoutMs: 1000 });
  const first = r.rows[0];
  if (first !== undefined) console.log(first.id + 1n, r.queryId, r.coordinator, r.attempts);
  const columns: ColumnInfo[] = r.columns;
  console.log(columns[0]?.type === 'BIGINT');
  const stream: ResultStream<unknown[]> = impala.stream<unknown[]>('SELECT 1', { rowMode: 'array' });
  for await (const row of stream) console.log(row[0]);
  const done: ExecuteResult = await impala.withSession(async (s: Session) => s.execute('CREATE TABLE t (b BINARY)'), { affinity: 'k' });
  console.log(done.rowsModified ?? 0n, asBinary(Buffer.from('x')));
  try {
    await impala.execute('INSERT INTO t VALUES (?)', { params: [asBinary(Buffer.from('y'))], idempotent: false });
  } catch (err) {
    if (err instanceof OutcomeUnknownError) console.log(err.mayHaveRun);
    else if (err instanceof ImpalaError && err.code === ErrorCode.ANALYSIS) console.log(err.retryable, err.sqlState);
  }
  const stats: ClientStats = impala.stats();
  console.log(stats.coordinators[0]?.state, DEFAULTS.balance, parseConnectionString(cluster.url).form);
  console.log(formatConnectionString(options), redactConnectionString('impala://u:p@h'));
  await impala.close();
  await cluster.stop();
}
`;

/** Compiler settings a consumer may have; every one of them uses skipLibCheck: false, so our .d.ts files are checked too. */
const CONFIGS: Record<string, { files: string[]; compilerOptions: Record<string, unknown>; onlyOurErrors?: boolean }> = {
  'nodenext, ESM, verbatimModuleSyntax (tsc --init)': {
    files: ['consumer.mts'],
    compilerOptions: { module: 'nodenext', target: 'esnext', strict: true, noUncheckedIndexedAccess: true, verbatimModuleSyntax: true, isolatedModules: true, moduleDetection: 'force' },
  },
  'node16, CommonJS': { files: ['consumer.cts'], compilerOptions: { module: 'node16', target: 'es2022', strict: true } },
  'commonjs (TypeScript 6 default resolution)': { files: ['consumer.ts'], compilerOptions: { module: 'commonjs', target: 'es2022', strict: true, esModuleInterop: true } },
  'commonjs + node10 resolution (typesVersions)': {
    files: ['consumer.ts'],
    compilerOptions: { module: 'commonjs', moduleResolution: 'node10', ignoreDeprecations: '6.0', target: 'es2022', strict: true },
  },
  // tsc --init also turns on exactOptionalPropertyTypes, under which @types/node 20
  // itself fails to check (https.AgentOptions): only errors in our files count here.
  'tsc --init in full (exactOptionalPropertyTypes)': {
    files: ['consumer.mts'],
    compilerOptions: { module: 'nodenext', target: 'esnext', strict: true, noUncheckedIndexedAccess: true, exactOptionalPropertyTypes: true, verbatimModuleSyntax: true, isolatedModules: true },
    onlyOurErrors: true,
  },
};

function tsc(dir: string, project: string): Promise<{ code: number; output: string }> {
  const bin = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, '-p', project, '--pretty', 'false'], { cwd: dir, timeout: 300_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, output: `${stdout}${stderr}` }),
    );
  });
}

/** Names an entry point's bundled declaration exports as values (classes, functions, constants). */
function declaredValues(dts: string): string[] {
  const program = ts.createProgram([dts], { module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16, noEmit: true, types: ['node'], typeRoots: [path.join(ROOT, 'node_modules', '@types')] });
  const checker = program.getTypeChecker();
  const symbol = checker.getSymbolAtLocation(program.getSourceFile(dts)!)!;
  return checker
    .getExportsOfModule(symbol)
    .filter((s) => ((s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s).flags & ts.SymbolFlags.Value) !== 0)
    .map((s) => s.name)
    .sort();
}

/** The package's runtime dependencies and theirs, by name (for a consumer's node_modules). */
function runtimeClosure(names: string[], seen = new Set<string>()): Set<string> {
  for (const name of names) {
    if (seen.has(name)) continue;
    seen.add(name);
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
    runtimeClosure(Object.keys(pkg.dependencies ?? {}).filter((d) => fs.existsSync(path.join(ROOT, 'node_modules', d))), seen);
  }
  return seen;
}

function link(modules: string, name: string): void {
  const to = path.join(modules, name);
  fs.mkdirSync(path.dirname(to), { recursive: true });
  if (!fs.existsSync(to)) fs.symlinkSync(fs.realpathSync(path.join(ROOT, 'node_modules', name)), to, 'dir');
}

describe('a consumer project using the packed package (no network)', function () {
  this.timeout(300_000);
  let dir: string;
  let modules: string;

  before(async function () {
    this.timeout(900_000);
    await ensureBuilt();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'impala-ha-consumer-'));
    modules = path.join(dir, 'node_modules');
    const packed = await new Promise<string>((resolve, reject) =>
      execFile('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: ROOT, maxBuffer: 16 << 20, timeout: 120_000 }, (err, stdout) =>
        err ? reject(err) : resolve((JSON.parse(stdout) as { filename: string }[])[0]!.filename),
      ),
    );
    fs.mkdirSync(path.join(modules, 'impala-ha'), { recursive: true });
    await new Promise<void>((resolve, reject) =>
      execFile('tar', ['-xzf', path.join(dir, packed), '-C', path.join(modules, 'impala-ha'), '--strip-components=1'], (err) => (err ? reject(err) : resolve())),
    );
    // Only the compiler and Node's typings: any other typing the package needed would be missing, as for a user.
    link(modules, 'typescript');
    link(modules, '@types/node');
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
    for (const f of ['consumer.mts', 'consumer.cts', 'consumer.ts']) fs.writeFileSync(path.join(dir, f), CONSUMER);
  });
  after(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  for (const [name, config] of Object.entries(CONFIGS)) {
    it(`type-checks with skipLibCheck: false — ${name}`, async () => {
      const project = `tsconfig.${Object.keys(CONFIGS).indexOf(name)}.json`;
      fs.writeFileSync(path.join(dir, project), JSON.stringify({ compilerOptions: { ...config.compilerOptions, skipLibCheck: false, noEmit: true, types: ['node'] }, files: config.files }));
      const { code, output } = await tsc(dir, project);
      if (config.onlyOurErrors) {
        const ours = output.split('\n').filter((l) => /error TS/.test(l) && !l.includes('@types/node'));
        assert.deepEqual(ours, []);
      } else {
        assert.equal(code, 0, output);
      }
    });
  }

  it('bundled declarations import nothing but node:* modules', () => {
    const { importsOf } = require(path.join(ROOT, 'scripts', 'bundle-types.js')) as { importsOf: (text: string) => { spec: string }[] };
    for (const f of ['dist/index.d.ts', 'dist/testing.d.ts']) {
      const specs = importsOf(fs.readFileSync(path.join(modules, 'impala-ha', f), 'utf8')).map((i) => i.spec);
      assert.deepEqual(specs.filter((s) => !s.startsWith('node:')), [], f);
    }
  });

  it('exports at run time (require and import) exactly the values its types declare', async () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    for (const name of runtimeClosure([...Object.keys(pkg.dependencies), '@duckdb/node-api', '@duckdb/node-bindings'])) link(modules, name);
    fs.writeFileSync(
      path.join(dir, 'names.mjs'),
      "import * as main from 'impala-ha'; import * as testing from 'impala-ha/testing'; import { createRequire } from 'node:module';\n" +
        "const require = createRequire(import.meta.url); const clean = (o) => Object.keys(o).filter((k) => k !== 'default' && k !== '__esModule').sort();\n" +
        "console.log(JSON.stringify({ esm: [clean(main), clean(testing)], cjs: [clean(require('impala-ha')), clean(require('impala-ha/testing'))] }));\n",
    );
    const r = await runNode([path.join(dir, 'names.mjs')], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    const names = JSON.parse(r.stdout) as { esm: string[][]; cjs: string[][] };
    const declared = [declaredValues(path.join(modules, 'impala-ha', 'dist', 'index.d.ts')), declaredValues(path.join(modules, 'impala-ha', 'dist', 'testing.d.ts'))];
    assert.deepEqual(names.cjs, declared);
    assert.deepEqual(names.esm, declared, 'Node finds every named export of the CommonJS build from ESM');
    assert.ok(declared[0]!.includes('createClient') && declared[1]!.includes('startCluster'));
  });
});
