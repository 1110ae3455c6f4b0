import { channel } from 'node:diagnostics_channel';
import type { ClientEventName, ClientEvents } from './client-events';

const channels = new Map<string, ReturnType<typeof channel>>();

/**
 * Publishes a client event on `node:diagnostics_channel` as `impala-ha:<event>`, so
 * APM tools can observe every client in the process without holding a reference to
 * it. Costs nothing when nobody subscribes.
 */
export function publish<K extends ClientEventName>(name: K, payload: ClientEvents[K][0]): void {
  let ch = channels.get(name);
  if (!ch) {
    ch = channel(`impala-ha:${name}`);
    channels.set(name, ch);
  }
  if (ch.hasSubscribers) ch.publish(payload);
}
