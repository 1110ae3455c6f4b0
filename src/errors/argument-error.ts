import { ErrorCode } from './codes';
import { ImpalaError } from './impala-error';

/** A call was made with arguments it cannot use (wrong parameter count, unsupported value type...). */
export class ArgumentError extends ImpalaError {
  constructor(message: string, cause?: unknown) {
    super(ErrorCode.INVALID_ARGUMENT, 'argument', message, false, { cause });
  }
}
