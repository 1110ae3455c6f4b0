import { createClient, type ClientOptions, type ImpalaClient } from '../../src';
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

/** A cluster and clients that are all stopped after the test. */
export class PoolFixture {
  cluster!: SimCluster;
  readonly clients: ImpalaClient[] = [];

  async start(options: SimClusterOptions = {}): Promise<SimCluster> {
    this.cluster = await startCluster({ coordinators: 3, ...options });
    return this.cluster;
  }

  client(options: ClientOptions = {}): ImpalaClient {
    const c = createClient({ coordinators: this.cluster.coordinators.map((x) => x.address), ...FAST, ...options });
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
