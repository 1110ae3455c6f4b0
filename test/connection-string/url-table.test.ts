import assert from 'node:assert/strict';
import { parseConnectionString, type ConnectionStringForm } from '../../src/connection-string';
import { plain } from './helpers';

interface Row {
  readonly url: string;
  readonly form: ConnectionStringForm;
  /** Expected parsed options; passwords as { secret }. */
  readonly options: Record<string, unknown>;
  /** Each expected warning, in order (none when absent). */
  readonly warnings?: readonly RegExp[];
}

const pw = (secret: string) => ({ secret });

// Real-world strings: the Impala docs' own JDBC examples, Cloudera's driver guide, URLs as
// people paste them (line breaks, odd case, unencoded '@'), and every option family.
const ROWS: readonly Row[] = [
  // impala:// and impalas://
  { url: 'impala://h1', form: 'impala', options: { coordinators: ['h1'] } },
  { url: 'impala://h1:21050,h2:21051,h3/sales', form: 'impala', options: { coordinators: ['h1:21050', 'h2:21051', 'h3'], database: 'sales' } },
  { url: 'impala://alice:s3cret@h1/sales', form: 'impala', options: { user: 'alice', password: pw('s3cret'), coordinators: ['h1'], database: 'sales' } },
  { url: 'impala://alice:p%40ss%3Aw0rd@h1:21050/db', form: 'impala', options: { user: 'alice', password: pw('p@ss:w0rd'), coordinators: ['h1:21050'], database: 'db' } },
  { url: 'impala://alice:pa%2Fss%3Fw%23rd%25@h1', form: 'impala', options: { user: 'alice', password: pw('pa/ss?w#rd%'), coordinators: ['h1'] } },
  { url: 'impala://alice:p@ss@h1', form: 'impala', options: { user: 'alice', password: pw('p@ss'), coordinators: ['h1'] } },
  { url: 'impala://svc%40corp:pa+ss@h1', form: 'impala', options: { user: 'svc@corp', password: pw('pa+ss'), coordinators: ['h1'] } },
  { url: 'impala://alice@h1', form: 'impala', options: { user: 'alice', coordinators: ['h1'] } },
  { url: 'impalas://h1.example.com/default', form: 'impala', options: { tls: true, coordinators: ['h1.example.com'], database: 'default' } },
  { url: 'IMPALA://H1.Example.COM:021050', form: 'impala', options: { coordinators: ['h1.example.com:21050'] } },
  { url: 'impala://[::1]:21050,[FE80::1%25eth0]/db', form: 'impala', options: { coordinators: ['[::1]:21050', '[fe80::1%eth0]'], database: 'db' } },
  { url: 'impala://[2001:db8::10]', form: 'impala', options: { coordinators: ['[2001:db8::10]'] } },
  {
    url: 'impala://h1/?balance=p2c&connectTimeout=5s&rpcTimeoutMs=90000&queryTimeout=2m',
    form: 'impala',
    options: { coordinators: ['h1'], balance: 'p2c', connectTimeoutMs: 5000, rpcTimeoutMs: 90000, queryTimeoutMs: 120000 },
  },
  {
    url: 'impala://h1/db?queryOptions.MEM_LIMIT=2g&queryOptions.request_pool=etl',
    form: 'impala',
    options: { coordinators: ['h1'], database: 'db', queryOptions: { MEM_LIMIT: '2g', REQUEST_POOL: 'etl' } },
  },
  { url: 'impala://h1?protocol=hs2-http&httpPath=/cliservice', form: 'impala', options: { coordinators: ['h1'], protocol: 'hs2-http', httpPath: 'cliservice' } },
  { url: 'impala://h1?transportMode=http', form: 'impala', options: { coordinators: ['h1'], protocol: 'hs2-http' } },
  { url: 'impala://h1?transport=http', form: 'impala', options: { coordinators: ['h1'], protocol: 'hs2-http' } },
  { url: 'impala+http://h1,h2:28001/sales', form: 'impala', options: { protocol: 'hs2-http', coordinators: ['h1', 'h2:28001'], database: 'sales' } },
  {
    url: 'impala+https://alice:p@lb.example.com/?httpPath=gateway/impala&doAs=bob',
    form: 'impala',
    options: { tls: true, protocol: 'hs2-http', user: 'alice', password: pw('p'), coordinators: ['lb.example.com'], httpPath: 'gateway/impala', doAs: 'bob' },
  },
  {
    url: 'impala+https://lb?auth=jwt&jwt=eyJ.abc.def&httpHeaders.X-Gateway-Key=k%201',
    form: 'impala',
    options: { tls: true, protocol: 'hs2-http', coordinators: ['lb'], auth: 'jwt', token: pw('eyJ.abc.def'), httpHeaders: { 'X-Gateway-Key': 'k 1' } },
  },
  { url: 'impala://h1?protocol=BEESWAX', form: 'impala', options: { coordinators: ['h1'], protocol: 'beeswax' } },
  {
    url: 'impala://h1?ssl=true&ca_cert=%2Fetc%2Fssl%2Fca.pem&servername=LB.example.com',
    form: 'impala',
    options: { coordinators: ['h1'], tls: true, tlsCa: '/etc/ssl/ca.pem', tlsServername: 'lb.example.com' },
  },
  { url: 'impala://u:p@h1?auth=ldap&tls=1', form: 'impala', options: { user: 'u', password: pw('p'), coordinators: ['h1'], auth: 'ldap', tls: true } },
  {
    url: 'impala://h1?maxConnections=20&minIdle=2&idleTimeout=10m&maxLifetime=1h&validateAfterIdle=0&acquireTimeout=2500ms',
    form: 'impala',
    options: { coordinators: ['h1'], maxConnectionsPerCoordinator: 20, minIdlePerCoordinator: 2, idleTimeoutMs: 600000, maxLifetimeMs: 3600000, validateAfterIdleMs: 0, acquireTimeoutMs: 2500 },
  },
  {
    url: 'impala://h1?healthCheckInterval=1s&healthCheckMaxInterval=20s&rise=3&fall=2&slowStart=0',
    form: 'impala',
    options: { coordinators: ['h1'], healthCheckIntervalMs: 1000, healthCheckMaxIntervalMs: 20000, rise: 3, fall: 2, slowStartMs: 0 },
  },
  {
    url: 'impala://h1?retries=0&retryBaseDelay=10ms&retryMaxDelay=2s&retryBudgetRatio=0.1&retryBudgetMinPerSecond=5',
    form: 'impala',
    options: { coordinators: ['h1'], retries: 0, retryBaseDelayMs: 10, retryMaxDelayMs: 2000, retryBudgetRatio: 0.1, retryBudgetMinPerSecond: 5 },
  },
  {
    url: 'impala://h1?rowMode=array&bigint=string&timestamp=date&date=date&strings=buffer&ddl=sync&reopenOnFailover=yes&applicationName=etl%20job',
    form: 'impala',
    options: { coordinators: ['h1'], rowMode: 'array', bigint: 'string', timestamp: 'date', date: 'date', strings: 'buffer', ddl: 'sync', reopenOnFailover: true, applicationName: 'etl job' },
  },
  {
    url: 'impala://h1?keepAliveInterval=30s&tcpKeepAlive=false&tcpKeepAliveDelay=1m&fetch_size=50000',
    form: 'impala',
    options: { coordinators: ['h1'], keepAliveIntervalMs: 30000, tcpKeepAlive: false, tcpKeepAliveDelayMs: 60000, fetchSize: 50000 },
  },
  {
    url: 'impala://lb.example.com?auth=gssapi&krbServiceName=impala2&kerberosHostFqdn=LB.example.com&krbRealm=EXAMPLE.COM',
    form: 'impala',
    options: { coordinators: ['lb.example.com'], auth: 'gssapi', kerberosServiceName: 'impala2', kerberosHostFqdn: 'lb.example.com', kerberosRealm: 'EXAMPLE.COM' },
  },
  { url: 'impala:///sales?fetchSize=100', form: 'impala', options: { database: 'sales', fetchSize: 100 } },
  {
    url: 'impala://h1?queryOptions.MAX_IO_BUFFERS=1&queryOptions.MEM_LIMT=1g',
    form: 'impala',
    options: { coordinators: ['h1'], queryOptions: { MAX_IO_BUFFERS: '1', MEM_LIMT: '1g' } },
    warnings: [/MAX_IO_BUFFERS' was removed/, /MEM_LIMT' is not one this client knows; did you mean 'MEM_LIMIT'\?/],
  },

  // Cloudera Impala JDBC
  { url: 'jdbc:impala://h:21050/;AuthMech=0', form: 'jdbc:impala', options: { coordinators: ['h:21050'], auth: 'nosasl' } },
  { url: 'jdbc:impala://h:28000/;TransportMode=http;AuthMech=0;DelegationUID=bob', form: 'jdbc:impala', options: { coordinators: ['h:28000'], protocol: 'hs2-http', auth: 'nosasl', doAs: 'bob' } },
  {
    url: 'jdbc:impala://h:21050/db;AuthMech=3;UID=u;PWD=p;SSL=1',
    form: 'jdbc:impala',
    options: { coordinators: ['h:21050'], database: 'db', auth: 'ldap', user: 'u', password: pw('p'), tls: true },
  },
  {
    url: 'jdbc:impala://h:21050/;AuthMech=1;KrbRealm=EXAMPLE.COM;KrbHostFQDN=h.example.com;KrbServiceName=impala',
    form: 'jdbc:impala',
    options: { coordinators: ['h:21050'], auth: 'gssapi', kerberosRealm: 'EXAMPLE.COM', kerberosHostFqdn: 'h.example.com', kerberosServiceName: 'impala' },
  },
  {
    url: 'jdbc:impala://h:443/default;AuthMech=3;transportMode=http;httpPath=cliservice;ssl=1;UID=u;PWD=p',
    form: 'jdbc:impala',
    options: { coordinators: ['h:443'], database: 'default', auth: 'ldap', protocol: 'hs2-http', httpPath: 'cliservice', tls: true, user: 'u', password: pw('p') },
  },
  { url: 'jdbc:impala://h1:21050,h2:21050/sales;AuthMech=2;UID=etl', form: 'jdbc:impala', options: { coordinators: ['h1:21050', 'h2:21050'], database: 'sales', auth: 'plain', user: 'etl' } },
  {
    url: 'jdbc:impala://node1.example.com:18000/default2;AuthMech=3;\n  UID=simba;PWD=simba',
    form: 'jdbc:impala',
    options: { coordinators: ['node1.example.com:18000'], database: 'default2', auth: 'ldap', user: 'simba', password: pw('simba') },
  },
  { url: 'jdbc:impala://h;AuthMech=3;UID=u;PWD={p;a=ss}', form: 'jdbc:impala', options: { coordinators: ['h'], auth: 'ldap', user: 'u', password: pw('p;a=ss') } },
  { url: 'jdbc:impala://h/;AuthMech=3;UID=u;PWD=p%40ss', form: 'jdbc:impala', options: { coordinators: ['h'], auth: 'ldap', user: 'u', password: pw('p%40ss') } },
  {
    url: 'jdbc:impala://h/db;MEM_LIMIT=1g;request_pool=etl;SocketTimeout=30;RowsFetchedPerBlock=20000',
    form: 'jdbc:impala',
    options: { coordinators: ['h'], database: 'db', queryOptions: { MEM_LIMIT: '1g', REQUEST_POOL: 'etl' }, rpcTimeoutMs: 30000, fetchSize: 20000 },
  },
  {
    url: 'jdbc:impala://h/;SSL=1;AllowSelfSignedCerts=1;LogLevel=6;LogPath=/tmp/logs;UseNativeQuery=1',
    form: 'jdbc:impala',
    options: { coordinators: ['h'], tls: true, tlsRejectUnauthorized: false },
    warnings: [/AllowSelfSignedCerts=1' .* turns TLS certificate verification off/, /'LogLevel' .* ignored/, /'LogPath' .* ignored/, /'UseNativeQuery' .* ignored/],
  },
  {
    url: 'jdbc:impala://lb:21050/;AuthMech=1;KrbHostFQDN=_HOST;KrbRealm=EXAMPLE.COM',
    form: 'jdbc:impala',
    options: { coordinators: ['lb:21050'], auth: 'gssapi', kerberosHostFqdn: '_HOST', kerberosRealm: 'EXAMPLE.COM' },
  },
  { url: 'jdbc:impala://h/;authmech=0;balance=p2c;Retries=5', form: 'jdbc:impala', options: { coordinators: ['h'], auth: 'nosasl', balance: 'p2c', retries: 5 } },
  { url: 'jdbc:impala://[2001:db8::1]:21050/db;AuthMech=0', form: 'jdbc:impala', options: { coordinators: ['[2001:db8::1]:21050'], database: 'db', auth: 'nosasl' } },
  {
    url: 'jdbc:impala://h:21050/db;SSL=1;SSLTrustStore=/etc/truststore.jks;SSLTrustStorePwd=changeit;SocketTimeout=0',
    form: 'jdbc:impala',
    options: { coordinators: ['h:21050'], database: 'db', tls: true },
    warnings: [/'SSLTrustStore' .* ignored: Java keystores/, /'SSLTrustStorePwd' .* ignored/, /'SocketTimeout=0' .* "no timeout"/],
  },

  // Apache Hive JDBC (the first four are the Impala documentation's own examples)
  { url: 'jdbc:hive2://myhost.example.com:21050/;auth=noSasl', form: 'jdbc:hive2', options: { coordinators: ['myhost.example.com:21050'], auth: 'nosasl' } },
  {
    url: 'jdbc:hive2://myhost.example.com:21050/;principal=impala/myhost.example.com@H2.EXAMPLE.COM',
    form: 'jdbc:hive2',
    options: { coordinators: ['myhost.example.com:21050'], auth: 'gssapi', kerberosServiceName: 'impala', kerberosHostFqdn: 'myhost.example.com', kerberosRealm: 'H2.EXAMPLE.COM' },
  },
  {
    url: 'jdbc:hive2://myhost.example.com:21050/test_db;user=fred;password=xyz123',
    form: 'jdbc:hive2',
    options: { coordinators: ['myhost.example.com:21050'], database: 'test_db', user: 'fred', password: pw('xyz123') },
  },
  { url: 'jdbc:hive2://myhost.example.com:28000/;transportMode=http', form: 'jdbc:hive2', options: { coordinators: ['myhost.example.com:28000'], protocol: 'hs2-http' } },
  {
    url: 'jdbc:hive2://h1:21050,h2:21050/db;auth=noSasl;user=etl?MEM_LIMIT=1g;REQUEST_POOL=etl#var1=a;var2=b',
    form: 'jdbc:hive2',
    options: { coordinators: ['h1:21050', 'h2:21050'], database: 'db', auth: 'nosasl', user: 'etl', queryOptions: { MEM_LIMIT: '1g', REQUEST_POOL: 'etl' } },
    warnings: [/2 Hive variable\(s\) after '#' .* ignored/],
  },
  {
    url: 'jdbc:hive2://lb:21050/;principal=impala/_HOST@EXAMPLE.COM;ssl=true;sslTrustStore=/x.jks;trustStorePassword=changeit',
    form: 'jdbc:hive2',
    options: { coordinators: ['lb:21050'], auth: 'gssapi', kerberosServiceName: 'impala', kerberosHostFqdn: '_HOST', kerberosRealm: 'EXAMPLE.COM', tls: true },
    warnings: [/'sslTrustStore' .* ignored/, /'trustStorePassword' .* ignored/],
  },
  { url: 'jdbc:hive2://h:21050/db;user=fred;password=p%40ss%3Bw0rd', form: 'jdbc:hive2', options: { coordinators: ['h:21050'], database: 'db', user: 'fred', password: pw('p@ss;w0rd') } },
  {
    url: 'jdbc:hive2://h:28000/default;transportMode=http;httpPath=cliservice;ssl=true;socketTimeout=120;fetchSize=5000;retries=3',
    form: 'jdbc:hive2',
    options: { coordinators: ['h:28000'], database: 'default', protocol: 'hs2-http', httpPath: 'cliservice', tls: true, rpcTimeoutMs: 120000, fetchSize: 5000, retries: 3 },
  },
  { url: 'jdbc:hive2://h/default;auth=noSasl', form: 'jdbc:hive2', options: { coordinators: ['h'], database: 'default', auth: 'nosasl' }, warnings: [/has no port: Hive's driver would use 10000/] },
  {
    url: 'jdbc:hive2://h:21050/db?hive.execution.engine=tez;SYNC_DDL=1',
    form: 'jdbc:hive2',
    options: { coordinators: ['h:21050'], database: 'db', queryOptions: { SYNC_DDL: '1' } },
    warnings: [/Hive conf 'hive.execution.engine' .* ignored/],
  },
  {
    url: 'jdbc:hive2://h:21050/;hive.server2.proxy.user=bob;applicationName=nightly-etl',
    form: 'jdbc:hive2',
    options: { coordinators: ['h:21050'], applicationName: 'nightly-etl' },
    warnings: [/'hive.server2.proxy.user' .* ignored: Impala ignores it/],
  },
  {
    url: 'jdbc:hive2://h:28000/default?hive.server2.transport.mode=http;hive.server2.thrift.http.path=cliservice',
    form: 'jdbc:hive2',
    options: { coordinators: ['h:28000'], database: 'default', protocol: 'hs2-http', httpPath: 'cliservice' },
  },
  {
    url: 'jdbc:hive2://h:21050/db;user=u;password=p?MEM_LIMIT=1g;other=2',
    form: 'jdbc:hive2',
    options: { coordinators: ['h:21050'], database: 'db', user: 'u', password: pw('p'), queryOptions: { MEM_LIMIT: '1g', OTHER: '2' } },
    warnings: [/query option 'OTHER' is not one this client knows/],
  },
  {
    url: 'jdbc:hive2://h:21050/db;user=u;password=p?hunter=2',
    form: 'jdbc:hive2',
    options: { coordinators: ['h:21050'], database: 'db', user: 'u', password: pw('p') },
    warnings: [/^a Hive conf after 'password' in the jdbc:hive2 URL is ignored; if the password contains reserved characters/],
  },
  { url: 'JDBC:HIVE2://[::1]:21050/default;AUTH=NOSASL', form: 'jdbc:hive2', options: { coordinators: ['[::1]:21050'], database: 'default', auth: 'nosasl' } },
  {
    url: 'jdbc:hive2://lb:443/;transportMode=http;httpPath=cliservice;ssl=true;auth=jwt;jwt=a.b.c;http.header.X-Trace=on',
    form: 'jdbc:hive2',
    options: { protocol: 'hs2-http', httpPath: 'cliservice', tls: true, auth: 'jwt', token: pw('a.b.c'), httpHeaders: { 'X-Trace': 'on' }, coordinators: ['lb:443'] },
  },

  // Bare host lists
  { url: 'h1:21050,h2:21050', form: 'host-list', options: { coordinators: ['h1:21050', 'h2:21050'] } },
  { url: 'impala-1.example.com', form: 'host-list', options: { coordinators: ['impala-1.example.com'] } },
  { url: '[::1]:21050,10.0.0.2', form: 'host-list', options: { coordinators: ['[::1]:21050', '10.0.0.2'] } },
  { url: '  h1:21050  ', form: 'host-list', options: { coordinators: ['h1:21050'] } },
  { url: 'impala:21050', form: 'host-list', options: { coordinators: ['impala:21050'] } },
];

describe('connection strings: real-world table', () => {
  it('has at least 40 rows covering every form', () => {
    assert.ok(ROWS.length >= 40, `only ${ROWS.length} rows`);
    for (const form of ['impala', 'jdbc:impala', 'jdbc:hive2', 'host-list'] as const) {
      assert.ok(ROWS.filter((r) => r.form === form).length >= 4, `too few ${form} rows`);
    }
  });

  for (const row of ROWS) {
    it(`parses ${JSON.stringify(row.url)}`, () => {
      const parsed = parseConnectionString(row.url);
      assert.equal(parsed.form, row.form);
      assert.deepStrictEqual(plain(parsed.options), row.options);
      const expected = row.warnings ?? [];
      assert.equal(parsed.warnings.length, expected.length, `warnings: ${JSON.stringify(parsed.warnings)}`);
      expected.forEach((re, i) => assert.match(parsed.warnings[i]!, re));
      assert.ok(Object.isFrozen(parsed) && Object.isFrozen(parsed.options) && Object.isFrozen(parsed.warnings));
    });
  }
});
