import * as fs from 'node:fs';
import * as tls from 'node:tls';
import { ConfigError, ErrorCode } from '../errors';
import { isPemText } from '../connection-string/normalise-option';
import type { OptionName, ResolvedOptions } from '../connection-string/options';
import { Secret } from '../connection-string/secret';
import { assertKerberosAvailable } from '../connection/load-kerberos';
import { warnTlsUnverified } from '../connection/insecure-tls-warning';
import type { AuthOptions, TlsOptions } from '../connection/types';

/** How every connection of a client authenticates and encrypts. */
export interface TransportSecurity {
  auth: AuthOptions;
  tls: TlsOptions | undefined;
}

/**
 * Turns the client options into each connection's `auth` and `tls`, once, at
 * createClient: PEM files (or PEM text) are read now (a missing or unreadable one is a ConfigError
 * naming the option and the path), the `kerberos` package is checked now (a
 * ConfigError naming the install command), and verification turned off emits its
 * process warning now. `tlsServername` stays unset unless given, so every coordinator
 * is verified against its own host name.
 */
export function transportSecurity(o: ResolvedOptions): TransportSecurity {
  return { auth: authOptions(o), tls: o.tls ? tlsOptions(o) : undefined };
}

function authOptions(o: ResolvedOptions): AuthOptions {
  switch (o.auth) {
    case 'nosasl':
      return { mechanism: 'NOSASL' };
    case 'gssapi':
      assertKerberosAvailable();
      return {
        mechanism: 'GSSAPI',
        serviceName: o.kerberosServiceName,
        host: o.kerberosHostFqdn,
        realm: o.kerberosRealm,
        canonicalizeHostName: o.kerberosCanonicalizeHostName,
      };
    case 'jwt':
      // resolveOptions refuses auth 'jwt' without a token; this guards hand-built options.
      if (o.token === undefined) throw new ConfigError(ErrorCode.CONFIG_CONFLICT, "auth 'jwt' needs a token (the token option, or jwt= in URLs)", 'token');
      return { mechanism: 'JWT', token: o.token instanceof Secret ? o.token.reveal() : o.token };
    default:
      return { mechanism: 'PLAIN', username: o.user ?? 'anonymous', password: o.auth === 'plain' ? '' : (o.password?.reveal() ?? '') };
  }
}

function tlsOptions(o: ResolvedOptions): TlsOptions {
  if (!o.tlsRejectUnauthorized) warnTlsUnverified('certificate verification (tlsRejectUnauthorized=false)');
  else if (!o.tlsVerifyServerName) warnTlsUnverified('certificate name check (tlsVerifyServerName=false)');
  const options: TlsOptions = {
    rejectUnauthorized: o.tlsRejectUnauthorized,
    checkServerName: o.tlsVerifyServerName,
    ...(o.tlsServername !== undefined ? { servername: o.tlsServername } : {}),
    ...(o.tlsCa !== undefined ? { ca: readPem('tlsCa', o.tlsCa) } : {}),
    ...(o.tlsCert !== undefined ? { cert: readPem('tlsCert', o.tlsCert) } : {}),
    ...(o.tlsKey !== undefined ? { key: readPem('tlsKey', o.tlsKey.reveal()) } : {}),
    ...(o.tlsKeyPassphrase !== undefined ? { passphrase: o.tlsKeyPassphrase.reveal() } : {}),
  };
  checkMaterial(options);
  return options;
}

/** Builds a secure context once so unusable PEM or a wrong passphrase fail createClient, not every connect. */
function checkMaterial(t: TlsOptions): void {
  if (t.ca === undefined && t.cert === undefined) return;
  try {
    tls.createSecureContext({ ca: t.ca, cert: t.cert, key: t.key, ...(t.passphrase !== undefined ? { passphrase: t.passphrase } : {}) });
  } catch (err) {
    const message = (err as Error).message;
    const option: OptionName = /decrypt|passphrase|bad password/i.test(message) ? 'tlsKeyPassphrase' : /key/i.test(message) ? 'tlsKey' : t.cert !== undefined && !/ca|chain/i.test(message) ? 'tlsCert' : 'tlsCa';
    // OpenSSL's text names what failed, never key material.
    throw new ConfigError(ErrorCode.CONFIG_INVALID_VALUE, `TLS files cannot be used (${option}): ${message}`, option, err);
  }
}

/**
 * The PEM an option gives: its text when it is PEM already, else the file it names.
 * Only the path and the system's reason appear in errors, never the contents.
 */
function readPem(option: OptionName, file: string): Buffer {
  if (isPemText(file)) return Buffer.from(file);
  let data: Buffer;
  try {
    data = fs.readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a directory' : (code ?? (err as Error).message);
    throw new ConfigError(ErrorCode.CONFIG_INVALID_VALUE, `${option}: cannot read '${file}' (${why}); expected a readable PEM file`, option, err);
  }
  if (!data.includes('-----BEGIN')) {
    throw new ConfigError(ErrorCode.CONFIG_INVALID_VALUE, `${option}: '${file}' is not a PEM file (no -----BEGIN line); convert it, e.g. openssl x509 -in cert.der -inform der -out cert.pem`, option);
  }
  return data;
}
