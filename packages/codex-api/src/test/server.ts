// One responses server (and HTTP transport) per test file, reset after each test.

import type { ResponsesWebsocketConnection } from '@codex-ts/api';
import { HttpTransport } from '@codex-ts/client';
import { type ResponsesServer, startResponsesServer } from '@codex-ts/responses-server';
import { afterAll, afterEach, beforeEach } from 'vitest';

/** What {@link useResponsesServer} gives a test file. */
export interface ResponsesServerFixture {
  /** The file's responses server on 127.0.0.1. */
  readonly server: ResponsesServer;
  /** An HTTP transport for the file's clients. */
  readonly transport: HttpTransport;
  /** WebSocket connections a test opened: closed after each test. */
  readonly open: ResponsesWebsocketConnection[];
}

/**
 * Starts a responses server (call with top-level `await` in a test file) and registers the
 * file's hooks: after each test the connections in `open` are closed, both scripts emptied and the
 * recorded requests, handshakes and frames cleared; after all tests the transport and the server
 * are closed.
 */
export async function useResponsesServer(): Promise<ResponsesServerFixture> {
  const server = await startResponsesServer();
  const transport = new HttpTransport();
  const open: ResponsesWebsocketConnection[] = [];
  afterEach(() => {
    for (const connection of open.splice(0)) connection.close();
    server.setScenario({ steps: [] });
    server.setWsScenario({ responses: [] });
    server.requests.length = 0;
    server.handshakes.length = 0;
    server.wsFrames.length = 0;
  });
  afterAll(async () => {
    await transport.close();
    await server.close();
  });
  return { server, transport, open };
}

/**
 * Starts an HTTPS responses server with its test CA (`server.caCert`; call with top-level `await`
 * in a test file) for the ChatGPT-backend routes, and registers the file's hooks: before each test
 * the ChatGPT scenario is emptied and the recorded requests cleared; after all tests the server is
 * closed.
 */
export async function useChatgptServer(): Promise<ResponsesServer> {
  const server = await startResponsesServer({ tls: true });
  beforeEach(() => {
    server.setChatgptScenario({});
    server.requests.length = 0;
  });
  afterAll(async () => {
    await server.close();
  });
  return server;
}
