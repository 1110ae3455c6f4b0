/**
 * Impala's error texts for the simulator's SQL engine (protocol reference §5, §5.3),
 * and the translation of DuckDB's errors into them.
 *
 * @internal
 */
import type { Token } from './sql-lexer';
import { SimSqlError } from './types';

/** The detail text of a cancelled statement (protocol reference §2.7). */
export const CANCELLED_MESSAGE = 'Cancelled';

/** Impala's detail for a cancelled statement. */
export function cancelledError(): SimSqlError {
  return new SimSqlError(CANCELLED_MESSAGE);
}

/** `AnalysisException: <detail>`. */
export function analysisError(detail: string): SimSqlError {
  return new SimSqlError(`AnalysisException: ${detail}`);
}

/**
 * Impala's text for a table the coordinator does not know (yet) in a FROM clause,
 * ALTER TABLE or UPDATE/DELETE: the path as the statement wrote it (`'t'` for an
 * unqualified name, `'db.t'` for a qualified one), lower case.
 */
export function unresolvedTableError(path: string): SimSqlError {
  return analysisError(`Could not resolve table reference: '${path}'`);
}

/** The path of a table reference as written: `t` or `db.t`. */
export function writtenPath(table: { readonly db: string | undefined; readonly name: string }): string {
  return table.db === undefined ? table.name : `${table.db}.${table.name}`;
}

/** Impala's text for a DDL/DML target the coordinator does not know (yet). */
export function tableNotFoundError(db: string, table: string): SimSqlError {
  return analysisError(`Table does not exist: ${db}.${table}`);
}

/** Impala's text for a database the coordinator does not know (yet). */
export function databaseNotFoundError(db: string): SimSqlError {
  return analysisError(`Database does not exist: ${db}`);
}

// Words Impala's parser reports by name in `Encountered:`; other words are IDENTIFIER.
const KEYWORDS = new Set(
  (
    'ADD ALL ALTER AND AS ASC BETWEEN BY CASE CAST CHANGE COLUMN COLUMNS COMMENT COMPUTE CREATE CROSS DATABASE ' +
    'DATABASES DELETE DESC DESCRIBE DISTINCT DROP ELSE END EXISTS EXPLAIN EXTERNAL FALSE FORMAT FROM FULL GROUP ' +
    'HAVING IF IN INNER INSERT INTO INVALIDATE IS JOIN LEFT LIKE LIMIT LOCATION MERGE METADATA NOT NULL OFFSET ON ' +
    'OR ORDER OUTER OVERWRITE PARTITION PARTITIONED REFRESH RENAME RIGHT SCHEMA SCHEMAS SELECT SET SHOW STATS ' +
    'STORED TABLE TABLES TBLPROPERTIES THEN TO TRUE TRUNCATE UNION UNSET UPDATE UPSERT USE USING VALUES VIEW WHEN ' +
    'WHERE WITH'
  ).split(' '),
);

/** Statement starts Impala lists when the first word is not one it knows. */
export const STATEMENT_STARTS: readonly string[] = [
  'ALTER', 'COMMENT', 'COMPUTE', 'CREATE', 'DELETE', 'DESCRIBE', 'DROP', 'EXPLAIN', 'INSERT', 'INVALIDATE', 'MERGE',
  'REFRESH', 'SELECT', 'SET', 'SHOW', 'TRUNCATE', 'UNSET', 'UPDATE', 'UPSERT', 'USE', 'VALUES', 'WITH',
];

function describeToken(token: Token | undefined): string {
  if (token === undefined) return 'EOF';
  switch (token.kind) {
    case 'word':
      return KEYWORDS.has(token.value) ? token.value : 'IDENTIFIER';
    case 'ident':
      return 'IDENTIFIER';
    case 'string':
      return 'STRING LITERAL';
    case 'number':
      return /[.eE]/.test(token.text) ? 'DECIMAL LITERAL' : 'INTEGER LITERAL';
    default:
      return token.text;
  }
}

/**
 * Impala's `ParseException: Syntax error in line <n>:` text, with the offending
 * line, a caret under the token and what was expected.
 *
 * @param token - the unexpected token; `undefined` means the statement ended too early.
 */
export function syntaxError(sql: string, token: Token | undefined, expected: readonly string[] = []): SimSqlError {
  const offset = token?.start ?? sql.trimEnd().length;
  const before = sql.slice(0, offset);
  const lineNo = before.split('\n').length;
  const lineStart = before.lastIndexOf('\n') + 1;
  const lineEnd = sql.indexOf('\n', offset);
  const line = sql.slice(lineStart, lineEnd < 0 ? sql.length : lineEnd);
  const lines = [
    `ParseException: Syntax error in line ${lineNo}:`,
    line,
    `${' '.repeat(offset - lineStart)}^`,
    `Encountered: ${describeToken(token)}`,
  ];
  if (expected.length > 0) lines.push(`Expected: ${expected.join(', ')}`);
  lines.push('', 'CAUSED BY: Exception: Syntax error');
  return new SimSqlError(lines.join('\n'));
}

