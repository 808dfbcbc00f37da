import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import type { Duplex } from 'node:stream';
import { AbortedError } from '@codex-ts/client';
import { collect, until } from '@codex-ts/client/test';
import { parseResponseItem } from '@codex-ts/protocol';
import {
  completed,
  failed,
  outputTextDelta,
  responseCreated,
  textTurn,
  type WsResponseStep,
} from '@codex-ts/responses-server';
import { describe, expect, it } from 'vitest';
import { staticBearerAuth } from '../auth/auth-provider.js';
import { ApiError } from '../errors/api-error.js';
import { ErrorTexts } from '../errors/messages.js';
import type { Provider } from '../provider/provider.js';
import type { ResponseEvent } from '../responses/events.js';
import type { ResponsesApiRequest } from '../responses/request.js';
import { type ResponseStream, ResponsesClient } from '../responses/responses-client.js';
import {
  apiRejection,
  CHATGPT_WS_HANDSHAKE_HEADER_ORDER,
  testProvider,
  testTurnRequest,
  useResponsesServer,
  WS_HANDSHAKE_HEADER_ORDER,
} from '../test/index.js';
import { ResponsesWebsocketClient, type ResponsesWebsocketClientOptions } from './client.js';
import type { ResponsesWebsocketConnection } from './connection.js';
import { WebsocketErrorTexts } from './errors.js';
import type { ResponseCreateWsRequest } from './request.js';
import type { WsEventTelemetryInfo, WsRequestTelemetryInfo } from './telemetry.js';

const { server, open } = await useResponsesServer();

function provider(overrides: Partial<Provider> = {}): Provider {
  return testProvider(server.url, overrides);
}

function client(
  providerOverrides: Partial<Provider> = {},
  options: Partial<ResponsesWebsocketClientOptions> = {},
): ResponsesWebsocketClient {
  return new ResponsesWebsocketClient({
    provider: provider(providerOverrides),
    auth: staticBearerAuth('sk-test'),
    ...options,
  });
}

async function connect(
  c: ResponsesWebsocketClient = client(),
  extraHeaders?: Record<string, string>,
): Promise<ResponsesWebsocketConnection> {
  const connection = await c.connect(extraHeaders ? { extraHeaders } : {});
  open.push(connection);
  return connection;
}

function request(overrides: Partial<ResponseCreateWsRequest> = {}): ResponseCreateWsRequest {
  return testTurnRequest('Say hi.', {
    tools: [],
    client_metadata: { session_id: 'thread-1', thread_id: 'thread-1' },
    ...overrides,
  });
}

/** Collects until the stream throws; returns the events and the ApiError. */
async function collectError(stream: ResponseStream): Promise<{ events: ResponseEvent[]; error: ApiError }> {
  const events: ResponseEvent[] = [];
  try {
    for await (const event of stream) events.push(event);
  } catch (error) {
    expect(ApiError.isInstance(error)).toBe(true);
    return { events, error: error as ApiError };
  }
  throw new Error('the stream ended without an error');
}

function respond(...responses: WsResponseStep[]): void {
  server.setWsScenario({ responses });
}

const turn = (id: string): WsResponseStep => ({ events: textTurn({ responseId: id, text: 'Hello there' }) });

