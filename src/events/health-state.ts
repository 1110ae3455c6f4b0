/**
 * Health states of a coordinator:
 * - `up`: takes new work;
 * - `suspect`: had timeouts (fewer than `fall`); still takes work;
 * - `down`: takes no new work; probed with backoff until `rise` probes in a row succeed;
 * - `draining`: in graceful shutdown; what runs there finishes, nothing new is sent.
 *
 * Defined with the events (whose payloads carry it) so every layer that reports
 * events, the attempt loop in `retry/` included, can name it without importing
 * `health/`, which sits above `retry/`.
 */
export type HealthState = 'up' | 'suspect' | 'down' | 'draining';
