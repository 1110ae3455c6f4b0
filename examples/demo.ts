/**
 * npm run demo: a local 3-coordinator Impala simulator, concurrent queries through
 * the impala-ha pool, one coordinator killed mid-run and brought back — and no
 * failed query for the callers.
 *
 * Imports the package by name (package.json `exports`), so it runs the build:
 * `npm run demo` builds first when dist/ is missing or stale.
 */
import { createClient } from 'impala-ha';
import { startCluster } from 'impala-ha/testing';

const WORKERS = 8;
const RUN_MS = Number(process.env.DEMO_SECONDS ?? 12) * 1000;

async function main(): Promise<void> {
  const cluster = await startCluster({ coordinators: 3 });
  await cluster.seed('CREATE TABLE IF NOT EXISTS demo_sales AS SELECT range AS id, range % 7 AS region, (range * 37) % 1000 AS amount FROM range(100000)');
  console.log(`simulator: ${cluster.url}`);
  const impala = createClient(`${cluster.url}?healthCheckIntervalMs=250&rise=2&slowStartMs=2000`);
  const served = new Map<string, number>();
  let ok = 0;
  let failed = 0;
  let retried = 0;
  impala.on('coordinatorDown', (e) => console.log(`  [event] coordinatorDown ${e.coordinator}: ${e.reason}`));
  impala.on('coordinatorUp', (e) => console.log(`  [event] coordinatorUp   ${e.coordinator} (${e.reason})`));
  impala.on('retried', () => retried++);

  const started = Date.now();
  const stopAt = started + RUN_MS;
  const worker = async (w: number): Promise<void> => {
    let i = 0;
    while (Date.now() < stopAt) {
      try {
        const r = await impala.query('SELECT region, count(*) AS n, sum(amount) AS total FROM demo_sales WHERE id % ? = 0 GROUP BY region ORDER BY region', {
          params: [(w + i++) % 5 + 1],
        });
        served.set(r.coordinator, (served.get(r.coordinator) ?? 0) + 1);
        ok++;
      } catch (err) {
        failed++;
        console.error(`  query failed: ${(err as Error).message}`);
      }
    }
  };

  const victim = cluster.coordinators[1]!;
  const chaos = (async () => {
    await new Promise((r) => setTimeout(r, RUN_MS / 4));
    console.log(`t=${((Date.now() - started) / 1000).toFixed(1)}s  killing ${victim.address}`);
    await victim.kill();
    await new Promise((r) => setTimeout(r, RUN_MS / 4));
    console.log(`t=${((Date.now() - started) / 1000).toFixed(1)}s  restarting ${victim.address}`);
    await victim.restart();
  })();

  await Promise.all([...Array.from({ length: WORKERS }, (_, w) => worker(w)), chaos]);
  await impala.close();
  await cluster.stop();

  console.log('\nqueries per coordinator:');
  for (const c of cluster.coordinators) console.log(`  ${c.address}  ${served.get(c.address) ?? 0}`);
  console.log(`\n${ok} queries succeeded, ${failed} failed, ${retried} retried transparently`);
  console.log(failed === 0 ? 'zero caller errors' : 'caller errors were seen');
  process.exitCode = failed === 0 ? 0 : 1;
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
