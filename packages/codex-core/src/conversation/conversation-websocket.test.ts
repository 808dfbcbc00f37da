// Conversation + ModelClient over Responses WebSocket, against the responses server's scripted
// WebSocket endpoint on 127.0.0.1 (core-behaviour §2, §5–§8, §13, §17.4; observed-cli §6, §7).
import type { Provider } from '@codex-ts/api';
import { keysWithout, WS_FRAME_KEY_ORDER, WS_HANDSHAKE_HEADER_ORDER } from '@codex-ts/api/test';
import { collect } from '@codex-ts/client/test';
import { contextFromW3cTraceContext } from '@codex-ts/otel';
import { enableAsyncContext } from '@codex-ts/otel/test';
import type { ResponseItem } from '@codex-ts/protocol';
import {
  completed,
  functionCall,
  outputTextDelta,
  reasoningItem,
  responseCreated,
  type Scenario,
  textTurn,
  type WsResponseStep,
  type WsScenario,
} from '@codex-ts/responses-server';
import { context } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import type { ModelClientOptions } from '../client/model-client.js';
import { echoTools, harness, IDENTITY, THREAD_ID, testConversation, testTelemetry } from '../test/index.js';
import type { ToolHandler } from '../tools/tool-handler.js';
import type { TurnEvent } from '../turn/events.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

const HIGH_DEMAND = 'We\u2019re currently experiencing high demand, which may cause temporary errors.';

async function setup(
  ws: WsScenario,
  opts: {
    http?: Scenario['steps'];
    streamMaxRetries?: number;
    tools?: ToolHandler;
    provider?: Partial<Provider>;
    client?: Partial<ModelClientOptions>;
  } = {},
) {
  const h = await harness(
    { steps: opts.http ?? [] },
    {
      ws,
      client: { supportsWebsockets: true, ...opts.client },
      ...(opts.provider ? { provider: opts.provider } : {}),
    },
  );
  closers.push(h.close);
  const { conversation, delays } = testConversation(h.client, {
    streamMaxRetries: opts.streamMaxRetries ?? 5,
    tools: opts.tools,
    random: () => 0.5,
  });
  const frames = () => h.server.wsFrames.map((f) => f.json as Record<string, unknown>);
  return { ...h, conversation, delays, frames };
}

const text = (id: string, words = 'Hello there!'): WsResponseStep => ({
  events: textTurn({ responseId: id, text: words, reasoning: ['**Planning a reply**'] }),
});

const inputOf = (frame: Record<string, unknown> | undefined) => (frame?.input ?? []) as ResponseItem[];
const texts = (items: ResponseItem[]) =>
  items.map((i) => {
    const content = (i as { content?: { text?: string }[] }).content;
    return content?.[0]?.text ?? i.type;
  });
const metaOf = (frame: Record<string, unknown> | undefined) => {
  const cm = (frame?.client_metadata ?? {}) as Record<string, string>;
  return JSON.parse(cm['x-codex-turn-metadata'] ?? '{}') as Record<string, unknown>;
};
const noticesOf = (events: TurnEvent[]) =>
  events.filter((e) => e.type === 'stream_error').map((e) => (e as { message: string }).message);
const warningsOf = (events: TurnEvent[]) =>
  events.filter((e) => e.type === 'warning').map((e) => (e as { message: string }).message);

