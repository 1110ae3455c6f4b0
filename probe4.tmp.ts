import { performance } from 'node:perf_hooks';
import { RemoteCluster } from './bench/lib/remote-cluster';
import { MinimalHs2Exchange } from './bench/lib/raw-hs2';
import { connect } from './src';
async function main() {
  const cluster = await RemoteCluster.start({ coordinators: 1 });
  const c = cluster.coordinators[0]!;
  const m = await MinimalHs2Exchange.open(c.host, c.port, 5000);
  const s = await connect({ host: c.host, port: c.port });
  const N = Number(process.env.N ?? 1500);
  for (const [name, run] of [['minimal', () => m.query('SELECT 1')], ['session', () => s.query('SELECT 1')], ['minimal', () => m.query('SELECT 1')], ['session', () => s.query('SELECT 1')]] as const) {
    const lat: number[] = [];
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < N; i++) { const t = performance.now(); await run(); lat.push(performance.now() - t); }
    const el = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    lat.sort((a, b) => a - b);
    console.log(name, 'p50', lat[N >> 1]!.toFixed(3), 'mean', (el / N).toFixed(3), 'cpu us/q', ((cpu.user + cpu.system) / N).toFixed(0));
  }
  await m.close(); await s.close();
  await cluster.stop();
}
main();
