import type { HealthState } from './health-state';

/** Fields every event carries. */
export interface EventBase {
  /** When it happened. */
  readonly time: Date;
  /** `host:port` of the coordinator concerned. */
  readonly coordinator: string;
}

/** A coordinator became selectable again (after `rise` successful probes). */
export interface CoordinatorUpEvent extends EventBase {
  readonly previous: HealthState;
  readonly reason: string;
}

/** A coordinator stopped taking new work. `error` is what marked it down. */
export interface CoordinatorDownEvent extends EventBase {
  readonly previous: HealthState;
  readonly reason: string;
  readonly error: Error | undefined;
}

/** A coordinator answered `Server is being shut down`: running work finishes, nothing new is sent. */
export interface CoordinatorDrainingEvent extends EventBase {
  readonly previous: HealthState;
  readonly reason: string;
}

/** A pooled connection (socket + HS2 session) was opened. */
export interface ConnectionCreatedEvent extends EventBase {
  readonly connectionId: number;
  /** Impala's printed session id. */
  readonly sessionId: string;
  /** Time to connect and open the session, in ms. */
  readonly durationMs: number;
}

/** Why a pooled connection was closed. */
export type ConnectionCloseReason = 'idle' | 'lifetime' | 'stale' | 'error' | 'validationFailed' | 'poolClosed';

/** A pooled connection was closed (its session closed on the server when reachable). */
export interface ConnectionClosedEvent extends EventBase {
  readonly connectionId: number;
  readonly reason: ConnectionCloseReason;
}

/** An idle connection was checked before being lent. */
export interface ConnectionValidatedEvent extends EventBase {
  readonly connectionId: number;
  /** `ping` = PingImpalaHS2Service answered; `reattached` = the socket had been cut and a new one now carries the same HS2 session. */
  readonly how: 'ping' | 'reattached';
  readonly idleMs: number;
}

/** A request is being sent again after a failure judged safe to retry. */
export interface RetriedEvent extends EventBase {
  /** The attempt about to start (2 for the first retry). */
  readonly attempt: number;
  /** Delay before this attempt, in ms. */
  readonly delayMs: number;
  /** The failure being retried. */
  readonly error: Error;
  readonly reason: string;
}

/** A retried request went to a different coordinator than the one that failed. */
export interface FailedOverEvent extends EventBase {
  /** The coordinator that failed. */
  readonly from: string;
  readonly error: Error;
}

/** A pinned session was reopened on another coordinator and its state replayed. */
export interface SessionReopenedEvent extends EventBase {
  /** The coordinator the session was lost on. */
  readonly from: string;
  readonly sessionId: string;
}

/** Every connection of a coordinator became stale (its generation moved on). */
export interface PoolClearedEvent extends EventBase {
  readonly generation: number;
  readonly reason: string;
}

/** The client's events and their payloads. */
export interface ClientEvents {
  coordinatorUp: [CoordinatorUpEvent];
  coordinatorDown: [CoordinatorDownEvent];
  coordinatorDraining: [CoordinatorDrainingEvent];
  connectionCreated: [ConnectionCreatedEvent];
  connectionClosed: [ConnectionClosedEvent];
  connectionValidated: [ConnectionValidatedEvent];
  retried: [RetriedEvent];
  failedOver: [FailedOverEvent];
  sessionReopened: [SessionReopenedEvent];
  poolCleared: [PoolClearedEvent];
}

/** Name of a client event. */
export type ClientEventName = keyof ClientEvents;
