// Child process for the cross-process affinity test: maps keys to coordinators with
// its own client and prints the mapping as JSON.
import { createClient } from '../../src';

async function main(): Promise<void> {
  const [coordinators, keysArg, protocol] = process.argv.slice(2);
  const impala = createClient({ coordinators: coordinators!.split(','), balance: 'affinity', protocol: protocol === 'hs2-http' ? 'hs2-http' : 'hs2' });
  const out: Record<string, string> = {};
  for (const key of keysArg!.split(',')) out[key] = (await impala.query('SELECT 1', { affinity: key })).coordinator;
  await impala.close();
  process.stdout.write(JSON.stringify(out));
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