/** Context for translating a DuckDB error. */
export interface DuckErrorContext {
  /** The statement as DuckDB saw it (after rewriting). */
  readonly sql: string;
  /** The session database, for qualifying names in messages. */
  readonly database: string;
}

/**
 * Translates a DuckDB failure into the text Impala would send for the same
 * mistake; errors with no Impala counterpart keep DuckDB's first line, prefixed
 * `AnalysisException:` when DuckDB found them before execution.
 */
export function mapDuckDbError(err: unknown, ctx: DuckErrorContext): SimSqlError {
  if (err instanceof SimSqlError) return err;
  const full = (err instanceof Error ? err.message : String(err)).replace(/^Failed to extract statements: /, '');
  const first = (full.split('\n')[0] ?? full).trim();
  let m: RegExpMatchArray | null;
  if (/^INTERRUPT Error|Interrupted!/.test(first)) return cancelledError();
  if ((m = /^Parser Error: syntax error at or near "(.*)"$/.exec(first))) {
    return duckSyntaxError(ctx.sql, full, m[1] as string);
  }
  if (/^Parser Error: syntax error at end of input/.test(first)) return duckSyntaxError(ctx.sql, full, undefined);
  if ((m = /^Catalog Error: Table with name "?([^"\s]+?)"? does not exist because schema "?([^"\s]+?)"? does not exist/.exec(first))) {
    const name = (m[1] as string).split('.');
    return unresolvedTableError(`${m[2] as string}.${name[name.length - 1] as string}`);
  }
  if ((m = /^Catalog Error: (?:Table|View) with name "?([^"\s!]+?)"? does not exist/.exec(first))) {
    // DuckDB names the table as the (rewritten) statement did, which is Impala's rule too.
    const parts = (m[1] as string).split('.');
    const table = parts.pop() as string;
    const schema = parts.pop();
    return unresolvedTableError(schema === undefined ? table : `${schema}.${table}`);
  }
  if ((m = /^Catalog Error: Schema with name "?([^"\s!]+?)"? does not exist/.exec(first))) {
    return databaseNotFoundError(m[1] as string);
  }
  if ((m = /^Catalog Error: (?:Table|View) with name "?([^"\s!]+?)"? already exists/.exec(first))) {
    return analysisError(`Table already exists: ${ctx.database}.${m[1] as string}`);
  }
  if ((m = /^Catalog Error: Scalar Function with name "?([^"\s!]+?)"? does not exist/.exec(first))) {
    const fn = (m[1] as string).toLowerCase();
    return analysisError(`${ctx.database}.${fn}() unknown for database ${ctx.database}. Currently this db has 0 functions.`);
  }
  if ((m = /^Binder Error: Referenced column "?(.+?)"? not found/.exec(first))) {
    return analysisError(`Could not resolve column/field reference: '${(m[1] as string).toLowerCase()}'`);
  }
  if (/^Dependency Error: Cannot drop entry "?([^"\s]+?)"? because there are entries that depend on it/.test(first)) {
    const db = /Cannot drop entry "?([^"\s]+?)"?\s/.exec(first)?.[1] ?? ctx.database;
    return new SimSqlError(
      `ImpalaRuntimeException: Error making 'dropDatabase' RPC to Hive Metastore: \n` +
        `CAUSED BY: InvalidOperationException: Database ${db} is not empty. One or more tables exist.`,
    );
  }
  const stripped = first.replace(/^(Binder|Catalog|Parser) Error: /, '');
  if (stripped !== first) return analysisError(stripped);
  return new SimSqlError(first.replace(/^[A-Za-z ]+ Error: /, ''));
}

function duckSyntaxError(sql: string, full: string, near: string | undefined): SimSqlError {
  // DuckDB shows the offending line after `LINE n: ` and a caret under the token on the
  // next line; it elides long lines, so map the column back through the shown fragment.
  const lines = full.split('\n');
  const idx = lines.findIndex((l) => /^LINE \d+: /.test(l));
  let token: Token | undefined;
  if (near !== undefined && idx >= 0) {
    const shownLine = lines[idx] as string;
    const head = /^LINE (\d+): /.exec(shownLine) as RegExpExecArray;
    const lineNo = Number(head[1]);
    const shown = shownLine.slice(head[0].length);
    const col = (lines[idx + 1] ?? '').indexOf('^') - head[0].length;
    const sqlLines = sql.split('\n');
    const actual = sqlLines[lineNo - 1];
    if (actual !== undefined && col >= 0) {
      const pos = actual === shown ? col : actual.indexOf(shown.slice(col).replace(/\.\.\.$/, ''));
      if (pos >= 0) {
        const start = sqlLines.slice(0, lineNo - 1).reduce((n, l) => n + l.length + 1, 0) + pos;
        token = { kind: 'word', text: near, value: near.toUpperCase(), start, end: start + near.length };
      }
    }
  }
  if (token === undefined && near !== undefined) {
    const start = sql.indexOf(near);
    if (start >= 0) token = { kind: 'word', text: near, value: near.toUpperCase(), start, end: start + near.length };
  }
  return syntaxError(sql, token);
}
