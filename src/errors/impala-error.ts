import type { ErrorCodeValue } from './codes';

const MARK = Symbol.for('impala-ha.error');

/** The families errors are grouped in; each subclass belongs to exactly one. */
export type ErrorFamily =
  | 'config'
  | 'argument'
  | 'connect'
  | 'connection'
  | 'protocol'
  | 'server'
  | 'cancelled'
  | 'timeout'
  | 'unavailable'
  | 'pool';

/** Extra, optional facts an error can carry. */
export interface ImpalaErrorDetails {
  /** `host:port` of the coordinator the error came from, when known. */
  coordinator?: string | undefined;
  /** Impala query id `<hex16>:<hex16>`, when the error belongs to a query. */
  queryId?: string | undefined;
  /** SQLSTATE the server reported (`HY000`, `42000`, `HYC00`...). */
  sqlState?: string | undefined;
  /** The error this one wraps. */
  cause?: unknown;
  /** Overrides the family default. */
  retryable?: boolean | undefined;
}

/**
 * Base class of every error the library throws or rejects with.
 *
 * Match on {@link ImpalaError.code}; `instanceof ImpalaError` also works across two
 * loaded copies of the library (the class checks a global symbol mark).
 */
export class ImpalaError extends Error {
  /** Stable machine-readable code, see {@link ErrorCode}. */
  readonly code: ErrorCodeValue;
  /** Family the code belongs to. */
  readonly family: ErrorFamily;
  /**
   * Whether repeating the same request (on this or another coordinator) can succeed
   * and is safe as far as this error alone tells. Retry policies add what they know
   * about the statement (read-only, idempotent, rows already delivered).
   */
  readonly retryable: boolean;
  /** `host:port` of the coordinator involved, when known. */
  coordinator: string | undefined;
  /** Impala query id, when known. */
  queryId: string | undefined;
  /** SQLSTATE from the server, when any. */
  readonly sqlState: string | undefined;

  constructor(code: ErrorCodeValue, family: ErrorFamily, message: string, retryable: boolean, details: ImpalaErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    this.code = code;
    this.family = family;
    this.retryable = details.retryable ?? retryable;
    this.coordinator = details.coordinator;
    this.queryId = details.queryId;
    this.sqlState = details.sqlState;
    Object.defineProperty(this, MARK, { value: true });
  }

  static override [Symbol.hasInstance](instance: unknown): boolean {
    if (this !== ImpalaError) return Function.prototype[Symbol.hasInstance].call(this, instance);
    return typeof instance === 'object' && instance !== null && (instance as Record<symbol, unknown>)[MARK] === true;
  }
}

/** True when `err` is an {@link ImpalaError} with the given code. */
export function hasCode(err: unknown, code: ErrorCodeValue): err is ImpalaError {
  return err instanceof ImpalaError && err.code === code;
}
