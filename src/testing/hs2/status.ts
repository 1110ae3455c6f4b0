import * as T from '../../thrift/gen-nodejs/TCLIService_types';

/**
 * A request the simulated coordinator answers with `ERROR_STATUS`. Handlers throw it
 * and the RPC wrapper turns it into the response's `status`, so every early exit
 * produces a well-formed reply rather than a Thrift exception.
 *
 * @internal
 */
export class StatusFailure extends Error {
  /** SQLSTATE Impala sends with the error (`HY000` general, `HYC00` unsupported). */
  readonly sqlState: string;

  constructor(message: string, sqlState = 'HY000') {
    super(message);
    this.name = 'StatusFailure';
    this.sqlState = sqlState;
  }
}

/** `SUCCESS_STATUS`. */
export function okStatus(): T.TStatus {
  return new T.TStatus({ statusCode: T.TStatusCode.SUCCESS_STATUS });
}

/** `ERROR_STATUS` with Impala's message and SQLSTATE (Impala leaves `errorCode` unset). */
export function errorStatus(message: string, sqlState = 'HY000'): T.TStatus {
  return new T.TStatus({ statusCode: T.TStatusCode.ERROR_STATUS, errorMessage: message, sqlState });
}

/** `STILL_EXECUTING_STATUS`, FetchResults' answer when rows are not ready in time. */
export function stillExecutingStatus(): T.TStatus {
  return new T.TStatus({ statusCode: T.TStatusCode.STILL_EXECUTING_STATUS });
}
