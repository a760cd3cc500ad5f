import { AddressInfo, createConnection, createServer, Server, Socket } from 'node:net';

/**
 * A TCP pass-through on 127.0.0.1 in front of a real server, so a spec can simulate that server
 * going away (and coming back) without touching the one other spec files share.
 */
export interface TcpProxy {
  /** The port the proxy listens on. */
  readonly port: number;
  /** Simulates an outage: every open connection is reset and new ones are refused at once. */
  cut(): void;
  /** Ends the outage: new connections reach the server again. */
  restore(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let down = false;
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    // A reset peer is what the outage is about; it must not become an uncaught error.
    socket.on('error', () => socket.destroy());
  };
  const server: Server = createServer((client) => {
    track(client);
    if (down) {
      // The listener stays bound (the port must not be taken by another process meanwhile), so a
      // refusal is an immediate reset rather than ECONNREFUSED.
      client.resetAndDestroy();
      return;
    }
    const upstream = createConnection(target);
    track(upstream);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    cut() {
      down = true;
      for (const socket of sockets) socket.resetAndDestroy();
      sockets.clear();
    },
    restore() {
      down = false;
    },
    async close() {
      down = true;
      for (const socket of sockets) socket.destroy();
      sockets.clear();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
