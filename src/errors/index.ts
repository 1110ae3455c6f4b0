export { ErrorCode, type ErrorCodeValue } from './codes';
export { ImpalaError, hasCode, type ErrorFamily, type ImpalaErrorDetails } from './impala-error';
export { ConfigError, type ConfigCode } from './config-error';
export { ArgumentError } from './argument-error';
export {
  ConnectError,
  ConnectionLostError,
  ConnectionClosedError,
  HttpStatusError,
  RpcTimeoutError,
  ProtocolError,
  type ConnectCode,
  type ProtocolCode,
} from './transport-errors';
export { ServerError, classifyServerMessage, serverError, type ClassifiedMessage } from './server-error';
export {
  AbortedError,
  QueryTimeoutError,
  OutcomeUnknownError,
  SessionLostError,
  NoCoordinatorError,
  AcquireTimeoutError,
  ClosedError,
} from './client-errors';