describe('Conversation over Responses WebSocket', () => {
  it('prewarms with generate:false, then continues the first turn from the prewarm response', async () => {
    const tools = echoTools();
    const { server, conversation, frames } = await setup(
      { responses: [text('resp_1')] },
      { tools, provider: { headers: { version: '0.1.0' } } },
    );
    expect(await conversation.prewarm()).toBe('ready');
    const events = await collect(conversation.runTurn('Say hello.'));
    expect(events.at(-1)?.type).toBe('turn.completed');
    expect(events.some((e) => e.type === 'item.completed')).toBe(true);

    expect(server.requests).toHaveLength(0);
    expect(server.handshakes).toHaveLength(1);
    const [prewarm, turn] = frames();
    expect(frames()).toHaveLength(2);

    // Prewarm frame (observed-cli §6 item 1).
    expect(Object.keys(prewarm!)).toEqual(
      keysWithout(
        WS_FRAME_KEY_ORDER,
        'instructions',
        'previous_response_id',
        'stream_options',
        'service_tier',
      ),
    );
    expect(prewarm).toMatchObject({
      type: 'response.create',
      model: 'gpt-5.5',
      generate: false,
      tools: tools.specs,
      reasoning: { effort: 'medium' },
      text: { verbosity: 'low' },
      prompt_cache_key: THREAD_ID,
    });
    expect(texts(inputOf(prewarm))).toEqual(['You are a test agent.']);
    const prewarmMeta = metaOf(prewarm);
    expect(prewarmMeta).toMatchObject({ request_kind: 'prewarm', turn_id: '' });
    for (const key of ['root_turn_id', 'turn_trigger', 'turn_started_at_unix_ms'])
      expect(prewarmMeta).not.toHaveProperty(key);
    const prewarmCm = prewarm!.client_metadata as Record<string, string>;
    expect(prewarmCm.turn_id).toBe('');
    expect(prewarmCm).not.toHaveProperty('root_turn_id');
    expect(Number(prewarmCm['x-codex-ws-stream-request-start-ms'])).toBeGreaterThan(0);

    // Turn frame (item 2): previous_response_id right after stream, only the new items.
    expect(Object.keys(turn!).slice(0, 5)).toEqual([
      'type',
      'model',
      'stream',
      'previous_response_id',
      'input',
    ]);
    expect(turn).not.toHaveProperty('generate');
    expect(turn!.previous_response_id).toMatch(/^resp_prewarm_/);
    expect(texts(inputOf(turn))).toEqual([
      '<environment_context>\n  <cwd>/tmp</cwd>\n</environment_context>',
      'Say hello.',
    ]);
    expect(turn!.tools).toEqual(tools.specs);
    const turnMeta = metaOf(turn);
    expect(turnMeta.request_kind).toBe('turn');
    expect(turnMeta.root_turn_id).toBe(turnMeta.turn_id);
    expect((turn!.client_metadata as Record<string, string>).root_turn_id).toBe(turnMeta.turn_id);

    // Handshake (observed-cli §6): the prewarm opened it, so its metadata is the prewarm's.
    const [hs] = server.handshakes;
    expect(hs?.status).toBe(101);
    expect(hs?.path).toBe('/v1/responses');
    const h = hs!.headerMap;
    expect(h['openai-beta']).toBe('responses_websockets=2026-02-06');
    expect(h.authorization).toBe('Bearer sk-test-key');
    expect(h.originator).toBe('codex_exec');
    expect(h['x-client-request-id']).toBe(THREAD_ID);
    expect(h['session-id']).toBe(THREAD_ID);
    expect(h['thread-id']).toBe(THREAD_ID);
    expect(h['x-codex-window-id']).toBe(`${THREAD_ID}:0`);
    expect(h['x-codex-beta-features']).toBe('remote_compaction_v2');
    expect(JSON.parse(h['x-codex-turn-metadata']!)).toMatchObject({ request_kind: 'prewarm', turn_id: '' });
    expect(h).not.toHaveProperty('x-codex-turn-state');
    expect(hs!.headers.map(([n]) => n.toLowerCase()).slice(5)).toEqual([
      ...WS_HANDSHAKE_HEADER_ORDER,
      'sec-websocket-extensions',
    ]);
  });

  it('sends a tool follow-up as previous_response_id + the function_call_output only, on the same socket', async () => {
    const tools = echoTools();
    const { server, conversation, frames } = await setup(
      {
        responses: [
          {
            events: [
              responseCreated('resp_1'),
              reasoningItem('rs_1', ['**Running a command**']),
              functionCall('call_1', 'exec_command', { cmd: 'echo hi' }, 'fc_1'),
              completed('resp_1'),
            ],
          },
          text('resp_2', 'done'),
        ],
      },
      { tools },
    );
    await conversation.prewarm();
    const events = await collect(conversation.runTurn('run echo'));
    expect(events.at(-1)?.type).toBe('turn.completed');
    expect(tools.calls).toHaveLength(1);
    expect(server.handshakes).toHaveLength(1);
    const all = frames();
    expect(all).toHaveLength(3);
    const followUp = all[2]!;
    expect(followUp.previous_response_id).toBe('resp_1');
    expect(inputOf(followUp)).toEqual([{ type: 'function_call_output', call_id: 'call_1', output: 'hi\n' }]);
    expect(server.wsFrames.every((f) => f.connection === server.wsFrames[0]!.connection)).toBe(true);
  });

  it('reuses the socket for the next turn and continues incrementally (1 handshake)', async () => {
    const { server, conversation, frames } = await setup({
      responses: [text('resp_1', 'one'), text('resp_2', 'two')],
    });
    expect((await collect(conversation.runTurn('first'))).at(-1)?.type).toBe('turn.completed');
    expect((await collect(conversation.runTurn('second'))).at(-1)?.type).toBe('turn.completed');
    expect(server.handshakes).toHaveLength(1);
    const [first, second] = frames();
    expect(first).not.toHaveProperty('previous_response_id');
    expect(texts(inputOf(first))).toEqual([
      'You are a test agent.',
      '<environment_context>\n  <cwd>/tmp</cwd>\n</environment_context>',
      'first',
    ]);
    expect(second!.previous_response_id).toBe('resp_1');
    expect(texts(inputOf(second))).toEqual(['second']);
    expect(metaOf(first).turn_id).not.toBe(metaOf(second).turn_id);
    // The conversation keeps the full history either way.
    expect(conversation.history.map((i) => i.type)).toEqual([
      'message',
      'message',
      'message',
      'reasoning',
      'message',
      'message',
      'reasoning',
      'message',
    ]);
  });

  it('reconnects silently after an error frame with the full input and no previous_response_id', async () => {
    const { server, conversation, frames, delays } = await setup({
      responses: [
        { errorFrame: { status: 500, error: { type: 'server_error', message: 'boom' } } },
        text('resp_2'),
      ],
    });
    await conversation.prewarm();
    const events = await collect(conversation.runTurn('hello'));
    expect(events.at(-1)?.type).toBe('turn.completed');
    expect(noticesOf(events)).toEqual([]);
    expect(delays).toEqual([200]);
    expect(server.handshakes).toHaveLength(2);
    const all = frames();
    expect(all).toHaveLength(3);
    expect(all[1]!.previous_response_id).toMatch(/^resp_prewarm_/);
    const retry = all[2]!;
    expect(retry).not.toHaveProperty('previous_response_id');
    expect(retry).not.toHaveProperty('generate');
    expect(texts(inputOf(retry))).toEqual([
      'You are a test agent.',
      '<environment_context>\n  <cwd>/tmp</cwd>\n</environment_context>',
      'hello',
    ]);
    expect(server.wsFrames[2]!.connection).not.toBe(server.wsFrames[1]!.connection);
  });

  it('reconnects after the server-side connection limit and completes (2 handshakes)', async () => {
    const { server, conversation, frames, delays } = await setup({
      connectionLimitMs: 100,
      responses: [text('resp_1', 'first'), text('resp_2', 'second')],
    });
    expect((await collect(conversation.runTurn('one'))).at(-1)?.type).toBe('turn.completed');
    await new Promise((r) => setTimeout(r, 150));
    const events = await collect(conversation.runTurn('two'));
    expect(events.at(-1)?.type).toBe('turn.completed');
    expect(noticesOf(events)).toEqual([]);
    expect(delays).toEqual([200]);
    expect(server.handshakes).toHaveLength(2);
    const all = frames();
    // turn 2 first tried incrementally on the old socket, then re-sent everything on a new one.
    expect(all.map((f) => f.previous_response_id)).toEqual([undefined, 'resp_1', undefined]);
    expect(texts(inputOf(all[2]))).toEqual([
      'You are a test agent.',
      '<environment_context>\n  <cwd>/tmp</cwd>\n</environment_context>',
      'one',
      'reasoning',
      'first',
      'two',
    ]);
    expect(server.wsFrames[2]!.connection).not.toBe(server.wsFrames[1]!.connection);
  });

  it('reconnects after a dropped socket; a second failure shows "Reconnecting... 2/5"', async () => {
    const { server, conversation, frames, delays } = await setup({
      responses: [
        { events: [responseCreated('r1'), outputTextDelta('par')], dropAfter: 2 },
        { events: [responseCreated('r2')], closeAfter: { code: 1011, reason: 'bye' } },
        text('resp_3', 'final'),
      ],
    });
    const events = await collect(conversation.runTurn('hello'));
    expect(events.at(-1)?.type).toBe('turn.completed');
    expect(noticesOf(events)).toEqual([
      'Reconnecting... 2/5 (stream disconnected before completion: websocket closed by server before response.completed)',
    ]);
    expect(delays).toEqual([200, 400]);
    expect(server.handshakes).toHaveLength(3);
    const all = frames();
    expect(all.map((f) => f.previous_response_id)).toEqual([undefined, undefined, undefined]);
    expect(inputOf(all[2])).toEqual(inputOf(all[0]));
    const assistant = conversation.history.filter(
      (i) => i.type === 'message' && (i as { role: string }).role === 'assistant',
    );
    expect(texts(assistant)).toEqual(['final']);
  });

  it('falls back to HTTP at once on a 426 handshake, and stays on HTTP for the next turn', async () => {
    const ok = (id: string) =>
      ({ kind: 'sse', events: textTurn({ responseId: id, text: 'over http' }) }) as const;
    const { server, client, conversation, delays } = await setup(
      { handshakes: [{ kind: 'reject', status: 426 }], responses: [] },
      { http: [ok('resp_1'), ok('resp_2')] },
    );
    const events = await collect(conversation.runTurn('hello'));
    expect(events.at(-1)?.type).toBe('turn.completed');
    expect(noticesOf(events)).toEqual([]);
    expect(warningsOf(events)).toEqual([]);
    expect(delays).toEqual([]);
    expect(server.handshakes.map((h) => h.status)).toEqual([426]);
    expect(server.requests).toHaveLength(1);
    expect(client.websocketsEnabled).toBe(false);
    const body = server.requests[0]!.json as Record<string, unknown>;
    expect(body).not.toHaveProperty('previous_response_id');
    expect(body).not.toHaveProperty('type');

    await collect(conversation.runTurn('again'));
    expect(server.handshakes).toHaveLength(1);
    expect(server.requests).toHaveLength(2);
  });

  it('treats a 426 on the prewarm handshake as the fallback too', async () => {
    const { server, conversation } = await setup(
      { handshakes: [{ kind: 'reject', status: 426 }], responses: [] },
      { http: [{ kind: 'sse', events: textTurn({ responseId: 'resp_1', text: 'ok' }) }] },
    );
    expect(await conversation.prewarm()).toBe('http_fallback');
    expect((await collect(conversation.runTurn('hello'))).at(-1)?.type).toBe('turn.completed');
    expect(server.handshakes).toHaveLength(1);
    expect(server.requests).toHaveLength(1);
    expect(server.wsFrames).toHaveLength(0);
  });

  it('falls back to HTTP after exhausting retries on WebSocket: 4 handshakes then 1 POST', async () => {
    const reject500 = { kind: 'reject', status: 500 } as const;
    const { server, conversation, delays } = await setup(
      { handshakes: Array.from({ length: 10 }, () => reject500), responses: [] },
      {
        streamMaxRetries: 2,
        http: [
          { kind: 'sse', events: textTurn({ responseId: 'resp_1', text: 'via http' }) },
          { kind: 'sse', events: textTurn({ responseId: 'resp_2', text: 'again' }) },
        ],
      },
    );
    expect(await conversation.prewarm()).toBe('failed');
    const events = await collect(conversation.runTurn('hello'));
    expect(events.at(-1)?.type).toBe('turn.completed');
    expect(server.handshakes.map((h) => h.status)).toEqual([500, 500, 500, 500]);
    expect(server.requests).toHaveLength(1);
    expect(noticesOf(events)).toEqual([`Reconnecting... 2/2 (${HIGH_DEMAND})`]);
    expect(warningsOf(events)).toEqual([`Falling back from WebSockets to HTTPS transport. ${HIGH_DEMAND}`]);
    const order = events
      .map((e) => e.type)
      .filter((t) => t === 'stream_error' || t === 'warning' || t === 'turn.completed');
    expect(order).toEqual(['stream_error', 'warning', 'turn.completed']);
    expect(delays).toEqual([200, 400]);
    const body = server.requests[0]!.json as { input: ResponseItem[] };
    expect(texts(body.input)).toEqual([
      'You are a test agent.',
      '<environment_context>\n  <cwd>/tmp</cwd>\n</environment_context>',
      'hello',
    ]);

    const next = await collect(conversation.runTurn('next'));
    expect(next.at(-1)?.type).toBe('turn.completed');
    expect(warningsOf(next)).toEqual([]);
    expect(server.handshakes).toHaveLength(4);
    expect(server.requests).toHaveLength(2);
  });

  it('swallows a 401 on the prewarm handshake; the turn connects again and sends everything', async () => {
    const { server, conversation, frames } = await setup({
      handshakes: [
        { kind: 'reject', status: 401, body: { error: { message: 'Incorrect API key provided.' } } },
      ],
      responses: [text('resp_1')],
    });
    expect(await conversation.prewarm()).toBe('failed');
    const events = await collect(conversation.runTurn('hello'));
    expect(events.at(-1)?.type).toBe('turn.completed');
    expect(noticesOf(events)).toEqual([]);
    expect(server.handshakes.map((h) => h.status)).toEqual([401, 101]);
    const all = frames();
    expect(all).toHaveLength(1);
    expect(all[0]).not.toHaveProperty('generate');
    expect(all[0]).not.toHaveProperty('previous_response_id');
    expect(inputOf(all[0])).toHaveLength(3);
  });

  it('stops waiting for a slow prewarm after websocket_connect_timeout_ms and connects on its own', async () => {
    const { server, conversation, frames } = await setup(
      {
        prewarm: [{ events: [responseCreated('warm'), completed('warm')], delayMs: 1_500 }],
        responses: [text('resp_1')],
      },
      { provider: { websocketConnectTimeoutMs: 300 } },
    );
    const prewarm = conversation.prewarm();
    const events = await collect(conversation.runTurn('hello'));
    expect(events.at(-1)?.type).toBe('turn.completed');
    expect(await prewarm).toBe('cancelled');
    expect(server.handshakes).toHaveLength(2);
    const turn = frames()[1]!;
    expect(turn).not.toHaveProperty('previous_response_id');
    expect(inputOf(turn)).toHaveLength(3);
  });

  it('replays the turn state of a metadata frame in client_metadata within the turn only', async () => {
    const meta = (value: string) => ({
      type: 'codex.response.metadata',
      headers: { 'x-codex-turn-state': value },
    });
    const { conversation, frames } = await setup(
      {
        responses: [
          {
            events: [
              responseCreated('resp_1'),
              meta('ts-1'),
              functionCall('call_1', 'exec_command', { cmd: 'echo hi' }, 'fc_1'),
              completed('resp_1'),
            ],
          },
          {
            events: [
              responseCreated('resp_2'),
              meta('ts-2'),
              functionCall('call_2', 'exec_command', { cmd: 'echo again' }, 'fc_2'),
              completed('resp_2'),
            ],
          },
          { events: [meta('ts-3'), ...textTurn({ responseId: 'resp_3', text: 'done' })] },
          text('resp_4'),
        ],
      },
      { tools: echoTools() },
    );
    expect((await collect(conversation.runTurn('run echo'))).at(-1)?.type).toBe('turn.completed');
    expect((await collect(conversation.runTurn('again'))).at(-1)?.type).toBe('turn.completed');
    const cm = frames().map((f) => f.client_metadata as Record<string, string>);
    expect(cm.map((m) => m['x-codex-turn-state'])).toEqual([undefined, 'ts-1', 'ts-1', undefined]);
    expect(frames().map((f) => f.previous_response_id)).toEqual([undefined, 'resp_1', 'resp_2', 'resp_3']);
  });

  it('does not latch a turn state from the handshake; the request-scoped value wins', async () => {
    const { conversation, frames } = await setup(
      {
        handshakes: [{ kind: 'accept', headers: { 'x-codex-turn-state': 'ts-stale' } }],
        responses: [
          {
            events: [
              responseCreated('resp_1'),
              functionCall('call_1', 'exec_command', { cmd: 'echo hi' }, 'fc_1'),
              completed('resp_1'),
            ],
          },
          {
            events: [
              responseCreated('resp_2'),
              { type: 'codex.response.metadata', headers: { 'x-codex-turn-state': 'ts-fresh' } },
              functionCall('call_2', 'exec_command', { cmd: 'echo again' }, 'fc_2'),
              completed('resp_2'),
            ],
          },
          text('resp_3'),
        ],
      },
      { tools: echoTools() },
    );
    expect((await collect(conversation.runTurn('run echo'))).at(-1)?.type).toBe('turn.completed');
    const cm = frames().map((f) => f.client_metadata as Record<string, string>);
    expect(cm.map((m) => m['x-codex-turn-state'])).toEqual([undefined, undefined, 'ts-fresh']);
  });

  it('fails the turn without retrying when the credentials cannot be read', async () => {
    const { server, conversation, delays } = await setup(
      { responses: [text('resp_1')] },
      { client: { auth: { authHeaders: async () => Promise.reject(new Error('no key configured')) } } },
    );
    const events = await collect(conversation.runTurn('hello'));
    expect(events.at(-1)).toMatchObject({
      type: 'turn.failed',
      message: 'could not get credentials: no key configured',
    });
    expect(noticesOf(events)).toEqual([]);
    expect(delays).toEqual([]);
    expect(server.handshakes).toHaveLength(0);
    expect(server.requests).toHaveLength(0);
  });

  it('retries an idle WebSocket on a new socket (idle timeout waiting for websocket)', async () => {
    const { server, conversation, delays } = await setup(
      { responses: [{ events: [responseCreated('r1')], stallAfter: 1 }, text('resp_2')] },
      { provider: { streamIdleTimeoutMs: 300 } },
    );
    const events = await collect(conversation.runTurn('hello'));
    expect(events.at(-1)?.type).toBe('turn.completed');
    expect(noticesOf(events)).toEqual([]);
    expect(delays).toEqual([200]);
    expect(server.handshakes).toHaveLength(2);
  });

  it('fails with the idle-timeout text once retries run out on HTTP after the fallback', async () => {
    const { conversation, server } = await setup(
      { responses: [{ events: [responseCreated('r1')], stallAfter: 1 }], repeatLast: true },
      {
        streamMaxRetries: 0,
        provider: { streamIdleTimeoutMs: 300 },
        http: [
          { kind: 'error', status: 400, body: { error: { message: 'bad', type: 'invalid_request_error' } } },
        ],
      },
    );
    const events = await collect(conversation.runTurn('hello'));
    expect(warningsOf(events)).toEqual([
      'Falling back from WebSockets to HTTPS transport. stream disconnected before completion: idle timeout waiting for websocket',
    ]);
    expect(events.at(-1)?.type).toBe('turn.failed');
    expect(server.handshakes).toHaveLength(1);
    expect(server.requests).toHaveLength(1);
  });

  it('aborts mid-stream promptly, drops the socket, and the next turn starts fresh', async () => {
    const { server, conversation, frames } = await setup(
      {
        responses: [{ events: [responseCreated('r1'), outputTextDelta('a')], stallAfter: 2 }, text('resp_2')],
      },
      { provider: { streamIdleTimeoutMs: 30_000 } },
    );
    const controller = new AbortController();
    const seen: TurnEvent[] = [];
    const started = Date.now();
    for await (const e of conversation.runTurn('x', { signal: controller.signal })) {
      seen.push(e);
      if (e.type === 'output_text.delta') controller.abort(new Error('stop'));
    }
    expect(seen.at(-1)?.type).toBe('turn.aborted');
    expect(Date.now() - started).toBeLessThan(5_000);
    const next = await collect(conversation.runTurn('again'));
    expect(next.at(-1)?.type).toBe('turn.completed');
    expect(server.handshakes).toHaveLength(2);
    const second = frames()[1]!;
    expect(second).not.toHaveProperty('previous_response_id');
    expect(texts(inputOf(second)).at(-1)).toBe('again');
  });

  it('retries a previous_response_not_found error with the full request', async () => {
    const { server, conversation, frames } = await setup({
      responses: [
        text('resp_1', 'one'),
        {
          errorFrame: {
            status: 400,
            error: { type: 'invalid_request_error', code: 'previous_response_not_found', message: 'gone' },
          },
        },
        text('resp_3', 'two'),
      ],
    });
    await collect(conversation.runTurn('first'));
    const events = await collect(conversation.runTurn('second'));
    expect(events.at(-1)?.type).toBe('turn.completed');
    const all = frames();
    expect(all.map((f) => f.previous_response_id)).toEqual([undefined, 'resp_1', undefined]);
    expect(inputOf(all[2])).toHaveLength(6);
    expect(server.handshakes).toHaveLength(2);
  });
});

