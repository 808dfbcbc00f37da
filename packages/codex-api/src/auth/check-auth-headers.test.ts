// Auth headers that cannot be sent fail at once with the non-retryable `auth` code, over HTTP and
// WebSocket, and nothing reaches the server.
import { userMessage } from '@codex-ts/protocol/test';
import { completed } from '@codex-ts/responses-server';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../errors/api-error.js';
import type { Provider } from '../provider/provider.js';
import type { ResponsesApiRequest } from '../responses/request.js';
import { ResponsesClient } from '../responses/responses-client.js';
import { testProvider, testRequest, useResponsesServer } from '../test/index.js';
import { ResponsesWebsocketClient } from '../websocket/client.js';
import type { AuthProvider } from './auth-provider.js';

const KEY = 'sk-test-SECRET-0123';

const { server, transport } = await useResponsesServer();

function provider(): Provider {
  return testProvider(server.url, { retry: { maxAttempts: 4 }, websocketConnectTimeoutMs: 1000 });
}

/** An AuthProvider returning `headers`, counting its calls. */
function auth(headers: Record<string, string>): AuthProvider & { calls: number } {
  const counter = {
    calls: 0,
    authHeaders: async () => {
      counter.calls++;
      return { ...headers };
    },
  };
  return counter;
}

async function rejection(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(ApiError.isInstance(error)).toBe(true);
  return error as ApiError;
}

function request(): ResponsesApiRequest {
  return testRequest({ input: [userMessage('hi')] });
}

// U+20AC is above U+00FF (undici and ws refuse it); CR/LF would split the header.
const UNSENDABLE = [`Bearer ${KEY}\u20ac`, `Bearer ${KEY}\r\nx-injected: 1`, `Bearer ${KEY}\u0000`];

describe('auth headers that cannot be sent', () => {
  it('fail an HTTP request with auth, at once, without sending or retrying', async () => {
    server.setScenario({ steps: [{ kind: 'sse', events: [completed('r')] }], repeatLast: true });
    for (const value of UNSENDABLE) {
      const provide = auth({ authorization: value });
      const client = new ResponsesClient({ provider: provider(), auth: provide, transport });
      const error = await rejection(client.stream(request()));
      expect([error.code, error.retryable]).toEqual(['auth', false]);
      expect(error.message).toBe(
        'could not get credentials: the `authorization` header from the auth provider contains a character that cannot be sent in an HTTP header',
      );
      expect(JSON.stringify({ ...error, message: error.message })).not.toContain(KEY);
      expect(provide.calls).toBe(1);
    }
    expect(server.requests).toHaveLength(0);
  });

  it('fail a WebSocket handshake with auth, without connecting', async () => {
    const cases: Record<string, string>[] = [{ authorization: UNSENDABLE[0] as string }, { 'bad name': 'x' }];
    for (const headers of cases) {
      const client = new ResponsesWebsocketClient({ provider: provider(), auth: auth(headers) });
      const error = await rejection(client.connect());
      expect([error.code, error.retryable]).toEqual(['auth', false]);
      expect(error.message).toMatch(/^could not get credentials: .*(authorization|header name)/);
      expect(error.message).not.toContain(KEY);
    }
    expect(server.handshakes).toHaveLength(0);
  });

  it('still sends Latin-1 values and valid headers unchanged', async () => {
    server.setScenario({ steps: [{ kind: 'sse', events: [completed('r')] }] });
    const client = new ResponsesClient({
      provider: provider(),
      auth: auth({ authorization: `Bearer ${KEY}`, 'chatgpt-account-id': 'acct\u00e4' }),
      transport,
    });
    const stream = await client.stream(request());
    for await (const _ of stream) {
      // drain
    }
    expect(server.requests[0]?.headerMap.authorization).toBe(`Bearer ${KEY}`);
    expect(server.requests[0]?.headerMap['chatgpt-account-id']).toBe('acct\u00e4');
  });
});
