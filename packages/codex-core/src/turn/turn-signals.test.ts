// Turn signals over HTTP and WebSocket against the responses server on 127.0.0.1: server-model
// reroute, response.incomplete, usage limits, rate-limit snapshots, the token count before a
// context-window error (observed-cli-0.169-auth §9, §11–§13; core-behaviour §14, §17.4).
import { collect } from '@codex-ts/client/test';
import type { ResponseItem } from '@codex-ts/protocol';
import {
  assistantMessage,
  completed,
  failed,
  functionCall,
  incomplete,
  reasoningItem,
  responseCreated,
  type Scenario,
  textTurn,
  usage,
  type WsScenario,
} from '@codex-ts/responses-server';
import { afterEach, describe, expect, it } from 'vitest';
import { echoTools, harness, testConversation } from '../test/index.js';
import type { ToolHandler } from '../tools/tool-handler.js';
import type { TurnEvent } from './events.js';
import { MODEL_REROUTE_WARNING } from './signals.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

async function setup(
  steps: Scenario['steps'],
  opts: { ws?: WsScenario; tools?: ToolHandler; contextWindow?: number } = {},
) {
  const h = await harness({ steps }, opts.ws ? { ws: opts.ws, client: { supportsWebsockets: true } } : {});
  closers.push(h.close);
  const { conversation, delays } = testConversation(h.client, {
    tools: opts.tools,
    contextWindow: opts.contextWindow,
    random: () => 0.5,
  });
  return { ...h, conversation, delays };
}

const kinds = (events: TurnEvent[]) => events.map((e) => e.type);
const reroutes = (events: TurnEvent[]) => events.filter((e) => e.type === 'model_reroute');
const warnings = (events: TurnEvent[]) => events.flatMap((e) => (e.type === 'warning' ? [e.message] : []));
const failure = (events: TurnEvent[]) => events.find((e) => e.type === 'turn.failed');
const inputTexts = (body: unknown) =>
  ((body as { input: ResponseItem[] }).input as { content?: { text?: string }[] }[]).flatMap((i) =>
    (i.content ?? []).map((c) => c.text),
  );

