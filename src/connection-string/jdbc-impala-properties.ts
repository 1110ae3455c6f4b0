import { ConfigError, ErrorCode } from '../errors';
import { parseBoolean, parseInteger, showValue } from './coerce';
import { ignored, indexProperties, mapsTo, renderPropertyTable, secondsTo, type JdbcProperty } from './jdbc-property';
import type { AuthMechanism } from './options';

const AUTH_MECH: Readonly<Record<number, AuthMechanism>> = { 0: 'nosasl', 1: 'gssapi', 2: 'plain', 3: 'ldap' };

const authMech: JdbcProperty = {
  name: 'AuthMech',
  handling: 'maps',
  effect: "`auth`: 0 → `'nosasl'`, 1 → `'gssapi'`, 2 → `'plain'`, 3 → `'ldap'`; other values (e.g. 12, SSO/JWT) → error CONFIG_UNSUPPORTED",
  apply: (v, { collector, label }) => {
    const n = parseInteger(v);
    if (n === undefined) {
      throw new ConfigError(
        ErrorCode.CONFIG_INVALID_VALUE,
        `invalid value ${showValue(v)} for property '${label}' ${collector.where}: expected 0 (no authentication), 1 (Kerberos), 2 (user name) or 3 (user name and password)`,
        'auth',
      );
    }
    const auth = AUTH_MECH[n];
    if (auth === undefined) {
      throw new ConfigError(
        ErrorCode.CONFIG_UNSUPPORTED,
        `'${label}=${n}' ${collector.where} is not supported: impala-ha supports AuthMech 0 (no authentication), 1 (Kerberos), 2 (user name) and 3 (user name and password, LDAP); other values are single sign-on, JWT or token schemes`,
        'auth',
      );
    }
    collector.set('auth', auth, label, `'${label}=${n}'`);
  },
};

const allowSelfSigned: JdbcProperty = {
  name: 'AllowSelfSignedCerts',
  handling: 'maps',
  effect: '1 → `tlsRejectUnauthorized: false` with a warning (certificate not verified)',
  apply: (v, { collector, label }) => {
    const allow = parseBoolean(v);
    if (allow === undefined) {
      throw new ConfigError(ErrorCode.CONFIG_INVALID_VALUE, `invalid value ${showValue(v)} for property '${label}' ${collector.where}: expected 0 or 1`, 'tlsRejectUnauthorized');
    }
    collector.set('tlsRejectUnauthorized', !allow, label, `'${label}=${v}'`);
    if (allow) {
      collector.warn(`'${label}=${v}' ${collector.where} turns TLS certificate verification off (tlsRejectUnauthorized=false); prefer tlsCa with the certificate's CA`);
    }
  },
};

const namesMismatch: JdbcProperty = {
  name: 'CAIssuedCertNamesMismatch',
  handling: 'maps',
  effect: '1 → `tlsVerifyServerName: false` with a warning (the chain is still verified; the name is not)',
  apply: (v, { collector, label }) => {
    const allow = parseBoolean(v);
    if (allow === undefined) {
      throw new ConfigError(ErrorCode.CONFIG_INVALID_VALUE, `invalid value ${showValue(v)} for property '${label}' ${collector.where}: expected 0 or 1`, 'tlsVerifyServerName');
    }
    collector.set('tlsVerifyServerName', !allow, label, `'${label}=${v}'`);
    if (allow) {
      collector.warn(`'${label}=${v}' ${collector.where} turns the TLS certificate name check off (tlsVerifyServerName=false); prefer tlsServername with the name the certificate carries`);
    }
  },
};

const KEYSTORE = 'Java keystores cannot be read from Node; export the CA certificate to PEM and set tlsCa';
const CLIENT_KEYSTORE = 'Java keystores cannot be read from Node; export the client certificate and key to PEM and set tlsCert and tlsKey';

/** Properties of Cloudera's (Simba) Impala JDBC driver, with what impala-ha does with each. */
export const JDBC_IMPALA_PROPERTIES: readonly JdbcProperty[] = Object.freeze([
  authMech,
  mapsTo('UID', 'user'),
  { ...mapsTo('PWD', 'password'), secret: true },
  mapsTo('SSL', 'tls', '`tls` (1/0)'),
  allowSelfSigned,
  namesMismatch,
  mapsTo('KrbRealm', 'kerberosRealm', '`kerberosRealm` (shown in messages; krb5.conf maps the realm)'),
  mapsTo('KrbHostFQDN', 'kerberosHostFqdn', '`kerberosHostFqdn`: a fixed host for every coordinator, or `_HOST` = each coordinator\'s own host'),
  mapsTo('KrbServiceName', 'kerberosServiceName'),
  mapsTo('TransportMode', 'protocol', "`protocol`: `binary`/`sasl` → `'hs2'`, `http` → `'hs2-http'`"),
  mapsTo('httpPath', 'httpPath'),
  secondsTo('SocketTimeout', 'rpcTimeoutMs'),
  mapsTo('RowsFetchedPerBlock', 'fetchSize'),
  ignored('SSLTrustStore', KEYSTORE),
  ignored('SSLTrustStorePwd', KEYSTORE, true),
  ignored('SSLKeyStore', CLIENT_KEYSTORE),
  ignored('SSLKeyStorePwd', CLIENT_KEYSTORE, true),
  ignored('KrbAuthType', 'Kerberos credentials come from the ticket cache'),
  mapsTo('DelegationUID', 'doAs', '`doAs` (impersonation: `?doAs=` over HTTP, `impala.doas.user` over binary)'),
  ignored('LogLevel', 'driver logging; use DEBUG=impala-ha:* instead'),
  ignored('LogPath', 'driver logging; use DEBUG=impala-ha:* instead'),
  ignored('UseNativeQuery', 'SQL is always sent to Impala unchanged'),
  ignored('CatalogSchemaSwitch', 'JDBC metadata mapping does not apply'),
  ignored('DefaultStringColumnLength', 'JDBC metadata mapping does not apply'),
  ignored('LowerCaseResultSetColumnName', 'column names are returned as Impala sends them'),
  ignored('PreparedMetaLimitZero', 'JDBC prepared statements do not apply'),
  ignored('AsyncExecPollInterval', 'impala-ha schedules its own status polling'),
]);

/** {@link JDBC_IMPALA_PROPERTIES} by lower-case name. */
export const JDBC_IMPALA_BY_NAME = indexProperties(JDBC_IMPALA_PROPERTIES);

/** The jdbc:impala property table for docs/configuration.md. */
export function renderJdbcImpalaTable(): string {
  return renderPropertyTable(JDBC_IMPALA_PROPERTIES, [
    '| any Impala query option (`MEM_LIMIT`, `REQUEST_POOL`...) | `queryOptions` (as the driver sends unknown properties to the server) |',
    '| an impala-ha option name (`balance`, `retries`...) | that option |',
    '| anything else | error CONFIG_UNKNOWN_OPTION naming the closest valid name |',
  ]);
}