describe('handshake', () => {
  it('connects to ws://…/responses with the query params and the observed header order', async () => {
    const c = client(
      { queryParams: { 'api-version': '2026-01-01' }, headers: { version: '0.169.0', 'x-provider': 'p' } },
      { defaultHeaders: { 'user-agent': 'codex_exec/0.169.0', originator: 'codex_exec' } },
    );
    const connection = await connect(c, {
      'x-codex-turn-metadata': '{"request_kind":"prewarm"}',
      version: '0.169.0',
      'x-codex-beta-features': 'remote_compaction_v2',
      'x-client-request-id': 'thread-1',
      'session-id': 'thread-1',
      'thread-id': 'thread-1',
      'x-codex-window-id': 'thread-1:0',
    });
    const [handshake] = await server.waitForHandshakes(1);
    expect(handshake?.url).toBe('/v1/responses?api-version=2026-01-01');
    expect(handshake?.headers.map(([name]) => name)).toEqual([
      'Host',
      'Connection',
      'Upgrade',
      'Sec-WebSocket-Version',
      'Sec-WebSocket-Key',
      ...WS_HANDSHAKE_HEADER_ORDER,
      'x-provider',
      'sec-websocket-extensions',
    ]);
    expect(handshake?.headerMap).toMatchObject({
      authorization: 'Bearer sk-test',
      'openai-beta': 'responses_websockets=2026-02-06',
      'sec-websocket-extensions': 'permessage-deflate; client_max_window_bits',
      'sec-websocket-version': '13',
      upgrade: 'websocket',
    });
    expect(connection.handshakeHeaders['sec-websocket-extensions']).toContain('permessage-deflate');
    expect(connection.isClosed).toBe(false);
  });

  it('sends chatgpt-account-id before authorization on the upgrade (ChatGPT login, observed-cli-0.169-auth §6)', async () => {
    const c = client(
      { headers: { version: '0.169.0' } },
      {
        auth: { authHeaders: async () => ({ authorization: 'Bearer at-1', 'chatgpt-account-id': 'acct-1' }) },
        defaultHeaders: { 'user-agent': 'codex_exec/0.169.0', originator: 'codex_exec' },
      },
    );
    await connect(c, {
      version: '0.169.0',
      'x-openai-account-routing-override': 'us',
      'x-codex-beta-features': 'remote_compaction_v2',
      'x-client-request-id': 'thread-1',
      'session-id': 'thread-1',
      'thread-id': 'thread-1',
      'x-codex-window-id': 'thread-1:0',
      'x-codex-turn-metadata': '{"request_kind":"prewarm"}',
      'x-codex-routing-hint': 'model=gpt-5.5',
    });
    const [handshake] = await server.waitForHandshakes(1);
    expect(handshake?.headers.map(([name]) => name).slice(5)).toEqual([
      ...CHATGPT_WS_HANDSHAKE_HEADER_ORDER,
      'sec-websocket-extensions',
    ]);
    expect(handshake?.headerMap).toMatchObject({
      authorization: 'Bearer at-1',
      'chatgpt-account-id': 'acct-1',
    });
  });

  it('lets extra headers replace provider headers, auth replace both, and defaults only fill gaps', async () => {
    const c = client(
      { headers: { 'X-Shared': 'provider', authorization: 'Bearer provider', 'openai-beta': 'old' } },
      { defaultHeaders: { originator: 'default', 'user-agent': 'ua' } },
    );
    await connect(c, { 'x-shared': 'extra', originator: 'codex_exec' });
    const [handshake] = await server.waitForHandshakes(1);
    const names = handshake?.headers.map(([name]) => name.toLowerCase()) ?? [];
    // extras keep the caller's order
    expect(names.filter((name) => name === 'originator' || name === 'x-shared')).toEqual([
      'x-shared',
      'originator',
    ]);
    expect(handshake?.headerMap).toMatchObject({
      'x-shared': 'extra',
      originator: 'codex_exec',
      authorization: 'Bearer sk-test',
      'user-agent': 'ua',
      'openai-beta': 'responses_websockets=2026-02-06',
    });
    // originator came from the extras, so it follows openai-beta instead of the default slot
    expect(names.indexOf('openai-beta')).toBeLessThan(names.indexOf('originator'));
  });

  it('maps a rejected upgrade like an HTTP status and keeps the status (426, 401, 500)', async () => {
    server.setWsScenario({
      handshakes: [
        { kind: 'reject', status: 426 },
        {
          kind: 'reject',
          status: 401,
          body: { error: { type: 'invalid_request_error', message: 'Incorrect API key provided.' } },
        },
        { kind: 'reject', status: 500 },
      ],
      responses: [],
    });
    const upgrade = await apiRejection(client().connect());
    expect(upgrade.status).toBe(426);
    expect(upgrade.code).toBe('unexpected_status');
    const unauthorized = await apiRejection(client().connect());
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.message).toBe(
      `unexpected status 401 Unauthorized: Incorrect API key provided., url: ${server.wsUrl}/responses`,
    );
    const internal = await apiRejection(client().connect());
    expect(internal.status).toBe(500);
    expect(internal.code).toBe('internal_server_error');
    expect(internal.message).toBe(
      'We\u2019re currently experiencing high demand, which may cause temporary errors.',
    );
    expect(server.handshakes.map((h) => h.status)).toEqual([426, 401, 500]);
  });

  it('fails with request_timeout when the handshake exceeds websocketConnectTimeoutMs', async () => {
    server.setWsScenario({ handshakes: [{ kind: 'accept', delayMs: 3000 }], responses: [] });
    const error = await apiRejection(client({ websocketConnectTimeoutMs: 100 }).connect());
    expect(error.code).toBe('request_timeout');
    expect(error.message).toBe(ErrorTexts.requestTimeout);
    expect(error.retryable).toBe(true);
  });

  it('fails with connection_failed when the port refuses', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const error = await apiRejection(client({ baseUrl: `http://127.0.0.1:${port}/v1` }).connect());
    expect(error.code).toBe('connection_failed');
    expect(error.message).toMatch(/^Connection failed: .*ECONNREFUSED/);
  });

  it('rejects with aborted when the signal fires during the handshake', async () => {
    server.setWsScenario({ handshakes: [{ kind: 'accept', delayMs: 3000 }], responses: [] });
    const controller = new AbortController();
    const pending = client().connect({ signal: controller.signal });
    await server.waitForHandshakes(1);
    controller.abort();
    const error = await apiRejection(pending);
    expect(error.code).toBe('aborted');
  });

  it('rejects a header value with a line break without sending anything or echoing the value', async () => {
    const error = await apiRejection(client().connect({ extraHeaders: { 'x-bad': 'secret\r\nvalue' } }));
    expect(error.message).toContain('x-bad');
    expect(error.message).not.toContain('secret');
    expect(server.handshakes).toHaveLength(0);
  });
});

