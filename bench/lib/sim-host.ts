/**
 * Child process entry that runs the simulated cluster for the benchmarks, so the
 * simulator (SQL engine, Thrift encoding) and the client under test never share an
 * event loop. Commands arrive over IPC (see sim-host-protocol.ts); the host stops
 * the cluster and exits when the benchmark process goes away.
 */
import * as fs from 'node:fs';
import { startCluster } from '../../src/testing';
import type { SimCluster } from '../../src/testing/types';
import type { HostCoordinator, HostReply, HostRequest, SimCpuUsage } from './sim-host-protocol';

let cluster: SimCluster | undefined;
let stopping: Promise<void> | undefined;

/** CPU of a child process from /proc (Linux; USER_HZ is 100 there), in µs; 0 elsewhere. */
function childCpu(pid: number | undefined): SimCpuUsage {
  if (pid === undefined) return { user: 0, system: 0 };
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { user: Number(fields[11]) * 10_000, system: Number(fields[12]) * 10_000 };
  } catch {
    return { user: 0, system: 0 };
  }
}

function cpuUsage(): SimCpuUsage {
  const own = process.cpuUsage();
  let user = own.user;
  let system = own.system;
  for (const c of cluster?.coordinators ?? []) {
    const child = childCpu(c.pid);
    user += child.user;
    system += child.system;
  }
  return { user, system };
}

async function handle(req: HostRequest): Promise<unknown> {
  switch (req.type) {
    case 'start': {
      if (cluster) throw new Error('the cluster is already started');
      cluster = await startCluster({ coordinators: req.options.coordinators, processes: req.options.processes });
      return cluster.coordinators.map((c): HostCoordinator => ({ index: c.index, host: c.host, port: c.port, address: c.address, httpPort: c.httpPort }));
    }
    case 'seed':
      return requireCluster().seed(req.sql);
    case 'op': {
      const c = requireCluster().coordinators[req.index];
      if (!c) throw new Error(`no coordinator ${req.index}`);
      switch (req.op) {
        case 'kill':
          return c.kill();
        case 'restart':
          return c.restart();
        case 'hang':
          return c.hang();
        case 'resume':
          return c.resume();
        case 'shutdown':
          return c.shutdown({ graceMs: 0, deadlineMs: req.arg ?? 30_000 });
        case 'waitUntilDown':
          return c.waitUntilDown(req.arg);
        case 'dropIdle':
          return c.dropIdle(req.arg ?? 0);
      }
      throw new Error(`unknown coordinator op ${String(req.op)}`);
    }
    case 'cpu':
      return cpuUsage();
    case 'stop':
      await stop();
      return undefined;
  }
}

function requireCluster(): SimCluster {
  if (!cluster) throw new Error('the cluster is not started');
  return cluster;
}

function stop(): Promise<void> {
  stopping ??= (cluster?.stop() ?? Promise.resolve()).then(() => {
    cluster = undefined;
  });
  return stopping;
}

process.on('message', (msg: HostRequest) => {
  handle(msg).then(
    (value) => reply({ id: msg.id, ok: true, value: value ?? null }),
    (err: unknown) => reply({ id: msg.id, ok: false, error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) }),
  );
});

function reply(r: HostReply): void {
  if (process.connected) process.send?.(r);
}

// The benchmark process went away (finished, crashed or was killed): clean up and go.
process.on('disconnect', () => {
  const hardExit = setTimeout(() => process.exit(1), 10_000);
  hardExit.unref();
  stop().finally(() => process.exit(0));
});
