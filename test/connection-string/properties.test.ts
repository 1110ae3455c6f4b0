import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  formatConnectionString,
  KNOWN_QUERY_OPTIONS,
  OPTION_NAMES,
  OPTION_SPECS,
  parseConnectionString,
  redactConnectionString,
  resolveOptions,
  type ClientOptions,
  type OptionName,
  type ParsedOptions,
} from '../../src/connection-string';
import { collectClientOptions } from '../../src/connection-string/collect-client-options';
import { ConfigError } from '../../src/errors';
import { plain } from './helpers';

// Fixed seed: a failure reproduces on every run and every machine.
const SEED = 20260822;

/** Runs `fn` and reports whether it threw something other than a ConfigError. */
function onlyConfigErrors(fn: () => unknown): void {
  try {
    fn();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw new Error(`threw ${String(err)} instead of a ConfigError`, { cause: err });
  }
}

const TOKENS = [
  'impala://', 'impalas://', 'jdbc:impala://', 'jdbc:hive2://', 'JDBC:HIVE2://', 'http://', 'jdbc:', '@', ':', '/', '?', '#', ';', '&', '=',
  ',', '%', '%4', '%40', '%25', '%zz', '%2F', '[', ']', '{', '}', ' ', '\n', '\u0000', '\uD800', 'h1', 'H2.example.com', '21050', '0', '65536',
  '::1', 'fe80::1%25eth0', '10.0.0.1', 'db', 'user', 'alice', 'password', 'pw', 'PWD', 'UID', 'AuthMech', '3', '12', 'SSL', 'ssl', 'true',
  'principal', 'impala/_HOST@R', 'auth', 'noSasl', 'transportMode', 'http', 'protocol', 'beeswax', 'queryOptions.', 'MEM_LIMIT', '1g',
  'balance', 'p2c', 'connectTimeout', '5s', '1.5', '-1', 'serviceDiscoveryMode', 'zooKeeper', 'SocketTimeout', 'fetchSize', 'tlsCa',
];

const tokenSoup = fc.array(fc.constantFrom(...TOKENS), { maxLength: 30 }).map((t) => t.join(''));
const anyText = fc.string({ unit: 'binary', maxLength: 120 });

// ---- valid option objects, generated from the option table itself ----

const clean = (s: string) => s.length > 0 && s.trim() === s && !/[\u0000-\u001f\u007f{}]/.test(s);
const text = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }).filter(clean);
const password = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 16 }).filter((s) => !/[\u0000{}]/.test(s) && !/^\s|\s$/.test(s));
const hostName = fc.domain().filter((d) => d.length <= 253);
const host = fc
  .tuple(fc.oneof(hostName, fc.ipV4(), fc.ipV6()), fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }))
  .map(([h, port]) => `${h.includes(':') ? `[${h}]` : h}${port === undefined ? '' : `:${port}`}`);
const queryOptionNames = [...KNOWN_QUERY_OPTIONS].slice(0, 40);
const queryValue = fc.string({ unit: 'grapheme', maxLength: 10 }).filter((s) => s === '' || clean(s));

