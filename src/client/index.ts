export { createClient } from './create-client';
export { ImpalaClient, type ClientStats } from './impala-client';
export { ResultStream } from './result-stream';
export type { CallOptions, ExecuteResult, QueryResult } from '../protocol/call-options';
