import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AbortedError } from '@codex-ts/client';
import {
  assistantMessage,
  completed,
  failed,
  incomplete,
  openAiError,
  outputTextDelta,
  responseCreated,
  type Step,
  startResponsesServer,
  textTurn,
} from '@codex-ts/responses-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthProvider, staticBearerAuth, type UnauthorizedRecovery } from '../auth/auth-provider.js';
import { ApiError } from '../errors/api-error.js';
import type { Provider } from '../provider/provider.js';
import { testProvider, testTurnRequest, useResponsesServer } from '../test/index.js';
import type { ResponseEvent } from './events.js';
import type { ResponsesApiRequest } from './request.js';
import { type ResponseStream, ResponsesClient } from './responses-client.js';

const { server, transport } = await useResponsesServer();

function provider(overrides: Partial<Provider> = {}): Provider {
  return testProvider(server.url, {
    retry: { maxAttempts: 4 },
    websocketConnectTimeoutMs: 1000,
    ...overrides,
  });
}

function request(overrides: Partial<ResponsesApiRequest> = {}): ResponsesApiRequest {
  return testTurnRequest('Say hello.', { client_metadata: { session_id: 'thread-1' }, ...overrides });
}

function client(
  options: { provider?: Provider; auth?: AuthProvider; defaultHeaders?: Record<string, string> } = {},
) {
  return new ResponsesClient({
    provider: options.provider ?? provider(),
    auth: options.auth ?? staticBearerAuth('sk-test'),
    transport,
    defaultHeaders: options.defaultHeaders ?? {
      originator: 'codex_exec',
      'user-agent': 'codex_exec/0.169.0',
    },
  });
}

async function collect(stream: ResponseStream): Promise<{ events: ResponseEvent[]; error: unknown }> {
  const events: ResponseEvent[] = [];
  try {
    for await (const event of stream) events.push(event);
    return { events, error: undefined };
  } catch (error) {
    return { events, error };
  }
}

async function run(steps: Step[], options: Parameters<typeof client>[0] = {}) {
  server.setScenario({ steps });
  const stream = await client(options).stream(request());
  return collect(stream);
}

