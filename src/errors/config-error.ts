import { ErrorCode } from './codes';
import { ImpalaError } from './impala-error';

/** Codes a {@link ConfigError} can carry. */
export type ConfigCode =
  | typeof ErrorCode.CONFIG_INVALID_URL
  | typeof ErrorCode.CONFIG_UNKNOWN_OPTION
  | typeof ErrorCode.CONFIG_INVALID_VALUE
  | typeof ErrorCode.CONFIG_CONFLICT
  | typeof ErrorCode.CONFIG_UNSUPPORTED;

/**
 * A connection string or option could not be used. The message names what was wrong
 * and what is accepted; it never contains a password.
 */
export class ConfigError extends ImpalaError {
  /** The option (or URL part) at fault, e.g. `balance`, `port`, `AuthMech`. */
  readonly option: string | undefined;

  constructor(code: ConfigCode, message: string, option?: string, cause?: unknown) {
    super(code, 'config', message, false, { cause });
    this.option = option;
  }
}
