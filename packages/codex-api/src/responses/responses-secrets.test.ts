// A canary key on every HTTP error path: whatever the server echoes, no error that leaves the
// client (message, cause chain, fields, String(), util.inspect) and no telemetry report holds it.
import { type RequestTelemetryInfo, SecretRedactor } from '@codex-ts/client';
import { expectNoSecret } from '@codex-ts/client/test';
import { userMessage } from '@codex-ts/protocol/test';
import { failed, openAiError, responseCreated, type Step } from '@codex-ts/responses-server';
import { describe, expect, it } from 'vitest';
import { type AuthProvider, staticBearerAuth } from '../auth/auth-provider.js';
import { ApiError } from '../errors/api-error.js';
import type { Provider } from '../provider/provider.js';
import { testProvider, testRequest, useResponsesServer } from '../test/index.js';
import type { ResponsesApiRequest } from './request.js';
import { ResponsesClient, type ResponsesClientOptions } from './responses-client.js';

const KEY = 'sk-canary-7d3e9a41c0b2f658';
const QUERY_KEY = 'qk-canary-18e4b7c2d90a3f56';
const HEADER_KEY = 'hk-canary-5b0c2e7f9a1d4386';

const { server, transport } = await useResponsesServer();

function provider(overrides: Partial<Provider> = {}): Provider {
  return testProvider(server.url, { websocketConnectTimeoutMs: 1000, ...overrides });
}

function client(options: Partial<ResponsesClientOptions> = {}): ResponsesClient {
  return new ResponsesClient({ provider: provider(), auth: staticBearerAuth(KEY), transport, ...options });
}

const body: ResponsesApiRequest = testRequest({ input: [userMessage('hi')], parallel_tool_calls: false });

async function failure(c: ResponsesClient, steps: Step[]): Promise<ApiError> {
  server.setScenario({ steps });
  try {
    const stream = await c.stream(body);
    for await (const _event of stream) {
      // drain until the error
    }
  } catch (error) {
    expect(ApiError.isInstance(error)).toBe(true);
    return error as ApiError;
  }
  throw new Error('expected the request to fail');
}

describe('a key echoed by the server never reaches an ApiError', () => {
  it.each([
    [
      '401 body and x-openai-authorization-error',
      {
        kind: 'error',
        status: 401,
        headers: { 'x-openai-authorization-error': `invalid key ${KEY}` },
        body: openAiError('invalid_request_error', 'invalid_api_key', `Incorrect API key provided: ${KEY}.`),
      },
      'unexpected status 401 Unauthorized: Incorrect API key provided: ***.',
    ],
    [
      '400 body',
      { kind: 'error', status: 400, body: openAiError('invalid_request_error', null, `bad key ${KEY}`) },
      `{"error":{"type":"invalid_request_error","code":null,"message":"bad key ***"}}`,
    ],
    [
      '502 text body',
      { kind: 'error', status: 502, body: `upstream rejected Bearer ${KEY}` },
      'upstream rejected ***,',
    ],
  ] as Array<[string, Step, string]>)('%s', async (_name, step, shown) => {
    const error = await failure(client(), [step]);
    expect(error.message).toContain(shown);
    expect(error.message).toContain('***');
    expectNoSecret(error, KEY);
    expect(error.status).toBe((step as { status: number }).status);
    // The request itself did carry the key.
    expect(server.requests[0]?.headerMap.authorization).toBe(`Bearer ${KEY}`);
  });

  it('in a response.failed message', async () => {
    const error = await failure(client(), [
      {
        kind: 'sse',
        events: [responseCreated('r1'), failed('r1', 'server_error', `the key ${KEY} was revoked`)],
      },
    ]);
    expect(error.code).toBe('stream');
    expect(error.message).toBe('stream disconnected before completion: the key *** was revoked');
    expectNoSecret(error, KEY);
  });

  it('in a credential-named query parameter and provider header', async () => {
    const c = client({
      provider: provider({ queryParams: { 'api-key': QUERY_KEY }, headers: { 'x-api-key': HEADER_KEY } }),
      auth: { authHeaders: async () => ({}) },
    });
    const error = await failure(c, [
      { kind: 'error', status: 403, body: `keys ${QUERY_KEY} and ${HEADER_KEY} are not allowed` },
    ]);
    expect(error.message).toMatch(/^unexpected status 403 Forbidden: keys \*\*\* and \*\*\* are not allowed/);
    expect(error.url).toBe(`${server.url}/responses?api-key=***`);
    expectNoSecret(error, QUERY_KEY, HEADER_KEY);
    expect(server.requests[0]?.url).toContain(QUERY_KEY);
  });

  it('in an authHeaders() rejection that quotes a token sent before', async () => {
    let calls = 0;
    const auth: AuthProvider = {
      authHeaders: async () => {
        if (++calls === 1) return { authorization: `Bearer ${KEY}` };
        throw new Error(`refresh failed for token ${KEY}`);
      },
      unauthorizedRecovery: () => {
        let used = false;
        return {
          mode: 'managed',
          hasNext: () => !used,
          next: async () => {
            used = true;
            return { step: 'reload', authChanged: false, refreshed: false };
          },
        };
      },
    };
    const error = await failure(client({ auth }), [{ kind: 'error', status: 401, body: 'no' }]);
    expect(error.code).toBe('auth');
    expect(error.message).toBe('could not get credentials: refresh failed for token ***');
    expectNoSecret(error, KEY);
  });

  it('in the HttpStatusError given to requestTelemetry, and uses a shared redactor', async () => {
    const reports: RequestTelemetryInfo[] = [];
    const redactor = new SecretRedactor();
    const c = client({ redactor, requestTelemetry: { onRequest: (info) => reports.push(info) } });
    expect(c.redactor).toBe(redactor);
    await failure(c, [{ kind: 'error', status: 401, body: `Incorrect API key provided: ${KEY}` }]);
    expect(reports).toHaveLength(1);
    const reported = reports[0]?.error as { body?: string } | undefined;
    expect(reported?.body).toBe('Incorrect API key provided: ***');
    expectNoSecret(reported, KEY);
    // What the client sent is registered: the caller can redact its own output with it.
    expect(redactor.redact(`Bearer ${KEY}`)).toBe('***');
  });

  it('leaves an error without a secret untouched', async () => {
    const error = await failure(client(), [{ kind: 'error', status: 404, body: 'nope' }]);
    expect(error.message).toBe(`unexpected status 404 Not Found: nope, url: ${server.url}/responses`);
  });
});
