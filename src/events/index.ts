export type * from './client-events';
export { publish } from './diagnostics';
