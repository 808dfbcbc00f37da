// requestCompression: 'zstd' (observed-cli-auth §5): one zstd frame per POST, `content-encoding`
// between `accept` and `content-type`, `content-length` the compressed size; 401 resends are
// complete frames too; WebSocket frames stay plain JSON.
import { openAiError, type Step, textTurn } from '@codex-ts/responses-server';
import { decompress } from 'fzstd';
import { describe, expect, it } from 'vitest';
import type { AuthProvider } from '../auth/auth-provider.js';
import { testProvider, testTurnRequest, useResponsesServer } from '../test/index.js';
import { ResponsesWebsocketClient } from '../websocket/client.js';
import { serializeResponsesRequest } from './request.js';
import { ResponsesClient } from './responses-client.js';

const { server, transport, open } = await useResponsesServer();

const request = testTurnRequest('Compress me. '.repeat(200), {
  client_metadata: { session_id: 'thread-1', guardian_credits_requested: 'true' },
});
const json = serializeResponsesRequest(request);
const turn: Step = { kind: 'sse', events: textTurn({ responseId: 'resp_1', text: 'hi' }) };

function auth(): AuthProvider {
  let token = 'at-canary-old-123';
  let left = 2;
  return {
    authHeaders: async () => ({ authorization: `Bearer ${token}`, 'chatgpt-account-id': 'acct-1' }),
    unauthorizedRecovery: () => ({
      mode: 'managed',
      hasNext: () => left > 0,
      next: async () => {
        left--;
        token = 'at-canary-new-456';
        return { step: 'refresh_token', authChanged: true, refreshed: true };
      },
    }),
  };
}

function client(requestCompression?: 'zstd'): ResponsesClient {
  return new ResponsesClient({
    provider: testProvider(server.url, {
      headers: { version: '0.169.0' },
      retry: { maxAttempts: 2, retryOn: { retry429: false, retry5xx: true, retryTransport: true } },
    }),
    auth: auth(),
    transport,
    defaultHeaders: { originator: 'codex_exec', 'user-agent': 'codex_exec/0.169.0' },
    ...(requestCompression ? { requestCompression } : {}),
  });
}

async function drain(c: ResponsesClient): Promise<string | undefined> {
  const stream = await c.stream(request, { extraHeaders: { 'session-id': 'thread-1' } });
  let last: string | undefined;
  for await (const event of stream) last = event.type;
  return last;
}

const names = (headers: ReadonlyArray<readonly [string, string]>) => headers.map(([n]) => n.toLowerCase());

describe("requestCompression: 'zstd'", () => {
  it('sends one zstd frame that decodes to exactly the JSON, headers in the observed order', async () => {
    server.setScenario({ steps: [turn] });
    expect(await drain(client('zstd'))).toBe('completed');
    const [recorded] = server.requests;
    const raw = new Uint8Array(recorded!.bodyBytes);
    expect([...raw.subarray(0, 4)]).toEqual([0x28, 0xb5, 0x2f, 0xfd]);
    expect(new TextDecoder().decode(decompress(raw))).toBe(json);
    expect(raw.length).toBeLessThan(json.length / 3);
    expect(recorded!.headerMap['content-encoding']).toBe('zstd');
    expect(recorded!.headerMap['content-length']).toBe(String(raw.length));
    // undici's own `host` / `connection` / `content-length` aside, the observed table's order.
    const own = new Set(['host', 'connection', 'content-length']);
    expect(names(recorded!.headers).filter((n) => !own.has(n))).toEqual([
      'version',
      'session-id',
      'accept',
      'content-encoding',
      'content-type',
      'authorization',
      'chatgpt-account-id',
      'originator',
      'user-agent',
    ]);
  });

  it('resends a complete frame after 401s (with the new token) and after a 5xx retry', async () => {
    const unauthorized: Step = {
      kind: 'error',
      status: 401,
      body: openAiError('invalid_request_error', 'invalid_api_key', 'nope'),
    };
    server.setScenario({ steps: [unauthorized, unauthorized, { kind: 'error', status: 500 }, turn] });
    expect(await drain(client('zstd'))).toBe('completed');
    expect(server.requests).toHaveLength(4);
    for (const recorded of server.requests) {
      expect(recorded.headerMap['content-encoding']).toBe('zstd');
      expect(new TextDecoder().decode(decompress(new Uint8Array(recorded.bodyBytes)))).toBe(json);
    }
    expect(server.requests.map((r) => r.headerMap.authorization)).toEqual([
      'Bearer at-canary-old-123',
      'Bearer at-canary-new-456',
      'Bearer at-canary-new-456',
      'Bearer at-canary-new-456',
    ]);
  });

  it('is off by default: plain JSON, no content-encoding', async () => {
    server.setScenario({ steps: [turn] });
    expect(await drain(client())).toBe('completed');
    expect(server.requests[0]!.headerMap['content-encoding']).toBeUndefined();
    expect(server.requests[0]!.body).toBe(json);
  });

  it('does not exist on WebSocket: frames are plain JSON text', async () => {
    server.setWsScenario({ responses: [{ events: textTurn({ responseId: 'resp_ws', text: 'hi' }) }] });
    const ws = new ResponsesWebsocketClient({ provider: testProvider(server.url), auth: auth() });
    const connection = await ws.connect();
    open.push(connection);
    for await (const _event of await connection.stream(request)) {
      // drain
    }
    expect(server.wsFrames).toHaveLength(1);
    const [frame] = server.wsFrames;
    expect(frame!.binary).toBe(false);
    expect((frame!.json as { type: string }).type).toBe('response.create');
  });
});
