import * as net from 'node:net';
import * as tls from 'node:tls';
import type { ResolvedOptions } from '../connection-string/options';
import { ErrorCode, ImpalaError } from '../errors';
import { openProtocolSession } from '../protocol/open-session';
import type { ProtocolSession } from '../protocol/protocol-session';
import { directSessionOptions, splitAddress, tlsOptions } from './session-options';

/** Outcome of one check step. `skipped` steps did not run (not configured, or an earlier step failed). */
export interface StepResult {
  status: 'ok' | 'failed' | 'skipped';
  /** Time the step took, in ms. */
  ms?: number;
  /** What was found (TLS version and certificate, mechanism and user, ...) or why it was skipped. */
  detail?: string;
  /** Stable code (`IMPALA_ERR_...`, or Node's `ECONNREFUSED`...) and one-line message of a failure. */
  error?: { code: string; message: string };
}

/** What `impala-ha check` found about one coordinator. */
export interface ProbeReport {
  coordinator: string;
  up: boolean;
  steps: { tcp: StepResult; tls: StepResult; auth: StepResult; session: StepResult; ping: StepResult };
  /** Ping's version string, e.g. `impalad version 4.5.0 RELEASE (build ...)`. */
  version?: string;
  /** Median round trip of three PingImpalaHS2Service calls, in ms. */
  latencyMs?: number;
}

const PINGS = 3;

/** Checks one coordinator step by step: TCP, TLS, authentication + OpenSession, Ping. Every wait is bounded by the options' timeouts. */
export async function probeCoordinator(o: ResolvedOptions, address: string): Promise<ProbeReport> {
  const skipped = (detail: string): StepResult => ({ status: 'skipped', detail });
  const report: ProbeReport = {
    coordinator: address,
    up: false,
    steps: { tcp: skipped('not run'), tls: skipped('not run'), auth: skipped('not run'), session: skipped('not run'), ping: skipped('not run') },
  };
  const { host, port } = splitAddress(address);
  report.steps.tcp = await timed(() => tcpConnect(host, port, o.connectTimeoutMs).then(() => undefined));
  if (report.steps.tcp.status !== 'ok') return report;
  report.steps.tls = o.tls ? await timed(() => tlsHandshake(host, port, o)) : skipped('not configured (plain TCP)');
  if (report.steps.tls.status === 'failed') return report;

  const started = performance.now();
  let session: ProtocolSession;
  try {
    session = await openProtocolSession(directSessionOptions(o, address));
  } catch (err) {
    const error = describe(err);
    if (error.code === ErrorCode.AUTH_FAILED) report.steps.auth = { status: 'failed', error };
    else report.steps.session = { status: 'failed', error };
    return report;
  }
  const openMs = round(performance.now() - started);
  report.steps.auth = { status: 'ok', detail: o.auth === 'nosasl' ? 'none (nosasl)' : `SASL PLAIN as ${o.user ?? 'anonymous'}` };
  report.steps.session = { status: 'ok', ms: openMs, detail: `session ${session.sessionId}` };
  try {
    const latencies: number[] = [];
    for (let i = 0; i < PINGS; i++) {
      const ping = await session.ping({ timeoutMs: o.rpcTimeoutMs });
      report.version = ping.version;
      latencies.push(ping.latencyMs);
    }
    report.latencyMs = round(latencies.sort((a, b) => a - b)[Math.floor(PINGS / 2)]!);
    report.steps.ping = { status: 'ok', ms: report.latencyMs, detail: report.version };
    report.up = true;
  } catch (err) {
    report.steps.ping = { status: 'failed', error: describe(err) };
  } finally {
    await session.close().catch(() => undefined);
  }
  return report;
}

async function timed(step: () => Promise<string | undefined>): Promise<StepResult> {
  const started = performance.now();
  try {
    const detail = await step();
    return { status: 'ok', ms: round(performance.now() - started), ...(detail !== undefined ? { detail } : {}) };
  } catch (err) {
    return { status: 'failed', ms: round(performance.now() - started), error: describe(err) };
  }
}

function tcpConnect(host: string, port: number, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    const timer = setTimeout(() => fail(Object.assign(new Error(`no TCP connection within ${timeoutMs} ms`), { code: 'ETIMEDOUT' })), timeoutMs);
    const fail = (err: Error): void => {
      clearTimeout(timer);
      socket.destroy();
      reject(err);
    };
    socket.once('error', fail);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.destroy();
      resolve();
    });
  });
}

/** A TLS handshake on its own socket; reports the version, cipher and whether the certificate was verified. */
function tlsHandshake(host: string, port: number, o: ResolvedOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    const opts = tlsOptions(o);
    const socket = tls.connect({ host, port, minVersion: 'TLSv1.2', ...opts, servername: opts.servername ?? (net.isIP(host) ? undefined : host) });
    const timer = setTimeout(() => fail(Object.assign(new Error(`no TLS handshake within ${o.connectTimeoutMs} ms`), { code: 'ETIMEDOUT' })), o.connectTimeoutMs);
    const fail = (err: Error): void => {
      clearTimeout(timer);
      socket.destroy();
      reject(err);
    };
    socket.once('error', fail);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      const verified = socket.authorized ? 'certificate verified' : `certificate NOT verified (${String(socket.authorizationError)})`;
      const detail = `${socket.getProtocol() ?? 'TLS'} ${socket.getCipher()?.name ?? ''}, ${verified}`;
      socket.destroy();
      resolve(detail);
    });
  });
}

function describe(err: unknown): { code: string; message: string } {
  if (err instanceof ImpalaError) return { code: err.code, message: oneLine(err.message) };
  const e = err as NodeJS.ErrnoException;
  return { code: typeof e?.code === 'string' ? e.code : 'ERROR', message: oneLine(e?.message ?? String(err)) };
}

/** Milliseconds to 0.1 ms: finer digits are noise. */
function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
