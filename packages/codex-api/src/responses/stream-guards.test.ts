/**
 * ResponsesClient guards before the body is read: the wait for response headers is bounded by the
 * stream idle timeout, and a 2xx that is not an event stream is refused (issue 6, items 3 and 7a).
 */
import { completed, responseCreated } from '@codex-ts/responses-server';
import { describe, expect, it } from 'vitest';
import { staticBearerAuth } from '../auth/auth-provider.js';
import { ApiError } from '../errors/api-error.js';
import { ErrorTexts } from '../errors/messages.js';
import type { Provider } from '../provider/provider.js';
import { testProvider, testRequest, useResponsesServer } from '../test/index.js';
import { isEventStreamContentType } from './content-type.js';
import type { ResponsesApiRequest } from './request.js';
import { ResponsesClient } from './responses-client.js';

const { server, transport } = await useResponsesServer();

function client(overrides: Partial<Provider> = {}): ResponsesClient {
  return new ResponsesClient({
    provider: testProvider(server.url, {
      retry: { maxAttempts: 4 },
      websocketConnectTimeoutMs: 1_000,
      ...overrides,
    }),
    auth: staticBearerAuth('sk-test'),
    transport,
  });
}

const request: ResponsesApiRequest = testRequest();

/** The ApiError `promise` rejects with; fails the test if it resolves or takes over `ms`. */
async function rejection(promise: Promise<unknown>, ms = 5_000): Promise<ApiError> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`still pending after ${ms} ms`)), ms);
  });
  try {
    await Promise.race([promise, deadline]);
  } catch (error) {
    if (ApiError.isInstance(error)) return error;
    throw error;
  } finally {
    clearTimeout(timer);
  }
  throw new Error('expected a rejection');
}

describe('time to response headers', () => {
  it('fails a request the server accepts and never answers with a retryable stream error', async () => {
    server.setScenario({ steps: [{ kind: 'hang' }] });
    const error = await rejection(client({ streamIdleTimeoutMs: 150 }).stream(request));
    expect(error.code).toBe('stream');
    expect(error.message).toBe(`stream disconnected before completion: ${ErrorTexts.headersTimeout}`);
    expect(error.message).toBe(
      'stream disconnected before completion: idle timeout waiting for response headers',
    );
    expect(error.retryable).toBe(true);
    // A stream error is left to the turn loop: the transport retry does not send it again.
    expect(server.requests).toHaveLength(1);
  });

  it('fails the same way when a transport retry (after a 500) is the attempt that hangs', async () => {
    server.setScenario({ steps: [{ kind: 'error', status: 500 }, { kind: 'hang' }] });
    const error = await rejection(client({ streamIdleTimeoutMs: 150 }).stream(request));
    expect(error.code).toBe('stream');
    expect(error.message).toBe(
      'stream disconnected before completion: idle timeout waiting for response headers',
    );
    expect(server.requests).toHaveLength(2);
  });
});

describe('content type of a 2xx', () => {
  it('refuses a 200 text/html page: non-retryable, names the type, not retried, body not parsed', async () => {
    server.setScenario({
      steps: [
        {
          kind: 'error',
          status: 200,
          headers: { 'content-type': 'text/html; charset=utf-8', 'x-request-id': 'req_html' },
          body: '<html><body>data: {"type":"response.completed"}</body></html>',
        },
      ],
      repeatLast: true,
    });
    const error = await rejection(client().stream(request));
    expect(error.code).toBe('unexpected_content_type');
    expect(error.retryable).toBe(false);
    expect(error.message).toBe(
      `unexpected content type "text/html; charset=utf-8" in a 200 OK response (expected text/event-stream), url: ${server.url}/responses, request id: req_html`,
    );
    expect(error.status).toBe(200);
    expect(error.requestId).toBe('req_html');
    expect(server.requests).toHaveLength(1);
  });

  it('accepts text/event-stream in any case and with parameters', async () => {
    for (const contentType of [
      'text/event-stream',
      'TEXT/Event-Stream; charset=utf-8',
      ' text/event-stream ;x=1',
    ]) {
      server.setScenario({
        steps: [
          {
            kind: 'sse',
            headers: { 'content-type': contentType },
            events: [responseCreated('r'), completed('r')],
          },
        ],
      });
      const stream = await client().stream(request);
      const types: string[] = [];
      for await (const event of stream) types.push(event.type);
      expect(types).toContain('completed');
    }
  });

  it('classifies media types', () => {
    expect(isEventStreamContentType('text/event-stream')).toBe(true);
    expect(isEventStreamContentType('Text/Event-Stream;charset=UTF-8')).toBe(true);
    expect(isEventStreamContentType('application/json')).toBe(false);
    expect(isEventStreamContentType('text/event-streams')).toBe(false);
    expect(isEventStreamContentType('')).toBe(false);
  });
});