function arbitraryFor(name: OptionName): fc.Arbitrary<unknown> {
  const t = OPTION_SPECS[name].type;
  switch (t.type) {
    case 'duration':
      return fc.oneof(fc.integer({ min: t.min, max: t.max }), fc.integer({ min: Math.max(1, Math.ceil(t.min / 1000)), max: 100_000 }).map((s) => `${s}s`));
    case 'integer':
      return fc.integer({ min: t.min, max: t.max });
    case 'decimal':
      return fc.integer({ min: t.min * 1000, max: t.max * 1000 }).map((n) => n / 1000);
    case 'boolean':
      return fc.boolean();
    case 'enum':
      return fc.constantFrom(...t.values);
    case 'secret':
      return password;
    case 'token':
      return fc.stringMatching(/^[A-Za-z0-9._~+/=-]{1,24}$/);
    case 'headers':
      return fc.dictionary(fc.constantFrom('X-Gateway', 'X-Trace', 'Accept-Language'), fc.stringMatching(/^[ -~]{0,12}$/).filter((v) => v.trim() === v), { maxKeys: 2 });
    case 'hosts':
      return fc.array(host, { minLength: 1, maxLength: 4 });
    case 'queryOptions':
      return fc.dictionary(fc.constantFrom(...queryOptionNames), queryValue, { maxKeys: 3 });
    case 'text':
      switch (t.check) {
        case 'database':
          return fc.stringMatching(/^[A-Za-z0-9_]{1,16}$/);
        case 'httpPath':
          return fc.stringMatching(/^[A-Za-z0-9._~/-]{0,16}$/);
        case 'serviceName':
          return fc.stringMatching(/^[A-Za-z0-9._-]{1,12}$/);
        case 'kerberosHost':
          return fc.oneof(fc.constant('_HOST'), hostName);
        case 'realm':
          return fc.stringMatching(/^[A-Z0-9.]{1,16}$/);
        case 'hostName':
          return hostName;
        default:
          return text;
      }
  }
}

const optionsArbitrary: fc.Arbitrary<ClientOptions> = fc
  .record(Object.fromEntries(OPTION_NAMES.map((n) => [n, arbitraryFor(n)])) as Record<OptionName, fc.Arbitrary<unknown>>, { requiredKeys: [] })
  .filter((o) => !(o.password !== undefined && o.auth !== undefined && o.auth !== 'ldap')) as fc.Arbitrary<ClientOptions>;

const withHosts = optionsArbitrary.filter((o) => o.coordinators !== undefined);

// ---- rendering the same options in the JDBC forms ----

function show(value: unknown): string {
  return Array.isArray(value) ? value.join(',') : value instanceof Object && 'reveal' in value ? (value as { reveal(): string }).reveal() : String(value);
}

const AUTH_MECH = { nosasl: 'AuthMech=0', gssapi: 'AuthMech=1', plain: 'AuthMech=2', ldap: 'AuthMech=3', jwt: 'auth=jwt' } as const;
const HIVE_AUTH = { nosasl: 'noSasl', gssapi: 'kerberos', plain: 'plain', ldap: 'ldap', jwt: 'jwt' } as const;

function toJdbcImpala(o: ParsedOptions): string {
  const brace = (v: string) => (v.includes(';') || /^\s|\s$/.test(v) ? `{${v}}` : v);
  const props: string[] = [];
  for (const name of OPTION_NAMES) {
    const v = o[name];
    if (v === undefined || name === 'coordinators' || name === 'database') continue;
    if (name === 'auth') props.push(AUTH_MECH[o.auth!]);
    else if (name === 'httpHeaders') continue; // no jdbc:impala spelling: the generator leaves it out for this form
    else if (name === 'user') props.push(`UID=${brace(show(v))}`);
    else if (name === 'password') props.push(`PWD=${brace(show(v))}`);
    else if (name === 'tls') props.push(`SSL=${v ? 1 : 0}`);
    else if (name === 'protocol' && v !== 'beeswax') props.push(`TransportMode=${v === 'hs2' ? 'binary' : 'http'}`);
    else if (name === 'rpcTimeoutMs' && (v as number) % 1000 === 0) props.push(`SocketTimeout=${(v as number) / 1000}`);
    else if (name === 'fetchSize') props.push(`RowsFetchedPerBlock=${show(v)}`);
    else if (name === 'queryOptions') for (const [k, qv] of Object.entries(v as object)) props.push(`${k}=${brace(String(qv))}`);
    else props.push(`${name}=${brace(show(v))}`);
  }
  return `jdbc:impala://${o.coordinators!.join(',')}/${o.database ?? ''}${props.map((p) => `;${p}`).join('')}`;
}

