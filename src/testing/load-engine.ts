import { ConfigError, ErrorCode } from '../errors';
import type { SqlEngine } from './engine/types';

/** The engine package, an optional peer dependency of impala-ha. */
const DUCKDB_PACKAGE = '@duckdb/node-api';

/**
 * Throws a ConfigError naming what to install when the simulator's SQL engine
 * (`@duckdb/node-api`, a large native binary kept out of production installs) is
 * missing.
 */
export function assertEngineInstalled(): void {
  try {
    require.resolve(DUCKDB_PACKAGE);
  } catch (err) {
    throw new ConfigError(
      ErrorCode.CONFIG_UNSUPPORTED,
      `impala-ha/testing needs the optional peer dependency ${DUCKDB_PACKAGE} for its SQL engine: ` +
        `install it with 'npm install --save-dev ${DUCKDB_PACKAGE}@1.5.6-r.1'`,
      DUCKDB_PACKAGE,
      err,
    );
  }
}

/** Creates the DuckDB engine, loading it (and its native binary) only when a cluster needs it. */
export async function loadDuckDbEngine(options: { catalogLagMs: number; syncDdlDelayMs?: number }): Promise<SqlEngine> {
  assertEngineInstalled();
  // Loaded lazily: clusters given their own engine never load DuckDB.
  const { createDuckDbEngine } = require('./engine') as typeof import('./engine');
  return createDuckDbEngine(options);
}
