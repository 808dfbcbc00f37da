import { HTTP_BODY_KEY_ORDER, keysWithout } from '@codex-ts/api/test';
import { collect } from '@codex-ts/client/test';
import type { ResponseItem } from '@codex-ts/protocol';
import {
  assistantMessage,
  completed,
  failed,
  functionCall,
  openAiError,
  reasoningItem,
  responseCreated,
  textTurn,
  usage,
} from '@codex-ts/responses-server';
import { afterEach, describe, expect, it } from 'vitest';
import { echoTools, harness, IDENTITY, THREAD_ID, testConversation } from '../test/index.js';
import type { ToolHandler } from '../tools/tool-handler.js';
import type { TurnEvent } from '../turn/events.js';
import { baseInstructionsMessageId } from './conversation.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

async function setup(
  steps: Parameters<typeof harness>[0]['steps'],
  opts: {
    repeatLast?: boolean;
    streamMaxRetries?: number;
    tools?: ToolHandler;
    provider?: Parameters<typeof harness>[1] extends infer O
      ? O extends { provider?: infer P }
        ? P
        : never
      : never;
  } = {},
) {
  const h = await harness(
    { steps, repeatLast: opts.repeatLast ?? false },
    opts.provider ? { provider: opts.provider } : {},
  );
  closers.push(h.close);
  const { conversation, delays } = testConversation(h.client, {
    streamMaxRetries: opts.streamMaxRetries ?? 5,
    tools: opts.tools,
  });
  return { ...h, conversation, delays };
}

const okTurn = (id = 'resp_1', text = 'Hello there!') =>
  ({ kind: 'sse', events: textTurn({ responseId: id, text, reasoning: ['**Planning a reply**'] }) }) as const;

function types(events: TurnEvent[]): string[] {
  return events
    .map((e) => e.type)
    .filter((t) => !t.endsWith('.delta') && t !== 'rate_limits' && t !== 'server_model');
}

describe('baseInstructionsMessageId', () => {
  it('is the uuid v5 of the UTF-8 text, the same id as ever (a resumed thread keeps it)', () => {
    // Values from uuid's v5 of the string itself (what earlier versions computed).
    expect(baseInstructionsMessageId('You are Codex, a coding agent — “run” the user’s task. 🚀')).toBe(
      'msg_8a2596d5-9bcf-5ef3-8b7a-f71edb1642d6',
    );
    expect(baseInstructionsMessageId('')).toBe('msg_49f7a07b-e00a-5c15-983d-e31dfd90e406');
  });
});