describe('handshake errors: credentials, query secrets, status texts', () => {
  it('maps an authHeaders() rejection to the non-retryable auth code without connecting', async () => {
    let calls = 0;
    const cause = new Error('No API key found');
    const error = await apiRejection(
      client(
        {},
        {
          auth: {
            authHeaders: async () => {
              calls++;
              throw cause;
            },
          },
        },
      ).connect(),
    );
    expect(error.code).toBe('auth');
    expect(error.message).toBe('could not get credentials: No API key found');
    expect(error.retryable).toBe(false);
    expect(error.cause).toBe(cause);
    expect(calls).toBe(1);
    expect(server.handshakes).toHaveLength(0);
  });

  it('passes an ApiError from authHeaders() through and maps an abort to aborted', async () => {
    const own = new ApiError('quota_exceeded', 'custom');
    const throwing = (error: unknown) =>
      client(
        {},
        {
          auth: {
            authHeaders: async () => {
              throw error;
            },
          },
        },
      );
    expect(await apiRejection(throwing(own).connect())).toBe(own);
    expect((await apiRejection(throwing(new AbortedError('user')).connect())).code).toBe('aborted');
    const controller = new AbortController();
    const aborting = client(
      {},
      {
        auth: {
          authHeaders: async () => {
            controller.abort('stop');
            throw new Error('interrupted');
          },
        },
      },
    );
    expect((await apiRejection(aborting.connect({ signal: controller.signal }))).code).toBe('aborted');
    expect(server.handshakes).toHaveLength(0);
  });

  it('masks provider query values in a rejected upgrade and in ws\'s "Invalid URL" message', async () => {
    server.setWsScenario({ handshakes: [{ kind: 'reject', status: 404, body: 'gone' }], responses: [] });
    const queryParams = { 'api-version': '2025', key: 'sk-QUERY-SECRET' };
    const rejected = await apiRejection(client({ queryParams }).connect());
    expect(rejected.message).toBe(
      `unexpected status 404 Not Found: gone, url: ${server.wsUrl}/responses?api-version=***&key=***`,
    );
    // `key` names a credential, so its value is a registered secret, masked in `url` too.
    expect(rejected.url).toBe(`${server.wsUrl}/responses?api-version=2025&key=***`);
    expect(server.handshakes[0]?.url).toMatch(/\?api-version=2025&key=sk-QUERY-SECRET$/);

    const invalid = await apiRejection(
      client({ baseUrl: 'http://127.0.0.1:notaport/v1', queryParams }).connect(),
    );
    expect(invalid.message).toBe(
      'stream disconnected before completion: failed to build websocket request: Invalid URL: ws://127.0.0.1:notaport/v1/responses?api-version=***&key=***',
    );
    expect(invalid.message).not.toContain('sk-QUERY-SECRET');
  });

  it('writes the canonical reason phrase, so the WebSocket text matches the HTTP one', async () => {
    // A server that answers both a POST and an upgrade with 401 and a non-standard reason phrase.
    const body = JSON.stringify({ error: { message: 'denied' } });
    const raw = createHttpServer((_req, res) => {
      res.writeHead(401, 'Go Away Now', { 'content-type': 'application/json' });
      res.end(body);
    });
    raw.on('upgrade', (_req, socket: Duplex) => {
      socket.end(
        `HTTP/1.1 401 Go Away Now\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
      );
    });
    await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve));
    try {
      const port = (raw.address() as AddressInfo).port;
      const overrides = { baseUrl: `http://127.0.0.1:${port}/v1`, queryParams: { key: 'sk-QUERY-SECRET' } };
      const ws = await apiRejection(client(overrides).connect());
      const httpClient = new ResponsesClient({
        provider: provider(overrides),
        auth: staticBearerAuth('sk-test'),
      });
      const http = await apiRejection(httpClient.stream(request() as unknown as ResponsesApiRequest));
      await httpClient.close();
      expect(ws.message).toBe(
        `unexpected status 401 Unauthorized: denied, url: ws://127.0.0.1:${port}/v1/responses?key=***`,
      );
      expect(http.message).toBe(
        `unexpected status 401 Unauthorized: denied, url: http://127.0.0.1:${port}/v1/responses?key=***`,
      );
      expect(ws.message.replace('ws://', 'http://')).toBe(http.message);
    } finally {
      raw.closeAllConnections();
      await new Promise<void>((resolve) => raw.close(() => resolve()));
    }
  });
});

describe('stream', () => {
  it('yields handshake events first on every stream, completes, and reuses the socket', async () => {
    server.setWsScenario({
      handshakes: [
        {
          kind: 'accept',
          headers: {
            'openai-model': 'gpt-5.5-server',
            'x-reasoning-included': 'true',
            'x-models-etag': 'etag-hs',
            'x-codex-turn-state': 'ts-hs',
          },
        },
      ],
      responses: [turn('resp_1'), turn('resp_2')],
    });
    const connection = await connect();
    const before = Date.now();
    const first = await collect(await connection.stream(request()));
    expect(first.slice(0, 4)).toEqual([
      { type: 'server_model', model: 'gpt-5.5-server' },
      { type: 'server_reasoning_included', included: true },
      { type: 'models_etag', etag: 'etag-hs' },
      { type: 'turn_state', value: 'ts-hs', source: 'handshake' },
    ]);
    expect(first.at(-1)).toMatchObject({ type: 'completed', responseId: 'resp_1' });
    expect(first.filter((e) => e.type === 'output_text.delta').length).toBeGreaterThan(0);
    expect(connection.isClosed).toBe(false);

    const second = await collect(
      await connection.stream(request({ previous_response_id: 'resp_1', input: [] })),
    );
    expect(second.slice(0, 4).map((e) => e.type)).toEqual([
      'server_model',
      'server_reasoning_included',
      'models_etag',
      'turn_state',
    ]);
    expect(second.at(-1)).toMatchObject({ type: 'completed', responseId: 'resp_2' });
    expect(server.handshakes).toHaveLength(1);
    const frames = server.wsFrames;
    const id = server.handshakes[0]?.connection;
    expect(frames.map((f) => f.connection)).toEqual([id, id]);
    expect(frames.every((f) => !f.binary)).toBe(true);
    const body = frames[0]?.json as Record<string, unknown>;
    expect(Object.keys(body).slice(0, 3)).toEqual(['type', 'model', 'stream']);
    const metadata = body.client_metadata as Record<string, string>;
    expect(Object.keys(metadata)).toEqual(['session_id', 'thread_id', 'x-codex-ws-stream-request-start-ms']);
    const stamp = Number(metadata['x-codex-ws-stream-request-start-ms']);
    expect(stamp).toBeGreaterThanOrEqual(before);
    expect(stamp).toBeLessThanOrEqual(Date.now());
    expect(frames[1]?.json).toMatchObject({ previous_response_id: 'resp_1' });
  });

  it('maps codex.rate_limits, metadata frame headers (turn state, models etag) and response.metadata', async () => {
    respond({
      events: [
        responseCreated('resp_1'),
        {
          type: 'codex.rate_limits',
          plan_type: 'plus',
          rate_limits: { primary: { used_percent: 42.5, window_minutes: 300, reset_at: 1790000000 } },
        },
        {
          type: 'codex.response.metadata',
          headers: { 'x-models-etag': 'etag-1', 'x-codex-turn-state': 'ts_1' },
        },
        { type: 'response.metadata', headers: { 'x-codex-turn-state': 'ts_2' } },
        outputTextDelta('Hi'),
        completed('resp_1'),
      ],
    });
    const connection = await connect();
    const events = await collect(await connection.stream(request()));
    expect(events.map((e) => e.type)).toEqual([
      'created',
      'rate_limits',
      'models_etag',
      'turn_state',
      'output_text.delta',
      'completed',
    ]);
    expect(events[1]).toEqual({
      type: 'rate_limits',
      snapshot: expect.objectContaining({
        limitId: 'codex',
        planType: 'plus',
        primary: { usedPercent: 42.5, windowMinutes: 300, resetsAt: 1790000000 },
      }),
    });
    expect(events[2]).toEqual({ type: 'models_etag', etag: 'etag-1' });
    expect(events[3]).toEqual({ type: 'turn_state', value: 'ts_1', source: 'metadata' });
  });

  it('sends one request at a time: a second stream() waits for the first stream to finish', async () => {
    respond(
      { events: [responseCreated('resp_1'), outputTextDelta('a'), completed('resp_1')], delayMs: 60 },
      turn('resp_2'),
    );
    const connection = await connect();
    const first = await connection.stream(request());
    let secondSettled = false;
    const second = connection.stream(request()).finally(() => {
      secondSettled = true;
    });
    await server.waitForWsFrames(1);
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(secondSettled).toBe(false);
    expect(server.wsFrames).toHaveLength(1);
    expect((await collect(first)).at(-1)).toMatchObject({ type: 'completed', responseId: 'resp_1' });
    const events = await collect(await second);
    expect(events.at(-1)).toMatchObject({ type: 'completed', responseId: 'resp_2' });
    const id = server.handshakes[0]?.connection;
    expect(server.wsFrames.map((f) => f.connection)).toEqual([id, id]);
  });

  it('fails with the idle timeout text when no frame arrives in streamIdleTimeoutMs', async () => {
    respond({ events: [responseCreated('resp_1'), outputTextDelta('a')], stallAfter: 2 });
    const connection = await connect(client({ streamIdleTimeoutMs: 150 }));
    const { events, error } = await collectError(await connection.stream(request()));
    expect(events.map((e) => e.type)).toEqual(['created', 'output_text.delta']);
    expect(error.code).toBe('stream');
    expect(error.retryable).toBe(true);
    expect(error.message).toBe('stream disconnected before completion: idle timeout waiting for websocket');
    expect(connection.isClosed).toBe(true);
  });

  it('fails on a binary frame', async () => {
    respond({ events: [responseCreated('resp_1'), { binary: true }], stallAfter: 2 });
    const connection = await connect();
    const { error } = await collectError(await connection.stream(request()));
    expect(error.message).toBe('stream disconnected before completion: unexpected binary websocket event');
    expect(connection.isClosed).toBe(true);
  });

  it('fails on a close frame before response.completed', async () => {
    respond({ events: [responseCreated('resp_1')], closeAfter: { code: 1000, reason: 'bye' } });
    const connection = await connect();
    const { events, error } = await collectError(await connection.stream(request()));
    expect(events.map((e) => e.type)).toEqual(['created']);
    expect(error.message).toBe(
      'stream disconnected before completion: websocket closed by server before response.completed',
    );
    expect(error.retryable).toBe(true);
    expect(connection.isClosed).toBe(true);
  });

  it('fails when the socket drops (1006) before response.completed', async () => {
    respond({ events: [responseCreated('resp_1'), outputTextDelta('par')], dropAfter: 2 });
    const connection = await connect();
    const { events, error } = await collectError(await connection.stream(request()));
    expect(events.map((e) => e.type)).toEqual(['created', 'output_text.delta']);
    expect(error.message).toBe(
      'stream disconnected before completion: stream closed before response.completed',
    );
    expect(error.code).toBe('stream');
    expect(connection.isClosed).toBe(true);
  });

  it('maps a 429 usage_limit_reached error frame with its embedded rate-limit headers', async () => {
    respond({
      errorFrame: {
        status: 429,
        error: { type: 'usage_limit_reached', message: 'The usage limit has been reached', plan_type: 'pro' },
        headers: {
          'x-codex-primary-used-percent': '100.0',
          'x-codex-primary-window-minutes': 300,
          'x-codex-active-limit': 'codex',
        },
      },
    });
    const connection = await connect();
    const { error } = await collectError(await connection.stream(request()));
    expect(error.code).toBe('usage_limit_reached');
    expect(error.status).toBe(429);
    expect(error.retryable).toBe(false);
    expect(error.planType).toBe('pro');
    expect(error.rateLimits?.primary).toEqual({ usedPercent: 100, windowMinutes: 300 });
    expect(connection.isClosed).toBe(true);
  });

  it('keeps the server message of a 400 error frame, with status or status_code', async () => {
    respond(
      {
        errorFrame: {
          status: 400,
          error: { type: 'invalid_request_error', message: 'Invalid value for tools[0].name.' },
        },
      },
      {
        events: [
          {
            raw: '{"type":"error","status_code":400,"error":{"type":"invalid_request_error","message":"Bad input."}}',
          },
        ],
        stallAfter: 1,
      },
    );
    const first = await connect();
    const a = await collectError(await first.stream(request()));
    expect(a.error.code).toBe('invalid_request');
    expect(a.error.status).toBe(400);
    expect(a.error.message).toContain('Invalid value for tools[0].name.');
    expect(String(a.error)).not.toContain('[object');
    const second = await connect();
    const b = await collectError(await second.stream(request()));
    expect(b.error.code).toBe('invalid_request');
    expect(b.error.message).toContain('Bad input.');
  });

  it('maps a flat error frame and a 500 error frame like HTTP', async () => {
    respond(
      { events: [{ raw: '{"type":"error","status":503,"code":"server_is_overloaded","message":"busy"}' }] },
      { errorFrame: { status: 500, error: { type: 'server_error', message: 'boom' } } },
    );
    const first = await connect();
    expect((await collectError(await first.stream(request()))).error.code).toBe('server_overloaded');
    const second = await connect();
    const { error } = await collectError(await second.stream(request()));
    expect(error.code).toBe('internal_server_error');
    expect(error.message).toBe(
      'We\u2019re currently experiencing high demand, which may cause temporary errors.',
    );
  });

  it('treats websocket_connection_limit_reached and previous_response_not_found as retryable stream errors', async () => {
    respond(
      {
        errorFrame: {
          status: 400,
          error: { type: 'invalid_request_error', code: 'websocket_connection_limit_reached' },
        },
      },
      { events: [{ raw: '{"type":"error","error":{"code":"previous_response_not_found"}}' }], stallAfter: 1 },
    );
    const first = await connect();
    const limit = (await collectError(await first.stream(request()))).error;
    expect(limit.code).toBe('stream');
    expect(limit.retryable).toBe(true);
    expect(limit.message).toBe(
      `stream disconnected before completion: ${WebsocketErrorTexts.connectionLimitReached}`,
    );
    const second = await connect();
    const missing = (await collectError(await second.stream(request()))).error;
    expect(missing.code).toBe('stream');
    expect(missing.message).toBe(
      'stream disconnected before completion: Previous response was not found. Retrying the full request.',
    );
    // The server's own check (unknown previous_response_id): its message is kept.
    const third = await connect();
    const unknown = (await collectError(await third.stream(request({ previous_response_id: 'resp_x' }))))
      .error;
    expect(unknown.code).toBe('stream');
    expect(unknown.retryable).toBe(true);
    expect(unknown.message).toBe(
      "stream disconnected before completion: Previous response with id 'resp_x' not found.",
    );
  });

  it('ignores an error frame without status or known code; the idle timeout still ends the request', async () => {
    respond({
      events: [
        responseCreated('resp_1'),
        { raw: '{"type":"error","error":{"message":"transient"}}' },
        { raw: 'not json' },
      ],
      stallAfter: 3,
    });
    const connection = await connect(client({ streamIdleTimeoutMs: 1000 }));
    const { events, error } = await collectError(await connection.stream(request()));
    expect(events.map((e) => e.type)).toEqual(['created']);
    expect(error.message).toBe('stream disconnected before completion: idle timeout waiting for websocket');
  });

  it('surfaces a terminal error at once and drops the socket although the server never closes it', async () => {
    respond({ errorFrame: { status: 500, error: { type: 'server_error', message: 'boom' } } });
    const connection = await connect(client({ streamIdleTimeoutMs: 60_000 }));
    const started = Date.now();
    const { error } = await collectError(await connection.stream(request()));
    expect(error.status).toBe(500);
    expect(connection.isClosed).toBe(true);
    expect(Date.now() - started).toBeLessThan(10_000); // bounded: well under any close-handshake wait
    const next = await apiRejection(connection.stream(request()));
    expect(next.message).toBe('stream disconnected before completion: websocket connection is closed');
    expect(next.retryable).toBe(true);
  });

  it('maps response.failed like HTTP and drops the socket', async () => {
    respond({ events: [responseCreated('resp_1'), failed('resp_1', 'context_length_exceeded', 'too long')] });
    const connection = await connect();
    const { error } = await collectError(await connection.stream(request()));
    expect(error.code).toBe('context_window_exceeded');
    expect(connection.isClosed).toBe(true);
  });

  it('aborts with ApiError aborted and drops the socket', async () => {
    respond({ events: [responseCreated('resp_1'), outputTextDelta('a')], stallAfter: 2 });
    const connection = await connect();
    const controller = new AbortController();
    const stream = await connection.stream(request(), { signal: controller.signal });
    const iterator = stream[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toEqual({ type: 'created' });
    const pending = iterator.next().then(() => iterator.next());
    controller.abort();
    const error = await apiRejection(pending);
    expect(error.code).toBe('aborted');
    expect(connection.isClosed).toBe(true);
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
  });

  it('rejects stream() with aborted when the signal is already aborted or fires while waiting for the lock', async () => {
    respond({ events: [responseCreated('resp_1')], stallAfter: 1 });
    const connection = await connect();
    const aborted = new AbortController();
    aborted.abort();
    expect((await apiRejection(connection.stream(request(), { signal: aborted.signal }))).code).toBe(
      'aborted',
    );
    const first = await connection.stream(request());
    const controller = new AbortController();
    const waiting = connection.stream(request(), { signal: controller.signal });
    controller.abort();
    expect((await apiRejection(waiting)).code).toBe('aborted');
    await server.waitForWsFrames(1);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(server.wsFrames).toHaveLength(1);
    expect(connection.isClosed).toBe(false);
    // the first stream is unaffected; leaving it early drops the unfinished response
    for await (const event of first) {
      expect(event.type).toBe('created');
      break;
    }
    expect(connection.isClosed).toBe(true);
  });

  it('drops the socket when the consumer breaks out before completed', async () => {
    respond(turn('resp_1'));
    const connection = await connect();
    for await (const event of await connection.stream(request())) {
      if (event.type === 'output_text.delta') break;
    }
    expect(connection.isClosed).toBe(true);
  });

  it('survives a drop, a close frame and an error frame while idle (isClosed, no unhandled rejection)', async () => {
    respond(turn('resp_1'), turn('resp_2'), {
      events: [
        responseCreated('resp_3'),
        completed('resp_3'),
        { type: 'error', status: 400, error: { code: 'websocket_connection_limit_reached' } },
      ],
    });
    const dropped = await connect();
    await collect(await dropped.stream(request()));
    const closedByFrame = await connect();
    await collect(await closedByFrame.stream(request()));
    server.closeAllWebSockets();
    await until(() => dropped.isClosed && closedByFrame.isClosed);

    const again = await connect();
    const events = await collect(await again.stream(request()));
    expect(events.at(-1)).toMatchObject({ type: 'completed', responseId: 'resp_3' });
    await until(() => again.isClosed); // the trailing error frame arrived with no request in flight

    respond(turn('resp_4'));
    const idle = await connect();
    server.closeAllWebSockets(1000, 'going away');
    await until(() => idle.isClosed);
    expect((await apiRejection(idle.stream(request()))).message).toBe(
      'stream disconnected before completion: websocket connection is closed',
    );
  });

  it('reports telemetry per request and per frame', async () => {
    respond(
      { events: [responseCreated('resp_1'), outputTextDelta('a'), completed('resp_1')] },
      { errorFrame: { status: 500, error: { type: 'server_error', message: 'boom' } } },
    );
    const requests: WsRequestTelemetryInfo[] = [];
    const events: WsEventTelemetryInfo[] = [];
    const connection = await connect(
      client(
        {},
        { telemetry: { onWsRequest: (info) => requests.push(info), onWsEvent: (info) => events.push(info) } },
      ),
    );
    await collect(await connection.stream(request()));
    await collectError(await connection.stream(request()));
    expect(requests.map((r) => [r.connectionReused, r.error])).toEqual([
      [false, undefined],
      [true, undefined],
    ]);
    expect(events.map((e) => [e.kind, e.error?.status])).toEqual([
      ['response.created', undefined],
      ['response.output_text.delta', undefined],
      ['response.completed', undefined],
      ['error', 500],
    ]);
    expect(events.every((e) => e.durationMs >= 0)).toBe(true);
  });

  it('pauses the socket while the consumer is far behind without tripping the idle timeout', async () => {
    const count = 10_000;
    const deltas = Array.from({ length: count }, (_, i) => outputTextDelta(String(i)));
    respond({ events: [responseCreated('resp_1'), ...deltas, completed('resp_1')] });
    const connection = await connect(client({ streamIdleTimeoutMs: 150 }));
    const stream = await connection.stream(request());
    const diagnostics = stream as ResponseStream & { pauseCount: number };
    // Nobody consumes: once more than HIGH_WATER (8 192) events are queued the socket is paused.
    await until(() => diagnostics.pauseCount > 0, 15_000);
    expect(diagnostics.pauseCount).toBe(1);
    // Stay paused (the server's frames held back) for several idle timeouts.
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(connection.isClosed).toBe(false);
    const events = await collect(stream);
    expect(events.filter((e) => e.type === 'output_text.delta')).toHaveLength(count);
    expect(events.at(-1)).toMatchObject({ type: 'completed', responseId: 'resp_1' });
    expect(connection.isClosed).toBe(false);
  });

  it('carries large compressed frames both ways (permessage-deflate negotiated)', async () => {
    const big = 'x'.repeat(200_000);
    respond({ events: [responseCreated('resp_1'), outputTextDelta(big), completed('resp_1')] });
    const connection = await connect();
    expect(connection.handshakeHeaders['sec-websocket-extensions']).toMatch(/^permessage-deflate/);
    const events = await collect(
      await connection.stream(
        request({
          input: [
            parseResponseItem({
              type: 'message',
              role: 'user',
              content: [{ type: 'input_text', text: big }],
            }),
          ],
        }),
      ),
    );
    expect(events.find((e) => e.type === 'output_text.delta')).toEqual({
      type: 'output_text.delta',
      delta: big,
    });
    expect(server.wsFrames[0]?.text).toContain(big);
  });
});
