/** `host:port` → parts (IPv4 or a name; the benchmarks use loopback only). */
export function hostPort(address: string): { host: string; port: number } {
  const i = address.lastIndexOf(':');
  return { host: address.slice(0, i), port: Number(address.slice(i + 1)) };
}
