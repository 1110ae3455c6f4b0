import type { ClientEventName, ClientEvents } from './client-events';

/**
 * Where the pool, health checks and the attempt loop report client events (the
 * client emits them and publishes them on diagnostics_channel).
 *
 * @internal
 */
export type EventSink = <K extends ClientEventName>(name: K, payload: ClientEvents[K][0]) => void;

/** A sink that drops everything, for parts built without a client (tests, benchmarks). @internal */
export const dropEvents: EventSink = () => undefined;
