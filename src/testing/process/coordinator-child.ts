/**
 * Entry point of a coordinator child process (`startCluster({ processes: true })`).
 * It runs one {@link CoordinatorRuntime}, reaches the SQL engine in the parent over
 * IPC, and exits as soon as the parent is gone: when the IPC channel closes, or when
 * its parent process id changes (the parent was SIGKILLed).
 *
 * @internal
 */
import { CoordinatorRuntime, type RuntimeCounts } from '../coordinator/coordinator-runtime';
import { IpcEngineAccess } from './ipc-engine-access';
import type { ControlCommand, FromChild, ToChild } from './ipc-messages';

/** How often the child checks that its parent still exists, in ms. */
const PARENT_CHECK_MS = 500;

function send(msg: FromChild): boolean {
  if (process.send === undefined || !process.connected) return false;
  return process.send(msg);
}

function main(): void {
  if (process.send === undefined) {
    process.stderr.write('coordinator-child must be started by startCluster({ processes: true })\n');
    process.exit(2);
  }
  const parentPid = process.ppid;
  const watchdog = setInterval(() => {
    if (process.ppid !== parentPid) process.exit(0);
  }, PARENT_CHECK_MS);
  watchdog.unref();
  process.on('disconnect', () => process.exit(0));

  let runtime: CoordinatorRuntime | undefined;
  let engine: IpcEngineAccess | undefined;
  let lastCounts = '';
  const reportCounts = (): void => {
    if (runtime === undefined) return;
    const counts = runtime.counts();
    const key = `${counts.openSessions}/${counts.openOperations}/${counts.connections}/${counts.http.unauthorized}/${counts.http.cookieRejected}`;
    if (key === lastCounts) return;
    lastCounts = key;
    send({ type: 'counts', counts });
  };

  process.on('message', (msg: ToChild) => {
    switch (msg.type) {
      case 'init': {
        engine = new IpcEngineAccess(msg.defaultQueryOptions, send);
        const rt = new CoordinatorRuntime(msg.settings, engine, reportCounts, () => {
          send({ type: 'exiting' });
          process.exit(0);
        });
        runtime = rt;
        rt.start(msg.retryBusyMs).then(
          (ports) => send({ type: 'ready', ...ports }),
          (err: unknown) => {
            send({ type: 'start-failed', message: err instanceof Error ? err.message : String(err) });
            process.exit(1);
          },
        );
        return;
      }
      case 'engine-reply':
        engine?.settle(msg);
        return;
      case 'control': {
        const counts = runtime === undefined ? undefined : control(runtime, msg.command);
        send({ type: 'ack', id: msg.id, counts });
        return;
      }
    }
  });
}

function control(runtime: CoordinatorRuntime, command: ControlCommand): RuntimeCounts | undefined {
  switch (command.op) {
    case 'dropIdle':
      runtime.dropIdle(command.ms);
      return undefined;
    case 'setRpcDelay':
      runtime.setRpcDelay(command.delay);
      return undefined;
    case 'refuseConnections':
      runtime.refuseConnections(command.n);
      return undefined;
    case 'dropDuringFetch':
      runtime.dropDuringFetch(command.n);
      return undefined;
    case 'setAdmission':
      runtime.setAdmission(command.limits);
      return undefined;
    case 'injectHttpStatus':
      runtime.injectHttpStatus(command.status, command.count, command.retryAfterS);
      return undefined;
    case 'shutdown':
      runtime.shutdown(command.timing);
      return undefined;
    case 'counts':
      return runtime.counts();
  }
}

main();
