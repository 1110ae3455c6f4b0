import { createClient, type ClientOptions, type ImpalaClient } from '../../src';
import { startCluster } from '../../src/testing';
import type { SimCluster, SimClusterOptions, SimCoordinator } from '../../src/testing/types';

/** Options that make failover tests fast while keeping every bound finite. */
export const FAST: ClientOptions = {
  connectTimeoutMs: 1000,
  rpcTimeoutMs: 2000,
  acquireTimeoutMs: 3000,
  healthCheckIntervalMs: 100,
  healthCheckMaxIntervalMs: 1000,
  rise: 2,
  fall: 2,
  slowStartMs: 1000,
  retryBaseDelayMs: 10,
  retryMaxDelayMs: 100,
};

/** What the pool acceptance tests need to know about the protocol they run over. */
export interface ProtocolCase {
  readonly name: 'hs2' | 'beeswax';
  /** The RPC that polls a statement's state: HS2's GetOperationStatus, Beeswax's get_state. */
  readonly statusMethod: string;
  /**
   * Whether a session outlives its socket. HS2: an idle cut is repaired on the same
   * server session. Beeswax (session == connection): the server closes the session
   * with the socket, asynchronously, and a new connection is a new session.
   */
  readonly reattachable: boolean;
  /** The address clients use for a coordinator over this protocol. */
  address(c: SimCoordinator): string;
}

/** HS2 (binary, 21050) and the legacy Beeswax protocol (21000). */
export const PROTOCOLS: readonly ProtocolCase[] = [
  { name: 'hs2', statusMethod: 'GetOperationStatus', reattachable: true, address: (c) => c.address },
  { name: 'beeswax', statusMethod: 'get_state', reattachable: false, address: (c) => c.beeswaxAddress },
];

/** Declares the suite once per protocol (`<title> [hs2]`, `<title> [beeswax]`). */
export function describeProtocols(title: string, fn: (this: Mocha.Suite, p: ProtocolCase) => void): void {
  for (const p of PROTOCOLS) {
    describe(`${title} [${p.name}]`, function () {
      fn.call(this, p);
    });
  }
}

/** A cluster and clients that are all stopped after the test. */
export class PoolFixture {
  cluster!: SimCluster;
  readonly clients: ImpalaClient[] = [];
  readonly protocol: ProtocolCase;

  constructor(protocol: ProtocolCase = PROTOCOLS[0]!) {
    this.protocol = protocol;
  }

  /** The client addresses of the cluster's coordinators for this fixture's protocol. */
  addresses(): string[] {
    return this.cluster.coordinators.map((c) => this.protocol.address(c));
  }

  async start(options: SimClusterOptions = {}): Promise<SimCluster> {
    this.cluster = await startCluster({ coordinators: 3, ...options });
    return this.cluster;
  }

  client(options: ClientOptions = {}): ImpalaClient {
    const c = createClient({ coordinators: this.addresses(), protocol: this.protocol.name, ...FAST, ...options });
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
