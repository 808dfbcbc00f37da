// A canary key on every WebSocket error path: handshake rejections, error frames, response.failed
// and the telemetry hooks never carry the key the client sent.
import { expectNoSecret } from '@codex-ts/client/test';
import { userMessage } from '@codex-ts/protocol/test';
import { failed, responseCreated, type WsResponseStep } from '@codex-ts/responses-server';
import { describe, expect, it } from 'vitest';
import { staticBearerAuth } from '../auth/auth-provider.js';
import { ApiError } from '../errors/api-error.js';
import { testProvider, testRequest, useResponsesServer } from '../test/index.js';
import { ResponsesWebsocketClient } from './client.js';
import type { ResponseCreateWsRequest } from './request.js';
import type { WsEventTelemetryInfo } from './telemetry.js';

const KEY = 'sk-canary-2c9f0e81b7d4a365';

const { server, open } = await useResponsesServer();

function client(events: WsEventTelemetryInfo[] = []): ResponsesWebsocketClient {
  return new ResponsesWebsocketClient({
    provider: testProvider(server.url),
    auth: staticBearerAuth(KEY),
    telemetry: { onWsRequest: () => {}, onWsEvent: (info) => events.push(info) },
  });
}

const request: ResponseCreateWsRequest = testRequest({
  input: [userMessage('hi')],
  parallel_tool_calls: false,
});

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
