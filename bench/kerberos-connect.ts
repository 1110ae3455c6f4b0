/**
 * What Kerberos costs a new connection, side by side with a password, on both wires:
 * one simulated coordinator (in this process) that accepts LDAP-style passwords and
 * Kerberos with a keytab, a real MIT KDC on loopback, and `connect()` (TCP, then SASL
 * or the first HTTP request's authentication, then OpenSession) timed end to end.
 * The four kinds run interleaved, one connect at a time, so drift hits all alike.
 *
 *   npx tsx bench/kerberos-connect.ts [connects per kind, default 200]
 *
 * Needs the MIT tools (krb5-kdc, krb5-admin-server, krb5-user), the `kerberos` package
 * and a C compiler (the simulator's acceptor), like the Kerberos tests. Prints a
 * Markdown table; not part of `npm run bench` (which must run without a KDC).
 */
import * as os from 'node:os';
import { performance } from 'node:perf_hooks';
import type { AuthOptions } from '../src/connection';
import { connect } from '../src/protocol/hs2';
import { startCluster } from '../src/testing';
import { kdcAvailability, startKdc } from '../test/helpers/kdc';
import { num } from './lib/format';
import { percentile, summarize, type Summary } from './lib/stats';

const PASSWORD = 'bench-Secret-1';

interface Kind {
  label: string;
  wire: 'binary' | 'http';
  auth: AuthOptions;
}

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 200);
  if (!Number.isInteger(n) || n < 1) throw new Error(`connects per kind must be a positive integer, got ${process.argv[2]}`);
  const tools = kdcAvailability();
  if (!tools.ok) throw new Error(tools.reason);
  const kdc = await startKdc();
  const sim = await startCluster({ coordinators: 1, users: { alice: PASSWORD }, kerberos: { keytab: kdc.serviceKeytab, principal: `impala/localhost@${kdc.realm}` } });
  try {
    const c = sim.coordinators[0]!;
    const kinds: Kind[] = [
      { label: 'binary, SASL PLAIN (LDAP)', wire: 'binary', auth: { mechanism: 'PLAIN', username: 'alice', password: PASSWORD } },
      { label: 'binary, SASL GSSAPI (Kerberos)', wire: 'binary', auth: { mechanism: 'GSSAPI', host: 'localhost' } },
      { label: 'HTTP, Basic (LDAP)', wire: 'http', auth: { mechanism: 'PLAIN', username: 'alice', password: PASSWORD } },
      { label: 'HTTP, Negotiate (Kerberos SPNEGO)', wire: 'http', auth: { mechanism: 'GSSAPI', host: 'localhost' } },
    ];
    const once = async (k: Kind): Promise<number> => {
      const t0 = performance.now();
      const s = await connect({ host: '127.0.0.1', port: k.wire === 'http' ? c.httpPort : c.port, transport: k.wire, auth: k.auth });
      const ms = performance.now() - t0;
      await s.close();
      return ms;
    };
    // Warm-up: the first service ticket comes from the KDC, later ones from the cache.
    for (const k of kinds) for (let i = 0; i < 20; i++) await once(k);
    const samples = kinds.map(() => [] as number[]);
    for (let i = 0; i < n; i++) {
      const order = i % 2 === 0 ? kinds.map((_, j) => j) : kinds.map((_, j) => kinds.length - 1 - j);
      for (const j of order) samples[j]!.push(await once(kinds[j]!));
    }
    const s: Summary[] = samples.map((x) => summarize(x));
    const row = (k: Kind, x: Summary): string => `| ${k.label} | ${num(x.median)} | ${num(x.p25)}–${num(x.p75)} | ${num(percentile(samples[kinds.indexOf(k)]!, 90))} |`;
    const lines = [
      `Connect + authenticate + OpenSession, one at a time, ${n} per kind after 20 warm-up each (${os.cpus().length} cores, load average ${os.loadavg()[0]!.toFixed(1)}).`,
      '',
      '| kind | median ms | p25–p75 ms | p90 ms |',
      '|---|---|---|---|',
      ...kinds.map((k, i) => row(k, s[i]!)),
      '',
      '| ratio (medians) | |',
      '|---|---|',
      `| HTTP Kerberos / HTTP Basic | ${num(s[3]!.median / s[2]!.median)}× |`,
      `| binary Kerberos / binary PLAIN | ${num(s[1]!.median / s[0]!.median)}× |`,
      `| HTTP Kerberos / binary Kerberos | ${num(s[3]!.median / s[1]!.median)}× |`,
      '',
      `Tickets validated by the coordinator over HTTP: ${sim.stats()[0]!.http.negotiateAccepted} (one per HTTP Kerberos connect).`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await sim.stop();
    await kdc.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`kerberos-connect: ${(err as Error).message}\n`);
  process.exitCode = 1;
});
