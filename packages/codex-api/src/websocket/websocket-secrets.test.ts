// A canary key on every WebSocket error path: handshake rejections, error frames, response.failed
// and the telemetry hooks never carry the key the client sent.
import { parseResponseItem } from '@codex-ts/protocol';
import {
  failed,
  type ResponsesServer,
  responseCreated,
  startResponsesServer,
  type WsResponseStep,
} from '@codex-ts/responses-server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { staticBearerAuth } from '../auth/auth-provider.js';
import { ApiError } from '../errors/api-error.js';
import { expectNoSecret } from '../test-support/no-secret.js';
import { ResponsesWebsocketClient } from './client.js';
import type { ResponsesWebsocketConnection } from './connection.js';
import type { ResponseCreateWsRequest } from './request.js';
import type { WsEventTelemetryInfo } from './telemetry.js';

const KEY = 'sk-canary-2c9f0e81b7d4a365';

let server: ResponsesServer;
const open: ResponsesWebsocketConnection[] = [];

beforeAll(async () => {
  server = await startResponsesServer();
});
afterAll(async () => {
  await server.close();
});
afterEach(() => {
  for (const connection of open.splice(0)) connection.close();
  server.setWsScenario({ responses: [] });
  server.handshakes.length = 0;
});

function client(events: WsEventTelemetryInfo[] = []): ResponsesWebsocketClient {
  return new ResponsesWebsocketClient({
    provider: {
      name: 'test',
      baseUrl: server.url,
      headers: {},
      retry: {
        maxAttempts: 0,
        baseDelayMs: 1,
        retryOn: { retry429: false, retry5xx: true, retryTransport: true },
      },
      streamIdleTimeoutMs: 5000,
      websocketConnectTimeoutMs: 2000,
    },
    auth: staticBearerAuth(KEY),
    telemetry: { onWsRequest: () => {}, onWsEvent: (info) => events.push(info) },
  });
}

const request: ResponseCreateWsRequest = {
  model: 'gpt-5.5',
  input: [
    parseResponseItem({ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi' }] }),
  ],
  tool_choice: 'auto',
  parallel_tool_calls: false,
  store: false,
  stream: true,
  include: [],
};

async function streamFailure(step: WsResponseStep, events: WsEventTelemetryInfo[] = []): Promise<ApiError> {
  server.setWsScenario({ responses: [step] });
  const connection = await client(events).connect();
  open.push(connection);
  try {
    for await (const _event of await connection.stream(request)) {
      // drain until the error
    }
  } catch (error) {
    expect(ApiError.isInstance(error)).toBe(true);
    return error as ApiError;
  }
  throw new Error('expected the stream to fail');
}

describe('a key echoed over WebSocket never reaches an ApiError', () => {
  it('in a 401 handshake body and x-openai-authorization-error', async () => {
    server.setWsScenario({
      handshakes: [
        {
          kind: 'reject',
          status: 401,
          headers: { 'x-openai-authorization-error': `invalid key ${KEY}` },
          body: JSON.stringify({ error: { message: `Incorrect API key provided: ${KEY}` } }),
        },
      ],
      responses: [],
    });
    const c = client();
    let error: unknown;
    try {
      open.push(await c.connect());
    } catch (caught) {
      error = caught;
    }
    expect(ApiError.isInstance(error)).toBe(true);
    const apiError = error as ApiError;
    expect(apiError.status).toBe(401);
    expect(apiError.message).toMatch(
      /^unexpected status 401 Unauthorized: Incorrect API key provided: \*\*\*, url: .*, auth error: invalid key \*\*\*$/,
    );
    expectNoSecret(apiError, KEY);
    expect(server.handshakes[0]?.headerMap.authorization).toBe(`Bearer ${KEY}`);
    expect(c.redactor.redact(KEY)).toBe('***');
  });

  it('in a wrapped error frame, also in the telemetry report', async () => {
    const events: WsEventTelemetryInfo[] = [];
    const error = await streamFailure(
      {
        errorFrame: {
          status: 401,
          error: { type: 'invalid_request_error', message: `Incorrect API key provided: ${KEY}` },
          headers: { 'x-openai-authorization-error': KEY },
        },
      },
      events,
    );
    expect(error.status).toBe(401);
    expect(error.message).toBe(
      'unexpected status 401 Unauthorized: Incorrect API key provided: ***, auth error: ***',
    );
    expectNoSecret(error, KEY);
    const reported = events.find((e) => e.error !== undefined);
    expect(reported?.kind).toBe('error');
    expectNoSecret(reported?.error, KEY);
  });

  it('in a connection-limit error frame and in response.failed', async () => {
    const limit = await streamFailure({
      errorFrame: {
        status: 400,
        error: { code: 'websocket_connection_limit_reached', message: `limit for ${KEY}` },
      },
    });
    expect(limit.message).toBe('stream disconnected before completion: limit for ***');
    expectNoSecret(limit, KEY);

    const failure = await streamFailure({
      events: [responseCreated('r1'), failed('r1', 'server_error', `revoked ${KEY}`)],
    });
    expect(failure.message).toBe('stream disconnected before completion: revoked ***');
    expectNoSecret(failure, KEY);
  });
});
