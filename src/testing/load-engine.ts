import { ConfigError, ErrorCode } from '../errors';
import type { SqlEngine } from './engine/types';

/** The engine package, an optional peer dependency of impala-ha. */
export const DUCKDB_PACKAGE = '@duckdb/node-api';

/**
 * The engine version the install hint names: the one the project tests with (its
 * devDependency pin). It must satisfy the peer range in package.json — DuckDB
 * publishes only prereleases (`1.5.5-r.5`), and an npm range accepts a prerelease only
 * when one of its comparators has the same major.minor.patch, so a hint outside the
 * range ends in ERESOLVE (test/package/peer-range.test.ts checks both).
 */
export const DUCKDB_TESTED_VERSION = '1.5.5-r.5';

/** The command that installs the engine, as the error message prints it. */
export const DUCKDB_INSTALL_COMMAND = `npm install --save-dev ${DUCKDB_PACKAGE}@${DUCKDB_TESTED_VERSION}`;

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
        `install it with '${DUCKDB_INSTALL_COMMAND}'`,
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
