import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { localProviderToml } from '@codex-ts/core/test';
// `codex-ts exec --json` turn signals as codex-cli 0.169.0 printed them (observed-cli-0.169-auth
// §9, §11–§13): the built binary against the responses server on 127.0.0.1, over HTTP and WebSocket.
import {
  assistantMessage,
  incomplete,
  type ResponsesServer,
  reasoningItem,
  responseCreated,
  startResponsesServer,
  textTurn,
  usage,
} from '@codex-ts/responses-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, tempHome } from '../test-support/run-cli.js';

let server: ResponsesServer;
const homes: { cleanup(): void }[] = [];
beforeEach(async () => {
  server = await startResponsesServer();
});
afterEach(async () => {
  for (const h of homes.splice(0)) h.cleanup();
  await server.close();
});

/** A CODEX_HOME for the local provider; `top` goes before the tables (e.g. `service_tier`). */
function home(options: { websocket?: boolean; top?: string } = {}): string {
  const h = tempHome(
    localProviderToml(server.url, [options.websocket ? 'supports_websockets = true' : ''], {
      topLines: [options.top ?? ''],
    }),
  );
  homes.push(h);
  return h.home;
}

const REROUTE_LINES = [
  '{"type":"item.completed","item":{"id":"item_0","type":"error","message":"model rerouted: gpt-5.5 -> gpt-5.4 (HighRiskCyberActivity)"}}',
  '{"type":"item.completed","item":{"id":"item_1","type":"error","message":"Your account was flagged for potentially high-risk cyber activity and this request was routed to gpt-5.2 as a fallback. To regain access to gpt-5.3-codex, apply for trusted access: https://chatgpt.com/cyber or learn more: https://developers.openai.com/codex/concepts/cyber-safety"}}',
  '{"type":"item.completed","item":{"id":"item_2","type":"reasoning","text":"Thinking"}}',
  '{"type":"item.completed","item":{"id":"item_3","type":"agent_message","text":"Hi"}}',
];

const answer = (id: string) =>
  textTurn({ responseId: id, text: 'Hi', reasoning: 'Thinking', usage: usage({ input: 10, output: 2 }) });