async function rejection(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    if (ApiError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

const nonHeaderEvents = (events: ResponseEvent[]) => events.filter((e) => e.type !== 'rate_limits');

describe('request (§3.1, observed §3)', () => {
  it('sends the body in 0.169.0 key order and the headers in observed order', async () => {
    server.setScenario({
      steps: [{ kind: 'sse', events: textTurn({ responseId: 'resp_1', text: 'Hello' }) }],
    });
    const c = new ResponsesClient({
      provider: provider({ headers: { version: '0.169.0' }, queryParams: { 'api-version': '2025-04-01' } }),
      auth: staticBearerAuth('sk-test'),
      transport,
      defaultHeaders: {
        originator: 'codex_exec',
        'user-agent': 'codex_exec/0.169.0',
        'x-codex-turn-state': 'never',
      },
    });
    const stream = await c.stream(request({ instructions: 'Be brief.' }), {
      extraHeaders: { 'x-codex-turn-state': 'ts-1', 'session-id': 'thread-1' },
    });
    await collect(stream);
    const [recorded] = server.requests;
    expect(recorded?.method).toBe('POST');
    expect(recorded?.url).toBe('/v1/responses?api-version=2025-04-01');
    // observed-cli-0.169.md §3: ours in order, then host and content-length, no connection
    expect(recorded?.headers.map(([name]) => name.toLowerCase())).toEqual([
      'version',
      'x-codex-turn-state',
      'session-id',
      'accept',
      'content-type',
      'authorization',
      'originator',
      'user-agent',
      'host',
      'content-length',
    ]);
    expect(recorded?.headerMap).toMatchObject({
      version: '0.169.0',
      'x-codex-turn-state': 'ts-1',
      accept: 'text/event-stream',
      'content-type': 'application/json',
      authorization: 'Bearer sk-test',
      originator: 'codex_exec',
    });
    expect(recorded?.body).toBe(
      '{"model":"gpt-5.5","instructions":"Be brief.","stream":true,"input":[{"type":"message","role":"user","content":[{"type":"input_text","text":"Say hello."}]}],' +
        '"tool_choice":"auto","parallel_tool_calls":true,"reasoning":{"effort":"medium"},"store":false,' +
        '"include":["reasoning.encrypted_content"],"prompt_cache_key":"thread-1","text":{"verbosity":"low"},"client_metadata":{"session_id":"thread-1"}}',
    );
  });

  it('retries a 500 with byte-identical requests and fetches auth per attempt', async () => {
    let calls = 0;
    const auth: AuthProvider = {
      authHeaders: async () => {
        calls++;
        return { authorization: 'Bearer sk-test' };
      },
    };
    const { events, error } = await run(
      [
        { kind: 'error', status: 500 },
        { kind: 'error', status: 502 },
        { kind: 'sse', events: textTurn({ responseId: 'r', text: 'ok' }) },
      ],
      { auth },
    );
    expect(error).toBeUndefined();
    expect(events.at(-1)).toMatchObject({ type: 'completed', responseId: 'r' });
    expect(server.requests).toHaveLength(3);
    expect(calls).toBe(3);
    const [a, b, c] = server.requests;
    expect(b?.bodyBytes.equals(a?.bodyBytes as Buffer)).toBe(true);
    expect(c?.bodyBytes.equals(a?.bodyBytes as Buffer)).toBe(true);
    expect(b?.headers).toEqual(a?.headers);
    expect(c?.headers).toEqual(a?.headers);
  });

  it('gives up after maxAttempts + 1 tries of a 500 with the high-demand text', async () => {
    server.setScenario({ steps: [{ kind: 'error', status: 500 }], repeatLast: true });
    const error = await rejection(client().stream(request()));
    expect(server.requests).toHaveLength(5);
    expect(error.code).toBe('internal_server_error');
    expect(error.message).toBe('We’re currently experiencing high demand, which may cause temporary errors.');
    expect(error.retryable).toBe(true);
  });

  it('never retries a 429 at the transport level; honours retry-after within the cap', async () => {
    server.setScenario({
      steps: [
        {
          kind: 'error',
          status: 429,
          headers: { 'retry-after': '2' },
          body: openAiError('requests', 'rate_limit_exceeded', 'Rate limit reached. Please try again in 2s.'),
        },
        {
          kind: 'error',
          status: 429,
          body: openAiError('requests', 'rate_limit_exceeded', 'Rate limit reached.'),
        },
        {
          kind: 'error',
          status: 429,
          headers: { 'retry-after': '120', 'x-request-id': 'req_9' },
          body: openAiError('requests', 'rate_limit_exceeded', 'x'),
        },
      ],
    });
    const first = await rejection(client().stream(request()));
    expect(server.requests).toHaveLength(1);
    expect(first.code).toBe('retry_limit');
    expect(first.message).toBe('exceeded retry limit, last status: 429 Too Many Requests');
    expect(first.retryDelayMs).toBe(2000);
    expect(first.retryable).toBe(true);
    const second = await rejection(client().stream(request()));
    expect(second.retryDelayMs).toBeUndefined();
    expect(second.retryable).toBe(false);
    const third = await rejection(client().stream(request()));
    expect(third.message).toBe('exceeded retry limit, last status: 429 Too Many Requests, request id: req_9');
    expect(third.retryDelayMs).toBeUndefined();
  });
});

describe('HTTP status mapping', () => {
  const cases: Array<[string, Step, string, string | RegExp]> = [
    [
      '429 insufficient_quota (0.169.0)',
      {
        kind: 'error',
        status: 429,
        body: openAiError('insufficient_quota', 'insufficient_quota', 'You exceeded your current quota'),
      },
      'quota_exceeded',
      'Quota exceeded. Check your plan and billing details.',
    ],
    [
      '429 usage_not_included',
      { kind: 'error', status: 429, body: { error: { type: 'usage_not_included', message: 'x' } } },
      'usage_not_included',
      'To use Codex with your ChatGPT plan, upgrade to Plus: https://chatgpt.com/explore/plus.',
    ],
    [
      '429 usage_limit_reached (plus)',
      {
        kind: 'error',
        status: 429,
        body: { error: { type: 'usage_limit_reached', plan_type: 'plus', message: 'x' } },
      },
      'usage_limit_reached',
      'You’ve hit your usage limit. Upgrade to Pro (https://chatgpt.com/explore/pro), visit https://chatgpt.com/settings/usage to purchase more credits or try again later.',
    ],
    [
      '503 server_is_overloaded',
      { kind: 'error', status: 503, body: openAiError('server_error', 'server_is_overloaded', 'busy') },
      'server_overloaded',
      'Selected model is at capacity. Please try a different model.',
    ],
    [
      '400 cyber_policy',
      { kind: 'error', status: 400, body: openAiError('invalid_request_error', 'cyber_policy', '') },
      'cyber_policy',
      'This request has been flagged for possible cybersecurity risk.',
    ],
    [
      '403 misalignment_policy_violation',
      {
        kind: 'error',
        status: 403,
        body: openAiError('invalid_request_error', 'misalignment_policy_violation', 'Blocked.'),
      },
      'misalignment_policy_violation',
      'Blocked.',
    ],
    [
      '400 invalid image',
      {
        kind: 'error',
        status: 400,
        body: openAiError(
          'invalid_request_error',
          null,
          'The image data you provided does not represent a valid image.',
        ),
      },
      'invalid_image_request',
      'Image poisoning',
    ],
    ['400 other', { kind: 'error', status: 400, body: 'bad body' }, 'invalid_request', 'bad body'],
    [
      '401 with JSON message',
      {
        kind: 'error',
        status: 401,
        body: openAiError('invalid_request_error', 'invalid_api_key', 'Incorrect API key provided.'),
      },
      'unexpected_status',
      /^unexpected status 401 Unauthorized: Incorrect API key provided\., url: http:\/\/127\.0\.0\.1:\d+\/v1\/responses$/,
    ],
    [
      '404 with ids',
      {
        kind: 'error',
        status: 404,
        headers: {
          'cf-ray': 'ray-1',
          'x-oai-request-id': 'oai-1',
          'x-openai-authorization-error': 'denied',
          'x-error-json': Buffer.from('{"error":{"code":"no_access"}}').toString('base64'),
        },
        body: '  not found  ',
      },
      'unexpected_status',
      /^unexpected status 404 Not Found: not found, url: http:\/\/127\.0\.0\.1:\d+\/v1\/responses, cf-ray: ray-1, request id: oai-1, auth error: denied, auth error code: no_access$/,
    ],
    [
      '403 Cloudflare',
      { kind: 'error', status: 403, body: '<html>Cloudflare: you have been blocked</html>' },
      'unexpected_status',
      /^Access blocked by Cloudflare\. This usually happens when connecting from a restricted region \(status 403 Forbidden\), url: /,
    ],
    [
      '418 empty body',
      { kind: 'error', status: 418, body: '' },
      'unexpected_status',
      /^unexpected status 418 I'm a Teapot: Unknown error, url: /i,
    ],
    [
      '413 long body',
      { kind: 'error', status: 413, body: 'x'.repeat(1500) },
      'unexpected_status',
      new RegExp(`^unexpected status 413 Payload Too Large: ${'x'.repeat(1000)}\\.\\.\\., url: `),
    ],
  ];
  it.each(cases)('%s', async (_name, step, code, message) => {
    server.setScenario({ steps: [step], repeatLast: true });
    const error = await rejection(client().stream(request()));
    expect(error.code).toBe(code);
    if (typeof message === 'string') expect(error.message).toBe(message);
    else expect(error.message).toMatch(message);
    expect(error.message).not.toContain('sk-test');
    // 5xx are retried by the transport (maxAttempts 4 → 5 tries); nothing else is
    expect(server.requests).toHaveLength(step.kind === 'error' && step.status >= 500 ? 5 : 1);
  });
});

describe('secrets in provider query params', () => {
  it('masks query values in the message, credential ones in error.url, and leaves a URL without a query as is', async () => {
    server.setScenario({ steps: [{ kind: 'error', status: 404, body: 'nope' }], repeatLast: true });
    const queryParams = { 'api-version': '2025-04-01', key: 'sk-QUERY-SECRET' };
    const error = await rejection(client({ provider: provider({ queryParams }) }).stream(request()));
    expect(error.code).toBe('unexpected_status');
    expect(error.message).toBe(
      `unexpected status 404 Not Found: nope, url: ${server.url}/responses?api-version=***&key=***`,
    );
    expect(error.message).not.toContain('sk-QUERY-SECRET');
    expect(error.message).not.toContain('2025-04-01');
    // `key` names a credential, so its value is a registered secret, masked in `url` too.
    expect(error.url).toBe(`${server.url}/responses?api-version=2025-04-01&key=***`);
    expect(server.requests[0]?.url).toMatch(/\?api-version=2025-04-01&key=sk-QUERY-SECRET$/);

    const plain = await rejection(client().stream(request()));
    expect(plain.message).toBe(`unexpected status 404 Not Found: nope, url: ${server.url}/responses`);
  });
});

describe('AuthProvider rejections', () => {
  it('fail with the non-retryable auth code, without sending or retrying', async () => {
    server.setScenario({ steps: [{ kind: 'sse', events: [completed('r')] }], repeatLast: true });
    let calls = 0;
    const cause = new Error('No API key found; set OPENAI_API_KEY');
    const auth: AuthProvider = {
      authHeaders: async () => {
        calls++;
        throw cause;
      },
    };
    const error = await rejection(client({ auth }).stream(request()));
    expect(error.code).toBe('auth');
    expect(error.message).toBe('could not get credentials: No API key found; set OPENAI_API_KEY');
    expect(error.retryable).toBe(false);
    expect(error.cause).toBe(cause);
    expect(calls).toBe(1);
    expect(server.requests).toHaveLength(0);
  });

  it('fail with auth after a 401 refresh whose next authHeaders() rejects', async () => {
    let calls = 0;
    const auth: AuthProvider = {
      authHeaders: async () => {
        if (++calls > 1) throw new Error('token refresh failed');
        return { authorization: 'Bearer old' };
      },
      unauthorizedRecovery: () => recoveryOf(1),
    };
    server.setScenario({
      steps: [
        { kind: 'error', status: 401, body: openAiError('invalid_request_error', 'invalid_api_key', 'x') },
      ],
    });
    const error = await rejection(client({ auth }).stream(request()));
    expect([error.code, error.message]).toEqual(['auth', 'could not get credentials: token refresh failed']);
    expect(server.requests).toHaveLength(1);
  });

  it('pass an ApiError through and map an abort to aborted', async () => {
    const own = new ApiError('usage_not_included', 'custom');
    const passed = await rejection(
      client({
        auth: {
          authHeaders: async () => {
            throw own;
          },
        },
      }).stream(request()),
    );
    expect(passed).toBe(own);

    const aborted = await rejection(
      client({
        auth: {
          authHeaders: async () => {
            throw new AbortedError('user');
          },
        },
      }).stream(request()),
    );
    expect(aborted.code).toBe('aborted');

    const domAbort = await rejection(
      client({
        auth: {
          authHeaders: async () => {
            throw new DOMException('This operation was aborted', 'AbortError');
          },
        },
      }).stream(request()),
    );
    expect(domAbort.code).toBe('aborted');

    const controller = new AbortController();
    const whileAborting = await rejection(
      client({
        auth: {
          authHeaders: async () => {
            controller.abort('stop');
            throw new Error('interrupted');
          },
        },
      }).stream(request(), { signal: controller.signal }),
    );
    expect(whileAborting.code).toBe('aborted');
    expect(server.requests).toHaveLength(0);
  });
});

/** An UnauthorizedRecovery of `steps` steps, each running `onStep` (which may throw). */
function recoveryOf(steps: number, onStep: () => void = () => {}): UnauthorizedRecovery {
  let left = steps;
  return {
    mode: 'managed',
    hasNext: () => left > 0,
    next: async () => {
      left--;
      onStep();
      return { step: 'refresh_token', authChanged: true, refreshed: true };
    },
  };
}

describe('401 and unauthorizedRecovery', () => {
  const unauthorized: Step = {
    kind: 'error',
    status: 401,
    body: openAiError('invalid_request_error', 'invalid_api_key', 'Incorrect API key provided.'),
  };

  it('resends with fresh credentials after a recovery step', async () => {
    let token = 'old';
    let refreshes = 0;
    const auth: AuthProvider = {
      authHeaders: async () => ({ authorization: `Bearer ${token}` }),
      unauthorizedRecovery: () =>
        recoveryOf(2, () => {
          refreshes++;
          token = 'new';
        }),
    };
    const { events, error } = await run(
      [unauthorized, { kind: 'sse', events: textTurn({ responseId: 'r', text: 'hi' }) }],
      { auth },
    );
    expect(error).toBeUndefined();
    expect(events.at(-1)?.type).toBe('completed');
    expect(refreshes).toBe(1);
    expect(server.requests.map((r) => r.headerMap.authorization)).toEqual(['Bearer old', 'Bearer new']);
  });

  it('runs every step of one recovery, one per 401, then maps the 401', async () => {
    let steps = 0;
    let recoveries = 0;
    const auth: AuthProvider = {
      authHeaders: async () => ({ authorization: 'Bearer x' }),
      unauthorizedRecovery: () => {
        recoveries++;
        return recoveryOf(2, () => steps++);
      },
    };
    server.setScenario({ steps: [unauthorized], repeatLast: true });
    const error = await rejection(client({ auth }).stream(request()));
    expect(error.code).toBe('unexpected_status');
    expect([recoveries, steps]).toEqual([1, 2]);
    expect(server.requests).toHaveLength(3);
  });

  it('is final when the recovery has no step', async () => {
    const auth: AuthProvider = {
      authHeaders: async () => ({ authorization: 'Bearer x' }),
      unauthorizedRecovery: () => recoveryOf(0),
    };
    server.setScenario({ steps: [unauthorized], repeatLast: true });
    const error = await rejection(client({ auth }).stream(request()));
    expect(error.code).toBe('unexpected_status');
    expect(server.requests).toHaveLength(1);
  });

  it('hands each 401, mapped and redacted, to hasNext() and next()', async () => {
    const seen: (ApiError | undefined)[] = [];
    const auth: AuthProvider = {
      authHeaders: async () => ({ authorization: 'Bearer sk-secret-token-1234' }),
      unauthorizedRecovery: () => {
        const inner = recoveryOf(1);
        return {
          mode: inner.mode,
          hasNext: (unauthorized) => {
            seen.push(unauthorized);
            return inner.hasNext();
          },
          next: async (signal, unauthorized) => {
            seen.push(unauthorized);
            return inner.next(signal);
          },
        };
      },
    };
    const echo: Step = {
      kind: 'error',
      status: 401,
      headers: { 'x-request-id': 'req-401', 'x-openai-authorization-error': 'bad sk-secret-token-1234' },
      body: openAiError('invalid_request_error', 'invalid_api_key', 'Incorrect API key sk-secret-token-1234'),
    };
    server.setScenario({ steps: [echo], repeatLast: true });
    const error = await rejection(client({ auth }).stream(request()));
    expect(error.code).toBe('unexpected_status');
    // 1st 401: hasNext + next; 2nd 401: hasNext (false).
    expect(seen.map((e) => [e?.status, e?.requestId])).toEqual([
      [401, 'req-401'],
      [401, 'req-401'],
      [401, 'req-401'],
    ]);
    expect(seen[0]?.headers['x-openai-authorization-error']).toBe('bad ***');
    expect(JSON.stringify(seen.map((e) => [e?.message, e?.body]))).not.toContain('sk-secret');
  });

  it('rejects with the error of a failed step, passing an ApiError through', async () => {
    const permanent = new ApiError('refresh_token_failed', 'Your access token could not be refreshed.');
    const auth: AuthProvider = {
      authHeaders: async () => ({ authorization: 'Bearer x' }),
      unauthorizedRecovery: () =>
        recoveryOf(1, () => {
          throw permanent;
        }),
    };
    server.setScenario({ steps: [unauthorized], repeatLast: true });
    const error = await rejection(client({ auth }).stream(request()));
    expect([error.code, error.message, error.retryable]).toEqual([
      'refresh_token_failed',
      'Your access token could not be refreshed.',
      false,
    ]);
    expect(server.requests).toHaveLength(1);
  });
});

describe('event stream', () => {
  it('emits header events first, then mapped events, skipping junk', async () => {
    server.setScenario({
      steps: [
        {
          kind: 'sse',
          headers: {
            'openai-model': 'gpt-5.5-server',
            'x-codex-primary-used-percent': '12.5',
            'x-codex-primary-window-minutes': '300',
            'x-codex-other-primary-used-percent': '50',
            'x-codex-alpha-secondary-used-percent': '1',
            'x-codex-alpha-primary-used-percent': '2',
            'x-codex-credits-has-credits': 'true',
            'x-codex-credits-unlimited': 'false',
            'x-models-etag': ' etag-1 ',
            'x-reasoning-included': 'false',
            'x-codex-turn-state': 'ts-abc',
            'x-request-id': 'req_123',
          },
          events: [
            { raw: ': keep-alive comment\n\n' },
            responseCreated('resp_1'),
            { raw: 'data: not json\n\n' },
            { raw: 'event: response.output_text.delta\n\n' },
            { type: 'response.in_progress', response: { id: 'resp_1' } },
            { type: 'response.reasoning_summary_part.added', summary_index: 0 },
            { type: 'response.reasoning_summary_text.delta', delta: '**Plan**', summary_index: 0 },
            {
              type: 'response.reasoning_summary_text.done',
              item_id: 'rs_1',
              text: '**Plan**',
              summary_index: 0,
            },
            { type: 'response.reasoning_text.delta', delta: 'raw', content_index: 0 },
            {
              type: 'response.custom_tool_call_input.delta',
              delta: '*** Begin',
              item_id: 'ctc_1',
              call_id: 'call_1',
            },
            { data: { type: 'response.output_text.delta', delta: 'Hel' }, event: 'misleading' },
            { raw: 'data: {"type":"response.output_text.delta",\ndata: "delta":"lo"}\n\n' },
            { type: 'response.brand_new_event', foo: 1 },
            {
              type: 'response.output_item.done',
              item: {
                type: 'message',
                role: 'assistant',
                id: 'msg_1',
                content: [{ type: 'output_text', text: 'Hello' }],
              },
            },
            completed('resp_1', {
              input_tokens: 10,
              input_tokens_details: { cached_tokens: 4 },
              output_tokens: 2,
              output_tokens_details: { reasoning_tokens: 1 },
              total_tokens: 12,
            }),
          ],
        },
      ],
    });
    const stream = await client().stream(request());
    expect(stream.requestId).toBe('req_123');
    expect(stream.headers['x-codex-turn-state']).toBe('ts-abc');
    const { events, error } = await collect(stream);
    expect(error).toBeUndefined();
    expect(events.slice(0, 8)).toEqual([
      { type: 'server_model', model: 'gpt-5.5-server' },
      {
        type: 'rate_limits',
        snapshot: {
          limitId: 'codex',
          primary: { usedPercent: 12.5, windowMinutes: 300 },
          credits: { hasCredits: true, unlimited: false },
        },
      },
      {
        type: 'rate_limits',
        snapshot: {
          limitId: 'codex_alpha',
          primary: { usedPercent: 2 },
          secondary: { usedPercent: 1 },
          credits: { hasCredits: true, unlimited: false },
        },
      },
      {
        type: 'rate_limits',
        snapshot: {
          limitId: 'codex_other',
          primary: { usedPercent: 50 },
          credits: { hasCredits: true, unlimited: false },
        },
      },
      { type: 'models_etag', etag: 'etag-1' },
      { type: 'server_reasoning_included', included: true },
      { type: 'turn_state', value: 'ts-abc', source: 'response' },
      { type: 'created' },
    ]);
    expect(events.slice(8)).toEqual([
      { type: 'reasoning_summary_part.added', summaryIndex: 0 },
      { type: 'reasoning_summary_text.delta', delta: '**Plan**', summaryIndex: 0 },
      { type: 'reasoning_summary_text.done', itemId: 'rs_1', text: '**Plan**', summaryIndex: 0 },
      { type: 'reasoning_text.delta', delta: 'raw', contentIndex: 0 },
      { type: 'tool_call_input.delta', itemId: 'ctc_1', callId: 'call_1', delta: '*** Begin' },
      { type: 'output_text.delta', delta: 'Hel' },
      { type: 'output_text.delta', delta: 'lo' },
      expect.objectContaining({ type: 'output_item.done', item: expect.objectContaining({ id: 'msg_1' }) }),
      {
        type: 'completed',
        responseId: 'resp_1',
        endTurn: undefined,
        tokenUsage: {
          inputTokens: 10,
          cachedInputTokens: 4,
          cacheWriteInputTokens: 0,
          outputTokens: 2,
          reasoningOutputTokens: 1,
          totalTokens: 12,
        },
      },
    ]);
  });

  it('always emits the default rate-limit family, even without headers', async () => {
    const { events } = await run([{ kind: 'sse', events: [completed('r')] }]);
    expect(events).toEqual([
      { type: 'rate_limits', snapshot: { limitId: 'codex' } },
      expect.objectContaining({ type: 'completed', responseId: 'r' }),
    ]);
  });

  it('decodes events split across byte-sized chunks', async () => {
    const { events, error } = await run([
      {
        kind: 'sse',
        chunking: 'byte',
        events: [
          outputTextDelta('héllo ✓'),
          { raw: 'data: {"type":"response.output_text.delta","delta":"x"}\r\n\r\n' },
          completed('r'),
        ],
      },
    ]);
    expect(error).toBeUndefined();
    expect(nonHeaderEvents(events).map((e) => (e.type === 'output_text.delta' ? e.delta : e.type))).toEqual([
      'héllo ✓',
      'x',
      'completed',
    ]);
  });

  it('ends at response.completed without waiting for the socket', async () => {
    const { events, error } = await run(
      [
        {
          kind: 'sse',
          stallAfter: 2,
          events: [outputTextDelta('a'), completed('r'), outputTextDelta('never')],
        },
      ],
      {
        provider: provider({ streamIdleTimeoutMs: 60_000 }),
      },
    );
    expect(error).toBeUndefined();
    expect(nonHeaderEvents(events).map((e) => e.type)).toEqual(['output_text.delta', 'completed']);
  });

  it('reports EOF without completed', async () => {
    const { events, error } = await run([
      { kind: 'sse', events: [responseCreated('r'), outputTextDelta('partial')] },
    ]);
    expect(nonHeaderEvents(events).map((e) => e.type)).toEqual(['created', 'output_text.delta']);
    expect(ApiError.isInstance(error) && error.code).toBe('stream');
    expect((error as Error).message).toBe(
      'stream disconnected before completion: stream closed before response.completed',
    );
  });

  it('surfaces a stored response.failed at EOF after later events', async () => {
    const { events, error } = await run([
      {
        kind: 'sse',
        events: [
          responseCreated('r'),
          failed('r', 'rate_limit_exceeded', 'Rate limit reached for gpt-5.5. Please try again in 1.5s.'),
          outputTextDelta('late'),
        ],
      },
    ]);
    expect(nonHeaderEvents(events).map((e) => e.type)).toEqual(['created', 'output_text.delta']);
    expect(ApiError.isInstance(error) && error.code).toBe('rate_limit_exceeded');
    expect((error as ApiError).message).toBe(
      'rate limit exceeded: Rate limit reached for gpt-5.5. Please try again in 1.5s.',
    );
    expect((error as ApiError).retryDelayMs).toBe(1500);
  });

  const failedCases: Array<[string, string, string]> = [
    ['insufficient_quota', 'quota_exceeded', 'Quota exceeded. Check your plan and billing details.'],
    [
      'context_length_exceeded',
      'context_window_exceeded',
      "Codex ran out of room in the model's context window. Start a new thread or clear earlier history before retrying.",
    ],
    [
      'server_is_overloaded',
      'server_overloaded',
      'Selected model is at capacity. Please try a different model.',
    ],
    ['server_error', 'stream', 'stream disconnected before completion: An error occurred.'],
  ];
  it.each(failedCases)('response.failed %s → %s', async (code, apiCode, message) => {
    const { error } = await run([{ kind: 'sse', events: [failed('r', code, 'An error occurred.')] }]);
    expect(ApiError.isInstance(error) && error.code).toBe(apiCode);
    expect((error as Error).message).toBe(message);
  });

  it('maps response.incomplete to a non-retryable error after the items before it (0.169.0 §13)', async () => {
    const { events, error } = await run([
      {
        kind: 'sse',
        events: [
          responseCreated('r'),
          assistantMessage('m1', 'Partial answer'),
          incomplete('r', 'content_filter'),
        ],
      },
    ]);
    expect(events.filter((e) => e.type === 'output_item.done')).toHaveLength(1);
    expect(ApiError.isInstance(error) && error.code).toBe('response_incomplete');
    expect((error as ApiError).retryable).toBe(false);
    expect((error as Error).message).toBe('Incomplete response returned, reason: content_filter');
  });

  it('times out a stalled stream', async () => {
    const { events, error } = await run(
      [{ kind: 'sse', stallAfter: 1, events: [outputTextDelta('a'), completed('r')] }],
      {
        provider: provider({ streamIdleTimeoutMs: 150 }),
      },
    );
    expect(nonHeaderEvents(events).map((e) => e.type)).toEqual(['output_text.delta']);
    expect(ApiError.isInstance(error) && error.code).toBe('stream');
    expect((error as Error).message).toBe(
      'stream disconnected before completion: idle timeout waiting for SSE',
    );
  });

  it('prefers the idle timeout over a stored failure when the server keeps the connection open', async () => {
    const { error } = await run(
      [{ kind: 'sse', stallAfter: 1, events: [failed('r', 'insufficient_quota', 'x'), completed('r')] }],
      {
        provider: provider({ streamIdleTimeoutMs: 150 }),
      },
    );
    expect((error as Error).message).toBe(
      'stream disconnected before completion: idle timeout waiting for SSE',
    );
  });

  it('reports a connection dropped mid-body', async () => {
    const { events, error } = await run([
      { kind: 'sse', dropAfter: 1, events: [outputTextDelta('a'), outputTextDelta('b'), completed('r')] },
    ]);
    expect(nonHeaderEvents(events).map((e) => e.type)).toEqual(['output_text.delta']);
    expect(ApiError.isInstance(error) && error.code).toBe('stream');
    expect((error as Error).message).toBe(
      'stream disconnected before completion: Transport error: network error: error decoding response body',
    );
  });

  it('aborts mid-stream promptly with ApiError aborted', async () => {
    server.setScenario({
      steps: [{ kind: 'sse', stallAfter: 1, events: [outputTextDelta('a'), completed('r')] }],
    });
    const controller = new AbortController();
    const stream = await client({ provider: provider({ streamIdleTimeoutMs: 60_000 }) }).stream(request(), {
      signal: controller.signal,
    });
    const events: ResponseEvent[] = [];
    const started = Date.now();
    let caught: unknown;
    try {
      for await (const event of stream) {
        events.push(event);
        if (event.type === 'output_text.delta') setTimeout(() => controller.abort(), 20);
      }
    } catch (error) {
      caught = error;
    }
    expect(Date.now() - started).toBeLessThan(5000);
    expect(ApiError.isInstance(caught) && caught.code).toBe('aborted');
    expect(nonHeaderEvents(events).map((e) => e.type)).toEqual(['output_text.delta']);
  });

  it('aborts a request that never gets headers', async () => {
    server.setScenario({ steps: [{ kind: 'hang' }] });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const error = await rejection(client().stream(request(), { signal: controller.signal }));
    expect(error.code).toBe('aborted');
  });

  it('rejects at once with an already-aborted signal', async () => {
    server.setScenario({ steps: [{ kind: 'sse', events: [completed('r')] }] });
    const error = await rejection(client().stream(request(), { signal: AbortSignal.abort() }));
    expect(error.code).toBe('aborted');
    expect(server.requests).toHaveLength(0);
  });

  it('maps a refused connection to connection_failed after transport retries', async () => {
    const closed = await startResponsesServer();
    const url = closed.url;
    await closed.close();
    const error = await rejection(client({ provider: provider({ baseUrl: url }) }).stream(request()));
    expect(error.code).toBe('connection_failed');
    expect(error.message).toMatch(/^Connection failed: /);
  });
});

describe('leaving early', () => {
  let plain: Server;
  let closes = 0;
  let baseUrl = '';
  beforeAll(async () => {
    plain = createServer((req, res) => {
      req.resume();
      res.on('close', () => {
        closes++;
      });
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(`data: ${JSON.stringify({ type: 'response.output_text.delta', delta: 'a' })}\n\n`);
      // then stall forever: only the client can end this
    });
    await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(plain.address() as AddressInfo).port}/v1`;
  });
  afterAll(async () => {
    plain.closeAllConnections();
    await new Promise((resolve) => plain.close(resolve));
  });

  it('closes the connection when the consumer breaks out of for await', async () => {
    const stream = await client({ provider: provider({ baseUrl, streamIdleTimeoutMs: 60_000 }) }).stream(
      request(),
    );
    for await (const event of stream) {
      if (event.type === 'output_text.delta') break;
    }
    const deadline = Date.now() + 5000;
    while (closes === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(closes).toBe(1);
  });
});

describe('telemetry and pacing', () => {
  it('reports each HTTP attempt and each SSE event', async () => {
    const attempts: Array<number | undefined> = [];
    const sse: string[] = [];
    server.setScenario({
      steps: [
        { kind: 'error', status: 503 },
        { kind: 'sse', events: [outputTextDelta('a'), { raw: 'data: junk\n\n' }, completed('r')] },
      ],
    });
    const c = new ResponsesClient({
      provider: provider(),
      auth: staticBearerAuth('sk-test'),
      transport,
      requestTelemetry: { onRequest: (info) => attempts.push(info.status) },
      sseTelemetry: {
        onSseEvent: (info) =>
          sse.push(info.event ? info.event.data.slice(0, 12) : `error:${info.error?.code}`),
      },
    });
    const { error } = await collect(await c.stream(request()));
    expect(error).toBeUndefined();
    expect(attempts).toEqual([503, 200]);
    expect(sse).toEqual(['{"type":"res', 'junk', '{"type":"res']);
  });

  it('reports the idle timeout to SSE telemetry', async () => {
    const sse: string[] = [];
    server.setScenario({ steps: [{ kind: 'sse', stallAfter: 0, events: [completed('r')] }] });
    const c = new ResponsesClient({
      provider: provider({ streamIdleTimeoutMs: 100 }),
      auth: staticBearerAuth('sk-test'),
      transport,
      sseTelemetry: { onSseEvent: (info) => sse.push(info.event ? 'event' : `error:${info.error?.code}`) },
    });
    const { error } = await collect(await c.stream(request()));
    expect((error as Error).message).toBe(
      'stream disconnected before completion: idle timeout waiting for SSE',
    );
    expect(sse).toEqual(['error:stream']);
  });

  it('does not count the consumer’s own pauses against the idle timeout', async () => {
    server.setScenario({
      steps: [
        {
          kind: 'sse',
          events: [outputTextDelta('a'), outputTextDelta('b'), { ...completed('r'), delayMs: 50 }],
        },
      ],
    });
    const stream = await client({ provider: provider({ streamIdleTimeoutMs: 150 }) }).stream(request());
    const seen: string[] = [];
    for await (const event of stream) {
      seen.push(event.type);
      if (event.type === 'output_text.delta') await new Promise((r) => setTimeout(r, 120));
    }
    expect(seen.filter((t) => t !== 'rate_limits')).toEqual([
      'output_text.delta',
      'output_text.delta',
      'completed',
    ]);
  });

  it('stops handing out already-received events once aborted', async () => {
    const body = Array.from(
      { length: 50 },
      (_, i) => `data: ${JSON.stringify(outputTextDelta(`d${i}`))}\n\n`,
    ).join('');
    server.setScenario({ steps: [{ kind: 'sse', stallAfter: 1, events: [{ raw: body }, completed('r')] }] });
    const controller = new AbortController();
    const stream = await client({ provider: provider({ streamIdleTimeoutMs: 60_000 }) }).stream(request(), {
      signal: controller.signal,
    });
    let deltas = 0;
    let caught: unknown;
    try {
      for await (const event of stream) {
        if (event.type !== 'output_text.delta') continue;
        deltas++;
        if (deltas === 3) controller.abort();
      }
    } catch (error) {
      caught = error;
    }
    expect(ApiError.isInstance(caught) && caught.code).toBe('aborted');
    expect(deltas).toBe(3);
  });

  it('ignores events after response.completed in the same chunk', async () => {
    const raw = [completed('r'), outputTextDelta('after')]
      .map((e) => `data: ${JSON.stringify(e)}\n\n`)
      .join('');
    const { events, error } = await run([{ kind: 'sse', events: [{ raw }] }]);
    expect(error).toBeUndefined();
    expect(nonHeaderEvents(events).map((e) => e.type)).toEqual(['completed']);
  });

  it('can be iterated only once', async () => {
    server.setScenario({ steps: [{ kind: 'sse', events: [completed('r')] }] });
    const stream = await client().stream(request());
    await collect(stream);
    expect(() => stream[Symbol.asyncIterator]()).toThrow(/only once/);
  });
});
