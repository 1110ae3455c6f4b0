/**
 * Classifies an Impala statement and parses the statements the simulator answers
 * itself (SET, USE, SHOW, DESCRIBE, INVALIDATE METADATA, REFRESH, COMPUTE STATS)
 * and the shape of INSERT/UPSERT; DDL goes to the DDL parser, queries and other
 * DML go to DuckDB after the dialect rewrite.
 *
 * @internal
 */
import { parseDdl, type DdlStatement } from './ddl-parser';
import { STATEMENT_STARTS, analysisError, syntaxError } from './sql-errors';
import { canonicalOptionName, invalidOptionError } from './query-options';
import type { TableName, TokenCursor } from './token-cursor';

/** One `PARTITION (...)` item of an INSERT: static when it has a value. */
export interface PartitionItem {
  readonly name: string;
  /** Significant-token range of the value expression, `[start, end)`, for a static partition. */
  readonly value: readonly [number, number] | undefined;
}

/** A parsed statement. Token positions are significant-token indices of the cursor. */
export type ParsedStatement =
  | { readonly type: 'query' }
  | { readonly type: 'explain'; readonly inner: ParsedStatement; readonly start: number }
  | {
      readonly type: 'insert';
      readonly mode: 'into' | 'overwrite' | 'upsert';
      readonly target: TableName;
      readonly columns: readonly string[] | undefined;
      readonly partition: readonly PartitionItem[];
      readonly bodyStart: number;
    }
  | { readonly type: 'dml'; readonly verb: 'UPDATE' | 'DELETE' | 'MERGE' }
  | { readonly type: 'set'; readonly all: boolean }
  | { readonly type: 'set-option'; readonly key: string; readonly value: string }
  | { readonly type: 'unset'; readonly key: string | undefined }
  | { readonly type: 'use'; readonly db: string }
  | { readonly type: 'show-databases'; readonly pattern: string | undefined }
  | { readonly type: 'show-tables'; readonly db: string | undefined; readonly pattern: string | undefined }
  | { readonly type: 'show-create-table'; readonly table: TableName }
  | { readonly type: 'describe'; readonly table: TableName }
  | { readonly type: 'describe-database'; readonly db: string }
  | { readonly type: 'invalidate'; readonly table: TableName | undefined }
  | { readonly type: 'refresh'; readonly table: TableName }
  | { readonly type: 'compute-stats'; readonly table: TableName }
  | { readonly type: 'drop-stats'; readonly table: TableName }
  | { readonly type: 'ddl'; readonly ddl: DdlStatement };

function unsupported(what: string): never {
  throw analysisError(`${what} is not supported by the Impala simulator`);
}

function isQueryStart(cur: TokenCursor): boolean {
  return cur.isWord('SELECT') || cur.isWord('WITH') || cur.isWord('VALUES') || cur.isSymbol('(');
}

function optionalPattern(cur: TokenCursor): string | undefined {
  cur.acceptWord('LIKE');
  if (cur.peek()?.kind !== 'string') return undefined;
  return cur.stringLiteral();
}

function parseSet(cur: TokenCursor): ParsedStatement {
  if (cur.atEnd()) return { type: 'set', all: false };
  if (cur.acceptWord('ALL')) {
    cur.expectEnd();
    return { type: 'set', all: true };
  }
  const keyToken = cur.peek();
  const key = cur.expectIdentifier();
  // Option names are single words, but a dotted key must still get Impala's error.
  let rawKey = keyToken?.text ?? key;
  while (cur.acceptSymbol('.')) rawKey += `.${cur.expectIdentifier()}`;
  cur.expectSymbol('=');
  const start = cur.pos;
  const single = cur.peek();
  const value = cur.sig.length - start === 1 && single?.kind === 'string' ? single.value : cur.textBetween(start);
  const name = canonicalOptionName(rawKey);
  if (name === undefined) throw invalidOptionError(rawKey);
  return { type: 'set-option', key: name, value: value.trim() };
}

function parseShow(cur: TokenCursor): ParsedStatement {
  if (cur.acceptWord('DATABASES') || cur.acceptWord('SCHEMAS')) {
    const pattern = optionalPattern(cur);
    cur.expectEnd();
    return { type: 'show-databases', pattern };
  }
  if (cur.acceptWord('TABLES')) {
    const db = cur.acceptWord('IN') ? cur.expectIdentifier() : undefined;
    const pattern = optionalPattern(cur);
    cur.expectEnd();
    return { type: 'show-tables', db, pattern };
  }
  if (cur.acceptWord('CREATE', 'TABLE') || cur.acceptWord('CREATE', 'VIEW')) {
    const table = cur.tableName();
    cur.expectEnd();
    return { type: 'show-create-table', table };
  }
  const what = cur.peek();
  if (what?.kind === 'word') return unsupported(`SHOW ${what.value}`);
  return cur.fail(['CREATE', 'DATABASES', 'SCHEMAS', 'TABLES']);
}

