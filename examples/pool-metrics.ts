/**
 * Pool metrics for Prometheus: per-coordinator gauges from `stats()`, counters fed by
 * the client's events, and the same events observed process-wide through
 * `node:diagnostics_channel` (what an APM agent would use). Run:
 * `npm run build && npx tsx examples/pool-metrics.ts` (local simulator, or IMPALA_URL);
 * it runs a short workload with one coordinator killed and prints /metrics text.
 */
import * as diagnostics from 'node:diagnostics_channel';
import { createClient, type ClientEventName, type EventBase, type ImpalaClient } from 'impala-ha';

/** Counters by event name (and coordinator), fed by the client's typed events. */
const counters = new Map<string, number>();
const bump = (key: string): void => void counters.set(key, (counters.get(key) ?? 0) + 1);

function watch(impala: ImpalaClient): void {
  const names: ClientEventName[] = ['coordinatorUp', 'coordinatorDown', 'connectionCreated', 'connectionClosed', 'retried', 'failedOver', 'poolCleared'];
  for (const name of names) impala.on(name, (e: EventBase) => bump(`impala_events_total{event="${name}",coordinator="${e.coordinator}"}`));
}

/** The Prometheus text exposition format, from stats() and the counters. */
function metrics(impala: ImpalaClient): string {
  const s = impala.stats();
  const lines = [
    '# HELP impala_pool_connections Pooled connections by state.',
    '# TYPE impala_pool_connections gauge',
    ...s.coordinators.flatMap((c) => (['idle', 'inUse'] as const).map((k) => `impala_pool_connections{coordinator="${c.address}",state="${k}"} ${c[k]}`)),
    '# HELP impala_coordinator_up 1 while a coordinator takes new work.',
    '# TYPE impala_coordinator_up gauge',
    ...s.coordinators.map((c) => `impala_coordinator_up{coordinator="${c.address}",state="${c.state}"} ${c.state === 'up' ? 1 : 0}`),
    '# HELP impala_request_latency_ms Smoothed request latency (EWMA).',
    '# TYPE impala_request_latency_ms gauge',
    ...s.coordinators.map((c) => `impala_request_latency_ms{coordinator="${c.address}"} ${c.latencyMs.toFixed(2)}`),
    '# TYPE impala_requests_total counter',
    ...s.coordinators.map((c) => `impala_requests_total{coordinator="${c.address}"} ${c.requests}`),
    '# TYPE impala_errors_total counter',
    ...s.coordinators.map((c) => `impala_errors_total{coordinator="${c.address}"} ${c.errors}`),
    '# TYPE impala_in_flight gauge',
    `impala_in_flight ${s.inFlight}`,
    '# TYPE impala_events_total counter',
    ...[...counters].sort().map(([k, v]) => `${k} ${v}`),
  ];
  return `${lines.join('\n')}\n`;
}

async function main(): Promise<void> {
  // Process-wide: every client's events, without a reference to any of them.
  let seenOnChannel = 0;
  diagnostics.subscribe('impala-ha:connectionCreated', () => seenOnChannel++);

  const cluster = process.env.IMPALA_URL ? undefined : await (await import('impala-ha/testing')).startCluster({ coordinators: 3 });
  const impala = createClient(cluster ? `${cluster.url}?healthCheckIntervalMs=200` : undefined);
  watch(impala);
  try {
    const work = async (n: number): Promise<void> => {
      for (let i = 0; i < n; i++) await impala.query('SELECT 1 AS x');
    };
    await Promise.all([work(20), work(20), work(20)]);
    if (cluster) {
      await cluster.coordinators[2]!.kill();
      await Promise.all([work(20), work(20), work(20)]);
    }
    process.stdout.write(metrics(impala));
    console.log(`# connectionCreated seen on diagnostics_channel: ${seenOnChannel}`);
  } finally {
    await impala.close();
    await cluster?.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
