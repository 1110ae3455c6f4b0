import createDebug from 'debug';
import { ArgumentError } from '../errors';
import { resolveClusterOptions, type ResolvedClusterOptions } from './cluster-options';
import type { RuntimeCounts, RuntimeSettings } from './coordinator/coordinator-runtime';
import { LocalCoordinator } from './coordinator/local-coordinator';
import type { SqlEngine } from './engine/types';
import { EngineGateway } from './engine-gateway';
import { loadDuckDbEngine } from './load-engine';
import { ProcessCoordinator } from './process/process-coordinator';
import { gssAcceptorPath } from './server/gss-acceptor';
import type { CoordinatorStats, SimCluster, SimClusterOptions, SimCoordinator, SimProtocol } from './types';

const debug = createDebug('impala-ha:sim');

type OwnedCoordinator = (LocalCoordinator | ProcessCoordinator) & SimCoordinator;

/**
 * Starts a simulated Impala cluster: `coordinators` HS2 coordinators on loopback
 * ports over one shared SQL engine (in-memory DuckDB unless `engine` is given).
 *
 * ```ts
 * const cluster = await startCluster({ coordinators: 3, catalogLagMs: 500 });
 * // cluster.url === 'impala://127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3/default'
 * await cluster.coordinators[1].kill();
 * await cluster.stop();
 * ```
 *
 * Rejects with a ConfigError for bad options; if any coordinator fails to start,
 * everything already started is stopped first.
 */
export async function startCluster(options: SimClusterOptions = {}): Promise<SimCluster> {
  const resolved = resolveClusterOptions(options);
  // Built (once per machine) before anything starts: child processes only load it.
  const acceptorPath = resolved.kerberos === undefined ? undefined : await gssAcceptorPath();
  const ownsEngine = options.engine === undefined;
  const engine =
    options.engine ??
    (await loadDuckDbEngine({
      catalogLagMs: resolved.catalogLagMs,
      ...(resolved.syncDdlDelayMs === undefined ? {} : { syncDdlDelayMs: resolved.syncDdlDelayMs }),
    }));
  const gateway = new EngineGateway(engine, resolved.coordinators);
  const coordinators: OwnedCoordinator[] = [];
  for (let index = 0; index < resolved.coordinators; index++) {
    const settings = runtimeSettings(resolved, index, acceptorPath);
    coordinators.push(resolved.processes ? new ProcessCoordinator(settings, gateway, resolved.startTimeoutMs) : new LocalCoordinator(settings, gateway));
  }
  const cluster = new Cluster(coordinators, gateway, ownsEngine, clusterUrlSuffix(resolved));
  try {
    await Promise.all(coordinators.map((c) => c.start()));
  } catch (err) {
    await cluster.stop().catch(() => undefined);
    throw err;
  }
  debug('cluster up: %s', cluster.url);
  return cluster;
}

function runtimeSettings(o: ResolvedClusterOptions, index: number, acceptorPath: string | undefined): RuntimeSettings {
  return {
    ...(o.kerberos === undefined || acceptorPath === undefined ? {} : { kerberos: { ...o.kerberos, addonPath: acceptorPath } }),
    ...(o.tls === undefined ? {} : { tls: o.tls }),
    index,
    host: o.host,
    port: o.basePort === undefined ? 0 : o.basePort + index,
    beeswaxPort: o.beeswaxBasePort === undefined ? 0 : o.beeswaxBasePort + index,
    httpPort: o.httpBasePort === undefined ? 0 : o.httpBasePort + index,
    tokens: o.tokens,
    httpCookieMaxAgeS: o.httpCookieMaxAgeS,
    version: o.version,
    errorWrapper: o.errorWrapper,
    disconnectedSessionTimeoutMs: o.disconnectedSessionTimeoutMs,
    fetchRowsTimeoutMs: o.fetchRowsTimeoutMs,
    idleSessionTimeoutMs: o.idleSessionTimeoutMs,
    idleQueryTimeoutMs: o.idleQueryTimeoutMs,
    users: o.users,
  };
}

