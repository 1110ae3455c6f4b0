import * as dns from 'node:dns';
import * as net from 'node:net';

/**
 * How the host part of a coordinator's principal is derived from its address, as the
 * MongoDB driver's `CANONICALIZE_HOST_NAME`:
 * - `none`: the host as written (lower-cased);
 * - `forward`: its DNS CNAME target when it has one;
 * - `forwardAndReverse`: resolve it to an address, then that address back to a name
 *   (getaddrinfo + getnameinfo, so `/etc/hosts` counts), like MIT krb5's `rdns`.
 * A lookup that fails keeps the name it started from.
 */
export type CanonicalizeHostName = 'none' | 'forward' | 'forwardAndReverse';

/** Which server principal a connection targets. */
export interface KerberosTargetOptions {
  /** First part of the principal. Default `'impala'`. */
  serviceName?: string | undefined;
  /**
   * Host part for every coordinator (a load balancer's name, like impala-shell `-b`),
   * used as written. Undefined or `'_HOST'` = each coordinator's own host.
   */
  host?: string | undefined;
  /**
   * Realm, shown in the principal named by messages. The GSSAPI library picks the
   * server's realm itself from krb5.conf (`[domain_realm]`, else `default_realm`, else
   * KDC referrals); a host-based name cannot carry one.
   */
  realm?: string | undefined;
  /** Canonicalization of a coordinator's own host. Default `'none'`. */
  canonicalizeHostName?: CanonicalizeHostName | undefined;
}

/** The principal one connection targets. */
export interface KerberosTarget {
  /** GSSAPI host-based service name, `impala@host`. */
  readonly serviceAtHost: string;
  /** The same as a principal for messages, `impala/host@REALM` (no realm when none is configured). */
  readonly principal: string;
  /** Whether the host came from the coordinator's address (not a fixed `host`). */
  readonly perCoordinator: boolean;
}

/** Time bound of one DNS lookup during canonicalization, in ms (the connect bound covers the rest). */
const LOOKUP_TIMEOUT_MS = 2000;

/** How long a canonical name is reused, in ms: reconnects in a failover should not wait on DNS. */
const CACHE_MS = 60_000;
const cache = new Map<string, { name: string; until: number }>();

/**
 * Works out the principal for a connection to `coordinatorHost`: service and realm
 * from the options, host fixed or the coordinator's own (canonicalized as asked).
 */
export async function resolveKerberosTarget(options: KerberosTargetOptions, coordinatorHost: string): Promise<KerberosTarget> {
  const service = options.serviceName ?? 'impala';
  const fixed = options.host !== undefined && options.host.toUpperCase() !== '_HOST' ? options.host : undefined;
  const host = fixed ?? (await canonicalHostName(stripBrackets(coordinatorHost), options.canonicalizeHostName ?? 'none'));
  return {
    serviceAtHost: `${service}@${host}`,
    principal: `${service}/${host}${options.realm !== undefined ? `@${options.realm}` : ''}`,
    perCoordinator: fixed === undefined,
  };
}

/**
 * What to check when a principal does not work, depending on where its host came
 * from; shared by SASL GSSAPI and SPNEGO messages.
 *
 * @internal
 */
export function principalHint(target: KerberosTarget): string {
  if (!target.perCoordinator) return 'The fixed krbHost was used for every coordinator; each one needs that principal in its keytab (use _HOST for per-coordinator principals).';
  const host = target.serviceAtHost.slice(target.serviceAtHost.indexOf('@') + 1);
  const ip = net.isIP(host) !== 0 ? ' It is an IP address, and principals carry host names: list coordinators by name or set canonicalizeHostName=forwardAndReverse.' : '';
  return `Each coordinator's own host name was used.${ip} Behind a load balancer set krbHost to the balancer's name (impala-shell -b); set canonicalizeHostName if principals use canonical host names.`;
}

function stripBrackets(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/** Lower case without a trailing dot: principals carry host names that way. */
function tidy(name: string): string {
  return name.replace(/\.$/, '').toLowerCase();
}

/** The host name for a principal, per {@link CanonicalizeHostName}. Never rejects. */
export async function canonicalHostName(host: string, mode: CanonicalizeHostName): Promise<string> {
  if (mode === 'none') return tidy(host);
  const key = `${mode} ${host}`;
  const hit = cache.get(key);
  if (hit !== undefined && hit.until > Date.now()) return hit.name;
  const name = tidy(mode === 'forward' ? await forward(host) : await forwardAndReverse(host));
  cache.set(key, { name, until: Date.now() + CACHE_MS });
  return name;
}

async function forward(host: string): Promise<string> {
  if (net.isIP(host) !== 0) return host;
  const resolver = new dns.promises.Resolver({ timeout: LOOKUP_TIMEOUT_MS, tries: 1 });
  const names = await bounded(resolver.resolveCname(host), () => resolver.cancel());
  return names?.[0] ?? host;
}

async function forwardAndReverse(host: string): Promise<string> {
  const found = net.isIP(host) !== 0 ? { address: host } : await bounded(dns.promises.lookup(host));
  if (found === undefined) return host;
  const named = await bounded(dns.promises.lookupService(found.address, 0));
  // getnameinfo answers with the address itself when no name is known.
  if (named !== undefined && net.isIP(named.hostname) === 0) return named.hostname;
  return net.isIP(host) !== 0 ? host : forward(host);
}

/** Resolves with the lookup's result, or undefined when it fails or takes longer than the bound. */
function bounded<T>(lookup: Promise<T>, cancel?: () => void): Promise<T | undefined> {
  return new Promise<T | undefined>((resolve) => {
    const timer = setTimeout(() => {
      cancel?.();
      resolve(undefined);
    }, LOOKUP_TIMEOUT_MS);
    timer.unref();
    lookup.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      () => {
        clearTimeout(timer);
        resolve(undefined);
      },
    );
  });
}
