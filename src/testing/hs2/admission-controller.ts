import { admissionTimeoutText, queueFullText, queuedReasonText } from './impala-messages';

/** Limits of the simulated admission pool (Impala's `default-pool`). */
export interface AdmissionLimits {
  /** Queries admitted at the same time; more wait in the queue. */
  maxRunning: number;
  /** Queries allowed to wait; one more is rejected with `queue full`. */
  maxQueued: number;
  /** How long a query may wait before it fails with Impala's admission timeout text, in ms. */
  queueTimeoutMs: number;
}

/** Why a query was not admitted; `message` is Impala's text. */
export class AdmissionFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AdmissionFailure';
  }
}

type TicketState = 'new' | 'queued' | 'admitted' | 'done';

/** One query's place in admission control. */
export class AdmissionTicket {
  state: TicketState = 'new';
  /** Set while (and after) the query waited; GetLog and GetExecSummary show it. */
  queuedReason: string | undefined;
  timer: NodeJS.Timeout | undefined;
  resolve: () => void = () => undefined;
  reject: (err: Error) => void = () => undefined;
}

/**
 * A single admission pool with a running-queries limit, a bounded queue and a queue
 * timeout, producing Impala's texts (protocol reference §5.2–5.4). Without limits
 * every query is admitted at once. Queued queries are admitted in FIFO order as
 * slots free up.
 *
 * @internal
 */
export class AdmissionController {
  #limits: AdmissionLimits | undefined;
  #running = 0;
  readonly #queue: AdmissionTicket[] = [];

  /** Queries admitted and not yet released. */
  get running(): number {
    return this.#running;
  }

  /** Queries waiting. */
  get queued(): number {
    return this.#queue.length;
  }

  /** Replaces the limits (`undefined` = unlimited) and admits whatever now fits. */
  setLimits(limits: AdmissionLimits | undefined): void {
    this.#limits = limits;
    this.#drain();
  }

  /** Resolves when the ticket is admitted; rejects with {@link AdmissionFailure}. */
  admit(ticket: AdmissionTicket): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      ticket.resolve = resolve;
      ticket.reject = reject;
      const limits = this.#limits;
      if (limits === undefined || (this.#running < limits.maxRunning && this.#queue.length === 0)) {
        this.#grant(ticket);
        return;
      }
      if (this.#queue.length >= limits.maxQueued) {
        ticket.state = 'done';
        reject(new AdmissionFailure(queueFullText(limits.maxQueued, this.#queue.length)));
        return;
      }
      ticket.state = 'queued';
      ticket.queuedReason = queuedReasonText(this.#running, limits.maxRunning);
      this.#queue.push(ticket);
      const timeoutMs = limits.queueTimeoutMs;
      ticket.timer = setTimeout(() => {
        this.#remove(ticket);
        ticket.state = 'done';
        ticket.reject(new AdmissionFailure(admissionTimeoutText(timeoutMs, ticket.queuedReason ?? '')));
      }, timeoutMs);
      ticket.timer.unref();
    });
  }

  /** Gives back an admitted slot, or withdraws a queued ticket (its promise rejects with `reason`). */
  release(ticket: AdmissionTicket, reason?: Error): void {
    if (ticket.state === 'admitted') {
      ticket.state = 'done';
      this.#running--;
      this.#drain();
    } else if (ticket.state === 'queued') {
      this.#remove(ticket);
      ticket.state = 'done';
      ticket.reject(reason ?? new AdmissionFailure('withdrawn'));
    }
  }

  /** Fails every queued ticket and forgets all slots (coordinator killed). */
  dispose(): void {
    for (const t of this.#queue.splice(0)) {
      clearTimeout(t.timer);
      t.state = 'done';
      t.reject(new AdmissionFailure('coordinator stopped'));
    }
    this.#running = 0;
  }

  #grant(ticket: AdmissionTicket): void {
    clearTimeout(ticket.timer);
    ticket.timer = undefined;
    ticket.state = 'admitted';
    this.#running++;
    ticket.resolve();
  }

  #remove(ticket: AdmissionTicket): void {
    clearTimeout(ticket.timer);
    ticket.timer = undefined;
    const i = this.#queue.indexOf(ticket);
    if (i >= 0) this.#queue.splice(i, 1);
  }

  #drain(): void {
    for (;;) {
      const next = this.#queue[0];
      if (next === undefined) return;
      if (this.#limits !== undefined && this.#running >= this.#limits.maxRunning) {
        // Keep the reason current for GetLog while the ticket waits.
        for (const t of this.#queue) t.queuedReason = queuedReasonText(this.#running, this.#limits.maxRunning);
        return;
      }
      this.#queue.shift();
      this.#grant(next);
    }
  }
}
