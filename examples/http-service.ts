/**
 * An HTTP service over Impala with node:http (the same shape as an Express app: one
 * client for the process, routes that query through it, a health route, a clean
 * shutdown). Run: `npm run build && npx tsx examples/http-service.ts` — it starts a
 * local simulator (or uses IMPALA_URL), answers a few requests itself and exits;
 * add `--serve` to keep serving until Ctrl-C.
 */
import { once } from 'node:events';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClient, ImpalaError } from 'impala-ha';

async function main(): Promise<void> {
  // The simulator only when no real cluster is given (it needs the dev-only DuckDB engine).
  const cluster = process.env.IMPALA_URL ? undefined : await (await import('impala-ha/testing')).startCluster({ coordinators: 3 });
  await cluster?.seed("CREATE TABLE IF NOT EXISTS sales AS SELECT range AS id, range % 5 AS region, range * 3 AS amount FROM range(1000)");
  // One client per process: it pools, balances and fails over for every request.
  const impala = createClient(cluster?.url);

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    try {
      if (url.pathname === '/health') return send(res, 200, impala.stats());
      const m = /^\/regions\/(\d+)$/.exec(url.pathname);
      if (m) {
        // Parameters are bound client-side with escaping; the request's own abort cancels the query.
        const abort = new AbortController();
        res.once('close', () => abort.abort());
        const r = await impala.query('SELECT region, count(*) AS orders, sum(amount) AS total FROM sales WHERE region = ? GROUP BY region', {
          params: [Number(m[1])],
          signal: abort.signal,
          timeoutMs: 10_000,
        });
        return send(res, r.rows.length ? 200 : 404, { rows: r.rows, coordinator: r.coordinator, queryId: r.queryId });
      }
      send(res, 404, { error: 'not found' });
    } catch (err) {
      // Match on the stable code; a retryable failure is worth a 503 (clients may retry).
      const e = err instanceof ImpalaError ? err : undefined;
      send(res, e?.retryable ? 503 : 500, { error: e?.code ?? 'INTERNAL', message: (err as Error).message });
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  console.log(`listening on ${base}`);

  if (process.argv.includes('--serve')) {
    await new Promise((resolve) => process.once('SIGINT', resolve));
  } else {
    for (const path of ['/regions/3', '/regions/9', '/health']) {
      const res = await fetch(base + path);
      const body = (await res.json()) as Record<string, unknown>;
      console.log(`GET ${path} -> ${res.status} ${path === '/health' ? `${(body.coordinators as unknown[]).length} coordinators` : JSON.stringify(body.rows)}`);
    }
  }
  server.close();
  await once(server, 'close');
  await impala.close();
  await cluster?.stop();
  console.log('stopped');
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  // BIGINT values are bigints: JSON needs them as text.
  const json = JSON.stringify(body, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value));
  res.writeHead(status, { 'content-type': 'application/json' }).end(json);
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