describe('server-model reroute', () => {
  it('HTTP: openai-model differing from the request warns once per turn, the turn goes on', async () => {
    const tools = echoTools();
    const { conversation, server } = await setup(
      [
        {
          kind: 'sse',
          headers: { 'openai-model': 'gpt-5.4' },
          events: [
            responseCreated('r1'),
            functionCall('call_1', 'exec_command', { cmd: 'ls' }),
            completed('r1'),
          ],
        },
        {
          kind: 'sse',
          headers: { 'openai-model': 'gpt-5.4' },
          events: textTurn({ responseId: 'r2', text: 'ok' }),
        },
      ],
      { tools },
    );
    const events = await collect(conversation.runTurn('hi'));
    expect(reroutes(events)).toEqual([
      { type: 'model_reroute', fromModel: 'gpt-5.5', toModel: 'gpt-5.4', reason: 'HighRiskCyberActivity' },
    ]);
    expect(warnings(events)).toEqual([MODEL_REROUTE_WARNING]);
    expect(MODEL_REROUTE_WARNING).toBe(
      'Your account was flagged for potentially high-risk cyber activity and this request was routed to gpt-5.2 as a fallback. To regain access to gpt-5.3-codex, apply for trusted access: https://chatgpt.com/cyber or learn more: https://developers.openai.com/codex/concepts/cyber-safety',
    );
    const k = kinds(events);
    // reroute, then its warning, before any item of the response
    expect(k.indexOf('model_reroute')).toBeLessThan(k.indexOf('warning'));
    expect(k.indexOf('warning')).toBeLessThan(k.indexOf('item.completed'));
    expect(k.at(-1)).toBe('turn.completed');
    // the follow-up request still asks for gpt-5.5 and carries the recorded warning
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]!.json).toMatchObject({ model: 'gpt-5.5' });
    expect(inputTexts(server.requests[1]!.json)).toContain(`Warning: ${MODEL_REROUTE_WARNING}`);
    expect(inputTexts(server.requests[0]!.json)).not.toContain(`Warning: ${MODEL_REROUTE_WARNING}`);

    // a new turn warns again (once per turn, not per conversation)
    server.pushSteps({
      kind: 'sse',
      headers: { 'openai-model': 'gpt-5.4' },
      events: textTurn({ responseId: 'r3', text: 'again' }),
    });
    expect(reroutes(await collect(conversation.runTurn('more')))).toHaveLength(1);
  });

  it('HTTP: a case-only difference or the same model does not warn', async () => {
    const { conversation } = await setup([
      {
        kind: 'sse',
        headers: { 'openai-model': 'GPT-5.5' },
        events: textTurn({ responseId: 'r1', text: 'a' }),
      },
    ]);
    const events = await collect(conversation.runTurn('hi'));
    expect(reroutes(events)).toEqual([]);
    expect(warnings(events)).toEqual([]);
    expect(events.filter((e) => e.type === 'server_model')).toEqual([
      { type: 'server_model', model: 'GPT-5.5' },
    ]);
  });

  it('HTTP: a model that changes mid-stream (response.created payload headers) reroutes', async () => {
    const { conversation } = await setup([
      {
        kind: 'sse',
        headers: { 'openai-model': 'gpt-5.5' },
        events: [
          { type: 'response.created', response: { id: 'r1', headers: { 'OpenAI-Model': 'gpt-5.2' } } },
          assistantMessage('m1', 'ok'),
          completed('r1'),
        ],
      },
    ]);
    const events = await collect(conversation.runTurn('hi'));
    expect(reroutes(events)).toEqual([
      { type: 'model_reroute', fromModel: 'gpt-5.5', toModel: 'gpt-5.2', reason: 'HighRiskCyberActivity' },
    ]);
    expect(kinds(events).at(-1)).toBe('turn.completed');
  });

  it('WebSocket: codex.response.metadata (mid-stream) reroutes once, a later frame does not repeat it', async () => {
    const { conversation, server } = await setup([], {
      ws: {
        responses: [
          {
            events: [
              responseCreated('r1'),
              { type: 'codex.response.metadata', headers: { 'openai-model': 'gpt-5.4' } },
              reasoningItem('rs1', ['thinking']),
              { type: 'codex.response.metadata', headers: { 'openai-model': 'gpt-5.3' } },
              assistantMessage('m1', 'ok'),
              completed('r1'),
            ],
          },
        ],
      },
    });
    const events = await collect(conversation.runTurn('hi'));
    expect(reroutes(events)).toEqual([
      { type: 'model_reroute', fromModel: 'gpt-5.5', toModel: 'gpt-5.4', reason: 'HighRiskCyberActivity' },
    ]);
    expect(warnings(events)).toEqual([MODEL_REROUTE_WARNING]);
    expect(
      events.filter((e) => e.type === 'server_model').map((e) => (e as { model: string }).model),
    ).toEqual(['gpt-5.4', 'gpt-5.3']);
    expect(kinds(events).at(-1)).toBe('turn.completed');
    expect(server.handshakes).toHaveLength(1);
  });
});

describe('response.incomplete', () => {
  const partial = [
    responseCreated('r1'),
    reasoningItem('rs1', ['Thinking']),
    assistantMessage('m1', 'Partial answer'),
    incomplete('r1', 'max_output_tokens'),
  ];
  const expectIncomplete = (events: TurnEvent[]) => {
    const items = events.flatMap((e) => (e.type === 'item.completed' ? [e.item.type] : []));
    expect(items).toEqual(['reasoning', 'message']);
    expect(kinds(events).filter((k) => k === 'stream_error')).toEqual([]);
    const k = kinds(events);
    expect(k.lastIndexOf('item.completed')).toBeLessThan(k.indexOf('turn.failed'));
    expect(failure(events)).toMatchObject({
      message: 'Incomplete response returned, reason: max_output_tokens',
    });
  };

  it('HTTP: items first, then the failure; no retry', async () => {
    const { conversation, server, delays } = await setup([{ kind: 'sse', events: partial }]);
    expectIncomplete(await collect(conversation.runTurn('hi')));
    expect(server.requests).toHaveLength(1);
    expect(delays).toEqual([]);
  });

  it('WebSocket: items first, then the failure; no retry, no reconnect', async () => {
    const { conversation, server, delays } = await setup([], { ws: { responses: [{ events: partial }] } });
    expectIncomplete(await collect(conversation.runTurn('hi')));
    expect(server.handshakes).toHaveLength(1);
    expect(server.wsFrames.filter((f) => (f.json as { generate?: boolean }).generate !== false)).toHaveLength(
      1,
    );
    expect(server.requests).toHaveLength(0);
    expect(delays).toEqual([]);
  });
});

