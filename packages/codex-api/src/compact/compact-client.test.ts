// `POST …/responses/compact` against the responses server: body, headers, items, turn state,
// the timeout, 401 recovery, error mapping and redaction.
import { compacted, openAiError } from '@codex-ts/responses-server';
import { afterEach, describe, expect, it } from 'vitest';
import type { AuthProvider, UnauthorizedRecovery } from '../auth/auth-provider.js';
import { staticBearerAuth } from '../auth/auth-provider.js';
import { apiRejection, testProvider, useResponsesServer } from '../test/index.js';
import { CompactClient, type CompactClientOptions, type CompactionInput } from './compact-client.js';

const { server, transport } = await useResponsesServer();
afterEach(() => server.setChatgptScenario({}));

function client(overrides: Partial<CompactClientOptions> = {}): CompactClient {
  return new CompactClient({
    provider: testProvider(server.url),
    auth: staticBearerAuth('sk-compact-secret'),
    transport,
    ...overrides,
  });
}

const input: CompactionInput = {
  model: 'gpt-test',
  input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hello' }] }],
  instructions: 'be brief',
  tools: [],
  parallel_tool_calls: true,
  reasoning: { effort: 'medium', summary: 'auto' },
  text: { verbosity: 'low' },
};

describe('CompactClient', () => {
  it('posts the CompactionInput in wire order and returns the replacement items and turn state', async () => {
    server.setChatgptRoute('compact', {
      replies: [
        compacted(
          [
            { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hello' }] },
            { type: 'compaction_summary', encrypted_content: 'ENC' },
          ],
          { 'x-codex-turn-state': 'ts-2' },
        ),
      ],
    });
    const result = await client({ defaultHeaders: { originator: 'codex_exec' } }).compact(input, {
      extraHeaders: { 'x-codex-turn-state': 'ts-1', 'x-openai-subagent': 'compact' },
    });
    expect(result.output.map((item) => item.type)).toEqual(['message', 'compaction']);
    expect(result.turnState).toBe('ts-2');
    const [request] = server.requests;
    expect(request?.path).toBe('/v1/responses/compact');
    expect(request?.route).toBe('compact');
    expect(Object.keys(request?.json as object)).toEqual([
      'model',
      'input',
      'instructions',
      'tools',
      'parallel_tool_calls',
      'reasoning',
      'text',
    ]);
    expect(request?.headerMap.accept).toBeUndefined();
    expect(request?.headerMap['content-type']).toBe('application/json');
    expect(request?.headerMap.authorization).toBe('Bearer sk-compact-secret');
    expect(request?.headerMap['x-codex-turn-state']).toBe('ts-1');
    expect(request?.headerMap['x-openai-subagent']).toBe('compact');
    expect(request?.headerMap.originator).toBe('codex_exec');
  });

  it('omits empty instructions and resolves [] for an empty input without a request', async () => {
    server.setChatgptRoute('compact', { replies: [compacted([])] });
    expect((await client().compact({ ...input, input: [] })).output).toEqual([]);
    expect(server.requests).toHaveLength(0);
    await client().compact({ ...input, instructions: '', reasoning: null, tools: undefined });
    expect(Object.keys(server.requests[0]?.json as object)).toEqual([
      'model',
      'input',
      'parallel_tool_calls',
      'text',
    ]);
  });

  it('has its own timeout: 4 × the stream idle timeout by default, `timeoutMs` when given', async () => {
    const idle = client({ provider: testProvider(server.url, { streamIdleTimeoutMs: 30 }) });
    expect(idle.timeoutMs).toBe(120);
    server.setChatgptRoute('compact', { replies: [{ ...compacted([]), delayMs: 2_000 }], repeatLast: true });
    const error = await apiRejection(idle.compact(input));
    expect(error.code).toBe('request_timeout');
    const own = await apiRejection(client({ timeoutMs: 50 }).compact(input));
    expect(own.code).toBe('request_timeout');
  });

  it('runs the unauthorized recovery after a 401 and resends with fresh credentials', async () => {
    let token = 'old';
    let steps = 0;
    const recovery = (): UnauthorizedRecovery => ({
      mode: 'managed',
      hasNext: () => steps === 0,
      next: async () => {
        steps++;
        token = 'new';
        return { step: 'refresh_token', authChanged: true, refreshed: true };
      },
    });
    const auth: AuthProvider = {
      authHeaders: async () => ({ authorization: `Bearer ${token}` }),
      unauthorizedRecovery: recovery,
    };
    server.setChatgptRoute('compact', {
      replies: [
        { status: 401, body: openAiError('invalid_request_error', 'invalid_api_key', 'bad token') },
        compacted([{ type: 'compaction', encrypted_content: 'E' }]),
      ],
    });
    const result = await client({ auth }).compact(input);
    expect(result.output).toHaveLength(1);
    expect(server.requests.map((r) => r.headerMap.authorization)).toEqual(['Bearer old', 'Bearer new']);
  });

  it('maps statuses like the Responses client and redacts an echoed key', async () => {
    server.setChatgptRoute('compact', {
      replies: [
        { status: 500, body: openAiError('server_error', 'boom', 'x') },
        {
          status: 429,
          body: { error: { type: 'usage_limit_reached', message: 'limit', plan_type: 'plus' } },
        },
        { status: 403, body: 'denied for sk-compact-secret' },
      ],
    });
    expect((await apiRejection(client().compact(input))).code).toBe('internal_server_error');
    expect((await apiRejection(client().compact(input))).code).toBe('usage_limit_reached');
    const forbidden = await apiRejection(client().compact(input));
    expect(forbidden.code).toBe('unexpected_status');
    expect(forbidden.status).toBe(403);
    expect(forbidden.message).not.toContain('sk-compact-secret');
    expect(forbidden.body).not.toContain('sk-compact-secret');
  });

  it('retries a 5xx with the provider retry policy and rejects a malformed answer with `stream`', async () => {
    server.setChatgptRoute('compact', {
      replies: [
        { status: 502, body: 'bad gateway' },
        compacted([{ type: 'compaction', encrypted_content: 'E' }]),
      ],
    });
    const retried = client({ provider: testProvider(server.url, { retry: { maxAttempts: 1 } }) });
    expect((await retried.compact(input)).output).toHaveLength(1);
    expect(server.requests).toHaveLength(2);

    server.setChatgptRoute('compact', { replies: [{ body: { items: [] } }, { body: 'not json' }] });
    const shape = await apiRejection(client().compact(input));
    expect([shape.code, shape.message]).toEqual([
      'stream',
      'compact: expected {"output": [items]} in the answer',
    ]);
    const text = await apiRejection(client().compact(input));
    expect([text.code, text.message]).toEqual(['stream', 'compact: the answer is not JSON']);
  });

  it('rejects with `aborted` when the signal aborts', async () => {
    server.setChatgptRoute('compact', { replies: [{ ...compacted([]), delayMs: 5_000 }] });
    const controller = new AbortController();
    const pending = client().compact(input, { signal: controller.signal });
    await server.waitForRequests(1);
    controller.abort();
    expect((await apiRejection(pending)).code).toBe('aborted');
  });
});