describe('codex-ts exec --json: server-model reroute', () => {
  it('HTTP: openai-model header → two error items before the answer, exit 0', async () => {
    server.pushSteps({ kind: 'sse', headers: { 'openai-model': 'gpt-5.4' }, events: answer('r1') });
    const r = await runCli(['exec', '--json', 'hi'], { home: home() });
    expect(r.code).toBe(0);
    expect(r.lines.slice(1, 1 + 1 + REROUTE_LINES.length)).toEqual([
      '{"type":"turn.started"}',
      ...REROUTE_LINES,
    ]);
    expect(r.lines.at(-1)).toMatch(/^\{"type":"turn\.completed"/);
    expect(r.lines).toHaveLength(7);
  });

  it('human output: both notices on stderr, the answer on stdout', async () => {
    server.pushSteps({ kind: 'sse', headers: { 'openai-model': 'gpt-5.4' }, events: answer('r1') });
    const r = await runCli(['exec', 'hi'], { home: home() });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('Hi\n');
    // As 0.169.0 printed it: no `warning:` prefix and no reason (--json's error item has the reason).
    expect(r.stderr).toContain('\nmodel rerouted: gpt-5.5 -> gpt-5.4\nwarning: Your account was flagged');
    expect(r.stderr).toContain('warning: Your account was flagged for potentially high-risk cyber activity');
  });

  it('WebSocket: codex.response.metadata in the stream → the same items, exit 0', async () => {
    const [created, ...rest] = answer('r1');
    server.setWsScenario({
      responses: [
        {
          events: [
            created!,
            { type: 'codex.response.metadata', headers: { 'openai-model': 'gpt-5.4' } },
            ...rest,
          ],
        },
      ],
    });
    const r = await runCli(['exec', '--json', 'hi'], { home: home({ websocket: true }) });
    expect(r.code).toBe(0);
    expect(r.lines.slice(2, 2 + REROUTE_LINES.length)).toEqual(REROUTE_LINES);
    expect(r.lines.at(-1)).toMatch(/^\{"type":"turn\.completed"/);
  });
});

describe('codex-ts exec --json: response.incomplete', () => {
  const events = [
    responseCreated('r1'),
    reasoningItem('rs1', ['Thinking']),
    assistantMessage('m1', 'Partial answer'),
    incomplete('r1', 'max_output_tokens'),
  ];
  const LINES = [
    '{"type":"turn.started"}',
    '{"type":"item.completed","item":{"id":"item_0","type":"reasoning","text":"Thinking"}}',
    '{"type":"item.completed","item":{"id":"item_1","type":"agent_message","text":"Partial answer"}}',
    '{"type":"error","message":"Incomplete response returned, reason: max_output_tokens"}',
    '{"type":"turn.failed","error":{"message":"Incomplete response returned, reason: max_output_tokens"}}',
  ];

  it('HTTP: the items, then error + turn.failed, exit 1, no retry', async () => {
    server.pushSteps({ kind: 'sse', events });
    const r = await runCli(['exec', '--json', 'hi'], { home: home() });
    expect(r.code).toBe(1);
    expect(r.lines.slice(1)).toEqual(LINES);
    expect(server.requests).toHaveLength(1);
  });

  it('WebSocket: the same, no reconnect', async () => {
    server.setWsScenario({ responses: [{ events }] });
    const r = await runCli(['exec', '--json', 'hi'], { home: home({ websocket: true }) });
    expect(r.code).toBe(1);
    expect(r.lines.slice(1)).toEqual(LINES);
    expect(server.handshakes).toHaveLength(1);
    expect(server.requests).toHaveLength(0);
  });
});

describe('codex-ts exec --json: usage limit and rate limits', () => {
  const TEXT =
    'You\u2019ve hit your usage limit. Visit https://chatgpt.com/settings/usage to purchase more credits or try again at Jan 1st, 2100 12:00 AM.';
  const headers = {
    'x-codex-primary-used-percent': '100.0',
    'x-codex-primary-window-minutes': '300',
    'x-codex-primary-reset-at': '4102444800',
  };
  const error = {
    type: 'usage_limit_reached',
    message: 'The usage limit has been reached',
    plan_type: 'pro',
    resets_at: 4102444800,
  };
  const LINES = [
    '{"type":"turn.started"}',
    `{"type":"error","message":"${TEXT}"}`,
    `{"type":"turn.failed","error":{"message":"${TEXT}"}}`,
  ];

  it('HTTP 429 usage_limit_reached: the observed text in local time (TZ=UTC), exit 1, no retry', async () => {
    server.pushSteps({ kind: 'error', status: 429, headers, body: { error } });
    const r = await runCli(['exec', '--json', 'hi'], { home: home(), env: { TZ: 'UTC' } });
    expect(r.code).toBe(1);
    expect(r.lines.slice(1)).toEqual(LINES);
    expect(server.requests).toHaveLength(1);
  });

  it('WebSocket 429 error frame: the same', async () => {
    server.setWsScenario({ responses: [{ errorFrame: { status: 429, error, headers } }] });
    const r = await runCli(['exec', '--json', 'hi'], { home: home({ websocket: true }), env: { TZ: 'UTC' } });
    expect(r.code).toBe(1);
    expect(r.lines.slice(1)).toEqual(LINES);
  });

  it('prints nothing for rate-limit headers and codex.rate_limits events', async () => {
    server.pushSteps({
      kind: 'sse',
      headers: {
        'x-codex-primary-used-percent': '42.5',
        'x-codex-primary-window-minutes': '300',
        'x-codex-secondary-used-percent': '10',
        'x-codex-credits-has-credits': 'true',
        'x-codex-credits-unlimited': 'false',
        'x-codex-credits-balance': '12.5',
      },
      events: answer('r1'),
    });
    const plain = await runCli(['exec', '--json', 'hi'], { home: home() });
    expect(plain.code).toBe(0);
    expect(plain.lines.slice(1).map((l) => JSON.parse(l).type)).toEqual([
      'turn.started',
      'item.completed',
      'item.completed',
      'turn.completed',
    ]);
    const [created, ...rest] = answer('r2');
    server.setWsScenario({
      responses: [
        {
          events: [
            created!,
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
            ...rest,
          ],
        },
      ],
    });
    const ws = await runCli(['exec', '--json', 'hi'], { home: home({ websocket: true }) });
    expect(ws.code).toBe(0);
    expect(ws.lines.slice(1)).toEqual(plain.lines.slice(1));
    expect(server.requests).toHaveLength(1);
  });
});

describe('codex-ts exec: request shaping', () => {
  it('sends service_tier "priority" for service_tier = "fast" and x-codex-beta-features on HTTP', async () => {
    server.pushSteps({ kind: 'sse', events: answer('r1') }, { kind: 'sse', events: answer('r2') });
    const r = await runCli(['exec', '--json', 'hi'], { home: home({ top: 'service_tier = "fast"' }) });
    expect(r.code).toBe(0);
    const [req] = server.requests;
    expect(req!.json).toMatchObject({ service_tier: 'priority' });
    expect(req!.headerMap['x-codex-beta-features']).toBe('remote_compaction_v2');
    const names = req!.headers.map(([name]) => name.toLowerCase());
    expect(names.indexOf('x-codex-beta-features')).toBeLessThan(names.indexOf('x-codex-window-id'));

    const none = await runCli(['exec', '--json', 'hi'], { home: home() });
    expect(none.code).toBe(0);
    expect(server.requests[1]!.json).not.toHaveProperty('service_tier');
  });

  it('sends the beta features on the WebSocket handshake and service_tier from a -p profile file', async () => {
    server.setWsScenario({ responses: [{ events: answer('r1') }] });
    const codexHome = home({ websocket: true });
    writeFileSync(join(codexHome, 'fast.config.toml'), 'service_tier = "fast"\n');
    const r = await runCli(['exec', '--json', '-p', 'fast', 'hi'], { home: codexHome });
    expect(r.code).toBe(0);
    expect(server.handshakes[0]!.headerMap['x-codex-beta-features']).toBe('remote_compaction_v2');
    const frames = server.wsFrames.map((f) => f.json as Record<string, unknown>);
    const prewarm = frames.find((f) => f.generate === false);
    const turn = frames.find((f) => f.generate !== false);
    // the startup prewarm carries the tier too, so the turn continues from it
    expect(prewarm).toMatchObject({ service_tier: 'priority' });
    expect(turn).toMatchObject({ service_tier: 'priority' });
    expect(turn!.previous_response_id).toMatch(/^resp_prewarm_/);
  });
});
