import { createClient, type ClientOptions, type ImpalaClient, type Protocol } from '../../src';
import { startCluster } from '../../src/testing';
import type { SimCluster, SimClusterOptions } from '../../src/testing/types';

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

/** The wires the pool acceptance tests run over: binary HS2 and HS2 over HTTP. */
export type Transport = 'binary' | 'http';
export const TRANSPORTS: readonly Transport[] = ['binary', 'http'];

/** A cluster and clients that are all stopped after the test. */
export class PoolFixture {
  cluster!: SimCluster;
  readonly clients: ImpalaClient[] = [];

  /** @param transport which port of each simulated coordinator the clients use. */
  constructor(readonly transport: Transport = 'binary') {}

  /** The client protocol for this transport. */
  get protocol(): Protocol {
    return this.transport === 'http' ? 'hs2-http' : 'hs2';
  }

  /** The address a client uses for a coordinator (its binary or its HTTP port), by index or by itself. */
  addr(c: number | { index: number }): string {
    const co = this.cluster.coordinators[typeof c === 'number' ? c : c.index]!;
    return this.transport === 'http' ? co.httpAddress : co.address;
  }

  /** Every coordinator's client address, in order. */
  get addresses(): string[] {
    return this.cluster.coordinators.map((c) => this.addr(c));
  }

  async start(options: SimClusterOptions = {}): Promise<SimCluster> {
    this.cluster = await startCluster({ coordinators: 3, ...options });
    return this.cluster;
  }

  client(options: ClientOptions = {}): ImpalaClient {
    const c = createClient({ coordinators: this.addresses, protocol: this.protocol, ...FAST, ...options });
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
