import { ConfigError, ErrorCode } from '../errors';

/** The npm package that provides the GSSAPI client, an optional peer dependency. */
export const KERBEROS_PACKAGE = 'kerberos';
/** The version impala-ha is tested with. */
export const KERBEROS_VERSION = '7.0.0';

/**
 * A GSSAPI initiator context, as the `kerberos` package's `KerberosClient` offers it.
 * Tokens travel as base64 text. Declared here (not imported) so that impala-ha's
 * types do not need the package when Kerberos is not used.
 */
export interface GssClient {
  /** Feeds the server's token (`''` for the first step) and returns the next one to send (null or `''` = none). */
  step(challenge: string): Promise<string | null>;
  /** Unwraps a token of the established context; returns the cleartext. */
  unwrap(challenge: string): Promise<string | null>;
  /** Wraps cleartext; with SASL it rebuilds the 4-byte layer choice from its input (see sasl-gssapi.ts). */
  wrap(challenge: string, options?: { user?: string; protect?: boolean }): Promise<string | null>;
  /** True once the security context is established (mutual authentication included). */
  readonly contextComplete: boolean;
}

/** The part of the `kerberos` package impala-ha uses. */
export interface KerberosModule {
  initializeClient(service: string, options?: { mechOID?: number; gssFlag?: number }): Promise<GssClient>;
  readonly GSS_C_MUTUAL_FLAG: number;
  readonly GSS_C_SEQUENCE_FLAG: number;
  readonly GSS_MECH_OID_KRB5: number;
  readonly GSS_MECH_OID_SPNEGO: number;
  readonly version: string;
}

/** Which GSS mechanism a client context uses: Kerberos itself (SASL GSSAPI) or SPNEGO (HTTP `Negotiate`). */
export type GssMechanism = 'krb5' | 'spnego';

let cached: KerberosModule | undefined;

const INSTALL = `npm install ${KERBEROS_PACKAGE}@${KERBEROS_VERSION}`;

/**
 * Loads the `kerberos` package on first use, so applications that never use Kerberos
 * need neither the package nor a compiler.
 *
 * @param load How to load it (tests pass a failing loader). @default require
 * @throws ConfigError CONFIG_UNSUPPORTED naming the install command when it is missing
 * or its native part does not load.
 */
export function loadKerberos(load: (name: string) => unknown = require): KerberosModule {
  if (cached !== undefined && load === require) return cached;
  let mod: KerberosModule;
  try {
    mod = load(KERBEROS_PACKAGE) as KerberosModule;
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND' && String((err as Error).message).includes(`'${KERBEROS_PACKAGE}'`);
    const why = missing
      ? `the optional peer dependency '${KERBEROS_PACKAGE}' is not installed`
      : `the '${KERBEROS_PACKAGE}' package did not load (${(err as Error).message}); its native part needs MIT Kerberos (libgssapi-krb5-2; to build it: libkrb5-dev and a C++ compiler)`;
    throw new ConfigError(ErrorCode.CONFIG_UNSUPPORTED, `auth 'gssapi' (Kerberos) needs the '${KERBEROS_PACKAGE}' package: ${why}; install it with '${INSTALL}'`, 'auth', err);
  }
  if (typeof mod?.initializeClient !== 'function') {
    throw new ConfigError(ErrorCode.CONFIG_UNSUPPORTED, `the installed '${KERBEROS_PACKAGE}' package has no initializeClient(); install a supported version with '${INSTALL}'`, 'auth');
  }
  if (load === require) cached = mod;
  return mod;
}

/**
 * Starts a GSSAPI initiator for a host-based service name (`impala@host`) with mutual
 * authentication. SASL GSSAPI uses mechanism `krb5`; SPNEGO over HTTP (`Negotiate`)
 * uses `spnego` with the same `step()` loop.
 */
export function initializeGssClient(serviceAtHost: string, mechanism: GssMechanism = 'krb5'): Promise<GssClient> {
  const k = loadKerberos();
  return k.initializeClient(serviceAtHost, {
    mechOID: mechanism === 'spnego' ? k.GSS_MECH_OID_SPNEGO : k.GSS_MECH_OID_KRB5,
    gssFlag: k.GSS_C_MUTUAL_FLAG | k.GSS_C_SEQUENCE_FLAG,
  });
}

/** Throws the {@link loadKerberos} ConfigError now (at createClient) rather than at the first connect. */
export function assertKerberosAvailable(): void {
  loadKerberos();
}
