import * as T from '../../thrift/gen-nodejs/TCLIService_types';
import type * as B from '../../thrift/gen-nodejs/beeswax_types';
import { SimSqlError } from '../engine/types';
import type { CoordinatorService } from '../hs2/coordinator-service';
import { newQueryGuid, printId } from '../hs2/handle-ids';
import { invalidHandleText, queryFailedText } from '../hs2/impala-messages';
import { EngineStatementRunner } from '../hs2/operation-runners';
import type { SimSession } from '../hs2/session-registry';
import { SimOperation } from '../hs2/sim-operation';
import { StatusFailure } from '../hs2/status';
import { beeswaxException, SQLSTATE } from './beeswax-errors';
import { parseConfiguration } from './query-configuration';

/**
 * Beeswax `query`: what Impala's `ImpalaServer::query` does on the simulator's shared
 * state. The statement is planned inside the call (analysis errors and the shutdown
 * text come back as a BeeswaxException with SQLSTATE 42000, like everything from
 * Impala's `Execute`), registered as an operation of the connection's session and
 * started; `Query.configuration` overlays the session's options for this statement.
 *
 * @internal
 */
export async function submitQuery(svc: CoordinatorService, session: SimSession, query: B.Query): Promise<SimOperation> {
  try {
    svc.assertAcceptingWork();
  } catch (err) {
    if (err instanceof StatusFailure) throw beeswaxException(err.message, SQLSTATE.SYNTAX_OR_ACCESS);
    throw err;
  }
  const parsed = parseConfiguration(query.configuration, svc.engine.defaultQueryOptions);
  if ('error' in parsed) throw beeswaxException(parsed.error, SQLSTATE.GENERAL);
  const guid = newQueryGuid();
  const queryId = printId(guid);
  const sql = query.query ?? '';
  let plan;
  try {
    plan = await svc.engine.plan(sql, {
      coordinator: svc.settings.index,
      session: { ...session.state, options: { ...session.state.options } },
      overlay: parsed.options,
    });
  } catch (err) {
    if (!isSqlFailure(err)) throw err;
    throw beeswaxException(queryFailedText(queryId, err.message, svc.settings.errorWrapper), SQLSTATE.SYNTAX_OR_ACCESS);
  }
  const op = new SimOperation(
    {
      session,
      operationType: T.TOperationType.EXECUTE_STATEMENT,
      sql,
      kind: plan.kind,
      hasResultSet: plan.hasResultSet,
      columns: plan.columns,
      admitted: plan.kind === 'query' || plan.kind === 'dml',
      runner: new EngineStatementRunner(svc.engine, plan.id, { sql, sessionId: session.id, queryId }),
      sessionChanges: plan.sessionChanges,
    },
    svc.admission,
    () => svc.changed(),
    guid,
  );
  if (svc.disposed) {
    await op.close();
    throw beeswaxException(invalidHandleText(queryId));
  }
  if (svc.sessions.get(session.key) !== session) {
    // The connection closed while the statement was planned.
    await op.close();
    throw beeswaxException(queryFailedText(queryId, 'Session closed', svc.settings.errorWrapper));
  }
  svc.register(op);
  // SET and USE take effect inside the call, as over HS2.
  if (plan.kind === 'set' || plan.kind === 'use') op.applySessionChanges();
  op.start();
  return op;
}

function isSqlFailure(err: unknown): err is { message: string; sqlState: string } {
  return err instanceof SimSqlError || (err instanceof Error && typeof (err as { sqlState?: unknown }).sqlState === 'string');
}
