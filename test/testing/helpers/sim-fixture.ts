import { startCluster } from '../../../src/testing';
import type { SimCluster, SimClusterOptions, SimCoordinator } from '../../../src/testing';
import { Hs2TestClient } from './hs2-client';

/**
 * Starts a cluster before the suite and stops it (and every client opened through
 * `connect`) after, so each test file cleans up what it started.
 */
export function useCluster(options: SimClusterOptions = {}): {
  readonly cluster: SimCluster;
  connect(coordinator?: number | SimCoordinator): Promise<Hs2TestClient>;
} {
  let cluster: SimCluster | undefined;
  const clients = new Set<Hs2TestClient>();
  before(async function () {
    this.timeout(30_000);
    cluster = await startCluster({ fetchRowsTimeoutMs: 2000, ...options });
  });
  afterEach(async () => {
    await Promise.all([...clients].map((c) => c.close().catch(() => undefined)));
    clients.clear();
  });
  after(async () => {
    await cluster?.stop();
  });
  return {
    get cluster(): SimCluster {
      if (cluster === undefined) throw new Error('cluster not started');
      return cluster;
    },
    async connect(coordinator: number | SimCoordinator = 0): Promise<Hs2TestClient> {
      const c = typeof coordinator === 'number' ? this.cluster.coordinators[coordinator]! : coordinator;
      const client = await Hs2TestClient.connect({ host: c.host, port: c.port });
      clients.add(client);
      return client;
    },
  };
}

/** A unique table name per call, so tests sharing a cluster do not collide. */
let tableCounter = 0;
export function uniqueTable(prefix = 't'): string {
  tableCounter++;
  return `${prefix}_${process.pid}_${tableCounter}`;
}
