// `codex-ts exec resume` (observed-cli-0.169-auth §15): the built binary twice against the local
// responses server, over HTTP and WebSocket, asserting what the server received and what was
// printed (the same thread id, usage including the first process), and 0.169.0's error texts.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { type ResponsesServer, startResponsesServer, textTurn, usage } from '@codex-ts/responses-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, tempHomes } from '../test-support/run-cli.js';

let server: ResponsesServer;
const newHome = tempHomes();
beforeEach(async () => {
  server = await startResponsesServer();
});
afterEach(() => server.close());

const u = usage({ input: 1200, cached: 1024, output: 42, reasoning: 16 });
const turn = (id: string, text: string) =>
  textTurn({ responseId: id, text, reasoning: `Thinking ${id}`, usage: u, encryptedContent: `enc-${id}` });
const threadOf = (lines: string[]) => (JSON.parse(lines[0] ?? '{}') as { thread_id?: string }).thread_id;
const metadata = (value: string | undefined) => JSON.parse(value ?? '{}') as Record<string, unknown>;
type Item = { type: string; role?: string; content?: { text: string }[] };
const describeItems = (input: unknown) =>
  (input as Item[]).map((i) =>
    i.type === 'message' ? `${i.role}:${i.content?.[0]?.text.slice(0, 20)}` : i.type,
  );

const SECOND_TURN_LINES = [
  '{"type":"turn.started"}',
  '{"type":"item.completed","item":{"id":"item_0","type":"reasoning","text":"Thinking resp_2"}}',
  '{"type":"item.completed","item":{"id":"item_1","type":"agent_message","text":"Second answer."}}',
  // Both processes' responses: 0.169.0 prints the thread's usage.
  '{"type":"turn.completed","usage":{"input_tokens":2400,"cached_input_tokens":2048,"cache_write_input_tokens":0,"output_tokens":84,"reasoning_output_tokens":32}}',
];

