/**
 * What a statement does, as far as retries and SYNC_DDL care:
 * - `read`: SELECT, WITH ... SELECT, VALUES, SHOW, DESCRIBE, EXPLAIN — no effect, safe
 *   to run again while no row has reached the caller;
 * - `dml`: INSERT, UPSERT, UPDATE, DELETE, MERGE, LOAD DATA, TRUNCATE;
 * - `ddl`: CREATE, ALTER, DROP, COMPUTE/DROP STATS, INVALIDATE METADATA, REFRESH,
 *   GRANT, REVOKE, COMMENT ON;
 * - `session`: SET, UNSET, USE — change the HS2 session's state;
 * - `unknown`: anything else, treated as unsafe to repeat.
 */
export type StatementKind = 'read' | 'dml' | 'ddl' | 'session' | 'unknown';

const READ = new Set(['SELECT', 'VALUES', 'SHOW', 'DESCRIBE', 'DESC', 'EXPLAIN']);
const DML = new Set(['INSERT', 'UPSERT', 'UPDATE', 'DELETE', 'MERGE', 'LOAD', 'TRUNCATE']);
const DDL = new Set(['CREATE', 'ALTER', 'DROP', 'COMPUTE', 'INVALIDATE', 'REFRESH', 'GRANT', 'REVOKE', 'COMMENT']);
const SESSION = new Set(['SET', 'UNSET', 'USE']);

/**
 * Classifies a statement by its leading keyword, skipping comments, whitespace and
 * opening parentheses. For `WITH`, the statement that follows the common table
 * expressions decides (Impala allows `WITH ... INSERT`).
 */
export function statementKind(sql: string): StatementKind {
  // Applications repeat the same statement texts, so their kinds are remembered (a
  // bounded map, emptied when full; long texts are not kept).
  return remembered(KIND_CACHE, sql, classify);
}

const KIND_CACHE = new Map<string, StatementKind>();
const CACHE_MAX_ENTRIES = 1024;
const CACHE_MAX_SQL = 2048;

/** `compute(sql)`, remembered in `cache` for texts up to CACHE_MAX_SQL characters (the map is emptied when full). */
function remembered<T>(cache: Map<string, T>, sql: string, compute: (sql: string) => T): T {
  const known = cache.get(sql);
  if (known !== undefined) return known;
  const value = compute(sql);
  if (sql.length <= CACHE_MAX_SQL) {
    if (cache.size >= CACHE_MAX_ENTRIES) cache.clear();
    cache.set(sql, value);
  }
  return value;
}

function classify(sql: string): StatementKind {
  const words = keywords(sql);
  const first = words.next().value;
  if (first === undefined) return 'unknown';
  if (first === 'WITH') {
    for (const w of words) {
      if (DML.has(w)) return 'dml';
      if (w === 'SELECT' || w === 'VALUES') return 'read';
    }
    return 'unknown';
  }
  if (READ.has(first)) return 'read';
  if (DML.has(first)) return 'dml';
  if (DDL.has(first)) return 'ddl';
  if (SESSION.has(first)) return 'session';
  return 'unknown';
}

/**
 * Upper-cased bare words of a statement at parenthesis depth 0 (plus the very first
 * word even inside leading parentheses), skipping comments, string literals and
 * quoted identifiers.
 */
function* keywords(sql: string): Generator<string> {
  let i = 0;
  let depth = 0;
  let seenWord = false;
  const n = sql.length;
  while (i < n) {
    const ch = sql[i]!;
    if (ch === '-' && sql[i + 1] === '-') {
      const nl = sql.indexOf('\n', i);
      i = nl < 0 ? n : nl + 1;
    } else if (ch === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
    } else if (ch === "'" || ch === '"' || ch === '`') {
      i++;
      while (i < n && sql[i] !== ch) i += sql[i] === '\\' && ch !== '`' ? 2 : 1;
      i++;
    } else if (ch === '(') {
      depth++;
      i++;
    } else if (ch === ')') {
      depth = Math.max(0, depth - 1);
      i++;
    } else if (/[A-Za-z_]/.test(ch)) {
      let j = i + 1;
      while (j < n && /[A-Za-z0-9_]/.test(sql[j]!)) j++;
      if (depth === 0 || !seenWord) yield sql.slice(i, j).toUpperCase();
      seenWord = true;
      i = j;
    } else {
      i++;
    }
  }
}

/** The statement's first words, for messages and events (never parameter values: those are bound later). */
export function describeStatement(sql: string): string {
  // Every pooled call names its statement: remembered like the kinds.
  return remembered(DESCRIBED, sql, describe);
}

function describe(sql: string): string {
  // Only the head is collapsed: a multi-megabyte INSERT ... VALUES is not copied to name it.
  const trimmed = sql.trim();
  const s = (trimmed.length > DESCRIBE_HEAD ? trimmed.slice(0, DESCRIBE_HEAD) : trimmed).replace(/\s+/g, ' ');
  return s.length > 60 || trimmed.length > DESCRIBE_HEAD ? `'${s.slice(0, 57)}...'` : `'${s}'`;
}

const DESCRIBED = new Map<string, string>();

/** Characters of a statement {@link describeStatement} looks at. */
const DESCRIBE_HEAD = 240;
