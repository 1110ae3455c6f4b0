import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { formatConnectionString, redactConnectionString, resolveOptions, Secret } from '../../src/connection-string';
import { ErrorCode } from '../../src/errors';
import { expectConfigError } from './helpers';

const NO_ENV = {};

describe('connection strings: Kerberos options', () => {
  it('jdbc:impala AuthMech=1 with KrbHostFQDN=_HOST, KrbServiceName and KrbRealm', () => {
    const r = resolveOptions('jdbc:impala://c1:21050,c2:21050/;AuthMech=1;KrbHostFQDN=_HOST;KrbServiceName=impala;KrbRealm=EXAMPLE.COM', NO_ENV);
    assert.equal(r.auth, 'gssapi');
    assert.equal(r.kerberosHostFqdn, '_HOST');
    assert.equal(r.kerberosServiceName, 'impala');
    assert.equal(r.kerberosRealm, 'EXAMPLE.COM');
    assert.ok(r.warnings.some((w) => /kerberosRealm 'EXAMPLE\.COM' is shown in messages only/.test(w)), r.warnings.join('\n'));
  });

  it('jdbc:hive2 principal=impala/_HOST@REALM keeps _HOST; a fixed host is kept as written', () => {
    const perHost = resolveOptions('jdbc:hive2://c1:21050,c2:21050/default;principal=impala/_HOST@EXAMPLE.COM', NO_ENV);
    assert.deepEqual([perHost.auth, perHost.kerberosServiceName, perHost.kerberosHostFqdn, perHost.kerberosRealm], ['gssapi', 'impala', '_HOST', 'EXAMPLE.COM']);
    const balancer = resolveOptions('jdbc:hive2://c1:21050,c2:21050/;principal=impala/lb.example.com@EXAMPLE.COM', NO_ENV);
    assert.equal(balancer.kerberosHostFqdn, 'lb.example.com');
  });

  it('krbHost, krbServiceName and canonicalizeHostName in impala:// URLs (true/false as the MongoDB driver)', () => {
    const r = resolveOptions('impala://c1,c2/?auth=kerberos&krbServiceName=impala2&canonicalizeHostName=forwardAndReverse', NO_ENV);
    assert.deepEqual([r.auth, r.kerberosServiceName, r.kerberosCanonicalizeHostName], ['gssapi', 'impala2', 'forwardAndReverse']);
    assert.equal(resolveOptions('impala://c1/?auth=gssapi&canonicalizeHostName=true', NO_ENV).kerberosCanonicalizeHostName, 'forwardAndReverse');
    assert.equal(resolveOptions('impala://c1/?auth=gssapi&canonicalizeHostName=FORWARD', NO_ENV).kerberosCanonicalizeHostName, 'forward');
    const fixed = resolveOptions('impala://c1/?auth=gssapi&krbHost=lb.example.com&canonicalizeHostName=forward', NO_ENV);
    assert.equal(fixed.kerberosHostFqdn, 'lb.example.com');
    assert.ok(fixed.warnings.some((w) => /kerberosCanonicalizeHostName 'forward' ignored: kerberosHostFqdn 'lb\.example\.com' is used as written/.test(w)));
    expectConfigError(() => resolveOptions('impala://c1/?auth=gssapi&canonicalizeHostName=reverse', NO_ENV), ErrorCode.CONFIG_INVALID_VALUE, /'none', 'forward', 'forwardAndReverse'/);
    const ignored = resolveOptions('impala://c1/?canonicalizeHostName=forward', NO_ENV);
    assert.ok(ignored.warnings.some((w) => /kerberosCanonicalizeHostName ignored: auth is 'nosasl'/.test(w)));
  });

  it('jdbc:hive2 kerberosEnableCanonicalHostnameCheck maps to canonicalization', () => {
    assert.equal(resolveOptions('jdbc:hive2://c1/;principal=impala/_HOST@R;kerberosEnableCanonicalHostnameCheck=true', NO_ENV).kerberosCanonicalizeHostName, 'forwardAndReverse');
    assert.equal(resolveOptions('jdbc:hive2://c1/;principal=impala/_HOST@R;kerberosEnableCanonicalHostnameCheck=false', NO_ENV).kerberosCanonicalizeHostName, 'none');
  });
});

