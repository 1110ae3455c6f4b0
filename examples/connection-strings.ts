/**
 * Every way to say where Impala is: impala:// and impalas:// URLs, Cloudera's
 * jdbc:impala://, Apache Hive's jdbc:hive2://, a host list, an options object (with a
 * URL underneath), and IMPALA_URL. Each is parsed, printed with its password
 * redacted, and used against a local simulator. Run:
 * `npm run build && npx tsx examples/connection-strings.ts`
 */
import { createClient, formatConnectionString, parseConnectionString, redactConnectionString, resolveOptions, type ClientOptions } from 'impala-ha';
import { startCluster } from 'impala-ha/testing';

async function main(): Promise<void> {
  const cluster = await startCluster({ coordinators: 2, users: { alice: 's3cret' } });
  const [a, b] = cluster.coordinators.map((c) => c.address) as [string, string];
  const forms: (string | ClientOptions)[] = [
    `impala://alice:s3cret@${a},${b}/default?balance=roundrobin&queryOptions.MEM_LIMIT=1g`,
    `jdbc:impala://${a}/default;AuthMech=3;UID=alice;PWD=s3cret;SocketTimeout=30`,
    `jdbc:hive2://${a},${b}/default;user=alice;password=s3cret;auth=LDAP?mem_limit=1g`,
    `${a},${b}`, // a host list: no user, so this one fails to authenticate (the simulator wants alice)
    { url: `impala://${a}`, user: 'alice', password: 's3cret', database: 'default', retries: 1 },
  ];
  for (const form of forms) {
    const shown = typeof form === 'string' ? redactConnectionString(form) : `{ ${Object.keys(form).join(', ')} }`;
    const resolved = resolveOptions(form);
    console.log(`${typeof form === 'string' ? parseConnectionString(form).form : 'options'}: ${shown}`);
    console.log(`  -> ${formatConnectionString(resolved, { omitDefaults: true })}`);
    const impala = createClient(form);
    try {
      const r = await impala.query<{ one: number }>('SELECT 1 AS one');
      console.log(`  ran on ${r.coordinator}: ${r.rows[0]!.one}`);
    } catch (err) {
      console.log(`  failed: ${(err as { code?: string }).code}`);
    } finally {
      await impala.close();
    }
  }
  // No argument: IMPALA_URL is read (here set for the example; a service gets it from its environment).
  process.env.IMPALA_URL = `impala://alice:s3cret@${b}`;
  const fromEnv = createClient();
  console.log(`IMPALA_URL -> ${formatConnectionString(fromEnv.options, { omitDefaults: true })}; password prints as ${String(fromEnv.options.password)}`);
  await fromEnv.close();
  await cluster.stop();
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