describe('usage limits and rate limits', () => {
  const limitHeaders = {
    'x-codex-primary-used-percent': '100.0',
    'x-codex-primary-window-minutes': '300',
    'x-codex-primary-reset-at': '4102444800',
  };
  const limitBody = {
    error: {
      type: 'usage_limit_reached',
      message: 'The usage limit has been reached',
      plan_type: 'pro',
      resets_at: 4102444800,
    },
  };
  const expectUsageLimit = (events: TurnEvent[]) => {
    const k = kinds(events);
    expect(k.indexOf('rate_limits')).toBeGreaterThan(-1);
    expect(k.indexOf('rate_limits')).toBeLessThan(k.indexOf('turn.failed'));
    const snapshot = events.find((e) => e.type === 'rate_limits');
    expect(snapshot).toEqual({
      type: 'rate_limits',
      snapshot: { limitId: 'codex', primary: { usedPercent: 100, windowMinutes: 300, resetsAt: 4102444800 } },
    });
    const message = (failure(events) as { message: string }).message;
    expect(message).toMatch(
      /^You\u2019ve hit your usage limit\. Visit https:\/\/chatgpt\.com\/settings\/usage to purchase more credits or try again at /,
    );
  };

  it('HTTP 429 usage_limit_reached: rate-limit event, then the failure; not retried', async () => {
    const { conversation, server, delays } = await setup([
      { kind: 'error', status: 429, headers: limitHeaders, body: limitBody },
    ]);
    expectUsageLimit(await collect(conversation.runTurn('hi')));
    expect(server.requests).toHaveLength(1);
    expect(delays).toEqual([]);
  });

  it('WebSocket 429 error frame: the same', async () => {
    const { conversation, delays } = await setup([], {
      ws: { responses: [{ errorFrame: { status: 429, error: limitBody.error, headers: limitHeaders } }] },
    });
    expectUsageLimit(await collect(conversation.runTurn('hi')));
    expect(delays).toEqual([]);
  });

  it('WebSocket response.failed usage_limit_reached: the plan text, not retried', async () => {
    const { conversation, delays, server } = await setup([], {
      ws: {
        responses: [
          {
            events: [
              responseCreated('r1'),
              {
                type: 'response.failed',
                response: {
                  id: 'r1',
                  status: 'failed',
                  error: { code: 'usage_limit_reached', message: 'limit', plan_type: 'plus' },
                },
              },
            ],
          },
        ],
      },
    });
    const events = await collect(conversation.runTurn('hi'));
    expect(failure(events)).toMatchObject({
      message:
        'You\u2019ve hit your usage limit. Upgrade to Pro (https://chatgpt.com/explore/pro), visit https://chatgpt.com/settings/usage to purchase more credits or try again later.',
    });
    expect(kinds(events)).not.toContain('stream_error');
    expect(delays).toEqual([]);
    expect(server.handshakes).toHaveLength(1);
  });

  it.each([
    [
      'workspace member, credits depleted',
      { 'x-codex-rate-limit-reached-type': 'workspace_member_credits_depleted' },
      'Your workspace is out of credits. Ask your workspace owner to refill in order to continue.',
    ],
    [
      'workspace owner, credits depleted',
      { 'x-codex-rate-limit-reached-type': 'workspace_owner_credits_depleted' },
      'Your workspace is out of credits. Add credits to continue.',
    ],
    [
      'workspace owner, spend cap',
      { 'x-codex-rate-limit-reached-type': 'workspace_owner_usage_limit_reached' },
      'You hit your spend cap set in your workspace. Increase your spend cap to continue.',
    ],
    [
      'workspace member, spend cap',
      { 'x-codex-rate-limit-reached-type': 'workspace_member_usage_limit_reached' },
      'You hit your spend cap set by the owner of your workspace. Ask an owner to increase your spend cap to continue.',
    ],
    [
      'a named model limit (x-codex-active-limit)',
      {
        'x-codex-active-limit': 'codex_other',
        'x-codex-other-primary-used-percent': '100',
        'x-codex-other-limit-name': 'gpt-5.3-codex-spark',
      },
      'You\u2019ve hit your usage limit for gpt-5.3-codex-spark. Switch to another model now, or try again later.',
    ],
    [
      'a promo message with credits',
      {
        'x-codex-promo-message': 'Buy credits at https://chatgpt.com/settings/usage',
        'x-codex-credits-has-credits': 'false',
        'x-codex-credits-unlimited': 'false',
        'x-codex-credits-balance': '0',
      },
      'You\u2019ve hit your usage limit. Buy credits at https://chatgpt.com/settings/usage, or try again later.',
    ],
  ])('HTTP 429 usage limit, %s: its own text, not retried', async (_name, headers, text) => {
    const { conversation, server, delays } = await setup([
      {
        kind: 'error',
        status: 429,
        headers,
        body: { error: { type: 'usage_limit_reached', message: 'limit', plan_type: 'team' } },
      },
    ]);
    const events = await collect(conversation.runTurn('hi'));
    expect(failure(events)).toMatchObject({ message: text });
    expect(server.requests).toHaveLength(1);
    expect(delays).toEqual([]);
    const k = kinds(events);
    expect(k.indexOf('rate_limits')).toBe(k.indexOf('turn.failed') - 1);
  });

  it('HTTP: every limit family of the headers is a typed event (named limits, credits with balance)', async () => {
    const { conversation } = await setup([
      {
        kind: 'sse',
        headers: {
          'x-codex-primary-used-percent': '42.5',
          'x-codex-primary-window-minutes': '300',
          'x-codex-secondary-used-percent': '10',
          'x-codex-secondary-window-minutes': '10080',
          'x-codex-other-primary-used-percent': '80',
          'x-codex-other-limit-name': 'gpt-5.3-codex-spark',
          'x-codex-credits-has-credits': 'true',
          'x-codex-credits-unlimited': 'false',
          'x-codex-credits-balance': '12.5',
        },
        events: textTurn({ responseId: 'r1', text: 'ok' }),
      },
    ]);
    const events = await collect(conversation.runTurn('hi'));
    const credits = { hasCredits: true, unlimited: false, balance: '12.5' };
    expect(events.filter((e) => e.type === 'rate_limits')).toEqual([
      {
        type: 'rate_limits',
        snapshot: {
          limitId: 'codex',
          primary: { usedPercent: 42.5, windowMinutes: 300 },
          secondary: { usedPercent: 10, windowMinutes: 10080 },
          credits,
        },
      },
      {
        type: 'rate_limits',
        snapshot: {
          limitId: 'codex_other',
          limitName: 'gpt-5.3-codex-spark',
          primary: { usedPercent: 80 },
          credits,
        },
      },
    ]);
    expect(kinds(events).at(-1)).toBe('turn.completed');
  });

  it('WebSocket: codex.rate_limits frames are typed events with plan and credits', async () => {
    const { conversation } = await setup([], {
      ws: {
        responses: [
          {
            events: [
              responseCreated('r1'),
              {
                type: 'codex.rate_limits',
                plan_type: 'pro',
                rate_limits: {
                  allowed: true,
                  limit_reached: false,
                  primary: { used_percent: 42, window_minutes: 300 },
                },
                credits: { has_credits: true, unlimited: false, balance: '12.5' },
              },
              assistantMessage('m1', 'ok'),
              completed('r1'),
            ],
          },
        ],
      },
    });
    const events = await collect(conversation.runTurn('hi'));
    expect(events.filter((e) => e.type === 'rate_limits')).toEqual([
      {
        type: 'rate_limits',
        snapshot: {
          limitId: 'codex',
          planType: 'pro',
          primary: { usedPercent: 42, windowMinutes: 300 },
          credits: { hasCredits: true, unlimited: false, balance: '12.5' },
        },
      },
    ]);
    expect(kinds(events).at(-1)).toBe('turn.completed');
  });
});