describe('connection strings: TLS options', () => {
  it('AllowSelfSignedCerts=1, tlsVerify=false and verify_cert=false turn verification off, with a warning', () => {
    for (const url of ['jdbc:impala://h/;SSL=1;AllowSelfSignedCerts=1', 'impalas://h/?tlsVerify=false', 'impalas://h/?verify_cert=0']) {
      const r = resolveOptions(url, NO_ENV);
      assert.equal(r.tlsRejectUnauthorized, false, url);
      assert.ok(r.warnings.some((w) => /certificate verification off/.test(w)), `${url}: ${r.warnings.join('\n')}`);
    }
  });

  it('CAIssuedCertNamesMismatch=1 turns only the name check off, with a warning', () => {
    const r = resolveOptions('jdbc:impala://h/;SSL=1;CAIssuedCertNamesMismatch=1', NO_ENV);
    assert.equal(r.tlsVerifyServerName, false);
    assert.equal(r.tlsRejectUnauthorized, true);
    assert.equal(r.warnings.filter((w) => /name check off/.test(w)).length, 1, r.warnings.join('\n'));
    assert.equal(resolveOptions('jdbc:impala://h/;SSL=1;CAIssuedCertNamesMismatch=0', NO_ENV).tlsVerifyServerName, true);
  });

  it('client certificate options: both or neither, only with tls on', () => {
    const r = resolveOptions({ coordinators: ['h'], tls: true, tlsCert: '/etc/impala/client.pem', tlsKey: '/etc/impala/client.key', tlsKeyPassphrase: 'pw' }, NO_ENV);
    assert.deepEqual([r.tlsCert, r.tlsKey?.reveal()], ['/etc/impala/client.pem', '/etc/impala/client.key']);
    assert.ok(r.tlsKey instanceof Secret, 'the key (path or PEM) is kept as a Secret');
    assert.ok(r.tlsKeyPassphrase instanceof Secret);
    expectConfigError(() => resolveOptions({ tls: true, tlsCert: '/c.pem' }, NO_ENV), ErrorCode.CONFIG_CONFLICT, /tlsCert is set without tlsKey/);
    expectConfigError(() => resolveOptions({ tls: true, tlsKey: '/c.key' }, NO_ENV), ErrorCode.CONFIG_CONFLICT, /tlsKey is set without tlsCert/);
    expectConfigError(() => resolveOptions({ tlsCert: '/c.pem', tlsKey: '/c.key' }, NO_ENV), ErrorCode.CONFIG_CONFLICT, /tlsCert is set but tls is off/);
    expectConfigError(() => resolveOptions({ tls: true, tlsKeyPassphrase: 'pw' }, NO_ENV), ErrorCode.CONFIG_CONFLICT, /tlsKeyPassphrase is set without tlsKey/);
  });

  it('twoWay=true and Java key stores point at tlsCert/tlsKey instead of failing', () => {
    const r = resolveOptions('jdbc:hive2://h/;ssl=true;twoWay=true;sslKeyStore=/ks.jks;keyStorePassword=hunter2', NO_ENV);
    assert.ok(r.warnings.some((w) => /two-way TLS is on whenever tlsCert and tlsKey are set/.test(w)));
    assert.ok(r.warnings.some((w) => /export the client certificate and key to PEM and set tlsCert and tlsKey/.test(w)));
    assert.doesNotMatch(r.warnings.join('\n'), /hunter2/);
  });

  it('tlsKeyPassphrase is a secret: masked by redaction, inspect and messages, written only with includePassword', () => {
    const url = 'impalas://h/?tlsCert=%2Fc.pem&tlsKey=%2Fc.key&tlsKeyPassphrase=hunter2';
    assert.doesNotMatch(redactConnectionString(url), /hunter2/);
    const r = resolveOptions(url, NO_ENV);
    assert.equal(r.tlsKeyPassphrase?.reveal(), 'hunter2');
    assert.doesNotMatch(inspect(r), /hunter2/);
    assert.doesNotMatch(JSON.stringify(r), /hunter2/);
    assert.doesNotMatch(formatConnectionString(r), /hunter2|tlsKeyPassphrase/);
    const full = formatConnectionString(r, { includePassword: true });
    assert.match(full, /tlsKeyPassphrase=hunter2/);
    assert.equal(resolveOptions(full, NO_ENV).tlsKeyPassphrase?.reveal(), 'hunter2', 'round trip');
    const err = expectConfigError(() => resolveOptions('impala://h/?tlsKeyPassphrase=hunter2', NO_ENV), ErrorCode.CONFIG_CONFLICT);
    assert.doesNotMatch(err.message, /hunter2/);
  });

  it('CA, certificate and key may be PEM text instead of paths; an inline key never shows', () => {
    const cert = '-----BEGIN CERTIFICATE-----\nMIIBcert\n-----END CERTIFICATE-----\n';
    const key = '-----BEGIN PRIVATE KEY-----\nMIGHsecretkeybytes\n-----END PRIVATE KEY-----\n';
    const r = resolveOptions({ coordinators: ['h'], tls: true, tlsCa: cert, tlsCert: cert, tlsKey: key }, NO_ENV);
    assert.equal(r.tlsCa, cert);
    assert.equal(r.tlsKey?.reveal(), key);
    assert.doesNotMatch(inspect(r), /MIGHsecret/);
    assert.doesNotMatch(formatConnectionString(r), /MIGHsecret/);
    // A bad value for the key is refused without echoing it.
    const err = expectConfigError(() => resolveOptions({ tls: true, tlsCert: cert, tlsKey: 'MIGHsecret\u0000' }, NO_ENV), ErrorCode.CONFIG_INVALID_VALUE);
    assert.doesNotMatch(err.message, /MIGHsecret/);
    assert.doesNotMatch(redactConnectionString('impalas://h/?tlsKey=%2Fsecret%2Fkey.pem&ssl_key=x'), /secret%2Fkey|=x/);
  });
});
