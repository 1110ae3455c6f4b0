import * as B from '../../thrift/gen-nodejs/beeswax_types';

/**
 * How Impala's Beeswax front end reports failures (protocol reference §3.3): always a
 * `BeeswaxException` with the message and a SQLSTATE (`HY000` general, `42000`
 * analysis and everything from planning, `HYC00` unsupported). Methods that declare
 * it return it in their result struct; for the others (get_state,
 * get_results_metadata, get_log, echo...) Thrift's C++ server sends a
 * TApplicationException whose message is the exception's `what()` text, which the
 * generated node Processor reproduces from an Error with that message.
 *
 * @internal
 */

/** SQLSTATEs Impala uses on Beeswax. */
export const SQLSTATE = Object.freeze({ GENERAL: 'HY000', SYNTAX_OR_ACCESS: '42000', NOT_IMPLEMENTED: 'HYC00' });

/** A BeeswaxException for a method that declares it. */
export function beeswaxException(message: string, sqlState: string = SQLSTATE.GENERAL): B.BeeswaxException {
  return new B.BeeswaxException({ message, SQLState: sqlState } as ConstructorParameters<typeof B.BeeswaxException>[0]);
}

/**
 * The Error whose message is what a Thrift C++ server puts in the
 * TApplicationException when a method throws a BeeswaxException it does not declare:
 * `TException - service has thrown: BeeswaxException(message=..., log_context=,
 * handle=QueryHandle(id=, log_context=), errorCode=<null>, SQLState=...)`.
 */
export function undeclaredBeeswaxException(message: string, sqlState: string = SQLSTATE.GENERAL): Error {
  return new Error(
    `TException - service has thrown: BeeswaxException(message=${message}, log_context=, handle=QueryHandle(id=, log_context=), errorCode=<null>, SQLState=${sqlState})`,
  );
}
