// `codex-ts exec --json` with a provider that supports WebSockets (observed-cli-0.169.md §6–§8):
// the built binary against the responses server's WebSocket endpoint on 127.0.0.1.
import { type ResponsesServer, startResponsesServer } from '@codex-ts/responses-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HELLO_TURN_LINES, helloTurn } from '../test-support/hello-turn.js';
import { runCli, tempHomes } from '../test-support/run-cli.js';

let server: ResponsesServer;
const newHome = tempHomes();
beforeEach(async () => {
  server = await startResponsesServer();
});
afterEach(() => server.close());

const HIGH_DEMAND = 'We\u2019re currently experiencing high demand, which may cause temporary errors.';

function wsHome(extra = ''): string {
  return newHome(server.url, `supports_websockets = true\n${extra}`);
}

const frames = () => server.wsFrames.map((f) => f.json as Record<string, unknown>);

describe('codex-ts exec --json over WebSocket', () => {
  it('prints the same JSONL as over HTTP; prewarm then a continued turn on one socket', async () => {
    // Over HTTP first (supports_websockets unset) …
    server.pushSteps({ kind: 'sse', events: helloTurn() });
    const overHttp = await runCli(['exec', '--json', 'Say hello.'], { home: newHome(server.url) });
    expect(overHttp.code).toBe(0);
    expect(server.handshakes).toHaveLength(0);

    // … then over WebSocket.
    server.setWsScenario({ responses: [{ events: helloTurn() }] });
    const r = await runCli(['exec', '--json', 'Say hello.'], { home: wsHome() });
    expect(r.code).toBe(0);
    expect(r.lines.slice(1)).toEqual(HELLO_TURN_LINES);
    expect(r.lines.slice(1)).toEqual(overHttp.lines.slice(1));
    expect(server.requests).toHaveLength(1);

    const thread = (JSON.parse(r.lines[0]!) as { thread_id: string }).thread_id;
    expect(server.handshakes).toHaveLength(1);
    const hs = server.handshakes[0]!.headerMap;
    expect(hs.authorization).toBe('Bearer sk-local-test');
    expect(hs.originator).toBe('codex_exec');
    expect(hs['user-agent']).toMatch(
      /^codex_exec\/\d+\.\d+\.\d+ \(.+; .+\) xterm \(codex_exec; \d+\.\d+\.\d+\)$/,
    );
    expect(hs['openai-beta']).toBe('responses_websockets=2026-02-06');
    expect(hs['thread-id']).toBe(thread);
    expect(JSON.parse(hs['x-codex-turn-metadata']!)).toMatchObject({ request_kind: 'prewarm', turn_id: '' });

    const [prewarm, turn] = frames();
    expect(frames()).toHaveLength(2);
    expect(prewarm).toMatchObject({ type: 'response.create', generate: false, prompt_cache_key: thread });
    expect(prewarm!.input as unknown[]).toHaveLength(1);
    expect(turn!.previous_response_id).toMatch(/^resp_prewarm_/);
    expect(turn).not.toHaveProperty('generate');
    const input = turn!.input as { content: { text: string }[] }[];
    expect(input).toHaveLength(2);
    expect(input.at(-1)?.content[0]?.text).toBe('Say hello.');
  });

  it('falls back to HTTP at once on a 426 handshake, printing nothing extra', async () => {
    server.setWsScenario({ handshakes: [{ kind: 'reject', status: 426 }], responses: [] });
    server.pushSteps({ kind: 'sse', events: helloTurn() });
    const r = await runCli(['exec', '--json', 'Say hello.'], { home: wsHome() });
    expect(r.code).toBe(0);
    expect(r.lines.slice(1)).toEqual(HELLO_TURN_LINES);
    expect(server.handshakes.map((h) => h.status)).toEqual([426]);
    expect(server.wsFrames).toHaveLength(0);
    expect(server.requests).toHaveLength(1);
    const body = server.requests[0]!.json as { input: unknown[] };
    expect(body.input).toHaveLength(3);
  });

  it('prints notices from 2/N and the fallback warning item after repeated handshake 500s', async () => {
    server.setWsScenario({
      handshakes: Array.from({ length: 10 }, () => ({ kind: 'reject', status: 500 }) as const),
      responses: [],
    });
    server.pushSteps({ kind: 'sse', events: helloTurn() });
    const r = await runCli(['exec', '--json', 'Say hello.'], {
      home: wsHome('stream_max_retries = 2\nrequest_max_retries = 0'),
    });
    expect(r.code).toBe(0);
    expect(r.lines.slice(1)).toEqual([
      '{"type":"turn.started"}',
      `{"type":"error","message":"Reconnecting... 2/2 (${HIGH_DEMAND})"}`,
      `{"type":"item.completed","item":{"id":"item_0","type":"error","message":"Falling back from WebSockets to HTTPS transport. ${HIGH_DEMAND}"}}`,
      '{"type":"item.completed","item":{"id":"item_1","type":"reasoning","text":"**Planning a reply**\\n\\nThe user wants a short greeting."}}',
      '{"type":"item.completed","item":{"id":"item_2","type":"agent_message","text":"Hello there!"}}',
      '{"type":"turn.completed","usage":{"input_tokens":1200,"cached_input_tokens":1024,"cache_write_input_tokens":0,"output_tokens":42,"reasoning_output_tokens":16}}',
    ]);
    // the startup prewarm + 3 stream attempts on WebSocket, then one HTTP POST.
    expect(server.handshakes.map((h) => h.status)).toEqual([500, 500, 500, 500]);
    expect(server.requests).toHaveLength(1);
    const gaps = server.handshakes.slice(1).map((h, i) => h.receivedAt - server.handshakes[i]!.receivedAt);
    expect(gaps[1]).toBeGreaterThanOrEqual(170);
    expect(gaps[2]).toBeGreaterThanOrEqual(350);
  });

  it('connects again after a 401 on the prewarm handshake and runs the turn on the new socket', async () => {
    server.setWsScenario({
      handshakes: [
        { kind: 'reject', status: 401, body: { error: { message: 'Incorrect API key provided.' } } },
      ],
      responses: [{ events: helloTurn() }],
    });
    const r = await runCli(['exec', '--json', 'Say hello.'], { home: wsHome() });
    expect(r.code).toBe(0);
    expect(r.lines.slice(1)).toEqual(HELLO_TURN_LINES);
    expect(server.handshakes.map((h) => h.status)).toEqual([401, 101]);
    expect(frames()).toHaveLength(1);
    expect(frames()[0]).not.toHaveProperty('previous_response_id');
    expect(frames()[0]!.input as unknown[]).toHaveLength(3);
    expect(server.requests).toHaveLength(0);
  });

  it('prints the fallback warning on stderr in human mode', async () => {
    server.setWsScenario({
      handshakes: Array.from({ length: 10 }, () => ({ kind: 'reject', status: 500 }) as const),
      responses: [],
    });
    server.pushSteps({ kind: 'sse', events: helloTurn() });
    const r = await runCli(['exec', 'Say hello.'], {
      home: wsHome('stream_max_retries = 1\nrequest_max_retries = 0'),
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('Hello there!\n');
    expect(r.stderr).toContain(`warning: Falling back from WebSockets to HTTPS transport. ${HIGH_DEMAND}`);
    expect(r.stderr).not.toContain('Reconnecting... 1/1');
    expect(server.handshakes).toHaveLength(3);
  });
});
