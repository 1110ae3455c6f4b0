import * as net from 'node:net';

/** A TCP server that accepts connections and never answers: what a hung or half-dead server looks like from outside. */
export interface BlackHole {
  /** `127.0.0.1:port`. */
  readonly address: string;
  /** Connections accepted so far. */
  readonly accepted: number;
  /** Bytes received (requests that will never be answered). */
  readonly bytesReceived: number;
  stop(): Promise<void>;
}

/** Starts a {@link BlackHole} on a free loopback port. */
export async function startBlackHole(): Promise<BlackHole> {
  const sockets = new Set<net.Socket>();
  let accepted = 0;
  let bytesReceived = 0;
  const server = net.createServer((socket) => {
    accepted++;
    sockets.add(socket);
    socket.on('data', (d: Buffer) => (bytesReceived += d.length));
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    address: `127.0.0.1:${port}`,
    get accepted() {
      return accepted;
    },
    get bytesReceived() {
      return bytesReceived;
    },
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
