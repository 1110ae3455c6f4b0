import { ConfigError, ErrorCode } from '../errors';
import { parseBoolean, showValue } from './coerce';
import { ignored, indexProperties, mapsTo, renderPropertyTable, secondsTo, unsupported, type JdbcProperty } from './jdbc-property';
import type { AuthMechanism } from './options';

const HIVE_AUTH: Readonly<Record<string, AuthMechanism | null>> = {
  nosasl: 'nosasl',
  ldap: 'ldap',
  plain: 'plain',
  kerberos: 'gssapi',
  gssapi: 'gssapi',
  jwt: 'jwt',
  browser: null,
  token: null,
  delegationtoken: null,
  saml: null,
};

const auth: JdbcProperty = {
  name: 'auth',
  handling: 'maps',
  effect: "`auth`: `noSasl` → `'nosasl'` (also `ldap`, `plain`, `kerberos`, `jwt` with `;jwt=<token>`); `browser`, `token`, `delegationToken`, `saml` → error CONFIG_UNSUPPORTED",
  apply: (v, { collector, label }) => {
    const word = v.trim().toLowerCase();
    const mech = HIVE_AUTH[word];
    if (mech === null) {
      throw new ConfigError(ErrorCode.CONFIG_UNSUPPORTED, `'${label}=${v}' ${collector.where} is not supported: impala-ha authenticates with no SASL, LDAP (user and password), a JWT (auth=jwt over HTTP) or Kerberos`, 'auth');
    }
    if (mech === undefined) {
      throw new ConfigError(
        ErrorCode.CONFIG_INVALID_VALUE,
        `invalid value ${showValue(v)} for property '${label}' ${collector.where}: expected noSasl (or ldap, plain, kerberos, jwt); leave it out for user/password authentication`,
        'auth',
      );
    }
    collector.set('auth', mech, label, `'${label}=${v}'`);
  },
};

const PRINCIPAL = /^([^/@\s]+)\/([^/@\s]+)(?:@([^/@\s]+))?$/;

const principal: JdbcProperty = {
  name: 'principal',
  handling: 'maps',
  effect: "`auth: 'gssapi'`, `kerberosServiceName`/`kerberosHostFqdn`/`kerberosRealm` from `service/host@REALM`: `impala/_HOST@REALM` = each coordinator's own host, `impala/lb.example.com@REALM` = that host for every coordinator",
  apply: (v, { collector, label }) => {
    const m = PRINCIPAL.exec(v.trim());
    if (!m) {
      throw new ConfigError(
        ErrorCode.CONFIG_INVALID_VALUE,
        `invalid value ${showValue(v)} for property '${label}' ${collector.where}: expected a server principal service/host@REALM, e.g. impala/_HOST@EXAMPLE.COM`,
        'kerberosServiceName',
      );
    }
    const shown = `'${label}=${v}'`;
    collector.set('auth', 'gssapi', label, shown);
    collector.set('kerberosServiceName', m[1], label, shown);
    collector.set('kerberosHostFqdn', m[2], label, shown);
    if (m[3] !== undefined) collector.set('kerberosRealm', m[3], label, shown);
  },
};

const discovery: JdbcProperty = {
  name: 'serviceDiscoveryMode',
  handling: 'unsupported',
  effect: '`zooKeeper`/`zooKeeperHA` → error CONFIG_UNSUPPORTED (Impala does not register in ZooKeeper; list the coordinators); `none` accepted',
  apply: (v, { collector, label }) => {
    if (v.trim().toLowerCase() === 'none') return;
    throw new ConfigError(
      ErrorCode.CONFIG_UNSUPPORTED,
      `'${label}=${v}' ${collector.where} is not supported: Impala coordinators do not register in ZooKeeper; list them in the URL instead (h1:21050,h2:21050)`,
      label,
    );
  },
};

const twoWay: JdbcProperty = {
  name: 'twoWay',
  handling: 'ignored',
  effect: '`true`: warning that the client certificate comes from `tlsCert` and `tlsKey` (PEM files); `false` accepted',
  apply: (v, { collector, label }) => {
    if (parseBoolean(v) === false) return;
    collector.warn(`'${label}=${v}' ${collector.where}: two-way TLS is on whenever tlsCert and tlsKey are set (PEM files); Java keystores (sslKeyStore) cannot be read`);
  },
};

const canonicalCheck: JdbcProperty = {
  name: 'kerberosEnableCanonicalHostnameCheck',
  handling: 'maps',
  effect: "`kerberosCanonicalizeHostName`: `true` → `'forwardAndReverse'` (as Java's getCanonicalHostName), `false` → `'none'`",
  apply: (v, { collector, label }) => {
    const on = parseBoolean(v);
    if (on === undefined) {
      throw new ConfigError(ErrorCode.CONFIG_INVALID_VALUE, `invalid value ${showValue(v)} for property '${label}' ${collector.where}: expected true or false`, 'kerberosCanonicalizeHostName');
    }
    collector.set('kerberosCanonicalizeHostName', on ? 'forwardAndReverse' : 'none', label, `'${label}=${v}'`);
  },
};

