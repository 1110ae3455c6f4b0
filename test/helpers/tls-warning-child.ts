// Child process for the "warned once per process" test: two clients with TLS
// verification off (one per way of turning it off), several connections each; prints
// every process warning it saw as JSON lines on stdout.
import { createClient } from '../../src';

async function main(): Promise<void> {
  const [coordinator, caFile] = process.argv.slice(2);
  const seen: Array<{ name: string; code: string | undefined; message: string }> = [];
  process.on('warning', (w) => seen.push({ name: w.name, code: (w as NodeJS.ErrnoException).code, message: w.message }));
  const off = createClient({ coordinators: [coordinator!], tls: true, tlsRejectUnauthorized: false, maxConnectionsPerCoordinator: 4 });
  const noName = createClient({ coordinators: [coordinator!], tls: true, tlsCa: caFile!, tlsVerifyServerName: false });
  await Promise.all([...Array.from({ length: 4 }, () => off.query('SELECT sleep(50) AS s')), noName.query('SELECT 1 AS x')]);
  await Promise.all([off.close(), noName.close()]);
  // Warnings are emitted on the next tick.
  await new Promise((r) => setImmediate(r));
  process.stdout.write(JSON.stringify(seen));
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
