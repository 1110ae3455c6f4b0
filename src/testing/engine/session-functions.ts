/**
 * Impala's session functions over DuckDB: `current_database()` is the session's
 * database (DuckDB's own answers `memory`), `user()`, `effective_user()` and
 * `logged_in_user()` are the session's user (DuckDB's `user` is `duckdb`). Macros
 * in DuckDB's `main` schema shadow the built-ins; the user comes from a variable
 * set on each statement's connection.
 *
 * @internal
 */
import type { PooledConnection } from './connection-pool';
import { duckString } from './sql-lexer';

/** DuckDB variable holding the session user on a connection. */
const USER_VARIABLE = '__impala_session_user';

/** Macros the engine creates at start. */
export const SESSION_FUNCTION_MACROS: readonly string[] = [
  // The connection's schema is the session database (the pool runs USE for it).
  'CREATE OR REPLACE MACRO current_database() AS current_schema()',
  ...['user', 'effective_user', 'logged_in_user'].map((fn) => `CREATE OR REPLACE MACRO ${fn}() AS getvariable('${USER_VARIABLE}')`),
];

/** Makes `user()` on this connection answer `user` (a no-op when it already does). */
export async function setSessionUser(conn: PooledConnection, user: string): Promise<void> {
  if (conn.user === user) return;
  conn.user = undefined;
  await conn.connection.run(`SET VARIABLE ${USER_VARIABLE} = ${duckString(user)}`);
  conn.user = user;
}
