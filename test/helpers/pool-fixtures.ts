import { createClient, type ClientOptions, type ImpalaClient, type Protocol } from '../../src';
import { startCluster } from '../../src/testing';
import type { SimCluster, SimClusterOptions, SimCoordinator } from '../../src/testing/types';

/**
 * Options that make failover tests fast while keeping every bound finite. A hung
 * coordinator is found by the liveness check (about two seconds), not by these
 * bounds, so they can leave room for a loaded machine: `connectTimeoutMs` also covers
 * OpenSession, and a healthy coordinator that misses it is marked down.
 */
export const FAST: ClientOptions = {
  connectTimeoutMs: 3000,
  rpcTimeoutMs: 5000,
  acquireTimeoutMs: 5000,
  healthCheckIntervalMs: 100,
  healthCheckMaxIntervalMs: 1000,
  rise: 2,
  fall: 2,
  slowStartMs: 1000,
  retryBaseDelayMs: 10,
  retryMaxDelayMs: 100,
};

/**
 * One way the pool acceptance tests reach the simulated coordinators: a client
 * protocol over its wire. Each variant says what differs in what the tests observe.
 */
export interface PoolVariant {
  /** The client protocol, also the suite's label: `[hs2]`, `[hs2-http]`, `[beeswax]`. */
  readonly name: Protocol;
  /** The wire: binary Thrift or HTTP. */
  readonly transport: 'binary' | 'http';
  /** The RPC that polls a statement's state: HS2's GetOperationStatus, Beeswax's get_state. */
  readonly statusMethod: string;
  /**
   * Whether a session outlives its socket. HS2 (either wire): an idle cut is repaired
   * on the same server session. Beeswax (session == connection): the server closes the
   * session with the socket, asynchronously, and a new connection is a new session.
   */
  readonly reattachable: boolean;
  /**
   * `connectionValidated.how` for a pooled connection whose socket a proxy cut while
   * idle: binary HS2 reattaches its session on a new socket (`'reattached'`); an HTTP
   * channel opens its next kept-alive connection by itself, so the check is an ordinary
   * `'ping'`; Beeswax drops the dead unit and validates nothing (undefined).
   */
  readonly idleCutValidation: 'reattached' | 'ping' | undefined;
  /** The HAProxy mode that fronts this wire. */
  readonly proxyMode: 'tcp' | 'http';
  /** The address clients use for a coordinator over this variant. */
  address(c: SimCoordinator): string;
}

/** HS2 over binary (21050) and over HTTP (28000), and Beeswax (21000; binary only). */
export const VARIANTS: readonly PoolVariant[] = [
  { name: 'hs2', transport: 'binary', statusMethod: 'GetOperationStatus', reattachable: true, idleCutValidation: 'reattached', proxyMode: 'tcp', address: (c) => c.address },
  { name: 'hs2-http', transport: 'http', statusMethod: 'GetOperationStatus', reattachable: true, idleCutValidation: 'ping', proxyMode: 'http', address: (c) => c.httpAddress },
  { name: 'beeswax', transport: 'binary', statusMethod: 'get_state', reattachable: false, idleCutValidation: undefined, proxyMode: 'tcp', address: (c) => c.beeswaxAddress },
];

/** The variant of one protocol. */
export function variant(name: Protocol): PoolVariant {
  const v = VARIANTS.find((x) => x.name === name);
  if (v === undefined) throw new Error(`no pool test variant '${name}'`);
  return v;
}

/** Declares the suite once per variant (`<title> [hs2]`, `<title> [hs2-http]`, `<title> [beeswax]`). */
export function describeVariants(title: string, fn: (this: Mocha.Suite, v: PoolVariant) => void): void {
  for (const v of VARIANTS) {
    describe(`${title} [${v.name}]`, function () {
      fn.call(this, v);
    });
  }
}

/** A cluster and clients that are all stopped after the test. */
export class PoolFixture {
  cluster!: SimCluster;
  readonly clients: ImpalaClient[] = [];
  readonly variant: PoolVariant;

  /** @param v which front end of each simulated coordinator the clients use. Default binary HS2. */
  constructor(v: PoolVariant = VARIANTS[0]!) {
    this.variant = v;
  }

  /** The client address of a coordinator (by index or itself) for this fixture's variant. */
  address(c: number | SimCoordinator): string {
    return this.variant.address(typeof c === 'number' ? this.cluster.coordinators[c]! : c);
  }

  /** The client addresses of the cluster's coordinators, in order. */
  addresses(): string[] {
    return this.cluster.coordinators.map((c) => this.variant.address(c));
  }

  /** The coordinator a client address belongs to. */
  byAddress(address: string): SimCoordinator {
    const c = this.cluster.coordinators.find((x) => this.variant.address(x) === address);
    if (c === undefined) throw new Error(`no coordinator at ${address} (${this.variant.name})`);
    return c;
  }

  async start(options: SimClusterOptions = {}): Promise<SimCluster> {
    this.cluster = await startCluster({ coordinators: 3, ...options });
    return this.cluster;
  }

  client(options: ClientOptions = {}): ImpalaClient {
    const c = createClient({ coordinators: this.addresses(), protocol: this.variant.name, ...FAST, ...options });
    this.clients.push(c);
    return c;
  }

  async stop(): Promise<void> {
    await Promise.all(this.clients.splice(0).map((c) => c.close()));
    await this.cluster?.stop();
  }
}

/** Runs `workers` loops calling `fn` until `ms` elapse; returns successes and errors. */
export async function loadLoop(
  workers: number,
  ms: number,
  fn: (worker: number, i: number) => Promise<unknown>,
): Promise<{ ok: number; errors: Error[]; latencies: number[] }> {
  const stopAt = Date.now() + ms;
  let ok = 0;
  const errors: Error[] = [];
  const latencies: number[] = [];
  await Promise.all(
    Array.from({ length: workers }, async (_, w) => {
      for (let i = 0; Date.now() < stopAt; i++) {
        const t = Date.now();
        try {
          await fn(w, i);
          ok++;
        } catch (err) {
          errors.push(err as Error);
        }
        latencies.push(Date.now() - t);
      }
    }),
  );
  return { ok, errors, latencies };
}

/** Waits until `cond()` is true, polling every 20 ms, failing after `timeoutMs`. */
export async function waitFor(cond: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
