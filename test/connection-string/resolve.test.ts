import { inspect } from 'node:util';
import assert from 'node:assert/strict';
import {
  DEFAULTS,
  formatConnectionString,
  OPTION_NAMES,
  resolveOptions,
  Secret,
  type ClientOptions,
} from '../../src/connection-string';
import { ErrorCode } from '../../src/errors';
import { expectConfigError, plain } from './helpers';

const NO_ENV = {};

describe('resolveOptions', () => {
  describe('defaults', () => {
    it('gives every option its default from the one frozen table', () => {
      const r = resolveOptions(undefined, NO_ENV);
      for (const name of OPTION_NAMES) assert.deepStrictEqual(r[name], DEFAULTS[name], name);
      assert.deepStrictEqual(r.warnings, []);
      assert.ok(Object.isFrozen(DEFAULTS) && Object.isFrozen(DEFAULTS.coordinators) && Object.isFrozen(DEFAULTS.queryOptions));
    });

    it('freezes the result, its coordinators, query options and warnings', () => {
      const r = resolveOptions({ coordinators: ['h1', 'h1'], queryOptions: { MEM_LIMIT: '1g' } }, NO_ENV);
      for (const part of [r, r.coordinators, r.queryOptions, r.warnings]) assert.ok(Object.isFrozen(part));
      assert.throws(() => {
        (r as { fetchSize: number }).fetchSize = 1;
      }, TypeError);
      assert.throws(() => (r.coordinators as string[]).push('h9'), TypeError);
    });

    for (const [protocol, port] of [['hs2', 21050], ['hs2-http', 28000], ['beeswax', 21000]] as const) {
      it(`gives hosts without a port the ${protocol} default ${port}`, () => {
        assert.deepStrictEqual(resolveOptions({ protocol }, NO_ENV).coordinators, [`localhost:${port}`]);
        const r = resolveOptions({ url: 'impala://h1,h2:1234,[::1]', protocol }, NO_ENV);
        assert.deepStrictEqual(r.coordinators, [`h1:${port}`, 'h2:1234', `[::1]:${port}`]);
      });
    }

    it('picks the HTTP port from impala+http:// and ?transport=http', () => {
      assert.deepStrictEqual(resolveOptions('impala+http://h1,h2:9000', NO_ENV).coordinators, ['h1:28000', 'h2:9000']);
      assert.deepStrictEqual(resolveOptions('impala://h?transport=http', NO_ENV).coordinators, ['h:28000']);
      const tls = resolveOptions('impala+https://h', NO_ENV);
      assert.deepStrictEqual([tls.protocol, tls.tls, tls.coordinators], ['hs2-http', true, ['h:28000']]);
    });

    it('picks the HTTP port from a JDBC transportMode', () => {
      assert.deepStrictEqual(resolveOptions('jdbc:impala://h;TransportMode=http', NO_ENV).coordinators, ['h:28000']);
      assert.deepStrictEqual(resolveOptions('jdbc:hive2://h/;transportMode=http', NO_ENV).coordinators, ['h:28000']);
    });

    it('uses a listed coordinator once and says so', () => {
      const r = resolveOptions('h1,H1:21050,h2', NO_ENV);
      assert.deepStrictEqual(r.coordinators, ['h1:21050', 'h2:21050']);
      assert.match(r.warnings.join('\n'), /coordinator 'h1:21050' is listed more than once/);
    });
  });

  describe('precedence: explicit > URL > IMPALA_URL > defaults', () => {
    const env = { IMPALA_URL: 'impala://envuser:envpass@envhost/envdb?fetchSize=111&queryOptions.MEM_LIMIT=1g' };

    it('explicit fields override the URL they come with', () => {
      const r = resolveOptions({ url: 'impala://h1/db?fetchSize=5&balance=p2c', fetchSize: 7 }, env);
      assert.equal(r.fetchSize, 7);
      assert.equal(r.balance, 'p2c');
      assert.equal(r.database, 'db');
      assert.deepStrictEqual(r.coordinators, ['h1:21050']);
    });

    it('merges query options name by name, explicit winning', () => {
      const r = resolveOptions({ url: 'impala://h1?queryOptions.MEM_LIMIT=1g&queryOptions.REQUEST_POOL=etl', queryOptions: { mem_limit: '4g' } }, NO_ENV);
      assert.deepStrictEqual(r.queryOptions, { MEM_LIMIT: '4g', REQUEST_POOL: 'etl' });
    });

    it('a URL replaces IMPALA_URL entirely (no credentials borrowed from it)', () => {
      const r = resolveOptions('impala://h1', env);
      assert.deepStrictEqual(r.coordinators, ['h1:21050']);
      assert.equal(r.user, undefined);
      assert.equal(r.password, undefined);
      assert.equal(r.fetchSize, DEFAULTS.fetchSize);
    });

    it('reads IMPALA_URL when no configuration is given', () => {
      const r = resolveOptions(undefined, env);
      assert.deepStrictEqual(r.coordinators, ['envhost:21050']);
      assert.equal(r.user, 'envuser');
      assert.equal(r.password?.reveal(), 'envpass');
      assert.equal(r.auth, 'ldap');
      assert.equal(r.database, 'envdb');
      assert.equal(r.fetchSize, 111);
    });

    it('reads IMPALA_URL below explicit fields when they name no URL and no coordinators', () => {
      const r = resolveOptions({ fetchSize: 5, queryOptions: { REQUEST_POOL: 'etl' } }, env);
      assert.deepStrictEqual(r.coordinators, ['envhost:21050']);
      assert.equal(r.fetchSize, 5);
      assert.deepStrictEqual(r.queryOptions, { MEM_LIMIT: '1g', REQUEST_POOL: 'etl' });
    });

    it('ignores IMPALA_URL when coordinators are given, so its password never goes to other hosts', () => {
      const r = resolveOptions({ coordinators: ['h1'] }, env);
      assert.deepStrictEqual(r.coordinators, ['h1:21050']);
      assert.equal(r.password, undefined);
      assert.equal(r.auth, 'nosasl');
    });

    it('ignores an empty IMPALA_URL', () => {
      assert.deepStrictEqual(resolveOptions(undefined, { IMPALA_URL: '  ' }).coordinators, ['localhost:21050']);
    });

    it('names IMPALA_URL when it is wrong', () => {
      expectConfigError(() => resolveOptions(undefined, { IMPALA_URL: 'impala://h?balence=p2c' }), ErrorCode.CONFIG_UNKNOWN_OPTION, /^IMPALA_URL environment variable: unknown URL parameter 'balence'.*did you mean 'balance'/);
    });

    it('lets explicit auth override the URL auth', () => {
      const r = resolveOptions({ url: 'jdbc:impala://h/;AuthMech=0', auth: 'ldap', user: 'u', password: 'p' }, NO_ENV);
      assert.equal(r.auth, 'ldap');
    });

    it('defaults are used only for what nothing set', () => {
      const r = resolveOptions('impala://h1?retries=0', NO_ENV);
      assert.equal(r.retries, 0);
      assert.equal(r.fall, DEFAULTS.fall);
    });
  });

  describe('authentication', () => {
    it("infers 'nosasl', 'plain' with a user, 'ldap' with user and password", () => {
      assert.equal(resolveOptions('impala://h', NO_ENV).auth, 'nosasl');
      assert.equal(resolveOptions('impala://alice@h', NO_ENV).auth, 'plain');
      assert.equal(resolveOptions('impalas://alice:pw@h', NO_ENV).auth, 'ldap');
    });

    it("infers 'jwt' from a token and accepts it only over HTTP with a token", () => {
      const r = resolveOptions('impala+https://h?jwt=a.b.c', NO_ENV);
      assert.equal(r.auth, 'jwt');
      assert.ok(r.token instanceof Secret && r.token.reveal() === 'a.b.c');
      assert.doesNotMatch(JSON.stringify(r) + inspect(r), /a\.b\.c/);
      const provider = async (): Promise<string> => 'x.y.z';
      assert.equal(resolveOptions({ coordinators: ['h'], protocol: 'hs2-http', token: provider, tls: true }, NO_ENV).token, provider);
      expectConfigError(() => resolveOptions('impala://h?jwt=a.b.c', NO_ENV), ErrorCode.CONFIG_CONFLICT, /works over HTTP only; set protocol 'hs2-http'/);
      expectConfigError(() => resolveOptions('impala+http://h?auth=jwt', NO_ENV), ErrorCode.CONFIG_CONFLICT, /auth 'jwt' needs a token/);
      expectConfigError(() => resolveOptions('impala+http://u:p@h?jwt=a.b.c', NO_ENV), ErrorCode.CONFIG_CONFLICT, /both a password and a token are given/);
      assert.match(resolveOptions('impala+http://h?jwt=a.b.c', NO_ENV).warnings.join('\n'), /bearer token is sent in clear text/);
    });

    it('keeps HTTP header values out of inspect, JSON and the canonical URL without includePassword', () => {
      const r = resolveOptions({ coordinators: ['h'], protocol: 'hs2-http', httpHeaders: { 'X-Gateway-Key': 'k-777' } }, NO_ENV);
      assert.equal(r.httpHeaders['X-Gateway-Key'], 'k-777');
      assert.doesNotMatch(inspect(r) + JSON.stringify(r) + formatConnectionString(r), /k-777/);
      assert.match(formatConnectionString(r, { includePassword: true }), /httpHeaders\.X-Gateway-Key=k-777/);
      assert.match(resolveOptions({ coordinators: ['h'], httpHeaders: { 'X-A': '1' } }, NO_ENV).warnings.join('\n'), /httpHeaders ignored: protocol is 'hs2'/);
    });

    it('keeps a password given as a Secret, and an empty password as none', () => {
      const secret = new Secret('pw');
      assert.equal(resolveOptions({ user: 'u', password: secret, tls: true }, NO_ENV).password, secret);
      const r = resolveOptions('impala://alice:@h', NO_ENV);
      assert.equal(r.password, undefined);
      assert.equal(r.auth, 'plain');
    });

    it('produces gssapi options (createClient decides whether it can use them)', () => {
      const r = resolveOptions('jdbc:hive2://lb:21050/;principal=impala/_HOST@EXAMPLE.COM', NO_ENV);
      assert.deepStrictEqual(
        { auth: r.auth, service: r.kerberosServiceName, host: r.kerberosHostFqdn, realm: r.kerberosRealm },
        { auth: 'gssapi', service: 'impala', host: '_HOST', realm: 'EXAMPLE.COM' },
      );
    });

    const conflicts: ReadonlyArray<[ClientOptions | string, RegExp, string]> = [
      [{ auth: 'nosasl', user: 'u', password: 'p' }, /auth 'nosasl' uses no authentication, but a password is given/, 'auth'],
      [{ auth: 'plain', user: 'u', password: 'p' }, /auth 'plain' sends a user name only/, 'auth'],
      [{ url: 'impala://h?auth=nosasl', user: 'u', password: 'p' }, /auth 'nosasl'/, 'auth'],
      [{ password: 'p' }, /a password is given without a user/, 'user'],
      [{ auth: 'ldap', user: 'u' }, /auth 'ldap' needs a password/, 'password'],
      [{ auth: 'plain' }, /auth 'plain' needs a user/, 'user'],
      [{ tlsCa: '/etc/ca.pem' }, /tlsCa is set but tls is off/, 'tlsCa'],
      [{ tlsServername: 'lb.example.com' }, /tlsServername is set but tls is off/, 'tlsServername'],
      [{ minIdlePerCoordinator: 20 }, /minIdlePerCoordinator \(20\) is above maxConnectionsPerCoordinator \(10\)/, 'minIdlePerCoordinator'],
      [{ healthCheckIntervalMs: '1m' }, /healthCheckIntervalMs \(60000 ms\) is above healthCheckMaxIntervalMs \(10000 ms\)/, 'healthCheckIntervalMs'],
      [{ retryBaseDelayMs: '2s' }, /retryBaseDelayMs \(2000 ms\) is above retryMaxDelayMs \(1000 ms\)/, 'retryBaseDelayMs'],
      [{ applicationName: 'a', queryOptions: { CLIENT_IDENTIFIER: 'b' } }, /applicationName 'a' and query option CLIENT_IDENTIFIER 'b' disagree/, 'applicationName'],
    ];
    for (const [input, message, option] of conflicts) {
      it(`refuses ${JSON.stringify(input)}`, () => {
        const err = expectConfigError(() => resolveOptions(input, NO_ENV), ErrorCode.CONFIG_CONFLICT, message);
        assert.equal(err.option, option);
      });
    }

    it('warns about what it cannot honour, and not otherwise', () => {
      const warnings = (input: ClientOptions | string) => resolveOptions(input, NO_ENV).warnings.join('\n');
      assert.match(warnings({ user: 'u', password: 'p' }), /LDAP password is sent in clear text because tls is off/);
      assert.match(warnings({ kerberosRealm: 'R' }), /kerberosRealm ignored: auth is 'nosasl'/);
      assert.match(warnings({ httpPath: 'x' }), /httpPath ignored: protocol is 'hs2'/);
      assert.match(warnings({ tls: true, tlsRejectUnauthorized: false }), /certificate verification off/);
      assert.match(warnings({ tlsRejectUnauthorized: false }), /tlsRejectUnauthorized=false ignored: tls is off/);
      assert.match(warnings('jdbc:hive2://h:21050/;principal=impala/_HOST@R;user=bob'), /user is ignored with Kerberos/);
      assert.equal(warnings({ user: 'u', password: 'p', tls: true, protocol: 'hs2-http', httpPath: 'x' }), '');
      // One warning for AllowSelfSignedCerts, not a second one from the general rule.
      assert.equal(resolveOptions('jdbc:impala://h/;SSL=1;AllowSelfSignedCerts=1', NO_ENV).warnings.length, 1);
    });
  });

  describe('options objects', () => {
    it('accepts durations as numbers or strings with units', () => {
      const r = resolveOptions({ connectTimeoutMs: '30s', rpcTimeoutMs: 1500, queryTimeoutMs: '1.5s', idleTimeoutMs: '2m', maxLifetimeMs: '1h', retryBaseDelayMs: '10ms' }, NO_ENV);
      assert.deepStrictEqual(
        [r.connectTimeoutMs, r.rpcTimeoutMs, r.queryTimeoutMs, r.idleTimeoutMs, r.maxLifetimeMs, r.retryBaseDelayMs],
        [30000, 1500, 1500, 120000, 3600000, 10],
      );
      assert.equal(resolveOptions({ queryTimeoutMs: 2_147_483_647 }, NO_ENV).queryTimeoutMs, 2_147_483_647);
    });

    const bad: ReadonlyArray<[ClientOptions, RegExp]> = [
      [{ rpcTimeoutMs: 1.5 }, /invalid value 1.5 for option 'rpcTimeoutMs'/],
      [{ acquireTimeoutMs: 0 }, /from 1 to 2147483647/],
      [{ queryTimeoutMs: 2_147_483_648 }, /2147483648/],
      [{ connectTimeoutMs: '10 seconds' }, /invalid value '10 seconds'/],
      [{ fetchSize: Number.NaN }, /invalid value NaN for option 'fetchSize'/],
      [{ tls: 'yes please' as unknown as boolean }, /true or false/],
      [{ coordinators: [] }, /at least one coordinator/],
      [{ coordinators: [42] as unknown as string[] }, /array of 'host\[:port\]' strings/],
      [{ user: '' }, /non-empty user name/],
      [{ password: 'a\u0000b', user: 'u' }, /without NUL characters/],
      [{ queryOptions: 'MEM_LIMIT=1g' as unknown as Record<string, string> }, /an object of query options/],
      [{ queryOptions: { 'bad name': '1' } }, /invalid query option name 'bad name'/],
      [{ queryOptions: { MEM_LIMIT: {} as unknown as string } }, /invalid value \(object\) for query option 'MEM_LIMIT' in option 'queryOptions': expected a string \(valid Unicode\), number or boolean/],
      [{ balance: 'p2c ' as 'p2c', rowMode: 'rows' as 'object' }, /invalid value 'rows' for option 'rowMode'/],
      [{ url: 42 as unknown as string }, /option 'url': expected a connection string/],
    ];
    for (const [input, message] of bad) {
      it(`refuses ${JSON.stringify(input)}`, () => {
        expectConfigError(() => resolveOptions(input, NO_ENV), ErrorCode.CONFIG_INVALID_VALUE, message);
      });
    }

    it('names the closest option for an unknown key', () => {
      expectConfigError(() => resolveOptions({ balence: 'p2c' } as ClientOptions, NO_ENV), ErrorCode.CONFIG_UNKNOWN_OPTION, /unknown option 'balence'; did you mean 'balance'\?/);
      expectConfigError(() => resolveOptions({ connectTimeout: 5 } as ClientOptions, NO_ENV), ErrorCode.CONFIG_UNKNOWN_OPTION, /did you mean 'connectTimeoutMs'\?/);
      expectConfigError(() => resolveOptions({ Balance: 'p2c' } as ClientOptions, NO_ENV), ErrorCode.CONFIG_UNKNOWN_OPTION, /did you mean 'balance'\?/);
    });

    it('refuses input that is neither a string nor an object', () => {
      expectConfigError(() => resolveOptions(42 as unknown as string, NO_ENV), ErrorCode.CONFIG_INVALID_VALUE, /connection string or an options object, got 42/);
      expectConfigError(() => resolveOptions([] as unknown as string, NO_ENV), ErrorCode.CONFIG_INVALID_VALUE, /got \(array\)/);
    });

    it('treats undefined fields as not set', () => {
      assert.equal(resolveOptions({ fetchSize: undefined, user: undefined }, NO_ENV).fetchSize, DEFAULTS.fetchSize);
    });

    it('accepts coordinators as a comma list and query option values of any simple type', () => {
      const r = resolveOptions({ coordinators: 'h1, h2:1', queryOptions: { sync_ddl: true, mt_dop: 4, mem_limit: '2g' } }, NO_ENV);
      assert.deepStrictEqual(r.coordinators, ['h1:21050', 'h2:1']);
      assert.deepStrictEqual(r.queryOptions, { SYNC_DDL: 'true', MT_DOP: '4', MEM_LIMIT: '2g' });
    });

    it('warns about query option names it does not know, naming the closest', () => {
      const r = resolveOptions({ queryOptions: { MEM_LIMT: '1g' } }, NO_ENV);
      assert.deepStrictEqual(r.queryOptions, { MEM_LIMT: '1g' });
      assert.match(r.warnings[0]!, /query option 'MEM_LIMT' is not one this client knows; did you mean 'MEM_LIMIT'\?; it is sent as given/);
    });

    it('resolving a resolved object changes nothing', () => {
      const once = resolveOptions('impalas://u:p@h1,h2/db?balance=p2c&queryOptions.MEM_LIMIT=1g', NO_ENV);
      const twice = resolveOptions(once, NO_ENV);
      assert.deepStrictEqual(plain(twice), plain(once));
    });
  });

  describe('formatConnectionString', () => {
    it('writes the canonical impala:// URL, password only when asked', () => {
      const r = resolveOptions('jdbc:impala://h1:21050,[fe80::1%25eth0]/sales;AuthMech=3;UID=al ice;PWD=p@ss:/w;SSL=1;MEM_LIMIT=2g', NO_ENV);
      assert.equal(formatConnectionString(r, { omitDefaults: true }), 'impala://al%20ice@h1:21050,[fe80::1%25eth0]:21050/sales?tls=true&queryOptions.MEM_LIMIT=2g');
      assert.equal(
        formatConnectionString(r, { omitDefaults: true, includePassword: true }),
        'impala://al%20ice:p%40ss%3A%2Fw@h1:21050,[fe80::1%25eth0]:21050/sales?tls=true&queryOptions.MEM_LIMIT=2g',
      );
      assert.match(formatConnectionString(r), /\?protocol=hs2&httpPath=cliservice&auth=ldap&kerberosServiceName=impala&kerberosCanonicalizeHostName=none&tls=true&tlsRejectUnauthorized=true&tlsVerifyServerName=true&connectTimeoutMs/);
    });

    it('merges an options object with its url before writing', () => {
      assert.equal(formatConnectionString({ url: 'impala://h1?fetchSize=5', fetchSize: 6, balance: 'random' }), 'impala://h1?fetchSize=6&balance=random');
    });

    it('writes explicit auth when it differs from what would be inferred', () => {
      const r = resolveOptions({ user: 'u', auth: 'plain', coordinators: ['h'] }, NO_ENV);
      assert.equal(formatConnectionString(r, { omitDefaults: true }), 'impala://u@h:21050');
      const n = resolveOptions({ user: 'u', auth: 'nosasl', coordinators: ['h'] }, NO_ENV);
      assert.equal(formatConnectionString(n, { omitDefaults: true }), 'impala://u@h:21050?auth=nosasl');
    });
  });
});
