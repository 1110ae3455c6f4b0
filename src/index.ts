/**
 * impala-ha: an Apache Impala client for Node.js that balances, health-checks and
 * fails over between coordinators itself.
 *
 * @packageDocumentation
 */
export * from './errors';
