export { statementKind, type StatementKind } from './statement-kind';
export { fullJitterDelay, probeDelay } from './backoff';
export { RetryBudget, type RetryBudgetOptions } from './retry-budget';
export { decideRetry, healthSignal, neverSent, type HealthSignal, type RetryContext, type RetryDecision } from './retry-policy';