describe('context-window errors', () => {
  it('report a token count whose total is the context window, then fail without retry', async () => {
    const tools = echoTools();
    const { conversation, server } = await setup(
      [
        {
          kind: 'sse',
          events: [
            responseCreated('r1'),
            functionCall('call_1', 'exec_command', { cmd: 'ls' }),
            completed('r1', usage({ input: 100, output: 10 })),
          ],
        },
        { kind: 'sse', events: [responseCreated('r2'), failed('r2', 'context_length_exceeded', 'too long')] },
      ],
      { tools, contextWindow: 272_000 },
    );
    const events = await collect(conversation.runTurn('hi'));
    const counts = events.filter((e) => e.type === 'token_count');
    expect(counts).toHaveLength(2);
    const last = counts[1] as Extract<TurnEvent, { type: 'token_count' }>;
    expect(last.total.totalTokens).toBe(272_000);
    expect(last.last.totalTokens).toBe(272_000);
    expect(last.total.inputTokens).toBe(100);
    const k = kinds(events);
    expect(k.lastIndexOf('token_count')).toBe(k.indexOf('turn.failed') - 1);
    expect(failure(events)).toMatchObject({
      message:
        "Codex ran out of room in the model's context window. Start a new thread or clear earlier history before retrying.",
    });
    expect(server.requests).toHaveLength(2);
  });
});
