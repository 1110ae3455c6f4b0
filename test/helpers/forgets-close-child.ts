// Child process for the exit-on-idle test: a script that runs queries against the
// coordinators given on the command line and never calls close(). It must exit by
// itself once its work is done: idle sockets and pool/health timers keep nothing alive.
import { createClient, type Protocol } from '../../src';

async function main(): Promise<void> {
  const [coordinators, mode, protocol = 'hs2'] = process.argv.slice(2);
  const impala = createClient({ coordinators: coordinators!.split(','), protocol: protocol as Protocol, minIdlePerCoordinator: mode === 'minIdle' ? 2 : 0, keepAliveIntervalMs: 1000 });
  const results: unknown[] = [];
  for (let i = 0; i < 3; i++) results.push((await impala.query('SELECT ? AS i', { params: [i] })).rows[0]);
  const s = await impala.session();
  results.push((await s.query('SELECT 7 AS seven')).rows[0]);
  // Neither the session nor the client is closed: that is the point.
  process.stdout.write(`${JSON.stringify({ results, states: impala.stats().coordinators.map((c) => c.state) }, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v))}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
