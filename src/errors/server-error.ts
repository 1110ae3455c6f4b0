import { ErrorCode, type ErrorCodeValue } from './codes';
import { ImpalaError, type ImpalaErrorDetails } from './impala-error';

/**
 * An error status returned by the coordinator (TStatus ERROR_STATUS, or an operation
 * that ended in ERROR_STATE). `code` is derived from Impala's message text by
 * the message classifier; `serverMessage` keeps the text as the server sent it.
 */
export class ServerError extends ImpalaError {
  /** The message exactly as the server sent it (may end with newlines). */
  readonly serverMessage: string;
  /** The message without Impala's `Query <id> failed:` wrapper and trailing whitespace. */
  readonly detail: string;

  constructor(code: ErrorCodeValue, detail: string, serverMessage: string, retryable: boolean, details: ImpalaErrorDetails = {}) {
    super(code, 'server', detail === '' ? '(the server sent an empty error message)' : detail, retryable, details);
    this.serverMessage = serverMessage;
    this.detail = detail;
  }
}

interface Rule {
  readonly pattern: RegExp;
  readonly code: ErrorCodeValue;
  /** Whether the same request may succeed if sent again (possibly elsewhere). */
  readonly retryable: boolean | ((detail: string) => boolean);
}

// Order matters: the first match wins. Texts are Impala's (protocol reference §5);
// every pattern is a substring match so a newer server adding context still matches.
const RULES: readonly Rule[] = [
  { pattern: /Server is being shut down/, code: ErrorCode.SERVER_SHUTTING_DOWN, retryable: true },
  { pattern: /Invalid session id/, code: ErrorCode.INVALID_SESSION, retryable: true },
  // `Invalid query handle: <qid>` is the older Beeswax wording.
  { pattern: /Invalid or unknown query handle|Invalid query handle|Query id [0-9a-f]{16}:[0-9a-f]{16} not found/, code: ErrorCode.INVALID_HANDLE, retryable: false },
  { pattern: /Client session expired due to|Session expired due to inactivity|Session closed because it has no active connections|^Session (?:is )?closed\b/, code: ErrorCode.SESSION_EXPIRED, retryable: true },
  { pattern: /Admission for query exceeded timeout/, code: ErrorCode.ADMISSION_TIMEOUT, retryable: true },
  { pattern: /Rejected query from pool/, code: ErrorCode.ADMISSION_REJECTED, retryable: (d) => /queue full/.test(d) },
  { pattern: /expired due to client inactivity|expired due to execution time limit|terminated due to (?:CPU|scan bytes|rows produced) limit/, code: ErrorCode.QUERY_EXPIRED, retryable: false },
  { pattern: /^Cancelled\b|^Cancelled$/m, code: ErrorCode.CANCELLED, retryable: false },
  { pattern: /Memory limit exceeded/i, code: ErrorCode.MEMORY_LIMIT, retryable: false },
  { pattern: /Invalid query option|Invalid value '.*' for '.*' option|Errors parsing query options/, code: ErrorCode.INVALID_QUERY_OPTION, retryable: false },
  { pattern: /Could not resolve table reference|Table does not exist|Database does not exist|Could not resolve path/, code: ErrorCode.OBJECT_NOT_FOUND, retryable: false },
  { pattern: /AnalysisException|ParseException|AuthorizationException|Syntax error|Statement length of \d+ bytes exceeds/, code: ErrorCode.ANALYSIS, retryable: false },
  { pattern: /^Unsupported operation|^Not implemented/, code: ErrorCode.UNSUPPORTED, retryable: false },
];

const WRAPPER = /^Query ([0-9a-f]{16}:[0-9a-f]{16}) failed:\s*/;

/** The result of reading one Impala error message. */
export interface ClassifiedMessage {
  readonly code: ErrorCodeValue;
  readonly retryable: boolean;
  /** Text without the `Query <id> failed:` wrapper and surrounding whitespace. */
  readonly detail: string;
  /** Query id from the wrapper, when present. */
  readonly queryId: string | undefined;
}

/**
 * Reads an Impala error message: strips the 4.5+ `Query <id> failed:` wrapper and
 * trailing newlines, and finds the code. Unknown texts become `IMPALA_ERR_SERVER`.
 */
export function classifyServerMessage(message: string, sqlState?: string): ClassifiedMessage {
  const raw = message ?? '';
  const wrapped = WRAPPER.exec(raw);
  const detail = (wrapped ? raw.slice(wrapped[0].length) : raw).trim();
  for (const rule of RULES) {
    if (rule.pattern.test(detail)) {
      const retryable = typeof rule.retryable === 'function' ? rule.retryable(detail) : rule.retryable;
      return { code: rule.code, retryable, detail, queryId: wrapped?.[1] };
    }
  }
  if (sqlState === '42000') return { code: ErrorCode.ANALYSIS, retryable: false, detail, queryId: wrapped?.[1] };
  if (sqlState === 'HYC00') return { code: ErrorCode.UNSUPPORTED, retryable: false, detail, queryId: wrapped?.[1] };
  return { code: ErrorCode.SERVER, retryable: false, detail, queryId: wrapped?.[1] };
}

/** Builds the {@link ServerError} for a message the server sent. */
export function serverError(message: string, details: ImpalaErrorDetails = {}): ServerError {
  const c = classifyServerMessage(message, details.sqlState);
  return new ServerError(c.code, c.detail, message, c.retryable, { ...details, queryId: details.queryId ?? c.queryId });
}