function parseInsert(cur: TokenCursor, upsert: boolean): ParsedStatement {
  let mode: 'into' | 'overwrite' | 'upsert' = 'upsert';
  if (upsert) cur.expectWord('INTO');
  else if (cur.acceptWord('OVERWRITE')) mode = 'overwrite';
  else {
    cur.expectWord('INTO');
    mode = 'into';
  }
  cur.acceptWord('TABLE');
  const target = cur.tableName();
  let columns: string[] | undefined;
  if (cur.isSymbol('(') && !(cur.peek(1)?.kind === 'word' && ['SELECT', 'WITH', 'VALUES'].includes(cur.peek(1)?.value ?? ''))) {
    const [a, b] = cur.balanced();
    const after = cur.pos;
    columns = cur.splitTopLevel(a, b).map(([x]) => {
      cur.pos = x;
      return cur.expectIdentifier();
    });
    cur.pos = after;
  }
  const partition: PartitionItem[] = [];
  if (cur.acceptWord('PARTITION')) {
    const [a, b] = cur.balanced();
    const after = cur.pos;
    for (const [x, y] of cur.splitTopLevel(a, b)) {
      cur.pos = x;
      const name = cur.expectIdentifier();
      partition.push({ name, value: cur.acceptSymbol('=') ? [cur.pos, y] : undefined });
    }
    cur.pos = after;
  }
  // Bracket hints between the target and the body: [SHUFFLE], [NOCLUSTERED]...
  while (cur.isSymbol('[')) {
    while (!cur.atEnd() && !cur.acceptSymbol(']')) cur.next();
  }
  if (!isQueryStart(cur)) cur.fail(['SELECT', 'VALUES', 'WITH']);
  return { type: 'insert', mode, target, columns, partition, bodyStart: cur.pos };
}

/**
 * Parses the statement at the cursor (which is left past what was read).
 *
 * @throws SimSqlError - `ParseException` for text Impala would not parse, `Invalid
 *   query option` for `SET` of an unknown option, `AnalysisException` for Impala
 *   statements the simulator does not implement.
 */
export function parseStatement(cur: TokenCursor): ParsedStatement {
  const first = cur.peek();
  if (first === undefined) throw syntaxError(cur.sql, undefined, STATEMENT_STARTS);
  if (isQueryStart(cur)) return { type: 'query' };
  if (first.kind !== 'word') return cur.fail(STATEMENT_STARTS);
  cur.next();
  switch (first.value) {
    case 'EXPLAIN': {
      const start = cur.pos;
      const inner = parseStatement(cur);
      if (inner.type !== 'query' && inner.type !== 'insert') unsupported('EXPLAIN of this statement');
      return { type: 'explain', inner, start };
    }
    case 'INSERT':
      return parseInsert(cur, false);
    case 'UPSERT':
      return parseInsert(cur, true);
    case 'UPDATE':
    case 'DELETE':
    case 'MERGE':
      return { type: 'dml', verb: first.value };
    case 'SET':
      return parseSet(cur);
    case 'UNSET': {
      if (cur.acceptWord('ALL')) {
        cur.expectEnd();
        return { type: 'unset', key: undefined };
      }
      const raw = cur.expectIdentifier();
      cur.expectEnd();
      const key = canonicalOptionName(raw);
      if (key === undefined) throw invalidOptionError(raw);
      return { type: 'unset', key };
    }
    case 'USE': {
      const db = cur.expectIdentifier();
      cur.expectEnd();
      return { type: 'use', db };
    }
    case 'SHOW':
      return parseShow(cur);
    case 'DESCRIBE': {
      if (cur.acceptWord('DATABASE') || cur.acceptWord('SCHEMA')) {
        if (cur.isWord('FORMATTED') || cur.isWord('EXTENDED')) unsupported(`DESCRIBE DATABASE ${cur.peek()?.value ?? ''}`);
        const db = cur.expectIdentifier();
        cur.expectEnd();
        return { type: 'describe-database', db };
      }
      if (cur.isWord('FORMATTED') || cur.isWord('EXTENDED')) unsupported(`DESCRIBE ${cur.peek()?.value ?? ''}`);
      const table = cur.tableName();
      cur.expectEnd();
      return { type: 'describe', table };
    }
    case 'INVALIDATE': {
      cur.expectWord('METADATA');
      const table = cur.atEnd() ? undefined : cur.tableName();
      cur.expectEnd();
      return { type: 'invalidate', table };
    }
    case 'REFRESH': {
      if (cur.isWord('FUNCTIONS') || cur.isWord('AUTHORIZATION')) unsupported(`REFRESH ${cur.peek()?.value ?? ''}`);
      const table = cur.tableName();
      if (cur.acceptWord('PARTITION')) cur.balanced();
      cur.expectEnd();
      return { type: 'refresh', table };
    }
    case 'COMPUTE': {
      cur.acceptWord('INCREMENTAL');
      cur.expectWord('STATS');
      // Column lists, TABLESAMPLE and PARTITION clauses only narrow what Impala samples.
      return { type: 'compute-stats', table: cur.tableName() };
    }
    case 'CREATE':
    case 'ALTER':
    case 'TRUNCATE':
    case 'COMMENT':
      cur.pos--;
      return { type: 'ddl', ddl: parseDdl(cur) };
    case 'DROP':
      if (cur.acceptWord('STATS') || cur.acceptWord('INCREMENTAL', 'STATS')) return { type: 'drop-stats', table: cur.tableName() };
      if (cur.isWord('FUNCTION') || cur.isWord('AGGREGATE') || cur.isWord('ROLE')) unsupported(`DROP ${cur.peek()?.value ?? ''}`);
      cur.pos--;
      return { type: 'ddl', ddl: parseDdl(cur) };
    case 'LOAD':
    case 'GRANT':
    case 'REVOKE':
    case 'COPY':
      return unsupported(first.value);
    default:
      cur.pos--;
      return cur.fail(STATEMENT_STARTS);
  }
}
