// Collectors that never deliver: for "a dead collector never delays exit" tests.
import { createServer, type Socket } from 'node:net';

/** A TCP server on 127.0.0.1 that accepts connections and never answers (nor closes them). */
export interface StallingCollector {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** Connections accepted so far. */
  connections(): number;
  /** Destroys every held connection and stops listening. */
  close(): Promise<void>;
}

/** Starts a {@link StallingCollector}: bytes sent to it are read and ignored. */
export async function startStallingCollector(): Promise<StallingCollector> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server = createServer((socket) => {
    accepted++;
    sockets.add(socket);
    socket.on('data', () => undefined);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    connections: () => accepted,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** `http://127.0.0.1:<port>` of a port that was just free and is closed again (connections are refused). */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
