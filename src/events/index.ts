export type * from './client-events';
export { publish } from './diagnostics';
export { dropEvents, type EventSink } from './event-sink';
export { acquireChannel, connectChannel, queryChannel, type TraceAttributes, type TraceContext } from './tracing';
