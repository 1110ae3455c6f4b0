/** Impala's default gap between the HS2 port (21050) and the debug web UI port (25000). */
const WEB_PORT_OFFSET = 3950;

/**
 * The web UI port a simulated coordinator reports in OpenSession's `http_addr` and
 * Ping's `webserver_address`. Nothing listens there; the value only has to be stable
 * across restarts and different per coordinator, because clients use it to tell
 * coordinators apart behind a load balancer: HS2 port + 3950 (21050 → 25000, as in a
 * default Impala), or − 3950 when that would exceed 65535.
 */
export function webserverPort(hs2Port: number): number {
  return hs2Port + WEB_PORT_OFFSET <= 65535 ? hs2Port + WEB_PORT_OFFSET : hs2Port - WEB_PORT_OFFSET;
}
