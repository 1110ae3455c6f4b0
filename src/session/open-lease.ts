import { NoCoordinatorError } from '../errors';
import type { CoordinatorPool } from '../pool/coordinator-pool';
import type { Lease } from '../pool/lease';
import { runAttempts } from '../retry/attempt-loop';
import type { SessionContext } from './session';
import type { SessionState } from './session-state';

/**
 * Leases a pooled HS2 session for a pinned session and brings it to `state` (USE and
 * SET statements), through the attempt loop: a connect or OpenSession failure, or a
 * coordinator shutting down, moves on to another coordinator.
 *
 * @param avoid - a coordinator to avoid while another is selectable (the one a
 *   reopened session was lost on).
 * @param reopened - the session existed before: count it as changed from a fresh one.
 * @internal
 */
export async function openLease(
  ctx: SessionContext,
  affinity: string | undefined,
  state: SessionState,
  avoid: string | undefined,
  reopened: boolean,
): Promise<{ lease: Lease; dirty: boolean }> {
  return leaseWithState(ctx, state, reopened, (tried) => {
    const exclude = new Set(tried);
    if (avoid !== undefined) exclude.add(avoid);
    return ctx.cluster.select(affinity, exclude);
  });
}

/**
 * Leases a new session on `pool` itself and brings it to `state`: for a session that
 * ends with its connection (Beeswax) when only the connection broke.
 *
 * @internal
 */
export async function reopenLeaseOn(ctx: SessionContext, pool: CoordinatorPool, state: SessionState): Promise<{ lease: Lease; dirty: boolean }> {
  return leaseWithState(ctx, state, false, () => pool);
}

async function leaseWithState(
  ctx: SessionContext,
  state: SessionState,
  reopened: boolean,
  choose: (tried: ReadonlySet<string>) => CoordinatorPool,
): Promise<{ lease: Lease; dirty: boolean }> {
  const replay = state.replayStatements(ctx.defaultDatabase);
  const { cluster } = ctx;
  const { value: lease } = await runAttempts(
    {
      // SET and USE can be replayed any number of times.
      spec: { kind: 'session', idempotent: true, label: 'opening a session' },
      async run(attempt) {
        const pool = choose(attempt.tried);
        attempt.startedOn(pool.address);
        const lease = await pool.acquire(attempt.signal);
        try {
          attempt.progress.statementSent = replay.length > 0;
          for (const sql of replay) await lease.session.execute(sql, { signal: attempt.signal });
          // The lease now belongs to the session; its statements count one by one.
          lease.end();
          return lease;
        } catch (err) {
          lease.release({ error: err, discard: true, aborted: attempt.signal.aborted });
          throw err;
        }
      },
      exhausted: (err) => (err instanceof NoCoordinatorError ? err : (cluster.unavailableError(err) ?? err)),
    },
    ctx.attempts.settings,
    ctx.attempts.deps,
  );
  return { lease, dirty: replay.length > 0 || reopened };
}
