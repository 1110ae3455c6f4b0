/**
 * Entry point of statement planning: parses the text and hands it to the planner
 * for its kind.
 *
 * @internal
 */
import { planCommand } from './command-planner';
import { planDdl } from './ddl-planner';
import type { PlanEnv, StatementPlan } from './plan-types';
import { planDml, planExplain, planInsert, planQuery } from './query-planner';
import { planKeptQuery } from './query-template';
import { parseMemSpec } from './option-values';
import { effectiveOption } from './query-options';
import { staleReads } from './data-versions';
import { parseStatement, type ParsedStatement } from './statement-parser';
import { findTableReferences } from './statement-scan';
import { TokenCursor } from './token-cursor';
import { SimSqlError } from './types';

/**
 * Analyses a statement as the coordinator in `env` would and prepares it to run;
 * a query planned before under the same key (see plan-cache) is not planned again.
 *
 * @throws SimSqlError - with Impala's text for anything Impala would refuse before running.
 */
export async function planStatement(env: PlanEnv): Promise<StatementPlan> {
  // A byte size, like every *_BYTES option: `16m`, `1k`...
  const limit = parseMemSpec(effectiveOption(env.ctx, 'MAX_STATEMENT_LENGTH_BYTES')) ?? 0;
  const length = Buffer.byteLength(env.sql, 'utf8');
  if (limit > 0 && length > limit) {
    throw new SimSqlError(`Statement length of ${length} bytes exceeds the maximum statement length (${limit} bytes)`);
  }
  const kept = env.cache?.hit;
  if (kept !== undefined) {
    // Same text, database and catalog version: the same snapshots are current.
    env.readSnapshots(kept.snapshots);
    return planKeptQuery(kept, env);
  }
  const parsed = new TokenCursor(env.sql);
  const stmt = parseStatement(parsed);
  // Tables whose newest data has not reached this coordinator are read as it knows them.
  const stale = readsData(stmt) ? staleReads(parsed.sig, findTableReferences(parsed.sig), env.view, env.database) : undefined;
  if (stale === undefined || stale.snapshots.length === 0) return planParsed(parsed, stmt, env, []);
  env.readSnapshots(stale.snapshots);
  return planParsed(new TokenCursor(env.sql, stale.replacements), stmt, env, stale.snapshots);
}

/**
 * Statements whose reads follow the coordinator's data version: queries, EXPLAIN,
 * the SELECT of INSERT and CTAS, the sources of UPDATE/DELETE. A view's definition
 * names the tables themselves.
 */
function readsData(stmt: ParsedStatement): boolean {
  switch (stmt.type) {
    case 'query':
    case 'explain':
    case 'insert':
    case 'dml':
      return true;
    case 'ddl':
      return stmt.ddl.type === 'create-table' && stmt.ddl.queryStart !== undefined;
    default:
      return false;
  }
}

async function planParsed(cur: TokenCursor, stmt: ParsedStatement, env: PlanEnv, snapshots: readonly string[]): Promise<StatementPlan> {
  switch (stmt.type) {
    case 'query':
      return planQuery(cur, env, snapshots);
    case 'explain':
      return planExplain(cur, stmt, env);
    case 'insert':
      return planInsert(cur, stmt, env);
    case 'dml':
      return planDml(cur, stmt.verb, env);
    case 'ddl':
      return planDdl(cur, stmt.ddl, env);
    default:
      return planCommand(stmt, env);
  }
}
