import { RemoteCluster } from './bench/lib/remote-cluster';
import { connect } from './src';
async function main() {
  const cluster = await RemoteCluster.start({ coordinators: 1 });
  const c = cluster.coordinators[0]!;
  const s = await connect({ host: c.host, port: c.port });
  for (let i = 0; i < 300; i++) await s.query('SELECT 1');
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < 3000; i++) await s.query('SELECT 1');
  const cpu = process.cpuUsage(cpu0);
  console.log('cpu us/q', ((cpu.user + cpu.system) / 3000).toFixed(0), 'user', (cpu.user/3000).toFixed(0), 'sys', (cpu.system/3000).toFixed(0));
  await s.close();
  await cluster.stop();
}
main();