const saslQop = (name: string): JdbcProperty => ({
  name,
  handling: 'ignored',
  effect: '`auth` accepted; other values ignored with a warning (Impala never wraps SASL payloads)',
  apply: (v, { collector, label }) => {
    if (v.trim().toLowerCase() !== 'auth') {
      collector.warn(`'${label}=${v}' ${collector.where} is ignored: Impala only supports SASL QOP 'auth' (no integrity or confidentiality layer); use TLS`);
    }
  },
});

const KEYSTORE = 'Java keystores cannot be read from Node; export the CA certificate to PEM and set tlsCa';
const CLIENT_KEYSTORE = 'Java keystores cannot be read from Node; export the client certificate and key to PEM and set tlsCert and tlsKey';
const ZOOKEEPER = 'ZooKeeper discovery is not used';

/** Session variables (`;name=value`) of Apache Hive's JDBC driver, with what impala-ha does with each. */
export const JDBC_HIVE2_PROPERTIES: readonly JdbcProperty[] = Object.freeze([
  mapsTo('user', 'user'),
  { ...mapsTo('password', 'password'), secret: true },
  auth,
  principal,
  mapsTo('ssl', 'tls'),
  mapsTo('transportMode', 'protocol', "`protocol`: `binary` → `'hs2'`, `http` → `'hs2-http'`"),
  mapsTo('hive.server2.transport.mode', 'protocol', '`protocol` (deprecated Hive spelling)'),
  mapsTo('httpPath', 'httpPath'),
  mapsTo('hive.server2.thrift.http.path', 'httpPath', '`httpPath` (deprecated Hive spelling)'),
  mapsTo('fetchSize', 'fetchSize'),
  secondsTo('socketTimeout', 'rpcTimeoutMs'),
  mapsTo('retries', 'retries'),
  mapsTo('applicationName', 'applicationName'),
  discovery,
  twoWay,
  saslQop('saslQop'),
  saslQop('sasl.qop'),
  ignored('sslTrustStore', KEYSTORE),
  ignored('trustStorePassword', KEYSTORE, true),
  ignored('trustStoreType', KEYSTORE),
  ignored('trustManagerFactoryAlgorithm', KEYSTORE),
  ignored('sslKeyStore', CLIENT_KEYSTORE),
  ignored('keyStorePassword', CLIENT_KEYSTORE, true),
  ignored('zooKeeperNamespace', ZOOKEEPER),
  ignored('zooKeeperSSLEnable', ZOOKEEPER),
  ignored('zooKeeperKeystoreLocation', ZOOKEEPER),
  ignored('zooKeeperKeystorePassword', ZOOKEEPER, true),
  ignored('zooKeeperTruststoreLocation', ZOOKEEPER),
  ignored('zooKeeperTruststorePassword', ZOOKEEPER, true),
  ignored('kerberosAuthType', 'Kerberos credentials come from the ticket cache'),
  canonicalCheck,
  ignored('cookieAuth', 'HTTP authentication cookies are handled by the client'),
  ignored('cookieName', 'HTTP authentication cookies are handled by the client'),
  ignored('retryInterval', 'retries back off with full jitter (retryBaseDelayMs, retryMaxDelayMs)'),
  ignored('requestTrack', 'request tracking headers are not sent'),
  ignored('wmPool', 'Hive workload management does not apply to Impala; use queryOptions.REQUEST_POOL'),
  ignored('hive.server2.proxy.user', 'Impala ignores it; connect as the user the queries should run as'),
  ignored('hiveCreateAsExternalLegacy', 'a Hive-only setting'),
  ignored('thrift.client.max.message.size', 'the client applies its own reply size limit'),
  ignored('browserResponsePort', 'browser single sign-on is not supported'),
  ignored('browserResponseTimeout', 'browser single sign-on is not supported'),
  ignored('browserDisableSslCheck', 'browser single sign-on is not supported'),
  unsupported('delegationToken', 'delegation tokens are not supported', true),
  unsupported('initFile', 'run the statements yourself after connecting (withSession)'),
]);

/** {@link JDBC_HIVE2_PROPERTIES} by lower-case name. */
export const JDBC_HIVE2_BY_NAME = indexProperties(JDBC_HIVE2_PROPERTIES);

/** The jdbc:hive2 property table for docs/configuration.md. */
export function renderJdbcHive2Table(): string {
  return renderPropertyTable(JDBC_HIVE2_PROPERTIES, [
    '| `http.header.<Name>` | `httpHeaders` (sent over hs2-http; values never shown) |',
    '| `http.cookie.<name>` | ignored (warning; values never shown): cookies are managed by the client |',
    '| an impala-ha option name (`balance`, `retries`...) | that option |',
    '| `?NAME=value` (Hive confs) | `queryOptions.NAME`; dotted Hive names (`hive.*`) ignored with a warning |',
    '| `#name=value` (Hive variables) | ignored with a warning (Impala ignores `set:hivevar`) |',
    '| anything else after `;` | error CONFIG_UNKNOWN_OPTION naming the closest valid name |',
  ]);
}
