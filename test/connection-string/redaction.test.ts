import assert from 'node:assert/strict';
import { format, inspect } from 'node:util';
import createDebug from 'debug';
import {
  formatConnectionString,
  parseConnectionString,
  redactConnectionString,
  resolveOptions,
  type ClientOptions,
} from '../../src/connection-string';

// Every password (and every piece a password could be cut into) contains this marker, and
// nothing else in the inputs does: finding it anywhere in the output is a leak.
const MARK = 'Xk4p';

const URLS: readonly string[] = [
  `impala://alice:${MARK}1@h1/db`,
  `impalas://alice:${encodeURIComponent(`${MARK}@:/?#%;&=+ 2`)}@h1,h2/db?balance=p2c`,
  `impala://alice:${MARK}3@h1?balence=p2c`,
  `impala://alice:${MARK}4@h1?fetchSize=abc`,
  `impala://alice:${MARK}5@h1:99999`,
  `impala://alice:${MARK}6@h1?auth=nosasl`,
  `impala://alice:${MARK}7@h1?password=${MARK}7b`,
  `impala://alice:${MARK}8a/${MARK}8b@h1/db`,
  `impala://alice:${MARK}9a?${MARK}9b@h1/db`,
  `impala://alice:${MARK}10a#${MARK}10b@h1`,
  `impala://alice:12/${MARK}11@h1`,
  `impala://alice:${MARK}12%zz@h1`,
  `impala://alice:${MARK}13@@h1`,
  `impala://alice:${MARK}14@h1/db?queryOptions.MEM_LIMIT=1g&tlsCa=/x`,
  `jdbc:impala://h/;AuthMech=3;UID=u;PWD=${MARK}20`,
  `jdbc:impala://h/;AuthMech=0;UID=u;PWD=${MARK}21`,
  `jdbc:impala://h/;AuthMech=3;UID=u;PWD=${MARK}22a;${MARK}22b`,
  `jdbc:impala://h/;AuthMech=3;UID=u;PWD=${MARK}23a;${MARK}23b=c`,
  `jdbc:impala://h/;AuthMech=3;UID=u;PWD={${MARK}24a;${MARK}24b}`,
  `jdbc:impala://h/;AuthMech=3;UID=u;PWD={${MARK}25`,
  `jdbc:impala://h/;SSL=1;SSLTrustStorePwd=${MARK}26;SSLKeyStorePwd=${MARK}26b`,
  `jdbc:impala://u:${MARK}27@h/db`,
  `jdbc:impala://h/;AuthMech=12;UID=u;PWD=${MARK}28`,
  `jdbc:impala://h/;PWD=${MARK}29;AuthMeh=3`,
  `jdbc:hive2://h:21050/db;user=u;password=${MARK}40`,
  `jdbc:hive2://h:21050/db;user=u;password=${MARK}41%zz`,
  `jdbc:hive2://h:21050/db;user=u;password=${MARK}42a?${MARK}42b=1`,
  `jdbc:hive2://h:21050/db;user=u;password=${MARK}43a#${MARK}43b`,
  `jdbc:hive2://h:21050/db;user=u;password=${MARK}44a;${MARK}44b`,
  `jdbc:hive2://h:21050/db;user=u;password=${MARK}45a;${MARK}45b=1`,
  `jdbc:hive2://h:21050/db;auth=noSasl;user=u;password=${MARK}46`,
  `jdbc:hive2://h:21050/db;trustStorePassword=${MARK}47;keyStorePassword=${MARK}47b;zooKeeperKeystorePassword=${MARK}47c`,
  `jdbc:hive2://h:21050/db;delegationToken=${MARK}48`,
  `jdbc:hive2://h:21050/db;http.header.Authorization=Bearer%20${MARK}49;http.cookie.session=${MARK}49b`,
  `jdbc:hive2://u:${MARK}50@h:21050/db`,
  `jdbc:hive2://h:21050/db;user=u;password=${MARK}51?MEM_LIMT=1g`,
  `u:${MARK}60@h1`,
  `alice:${MARK}61@h1:21050,h2`,
  `http://alice:${MARK}62@h1/`,
];

const OBJECTS: readonly ClientOptions[] = [
  { user: 'u', password: `${MARK}70`, auth: 'nosasl' },
  { user: 'u', password: `a\u0000${MARK}71` },
  { url: `impala://u:${MARK}72@h1`, tls: true, balance: 'p2c' },
  { url: `impala://u:${MARK}73@h1`, fetchSize: -1 },
  { password: `${MARK}74`, coordinators: ['h1'] },
  { url: `jdbc:impala://h/;AuthMech=3;UID=u;PWD=${MARK}75`, tlsCa: '/etc/ca.pem' },
];

const ENVS: ReadonlyArray<Record<string, string>> = [
  { IMPALA_URL: `impala://u:${MARK}80@h1/db` },
  { IMPALA_URL: `impala://u:${MARK}81@h1/db?balence=1` },
];

