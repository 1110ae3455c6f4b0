/** `code` of the process warning emitted when TLS verification is turned off. */
export const TLS_UNVERIFIED_WARNING = 'IMPALA_HA_TLS_UNVERIFIED';

let emitted = false;

/**
 * Emits one process warning (`process.emitWarning`, code
 * {@link TLS_UNVERIFIED_WARNING}) the first time any client or connection in this
 * process turns TLS certificate verification, or the certificate name check, off:
 * visible in production logs even without `DEBUG`, and not repeated per connection.
 *
 * @param what Which check is off, e.g. `certificate verification (tlsRejectUnauthorized=false)`.
 */
export function warnTlsUnverified(what: string): void {
  if (emitted) return;
  emitted = true;
  process.emitWarning(`impala-ha: TLS ${what} is off: a machine in the network path can pose as an Impala coordinator. Use it only for tests.`, {
    type: 'SecurityWarning',
    code: TLS_UNVERIFIED_WARNING,
  });
}
