// `POST …/memories/trace_summarize` against the responses server: body, headers, the `raw_memory`
// alias, `ultra` → `max`, errors and redaction.
import { openAiError, traceSummaries } from '@codex-ts/responses-server';
import { afterEach, describe, expect, it } from 'vitest';
import { staticBearerAuth } from '../auth/auth-provider.js';
import { apiRejection, testProvider, useResponsesServer } from '../test/index.js';
import {
  TraceSummarizeClient,
  type TraceSummarizeClientOptions,
  type TraceSummarizeInput,
} from './trace-summarize-client.js';

const { server, transport } = await useResponsesServer();
afterEach(() => server.setChatgptScenario({}));

function client(overrides: Partial<TraceSummarizeClientOptions> = {}): TraceSummarizeClient {
  return new TraceSummarizeClient({
    provider: testProvider(server.url),
    auth: staticBearerAuth('sk-memories-secret'),
    transport,
    ...overrides,
  });
}

const input: TraceSummarizeInput = {
  model: 'gpt-test',
  traces: [
    {
      id: 'trace-1',
      metadata: { source_path: 'traces/trace-1.json' },
      items: [{ type: 'message', role: 'user', content: [] }],
    },
  ],
  reasoning: { effort: 'low' },
};

describe('TraceSummarizeClient', () => {
  it('posts {model, traces, reasoning} and returns the summaries in order', async () => {
    server.setChatgptRoute('traceSummarize', {
      replies: [
        traceSummaries(
          { traceSummary: 'raw summary', memorySummary: 'memory summary' },
          { traceSummary: 'second', memorySummary: 'm2' },
        ),
      ],
    });
    const summaries = await client().summarize(input, {
      extraHeaders: { 'x-openai-subagent': 'memory_consolidation', 'x-openai-memgen-request': 'true' },
    });
    expect(summaries).toEqual([
      { traceSummary: 'raw summary', memorySummary: 'memory summary' },
      { traceSummary: 'second', memorySummary: 'm2' },
    ]);
    const [request] = server.requests;
    expect(request?.path).toBe('/v1/memories/trace_summarize');
    expect(request?.body).toBe(
      '{"model":"gpt-test","traces":[{"id":"trace-1","metadata":{"source_path":"traces/trace-1.json"},' +
        '"items":[{"type":"message","role":"user","content":[]}]}],"reasoning":{"effort":"low"}}',
    );
    expect(request?.headerMap['x-openai-subagent']).toBe('memory_consolidation');
    expect(request?.headerMap['x-openai-memgen-request']).toBe('true');
    expect(request?.headerMap.authorization).toBe('Bearer sk-memories-secret');
  });

  it('accepts `raw_memory`, sends `ultra` as `max` and skips the request for no traces', async () => {
    server.setChatgptRoute('traceSummarize', {
      replies: [{ body: { output: [{ raw_memory: 'raw', memory_summary: 'mem' }] } }],
    });
    expect(await client().summarize({ ...input, traces: [] })).toEqual([]);
    expect(server.requests).toHaveLength(0);
    const summaries = await client().summarize({ ...input, reasoning: { effort: 'ultra' } });
    expect(summaries).toEqual([{ traceSummary: 'raw', memorySummary: 'mem' }]);
    expect((server.requests[0]?.json as { reasoning?: unknown } | undefined)?.reasoning).toEqual({
      effort: 'max',
    });
  });

  it('maps errors: statuses, malformed entries, timeouts; the key never shows', async () => {
    server.setChatgptRoute('traceSummarize', {
      replies: [
        { status: 400, body: openAiError('invalid_request_error', 'bad', 'bad model sk-memories-secret') },
        { body: { output: [{ trace_summary: 'only one half' }] } },
        { ...traceSummaries(), delayMs: 2_000 },
      ],
    });
    const invalid = await apiRejection(client().summarize(input));
    expect(invalid.code).toBe('invalid_request');
    expect(invalid.message).not.toContain('sk-memories-secret');
    const shape = await apiRejection(client().summarize(input));
    expect([shape.code, shape.message]).toEqual([
      'stream',
      'trace_summarize: output[0] needs string trace_summary and memory_summary',
    ]);
    const timeout = await apiRejection(client({ timeoutMs: 50 }).summarize(input));
    expect(timeout.code).toBe('request_timeout');
  });
});