describe('startup prewarm edge cases', () => {
  it('is skipped without WebSocket support and when the socket already carried a request', async () => {
    const http = await harness({ steps: [] });
    closers.push(http.close);
    const req = {
      model: 'gpt-5.5',
      input: [],
      tools: [],
      parallelToolCalls: true,
      metadata: { requestKind: 'prewarm' as const, turnId: '', model: 'gpt-5.5' },
    };
    expect(await http.client.prewarm(req)).toBe('skipped');
    expect(http.server.handshakes).toHaveLength(0);

    const h = await harness(
      { steps: [] },
      { ws: { responses: [text('r1')] }, client: { supportsWebsockets: true } },
    );
    closers.push(h.close);
    const session = h.client.newSession();
    for await (const _ of await session.stream({
      ...req,
      metadata: { ...req.metadata, requestKind: 'turn' },
    })) {
      // drain
    }
    expect(await session.prewarmWebsocket(req)).toBe('skipped');
    session.end();
    expect(h.server.wsFrames).toHaveLength(1);
    expect(h.server.handshakes).toHaveLength(1);
  });
});

describe('ModelClientSession over WebSocket', () => {
  const request = (input: ResponseItem[], overrides: Record<string, unknown> = {}) => ({
    model: 'gpt-5.5',
    input,
    tools: [],
    parallelToolCalls: true,
    reasoning: { effort: 'medium' },
    metadata: { requestKind: 'turn' as const, turnId: 't1', model: 'gpt-5.5' },
    ...overrides,
  });
  const user = (id: string, t: string) =>
    ({ type: 'message', id, role: 'user', content: [{ type: 'input_text', text: t }] }) as ResponseItem;

  async function drain(events: AsyncIterable<unknown>) {
    for await (const _ of events) {
      // drain
    }
  }

  it('sends a full create when a non-input field changes or the input is not a prefix', async () => {
    const h = await harness(
      { steps: [] },
      {
        ws: { responses: [text('r1'), text('r2'), text('r3'), text('r4')] },
        client: { supportsWebsockets: true },
      },
    );
    closers.push(h.close);
    const session = h.client.newSession();
    const collectItems = async (events: AsyncIterable<{ type: string; item?: ResponseItem }>) => {
      const items: ResponseItem[] = [];
      for await (const e of events) if (e.type === 'output_item.done' && e.item) items.push(e.item);
      return items;
    };
    const a = user('msg_a', 'a');
    const b = user('msg_b', 'b');
    const c = user('msg_c', 'c');
    const added1 = await collectItems(await session.stream(request([a])));
    // Same fields, input = previous input + outputs + new → incremental.
    const added2 = await collectItems(await session.stream(request([a, ...added1, b])));
    // A changed reasoning effort → full create.
    const full = [a, ...added1, b, ...added2, c];
    await drain(await session.stream(request(full, { reasoning: { effort: 'high' } })));
    // Not a prefix of the previous input → full create.
    await drain(await session.stream(request([c], { reasoning: { effort: 'high' } })));
    const frames = h.server.wsFrames.map((f) => f.json as Record<string, unknown>);
    expect(frames.map((f) => f.previous_response_id)).toEqual([undefined, 'r1', undefined, undefined]);
    expect(frames.map((f) => (f.input as unknown[]).length)).toEqual([1, 1, full.length, 1]);
    expect(texts(inputOf(frames[1]))).toEqual(['b']);
    expect(h.server.handshakes).toHaveLength(1);
    session.end();
  });

  it('continues with previous_response_id and [] when nothing is new; preconnect is reused', async () => {
    const h = await harness(
      { steps: [] },
      { ws: { responses: [text('r1'), text('r2')] }, client: { supportsWebsockets: true } },
    );
    closers.push(h.close);
    const session = h.client.newSession();
    expect(await session.preconnect({ requestKind: 'turn', turnId: 'pre', model: 'gpt-5.5' })).toBe(true);
    expect(h.server.handshakes).toHaveLength(1);
    const a = user('msg_a', 'a');
    const added: ResponseItem[] = [];
    for await (const e of await session.stream(request([a])))
      if (e.type === 'output_item.done') added.push(e.item);
    await drain(await session.stream(request([a, ...added])));
    const frames = h.server.wsFrames.map((f) => f.json as Record<string, unknown>);
    expect(frames[0]).not.toHaveProperty('previous_response_id');
    expect(frames[1]).toMatchObject({ previous_response_id: 'r1', input: [] });
    expect(h.server.handshakes).toHaveLength(1);
    expect(JSON.parse(h.server.handshakes[0]!.headerMap['x-codex-turn-metadata']!)).toMatchObject({
      turn_id: 'pre',
    });
    session.end();
  });

  it('adds the W3C trace context and caller metadata without overriding reserved keys', async () => {
    // The trace context comes from the client's telemetry: the span active in the caller's context.
    const telemetry = testTelemetry();
    const h = await harness(
      { steps: [] },
      { ws: { responses: [text('r1')] }, client: { supportsWebsockets: true, telemetry } },
    );
    closers.push(h.close);
    const active = contextFromW3cTraceContext({
      traceparent: '00-0123456789abcdef0123456789abcdef-0123456789abcdef-01',
      tracestate: 'vendor=1',
    });
    const disableContext = enableAsyncContext();
    closers.push(async () => disableContext());
    const session = h.client.newSession();
    await context.with(active!, async () =>
      drain(
        await session.stream(
          request([user('msg_a', 'a')], {
            clientMetadata: { custom_key: 'v', turn_id: 'evil', 'x-codex-turn-state': 'evil' },
          }),
        ),
      ),
    );
    const cm = (h.server.wsFrames[0]!.json as { client_metadata: Record<string, string> }).client_metadata;
    expect(cm).toMatchObject({
      ws_request_header_traceparent: '00-0123456789abcdef0123456789abcdef-0123456789abcdef-01',
      ws_request_header_tracestate: 'vendor=1',
      custom_key: 'v',
      turn_id: 't1',
      'x-codex-installation-id': IDENTITY.installationId,
    });
    expect(cm).not.toHaveProperty('x-codex-turn-state');
    session.end();
  });
});
