export { statementKind, describeStatement, type StatementKind } from './statement-kind';
export { fullJitterDelay, probeDelay, refusedProbeDelay } from './backoff';
export { RetryBudget, type RetryBudgetOptions } from './retry-budget';
export { decideRetry, healthSignal, neverSent, retryTarget, type HealthSignal, type RetryContext, type RetryDecision, type RetryTarget } from './retry-policy';
export { runAttempts, type Attempt, type AttemptDeps, type AttemptPlan, type AttemptProgress, type AttemptResult, type AttemptSettings, type AttemptSpec, type CallBounds } from './attempt-loop';
export { systemClock, sleep, settlesWithin, withDeadline, type Clock, type TimerHandle } from './clock';
