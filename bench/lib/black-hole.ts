import * as net from 'node:net';

/**
 * A TCP server that accepts every connection and never answers: what a coordinator
 * whose process is stopped mid-accept, a wedged accept queue or a firewall that
 * swallows replies looks like to a client. Sockets are kept (not read) until stop.
 */
export interface BlackHole {
  /** `127.0.0.1:<port>`. */
  readonly address: string;
  /** Connections accepted so far. */
  readonly accepted: number;
  stop(): Promise<void>;
}

/** Starts a {@link BlackHole} on a free loopback port. */
export async function startBlackHole(): Promise<BlackHole> {
  const sockets = new Set<net.Socket>();
  let accepted = 0;
  const server = net.createServer({ pauseOnConnect: true }, (socket) => {
    accepted++;
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;
  return {
    address: `127.0.0.1:${port}`,
    get accepted() {
      return accepted;
    },
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