/** Everything a caller or operator could see from one attempt. */
function observe(run: () => unknown, out: string[]): void {
  try {
    const result = run();
    out.push(inspect(result, { depth: Infinity, showHidden: true }), JSON.stringify(result) ?? '');
    if (result !== null && typeof result === 'object') {
      const r = result as { warnings?: readonly string[]; password?: unknown; options?: { password?: unknown } };
      out.push(...(r.warnings ?? []), String(r.password ?? ''), String(r.options?.password ?? ''));
      if ('coordinators' in r || 'options' in r) {
        const options = ('options' in r ? r.options : r) as ClientOptions;
        out.push(formatConnectionString(options), formatConnectionString(options, { omitDefaults: true }));
      }
    }
  } catch (err) {
    out.push(String(err), inspect(err, { depth: Infinity, showHidden: true }), JSON.stringify(err) ?? '');
    for (let e: unknown = err; e instanceof Error; e = e.cause) out.push(e.message, e.stack ?? '');
  }
}

describe('connection strings: no password in any output', () => {
  const debugLines: string[] = [];
  let restoreNamespaces = '';
  const originalLog = createDebug.log;

  before(() => {
    restoreNamespaces = createDebug.disable();
    createDebug.enable('impala-ha:config');
    createDebug.log = (...args: unknown[]) => {
      debugLines.push(format(...args));
    };
  });

  after(() => {
    createDebug.log = originalLog;
    createDebug.disable();
    if (restoreNamespaces) createDebug.enable(restoreNamespaces);
  });

  it('errors, warnings, inspect, JSON, formatted and redacted URLs and debug lines never contain a password', () => {
    const outputs: string[] = [];
    for (const url of URLS) {
      observe(() => parseConnectionString(url), outputs);
      observe(() => resolveOptions(url, {}), outputs);
      outputs.push(redactConnectionString(url));
    }
    for (const options of OBJECTS) observe(() => resolveOptions(options, {}), outputs);
    for (const env of ENVS) observe(() => resolveOptions(undefined, env), outputs);

    // The run must have produced each kind of output, or the search below proves nothing.
    assert.ok(debugLines.length >= 10, `only ${debugLines.length} debug lines captured`);
    assert.ok(outputs.some((o) => /IMPALA_ERR_CONFIG_CONFLICT/.test(o)));
    assert.ok(outputs.some((o) => /ignored/.test(o)), 'no warning was produced');
    assert.ok(outputs.some((o) => o.includes('***')), 'no redacted value was produced');
    assert.ok(outputs.length > 300);

    const leaks = [...outputs, ...debugLines].filter((o) => o.includes(MARK));
    assert.deepStrictEqual(leaks, []);
  });

  it('the debug line describes the resolved options', () => {
    debugLines.length = 0;
    resolveOptions({ url: `impalas://u:${MARK}90@h1/db?balance=p2c`, fetchSize: 5 }, {});
    const line = debugLines.join('\n');
    assert.match(line, /impala-ha:config resolved options from connection string: impala:\/\/u@h1:21050\/db\?tls=true&fetchSize=5&balance=p2c/);
    assert.ok(!line.includes(MARK));
  });

  it('redacts every form, keeping the rest readable', () => {
    const cases: ReadonlyArray<[string, string]> = [
      ['impala://alice:s3cret@h1,h2/db?balance=p2c', 'impala://alice:***@h1,h2/db?balance=p2c'],
      ['impala://alice:p@ss@h1', 'impala://alice:***@h1'],
      ['impala://alice:pa/ss@h1/db', 'impala://alice:***@h1/db'],
      ['impala://h1/db?password=x&fetchSize=1', 'impala://h1/db?password=***&fetchSize=1'],
      ['impala://alice@h1/db?applicationName=a@b', 'impala://alice@h1/db?applicationName=a@b'],
      ['jdbc:impala://h/db;AuthMech=3;UID=u;PWD=p;SSL=1', 'jdbc:impala://h/db;AuthMech=3;UID=u;PWD=***;SSL=1'],
      ['jdbc:impala://h/db;PWD={a;b};SSL=1', 'jdbc:impala://h/db;PWD={***};SSL=1'],
      ['jdbc:impala://h/db;PWD=a;b;SSL=1', 'jdbc:impala://h/db;PWD=***;***;SSL=1'],
      ['jdbc:hive2://h:21050/db;user=u;password=p?MEM_LIMIT=1g', 'jdbc:hive2://h:21050/db;user=u;password=***?MEM_LIMIT=1g'],
      ['jdbc:hive2://h:21050/;principal=impala/_HOST@R', 'jdbc:hive2://h:21050/;principal=impala/_HOST@R'],
      ['jdbc:hive2://h/;trustStorePassword=x;sslTrustStore=/t.jks', 'jdbc:hive2://h/;trustStorePassword=***;sslTrustStore=/t.jks'],
      ['alice:pw@h1', 'alice:***@h1'],
      ['h1:21050,h2', 'h1:21050,h2'],
    ];
    for (const [input, expected] of cases) assert.equal(redactConnectionString(input), expected, input);
  });
});
