/**
 * Token-level rewrite of Impala SQL (queries, expressions, DML bodies) into SQL
 * DuckDB accepts with the same meaning. Statement-level clauses (STORED AS,
 * PARTITIONED BY...) are handled by the DDL translator; this handles what can
 * appear anywhere:
 *
 * - `'...'` and `"..."` string literals (Impala's backslash escapes) → DuckDB `'...'`
 * - backtick identifiers → `"..."`
 * - `sleep(<ms>)`: its time summed into the plan's `delayMs`; the engine's `sleep`
 *   macro returns true at once, so the engine waits instead of DuckDB
 * - `default.t` → `"default".t` (DEFAULT is a DuckDB keyword)
 * - `CAST(x AS DECIMAL)` → `DECIMAL(9,0)` (Impala's default, DuckDB's is (18,3)); `AS REAL` → DOUBLE
 * - `a DIV b` → `a // b`; `a <=> b` → `a IS NOT DISTINCT FROM b`
 * - join hints (`[SHUFFLE]`, `/* +BROADCAST *\/`, `STRAIGHT_JOIN`) and comments dropped
 *
 * @internal
 */
import { duckIdent, duckString, isSignificant, isSymbol, isWord, type Token } from './sql-lexer';
import { analysisError } from './sql-errors';

/** DuckDB SQL and what the rewrite learnt on the way. */
export interface RewrittenSql {
  readonly sql: string;
  /** Total of the `sleep(ms)` calls replaced, in ms. */
  readonly delayMs: number;
}

const HINTS = new Set(['SHUFFLE', 'NOSHUFFLE', 'BROADCAST', 'CLUSTERED', 'NOCLUSTERED', 'SCHEDULE_CACHE_LOCAL', 'SCHEDULE_DISK_LOCAL', 'SCHEDULE_REMOTE']);

/** Rewrites a run of tokens (whitespace included) from Impala's dialect to DuckDB's. */
export function rewriteTokens(tokens: readonly Token[]): RewrittenSql {
  const sig: number[] = [];
  tokens.forEach((t, i) => {
    if (isSignificant(t)) sig.push(i);
  });
  const prevSig = (k: number): Token | undefined => tokens[sig[k - 1] ?? -1];
  const nextSig = (k: number, ahead = 1): Token | undefined => tokens[sig[k + ahead] ?? -1];

  const out: string[] = [];
  let delayMs = 0;
  let k = 0; // position in sig of the next significant token
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (!isSignificant(t)) {
      out.push(t.kind === 'comment' ? ' ' : t.text);
      continue;
    }
    const here = k++;
    switch (t.kind) {
      case 'string':
        out.push(duckString(t.value));
        continue;
      case 'ident':
        out.push(duckIdent(t.value));
        continue;
      case 'symbol':
        if (t.text === '[' && nextSig(here)?.kind === 'word' && HINTS.has(nextSig(here)?.value ?? '') && isSymbol(nextSig(here, 2), ']')) {
          // Skip the hint word and the closing bracket.
          i = sig[here + 2] as number;
          k = here + 3;
          out.push(' ');
          continue;
        }
        out.push(t.text === '<=>' ? ' IS NOT DISTINCT FROM ' : t.text);
        continue;
      case 'word':
        break;
      default:
        out.push(t.text);
        continue;
    }
    if (t.value === 'SLEEP' && isSymbol(nextSig(here), '(')) {
      const arg = nextSig(here, 2);
      if (arg?.kind !== 'number' || !/^\d+$/.test(arg.text) || !isSymbol(nextSig(here, 3), ')')) {
        throw analysisError('sleep() takes one integer literal (milliseconds) in the simulator');
      }
      // The call stays: a `sleep` macro returning true keeps Impala's column name `sleep(<ms>)`.
      delayMs += Number(arg.text);
      out.push(t.text);
      continue;
    }
    if (t.value === 'DEFAULT' && (isSymbol(nextSig(here), '.') || isSymbol(prevSig(here), '.'))) {
      out.push(duckIdent('default'));
    } else if (t.value === 'DECIMAL' && isWord(prevSig(here), 'AS') && !isSymbol(nextSig(here), '(')) {
      out.push('DECIMAL(9,0)');
    } else if (t.value === 'REAL' && isWord(prevSig(here), 'AS')) {
      out.push('DOUBLE');
    } else if (t.value === 'DIV') {
      out.push('//');
    } else if (t.value === 'STRAIGHT_JOIN' && isWord(prevSig(here), 'SELECT')) {
      out.push(' ');
    } else {
      out.push(t.text);
    }
  }
  return { sql: out.join('').trim(), delayMs };
}