/**
 * Scheme and parameters that make `cluster.url` match the cluster's security: `impalas`
 * with TLS, `auth=gssapi` (and the principal's service and host) with Kerberos only.
 */
function clusterUrlSuffix(o: ResolvedClusterOptions): { scheme: string; query: string } {
  const params: string[] = [];
  if (o.kerberos !== undefined && o.users === undefined) {
    params.push('auth=gssapi');
    const m = o.kerberos.principal === undefined ? undefined : /^([^/]+)\/([^@]+)@/.exec(o.kerberos.principal);
    if (m !== undefined && m !== null) {
      if (m[1] !== 'impala') params.push(`krbServiceName=${encodeURIComponent(m[1]!)}`);
      params.push(`krbHost=${encodeURIComponent(m[2]!)}`);
    }
  }
  return { scheme: o.tls === undefined ? 'impala' : 'impalas', query: params.length === 0 ? '' : `?${params.join('&')}` };
}

class Cluster implements SimCluster {
  readonly coordinators: readonly OwnedCoordinator[];
  readonly #gateway: EngineGateway;
  readonly #ownsEngine: boolean;
  readonly #urlSuffix: { scheme: string; query: string };
  #stopping: Promise<void> | undefined;

  constructor(coordinators: OwnedCoordinator[], gateway: EngineGateway, ownsEngine: boolean, urlSuffix: { scheme: string; query: string }) {
    this.coordinators = Object.freeze([...coordinators]);
    this.#gateway = gateway;
    this.#ownsEngine = ownsEngine;
    this.#urlSuffix = urlSuffix;
  }

  get url(): string {
    return this.urlFor('hs2');
  }

  urlFor(protocol: SimProtocol): string {
    const { scheme, query } = this.#urlSuffix;
    const addresses = (pick: (c: SimCoordinator) => string): string => this.coordinators.map(pick).join(',');
    switch (protocol) {
      case 'hs2':
        return `${scheme}://${addresses((c) => c.address)}/default${query}`;
      case 'hs2-http':
        // The scheme says HTTP (and TLS); the auth suffix is the binary one's.
        return `${scheme === 'impalas' ? 'impala+https' : 'impala+http'}://${addresses((c) => c.httpAddress)}/default${query}`;
      case 'beeswax':
        return `${scheme}://${addresses((c) => c.beeswaxAddress)}/default${query === '' ? '?' : `${query}&`}protocol=beeswax`;
      default:
        throw new ArgumentError(`urlFor: protocol must be 'hs2', 'hs2-http' or 'beeswax', got ${JSON.stringify(protocol)}`);
    }
  }

  get engine(): SqlEngine {
    return this.#gateway.engine;
  }

  async seed(sql: string): Promise<void> {
    const engine = this.#gateway.engine as SqlEngine & { seed?: (sql: string) => Promise<void> };
    if (typeof engine.seed !== 'function') {
      throw new ArgumentError('seed() needs the DuckDB engine (or an engine with a seed method); this cluster was given one without it');
    }
    await engine.seed(sql);
  }

  stats(): CoordinatorStats[] {
    return this.coordinators.map((c) => this.#statsOf(c, c.counts()));
  }

  async refreshStats(): Promise<CoordinatorStats[]> {
    const counts = await Promise.all(this.coordinators.map((c) => (c instanceof ProcessCoordinator ? c.refreshCounts() : c.counts())));
    return this.coordinators.map((c, i) => this.#statsOf(c, counts[i]!));
  }

  #statsOf(c: OwnedCoordinator, counts: RuntimeCounts): CoordinatorStats {
    return { index: c.index, address: c.address, up: c.up, ...counts, executed: this.#gateway.log(c.index).map((r) => ({ ...r })) };
  }

  stop(): Promise<void> {
    this.#stopping ??= this.#stop();
    return this.#stopping;
  }

  async #stop(): Promise<void> {
    await Promise.allSettled(this.coordinators.map((c) => c.stop()));
    if (this.#ownsEngine) await this.#gateway.engine.close();
    debug('cluster stopped');
  }
}
