import { resolveOptions } from '../connection-string';
import type { ClientOptions } from '../connection-string/options';
import { ImpalaClient } from './impala-client';

/**
 * Creates a client from a connection string (`impala://`, `impalas://`,
 * `jdbc:impala://`, `jdbc:hive2://`, or `host:port,host:port`), an options object,
 * or — with no argument — the `IMPALA_URL` environment variable.
 *
 * Nothing connects until the first call (unless `minIdlePerCoordinator` > 0).
 *
 * @throws ConfigError naming the option at fault and what is accepted.
 */
export function createClient(config?: string | ClientOptions): ImpalaClient {
  return new ImpalaClient(resolveOptions(config));
}
