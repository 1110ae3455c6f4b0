export type * from './client-events';
export { publish } from './diagnostics';
export { dropEvents, type EventSink } from './event-sink';
