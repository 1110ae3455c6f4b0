/**
 * DDL followed by statements that depend on it, pinned to one coordinator session:
 * CREATE → INSERT → SELECT sees its own changes at once, even while the other
 * coordinators have not caught up with the catalog. Run:
 * `npm run build && npx tsx examples/sticky-ddl.ts` (local simulator, or IMPALA_URL).
 */
import { createClient } from 'impala-ha';

async function main(): Promise<void> {
  // Catalog lag: new tables reach the other coordinators only after 3 s, as on a busy cluster.
  const cluster = process.env.IMPALA_URL ? undefined : await (await import('impala-ha/testing')).startCluster({ coordinators: 3, catalogLagMs: 3000 });
  const impala = createClient(cluster?.url);
  try {
    const total = await impala.withSession(
      async (s) => {
        console.log(`session ${s.sessionId} on ${s.coordinator}`);
        await s.execute('CREATE TABLE IF NOT EXISTS orders_2024 (id BIGINT, amount DECIMAL(10,2))');
        const ins = await s.execute('INSERT INTO orders_2024 VALUES (1, 10.50), (2, 20.25), (3, 5.00)');
        console.log(`inserted ${ins.rowsModified} rows`);
        const r = await s.query<{ n: bigint; total: string }>('SELECT count(*) AS n, sum(amount) AS total FROM orders_2024');
        return r.rows[0]!;
      },
      // The same key always lands on the same coordinator (rendezvous hashing), in every process.
      { affinity: 'orders-job' },
    );
    console.log(`count ${total.n}, total ${total.total}`);
  } finally {
    await impala.close();
    await cluster?.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
