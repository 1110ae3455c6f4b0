import { createClient, type ClientOptions } from '../../src';
import { startHaproxy, type HaproxyProfile, type RunningHaproxy } from './haproxy';
import { HiveWorkerConnections } from './hive-connection';
import { hostPort } from './host-port';

/** A client set-up under test: impala-ha or hive-driver, direct or behind HAProxy. */
export interface ContenderSpec {
  key: string;
  label: string;
  client: 'impala-ha' | 'hive-driver';
  /** Behind HAProxy with this profile; direct to the coordinators when absent. */
  proxy?: HaproxyProfile;
}

/** A running contender: one operation per call, and how to tear it down. */
export interface OpenContender {
  /** Runs one statement for worker `w`. */
  op(w: number, sql: string): Promise<unknown>;
  /** The HAProxy configuration in use, if any. */
  haproxyConfig: string | undefined;
  close(): Promise<void>;
}

/** Settings shared by every contender of a benchmark. */
export interface ContenderSettings {
  coordinators: readonly string[];
  haproxyBin: string | undefined;
  /** Bound on each call of hive-driver and on each RPC of impala-ha (`rpcTimeoutMs`), in ms. */
  callTimeoutMs: number;
  /** Extra impala-ha options. */
  impalaOptions?: ClientOptions;
  /** HAProxy `timeout client`/`timeout server`, overriding the profile's. */
  proxyIdleTimeout?: string;
}

/** Starts a contender (and its HAProxy when it has one). */
export async function openContender(spec: ContenderSpec, s: ContenderSettings): Promise<OpenContender> {
  let proxy: RunningHaproxy | undefined;
  if (spec.proxy) {
    if (!s.haproxyBin) throw new Error(`${spec.label} needs HAProxy`);
    proxy = await startHaproxy(s.haproxyBin, { backends: s.coordinators, profile: spec.proxy, ...(s.proxyIdleTimeout ? { idleTimeout: s.proxyIdleTimeout } : {}) });
  }
  const targets = proxy ? [proxy.address] : [...s.coordinators];
  try {
    if (spec.client === 'impala-ha') {
      const client = createClient({ coordinators: targets, rpcTimeoutMs: s.callTimeoutMs, connectTimeoutMs: s.callTimeoutMs, ...s.impalaOptions });
      return {
        op: (_w, sql) => client.query(sql),
        haproxyConfig: proxy?.config,
        close: async () => {
          await client.close();
          await proxy?.stop();
        },
      };
    }
    const hive = new HiveWorkerConnections(targets.map(hostPort), { timeoutMs: s.callTimeoutMs });
    return {
      op: (w, sql) => hive.query(w, sql),
      haproxyConfig: proxy?.config,
      close: async () => {
        await hive.close();
        await proxy?.stop();
      },
    };
  } catch (err) {
    await proxy?.stop();
    throw err;
  }
}
