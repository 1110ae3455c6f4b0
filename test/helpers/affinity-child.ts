// Child process for the cross-process affinity test: maps keys to coordinators with
// its own client and prints the mapping as JSON.
import { createClient, type Protocol } from '../../src';

const PROTOCOLS: readonly Protocol[] = ['hs2', 'hs2-http', 'beeswax'];

async function main(): Promise<void> {
  const [coordinators, keysArg, protocolArg = 'hs2'] = process.argv.slice(2);
  const protocol = PROTOCOLS.find((p) => p === protocolArg);
  if (protocol === undefined) throw new Error(`affinity-child: protocol must be one of ${PROTOCOLS.join(', ')}, got '${protocolArg}'`);
  const impala = createClient({ coordinators: coordinators!.split(','), balance: 'affinity', protocol });
  const out: Record<string, string> = {};
  for (const key of keysArg!.split(',')) out[key] = (await impala.query('SELECT 1', { affinity: key })).coordinator;
  await impala.close();
  process.stdout.write(JSON.stringify(out));
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