function toJdbcHive2(o: ParsedOptions): string {
  const enc = encodeURIComponent;
  const vars: string[] = [];
  const confs: string[] = [];
  for (const name of OPTION_NAMES) {
    const v = o[name];
    if (v === undefined || name === 'coordinators' || name === 'database') continue;
    if (name === 'auth') vars.push(`auth=${HIVE_AUTH[o.auth!]}`);
    else if (name === 'httpHeaders') for (const [k, hv] of Object.entries(v as object)) vars.push(`http.header.${k}=${enc(String(hv))}`);
    else if (name === 'tls') vars.push(`ssl=${String(v)}`);
    else if (name === 'protocol' && v !== 'beeswax') vars.push(`transportMode=${v === 'hs2' ? 'binary' : 'http'}`);
    else if (name === 'rpcTimeoutMs' && (v as number) % 1000 === 0) vars.push(`socketTimeout=${(v as number) / 1000}`);
    else if (name === 'queryOptions') for (const [k, qv] of Object.entries(v as object)) confs.push(`${k}=${enc(String(qv))}`);
    else vars.push(`${name}=${enc(show(v))}`);
  }
  const query = confs.length > 0 ? `?${confs.join(';')}` : '';
  return `jdbc:hive2://${o.coordinators!.join(',')}/${o.database === undefined ? '' : enc(o.database)}${vars.map((p) => `;${p}`).join('')}${query}`;
}

describe('connection strings: properties (fast-check)', () => {
  it('parsing any string returns or throws a ConfigError, never anything else', () => {
    fc.assert(
      fc.property(fc.oneof(tokenSoup, anyText), (s) => {
        onlyConfigErrors(() => parseConnectionString(s));
        onlyConfigErrors(() => resolveOptions(s, {}));
        assert.equal(typeof redactConnectionString(s), 'string');
      }),
      { seed: SEED, numRuns: 4000 },
    );
  });

  it('reading any options object returns or throws a ConfigError', () => {
    const loose = fc.dictionary(fc.constantFrom(...OPTION_NAMES, 'url', 'balence'), fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.string())));
    fc.assert(
      fc.property(loose, (o) => onlyConfigErrors(() => resolveOptions(o as ClientOptions, {}))),
      { seed: SEED, numRuns: 2000 },
    );
  });

  it('format(options) parses back to the same options', () => {
    fc.assert(
      fc.property(optionsArbitrary, (o) => {
        const expected = collectClientOptions(o).options;
        const url = formatConnectionString(o, { includePassword: true });
        assert.deepStrictEqual(plain(parseConnectionString(url).options), plain(expected), url);
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  for (const [form, render] of [['jdbc:impala', toJdbcImpala], ['jdbc:hive2', toJdbcHive2], ['impala', (o: ParsedOptions) => formatConnectionString(o, { includePassword: true })]] as const) {
    it(`parse(format(parse(x))) equals parse(x) for generated ${form} URLs`, () => {
      // jdbc:impala has no spelling for extra HTTP headers.
      const generated = form === 'jdbc:impala' ? withHosts.map(({ httpHeaders: _h, ...rest }) => rest as ClientOptions) : withHosts;
      fc.assert(
        fc.property(generated, (o) => {
          const expected = collectClientOptions(o).options;
          const url = render(expected);
          const first = parseConnectionString(url);
          assert.equal(first.form, form);
          assert.deepStrictEqual(plain(first.options), plain(expected), url);
          const again = parseConnectionString(formatConnectionString(first.options, { includePassword: true }));
          assert.deepStrictEqual(plain(again.options), plain(first.options));
        }),
        { seed: SEED, numRuns: 300 },
      );
    });
  }

  it('a resolved configuration written as a URL resolves to itself', () => {
    fc.assert(
      fc.property(optionsArbitrary, (o) => {
        let resolved;
        try {
          resolved = resolveOptions(o, {});
        } catch (err) {
          if (err instanceof ConfigError) return; // a generated combination the rules refuse (e.g. minIdle > max)
          throw err;
        }
        const again = resolveOptions(formatConnectionString(resolved, { includePassword: true, omitDefaults: true }), {});
        const { warnings: _w1, ...a } = plain(again);
        const { warnings: _w2, ...b } = plain(resolved);
        assert.deepStrictEqual(a, b);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});
