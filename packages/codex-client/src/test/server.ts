// A tiny node:http server on 127.0.0.1 for transport tests: it records every request and answers
// through a handler the test writes.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { HttpTransport } from '@codex-ts/client';
import { within } from './wait.js';

/** One request as {@link startServer}'s server received it (after its body ended). */
export interface RecordedRequest {
  method: string;
  url: string;
  rawHeaders: string[];
  body: Buffer;
  remotePort: number | undefined;
}

/** A running {@link startServer} server. */
export interface TestServer {
  /** `http://127.0.0.1:<port>` (no trailing slash). */
  readonly url: string;
  readonly port: number;
  /** Every request received, in arrival order. */
  readonly requests: RecordedRequest[];
  /** Resolves when a connection to the server has closed (after the next close). */
  nextSocketClose(): Promise<void>;
  /** Destroys every open socket and stops listening. */
  close(): Promise<void>;
}

/** Answers one request; `body` is the whole request body. */
export type Handler = (req: IncomingMessage, res: ServerResponse, body: Buffer) => void;

const servers = new Set<TestServer>();

/**
 * Starts a server on 127.0.0.1 (a free port) that records each request, then calls `handler`.
 * Keep-alive connections idle for up to 10 s; {@link closeAllServers} closes every server started.
 */
export async function startServer(handler: Handler): Promise<TestServer> {
  const sockets = new Set<Socket>();
  const requests: RecordedRequest[] = [];
  const closeWaiters: (() => void)[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      requests.push({
        method: req.method ?? '',
        url: req.url ?? '',
        rawHeaders: req.rawHeaders,
        body,
        remotePort: req.socket.remotePort,
      });
      handler(req, res, body);
    });
  });
  server.keepAliveTimeout = 10_000;
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => {
      sockets.delete(socket);
      for (const waiter of closeWaiters.splice(0)) waiter();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const testServer: TestServer = {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    nextSocketClose: () => new Promise<void>((resolve) => closeWaiters.push(resolve)),
    close: async () => {
      servers.delete(testServer);
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  servers.add(testServer);
  return testServer;
}

/** Close every server started by {@link startServer} (call in afterEach). */
export async function closeAllServers(): Promise<void> {
  await Promise.all([...servers].map((server) => server.close()));
}

/**
 * After a test that used a transport per test: closes every {@link startServer} server, then
 * `transport` (bounded: rejects with "transport did not close" after 5 s).
 */
export async function closeServersAndTransport(transport: HttpTransport): Promise<void> {
  await closeAllServers();
  await within(transport.close(), 5_000, 'transport did not close');
}

/** A port on 127.0.0.1 that nothing listens on: bound once, then closed. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