describe('Conversation over HTTP SSE', () => {
  it('sends the body fields, order and headers that codex-cli 0.169.0 sends', async () => {
    const { server, conversation } = await setup([okTurn()]);
    const events = await collect(conversation.runTurn('Say hello.'));
    expect(types(events)).toEqual([
      'turn.started',
      'item.completed',
      'item.completed',
      'token_count',
      'turn.completed',
    ]);

    const [req] = server.requests;
    expect(req?.method).toBe('POST');
    expect(req?.path).toBe('/v1/responses');
    const body = req?.json as Record<string, unknown>;
    expect(Object.keys(body)).toEqual(
      keysWithout(HTTP_BODY_KEY_ORDER, 'instructions', 'stream_options', 'service_tier'),
    );
    expect(body).toMatchObject({
      model: 'gpt-5.5',
      stream: true,
      tool_choice: 'auto',
      parallel_tool_calls: true,
      reasoning: { effort: 'medium' },
      store: false,
      include: ['reasoning.encrypted_content'],
      prompt_cache_key: THREAD_ID,
      text: { verbosity: 'low' },
    });
    expect(body).not.toHaveProperty('instructions');
    expect(body).not.toHaveProperty('previous_response_id');
    const input = body.input as ResponseItem[];
    expect(input.map((i) => [i.type, (i as { role?: string }).role])).toEqual([
      ['message', 'developer'],
      ['message', 'user'],
      ['message', 'user'],
    ]);
    expect(input[0]).toMatchObject({ content: [{ type: 'input_text', text: 'You are a test agent.' }] });
    expect(input[2]).toMatchObject({ content: [{ type: 'input_text', text: 'Say hello.' }] });
    for (const item of input) expect((item as { id?: string }).id).toMatch(/^msg_[0-9a-f-]{36}$/);

    const names = req!.headers
      .map(([name]) => name.toLowerCase())
      .filter((n) => n !== 'host' && n !== 'connection' && n !== 'content-length');
    expect(names).toEqual([
      'x-codex-beta-features',
      'x-codex-window-id',
      'x-codex-turn-metadata',
      'x-client-request-id',
      'session-id',
      'thread-id',
      'accept',
      'content-type',
      'authorization',
      'originator',
      'user-agent',
    ]);
    const h = req!.headerMap;
    expect(h['x-codex-beta-features']).toBe('remote_compaction_v2');
    expect(h['x-codex-window-id']).toBe(`${THREAD_ID}:0`);
    expect(h['x-client-request-id']).toBe(THREAD_ID);
    expect(h.accept).toBe('text/event-stream');
    expect(h.authorization).toBe('Bearer sk-test-key');
    expect(h.originator).toBe('codex_exec');

    const meta = JSON.parse(h['x-codex-turn-metadata']!) as Record<string, unknown>;
    expect(Object.keys(meta)).toEqual([
      'installation_id',
      'session_id',
      'thread_id',
      'agent_name',
      'turn_id',
      'window_id',
      'window_number',
      'context_window_id',
      'request_kind',
      'history_initialization',
      'root_turn_id',
      'thread_source',
      'turn_trigger',
      'sandbox',
      'sandbox_mode',
      'auto_review_enabled',
      'node_repl_auto_review_required',
      'node_repl_disabled',
      'turn_started_at_unix_ms',
      'analytics_enabled',
      'model',
      'reasoning_effort',
    ]);
    expect(meta).toMatchObject({
      installation_id: IDENTITY.installationId,
      request_kind: 'turn',
      turn_trigger: 'exec',
      model: 'gpt-5.5',
    });
    expect(meta.root_turn_id).toBe(meta.turn_id);
    const cm = body.client_metadata as Record<string, string>;
    expect(cm['x-codex-installation-id']).toBe(IDENTITY.installationId);
    expect(cm.turn_id).toBe(meta.turn_id);
    expect(cm['x-codex-turn-metadata']).toBe(h['x-codex-turn-metadata']);
  });

  it('carries history into the next turn and sends the full input each time', async () => {
    const { server, conversation } = await setup([okTurn('resp_1', 'one'), okTurn('resp_2', 'two')]);
    await collect(conversation.runTurn('first'));
    await collect(conversation.runTurn('second'));
    const first = (server.requests[0]!.json as { input: ResponseItem[] }).input;
    const second = (server.requests[1]!.json as { input: ResponseItem[] }).input;
    expect(second.slice(0, first.length)).toEqual(first);
    expect(second.slice(first.length).map((i) => i.type)).toEqual(['reasoning', 'message', 'message']);
    expect(second.at(-1)).toMatchObject({ role: 'user', content: [{ text: 'second' }] });
    const metas = server.requests.map(
      (r) => JSON.parse(r.headerMap['x-codex-turn-metadata']!) as { turn_id: string },
    );
    expect(metas[0]?.turn_id).not.toBe(metas[1]?.turn_id);
  });

  it('runs tool calls, sends the output in a follow-up, and echoes x-codex-turn-state only within the turn', async () => {
    const tools = echoTools();
    const { calls } = tools;
    const { server, conversation } = await setup(
      [
        {
          kind: 'sse',
          headers: { 'x-codex-turn-state': 'ts-1' },
          events: [
            responseCreated('resp_1'),
            reasoningItem('rs_1', ['**Running a command**']),
            functionCall('call_1', 'exec_command', { cmd: 'echo hi' }, 'fc_1'),
            completed('resp_1'),
          ],
        },
        {
          kind: 'sse',
          headers: { 'x-codex-turn-state': 'ts-2' },
          events: textTurn({ responseId: 'resp_2', text: 'done' }),
        },
        okTurn('resp_3'),
      ],
      { tools },
    );
    const events = await collect(conversation.runTurn('run echo'));
    expect(types(events).at(-1)).toBe('turn.completed');
    expect(calls).toHaveLength(1);
    expect(server.requests).toHaveLength(2);
    expect(server.requests[0]?.headerMap['x-codex-turn-state']).toBeUndefined();
    expect(server.requests[1]?.headerMap['x-codex-turn-state']).toBe('ts-1');
    const names = server.requests[1]!.headers.map(([n]) => n.toLowerCase());
    expect(names.indexOf('x-codex-turn-state')).toBe(names.indexOf('x-codex-beta-features') + 1);
    const followUp = (server.requests[1]!.json as { input: ResponseItem[]; tools: unknown[] }).input;
    expect(followUp.slice(-3).map((i) => i.type)).toEqual([
      'reasoning',
      'function_call',
      'function_call_output',
    ]);
    expect((server.requests[1]!.json as { tools: unknown[] }).tools).toHaveLength(1);

    await collect(conversation.runTurn('again'));
    expect(server.requests[2]?.headerMap['x-codex-turn-state']).toBeUndefined();
  });

  it('answers a call whose tool handler throws with a failure output instead of retrying', async () => {
    const tools: ToolHandler = {
      specs: [{ type: 'function', name: 'exec_command', parameters: { type: 'object' } }],
      handle: async () => {
        throw new Error('boom');
      },
    };
    const { server, conversation } = await setup(
      [
        {
          kind: 'sse',
          events: [
            responseCreated('resp_1'),
            functionCall('call_1', 'exec_command', '{}', 'fc_1'),
            completed('resp_1'),
          ],
        },
        okTurn('resp_2'),
      ],
      { tools },
    );
    const events = await collect(conversation.runTurn('run it'));
    expect(events.filter((e) => e.type === 'stream_error')).toEqual([]);
    expect(events.at(-1)?.type).toBe('turn.completed');
    expect(server.requests).toHaveLength(2);
    const followUp = (server.requests[1]!.json as { input: ResponseItem[] }).input;
    expect(followUp.at(-1)).toEqual({
      type: 'function_call_output',
      call_id: 'call_1',
      output: 'tool call failed: boom',
    });
  });

  it('retries an HTTP 500 with a Reconnecting notice and a byte-identical request', async () => {
    const { server, conversation, delays } = await setup([{ kind: 'error', status: 500 }, okTurn()]);
    const events = await collect(conversation.runTurn('hello'));
    const notices = events
      .filter((e) => e.type === 'stream_error')
      .map((e) => (e as { message: string }).message);
    expect(notices).toEqual([
      'Reconnecting... 1/5 (We\u2019re currently experiencing high demand, which may cause temporary errors.)',
    ]);
    expect(delays).toHaveLength(1);
    expect(delays[0]).toBeGreaterThanOrEqual(180);
    expect(delays[0]).toBeLessThanOrEqual(220);
    expect(events.at(-1)?.type).toBe('turn.completed');
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]?.body).toBe(server.requests[0]?.body);
    expect(server.requests[1]?.headers.filter(([n]) => n !== 'host')).toEqual(
      server.requests[0]?.headers.filter(([n]) => n !== 'host'),
    );
  });

  it('gives up after stream_max_retries with the last error and exponential delays', async () => {
    const { server, conversation, delays } = await setup(
      [{ kind: 'error', status: 502, body: openAiError('server_error', null, 'bad gateway') }],
      {
        repeatLast: true,
        streamMaxRetries: 3,
      },
    );
    const events = await collect(conversation.runTurn('hello'));
    expect(server.requests).toHaveLength(4);
    expect(
      events.filter((e) => e.type === 'stream_error').map((e) => (e as { message: string }).message),
    ).toEqual([
      expect.stringMatching(
        /^Reconnecting\.\.\. 1\/3 \(unexpected status 502 Bad Gateway: bad gateway, url: http:\/\/127\.0\.0\.1:\d+\/v1\/responses/,
      ),
      expect.stringMatching(/^Reconnecting\.\.\. 2\/3 /),
      expect.stringMatching(/^Reconnecting\.\.\. 3\/3 /),
    ]);
    const bounds = [200, 400, 800];
    delays.forEach((d, i) => {
      expect(d).toBeGreaterThanOrEqual(bounds[i]! * 0.9);
      expect(d).toBeLessThanOrEqual(bounds[i]! * 1.1);
    });
    expect(events.at(-1)).toMatchObject({
      type: 'turn.failed',
      message: expect.stringContaining('unexpected status 502'),
    });
  });

  it('honours Retry-After on an HTTP 429 and fails at once without it', async () => {
    const body = openAiError('requests', 'rate_limit_exceeded', 'Rate limit reached');
    const withHeader = await setup([
      { kind: 'error', status: 429, headers: { 'retry-after': '2' }, body },
      okTurn(),
    ]);
    const events = await collect(withHeader.conversation.runTurn('hello'));
    expect(withHeader.delays).toEqual([2000]);
    expect(events.find((e) => e.type === 'stream_error')).toMatchObject({
      message: 'Reconnecting... 1/5 (exceeded retry limit, last status: 429 Too Many Requests)',
    });
    expect(events.at(-1)?.type).toBe('turn.completed');

    const without = await setup([{ kind: 'error', status: 429, body }, okTurn()]);
    const failedEvents = await collect(without.conversation.runTurn('hello'));
    expect(without.server.requests).toHaveLength(1);
    expect(failedEvents.at(-1)).toMatchObject({
      type: 'turn.failed',
      message: 'exceeded retry limit, last status: 429 Too Many Requests',
    });
  });

  it('does not retry quota, context-window and overload errors', async () => {
    const quota = await setup([
      {
        kind: 'error',
        status: 429,
        body: openAiError('insufficient_quota', 'insufficient_quota', 'You exceeded your current quota'),
      },
    ]);
    expect((await collect(quota.conversation.runTurn('x'))).at(-1)).toMatchObject({
      type: 'turn.failed',
      message: 'Quota exceeded. Check your plan and billing details.',
    });
    const ctx = await setup([
      { kind: 'sse', events: [responseCreated('r'), failed('r', 'context_length_exceeded', 'too long')] },
    ]);
    expect((await collect(ctx.conversation.runTurn('x'))).at(-1)).toMatchObject({
      type: 'turn.failed',
      message:
        "Codex ran out of room in the model's context window. Start a new thread or clear earlier history before retrying.",
    });
    expect(ctx.server.requests).toHaveLength(1);
  });

  it('waits the "try again in" hint of a response.failed rate limit', async () => {
    const { conversation, delays } = await setup([
      {
        kind: 'sse',
        events: [
          responseCreated('r'),
          failed('r', 'rate_limit_exceeded', 'Rate limit reached for gpt-5.5. Please try again in 1.5s.'),
        ],
      },
      okTurn(),
    ]);
    const events = await collect(conversation.runTurn('x'));
    expect(delays).toEqual([1500]);
    expect(events.find((e) => e.type === 'stream_error')).toMatchObject({
      message:
        'Reconnecting... 1/5 (rate limit exceeded: Rate limit reached for gpt-5.5. Please try again in 1.5s.)',
    });
  });

  it('retries a dropped stream and a stalled one, discarding partial output', async () => {
    const { conversation, server } = await setup(
      [
        { kind: 'sse', events: textTurn({ responseId: 'r1', text: 'partial answer' }), dropAfter: 3 },
        { kind: 'sse', events: textTurn({ responseId: 'r2', text: 'partial answer' }), stallAfter: 2 },
        okTurn('r3', 'final'),
      ],
      { provider: { streamIdleTimeoutMs: 300 } },
    );
    const events = await collect(conversation.runTurn('x'));
    expect(
      events.filter((e) => e.type === 'stream_error').map((e) => (e as { message: string }).message),
    ).toEqual([
      'Reconnecting... 1/5 (stream disconnected before completion: Transport error: network error: error decoding response body)',
      'Reconnecting... 2/5 (stream disconnected before completion: idle timeout waiting for SSE)',
    ]);
    expect(events.at(-1)?.type).toBe('turn.completed');
    expect(server.requests[2]?.body).toBe(server.requests[0]?.body);
    const history = conversation.history;
    expect(
      history.filter((i) => i.type === 'message' && (i as { role: string }).role === 'assistant'),
    ).toHaveLength(1);
  });

  it('sums usage over the responses of a turn', async () => {
    const tools: ToolHandler = {
      specs: [],
      handle: async (call) =>
        ({
          type: 'function_call_output',
          call_id: (call as { call_id: string }).call_id,
          output: 'ok',
        }) as ResponseItem,
    };
    const u = usage({ input: 100, cached: 40, output: 10, reasoning: 5 });
    const { conversation } = await setup(
      [
        { kind: 'sse', events: [responseCreated('a'), functionCall('c1', 'f', '{}'), completed('a', u)] },
        { kind: 'sse', events: [responseCreated('b'), assistantMessage('m', 'ok'), completed('b', u)] },
      ],
      { tools },
    );
    const events = await collect(conversation.runTurn('x'));
    expect(events.at(-1)).toMatchObject({
      type: 'turn.completed',
      usage: { inputTokens: 200, cachedInputTokens: 80, outputTokens: 20, reasoningOutputTokens: 10 },
    });
  });

  it('ends promptly with turn.aborted on abort mid-stream and stays usable', async () => {
    const { conversation } = await setup(
      [{ kind: 'sse', events: textTurn({ responseId: 'r1', text: 'a b c' }), stallAfter: 2 }, okTurn('r2')],
      {
        provider: { streamIdleTimeoutMs: 30_000 },
      },
    );
    const controller = new AbortController();
    const seen: TurnEvent[] = [];
    const started = Date.now();
    for await (const e of conversation.runTurn('x', { signal: controller.signal })) {
      seen.push(e);
      if (e.type === 'turn.started') setTimeout(() => controller.abort(new Error('stop')), 50);
    }
    expect(seen.at(-1)?.type).toBe('turn.aborted');
    expect(Date.now() - started).toBeLessThan(5_000);
    expect((await collect(conversation.runTurn('again'))).at(-1)?.type).toBe('turn.completed');
  });
});
