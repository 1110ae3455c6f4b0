export { BeeswaxSession } from './beeswax-session';
export { BeeswaxQuery, type BeeswaxQueryHost, type SubmitOptions } from './beeswax-query';
export { TextRowDecoder } from './text-row-decoder';
export { TextRowBatch, type FetchedResults } from './fetch-reply';
export { beeswaxType, columnsFromResultsMetadata } from './beeswax-columns';
export { toConfiguration } from './query-configuration';
export * as beeswaxRpc from './beeswax-rpc';