describe('codex-ts exec resume', () => {
  it('HTTP: --last continues the thread with the full history and prints the thread usage', async () => {
    const home = newHome(server.url);
    server.pushSteps({ kind: 'sse', events: turn('resp_1', 'First answer.') });
    server.pushSteps({ kind: 'sse', events: turn('resp_2', 'Second answer.') });
    const first = await runCli(['exec', '--json', 'First question.'], { home });
    expect(first.code).toBe(0);
    const thread = threadOf(first.lines);

    // Options of `exec` given before `resume` count too; with a prompt, piped stdin is not read.
    const second = await runCli(['exec', '--json', 'resume', '--last', 'Second question.'], {
      home,
      stdin: 'ignored piped input\n',
    });
    expect(second.stderr).toBe('');
    expect(second.code).toBe(0);
    expect(second.lines).toEqual([`{"type":"thread.started","thread_id":"${thread}"}`, ...SECOND_TURN_LINES]);

    const [r1, r2] = server.requests;
    expect(server.requests).toHaveLength(2);
    for (const name of ['session-id', 'thread-id', 'x-client-request-id'])
      expect(r2!.headerMap[name]).toBe(thread);
    expect(r2!.headerMap['x-codex-window-id']).toBe(`${thread}:0`);
    expect(metadata(r1!.headerMap['x-codex-turn-metadata']).history_initialization).toBe('new');
    expect(metadata(r2!.headerMap['x-codex-turn-metadata']).history_initialization).toBe('cold_resume');
    const body = r2!.json as Record<string, unknown>;
    expect(body.prompt_cache_key).toBe(thread);
    expect(body).not.toHaveProperty('previous_response_id');
    expect(describeItems(body.input)).toEqual([
      'developer:You are codex-ts, a ',
      'user:<environment_context',
      'user:First question.',
      'reasoning',
      'assistant:First answer.',
      'user:Second question.',
    ]);
    const sessions = readdirSync(join(home, 'sessions'), { recursive: true }).filter((f) =>
      String(f).endsWith('.jsonl'),
    );
    expect(sessions).toHaveLength(1);
    expect(String(sessions[0])).toMatch(
      new RegExp(`^\\d{4}/\\d{2}/\\d{2}/rollout-[\\dT-]{19}-${thread}\\.jsonl$`),
    );
  });

  it('WebSocket: resume <id> opens a new connection with a new prewarm, then previous_response_id', async () => {
    const home = newHome(server.url, 'supports_websockets = true');
    server.setWsScenario({
      responses: [{ events: turn('resp_1', 'First answer.') }, { events: turn('resp_2', 'Second answer.') }],
    });
    const first = await runCli(['exec', '--json', 'First question.'], { home });
    expect(first.code).toBe(0);
    const thread = threadOf(first.lines) as string;

    const second = await runCli(['exec', 'resume', '--json', thread, 'Second question.'], { home });
    expect(second.code).toBe(0);
    expect(second.lines).toEqual([`{"type":"thread.started","thread_id":"${thread}"}`, ...SECOND_TURN_LINES]);

    expect(server.requests).toHaveLength(0);
    expect(server.handshakes).toHaveLength(2);
    const hs = server.handshakes[1]!;
    expect(hs.headerMap['session-id']).toBe(thread);
    expect(metadata(hs.headerMap['x-codex-turn-metadata'])).toMatchObject({
      request_kind: 'prewarm',
      history_initialization: 'cold_resume',
    });
    const frames = server.wsFrames
      .filter((f) => f.connection === hs.connection)
      .map((f) => f.json as Record<string, unknown>);
    expect(frames).toHaveLength(2);
    const [prewarm, request] = frames;
    expect(prewarm).toMatchObject({ generate: false, prompt_cache_key: thread });
    expect(describeItems(prewarm!.input)).toEqual(['developer:You are codex-ts, a ']);
    expect(request!.previous_response_id).toMatch(/^resp_prewarm_/);
    expect(describeItems(request!.input)).toEqual([
      'user:<environment_context',
      'user:First question.',
      'reasoning',
      'assistant:First answer.',
      'user:Second question.',
    ]);
  });

  it("prints 0.169.0's texts for an unknown id and a missing prompt", async () => {
    const home = newHome(server.url);
    const missing = '01a23d09-0000-7000-8000-000000000000';
    const unknown = await runCli(['exec', 'resume', '--json', missing, 'Hello.'], { home });
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toBe('');
    expect(unknown.stderr).toBe(
      `Error: thread/resume: thread/resume failed: no rollout found for thread id ${missing} (code -32600)\n`,
    );

    const empty = await runCli(['exec', 'resume', '--last'], { home, stdin: '' });
    expect(empty.code).toBe(1);
    expect(empty.stderr).toBe('Reading prompt from stdin...\nNo prompt provided via stdin.\n');
    expect(server.requests).toHaveLength(0);

    // `-` reads the prompt from stdin; with no recorded thread, --last starts a new one.
    server.pushSteps({ kind: 'sse', events: turn('resp_1', 'Fresh.') });
    const fresh = await runCli(['exec', 'resume', '--last', '--json', '-'], {
      home,
      stdin: 'Piped question.',
    });
    expect(fresh.code).toBe(0);
    expect(metadata(server.requests[0]!.headerMap['x-codex-turn-metadata']).history_initialization).toBe(
      'new',
    );
    expect(describeItems((server.requests[0]!.json as { input: unknown }).input).at(-1)).toBe(
      'user:Piped question.',
    );
  });

  it('lists the original options in --help (and no exec-only ones)', async () => {
    const home = newHome(server.url);
    const help = await runCli(['exec', 'resume', '--help'], { home });
    expect(help.code).toBe(0);
    for (const flag of ['--last', '--all', '--ephemeral', '--output-schema <FILE>', '-i, --image <FILE>'])
      expect(help.stdout).toContain(flag);
    for (const flag of ['--profile', '--sandbox', '--color', '--add-dir'])
      expect(help.stdout).not.toContain(flag);
  });
});
