// `codex-ts exec --json` automatic compaction (observed-cli-0.169-auth §16, issue 10 acceptance):
// the built binary against the responses server on 127.0.0.1, a custom provider (`responses`
// implementation) with `model_auto_compact_token_limit = 1000`, over HTTP and WebSocket; the
// mid-turn case after an exec_command call and the pre-turn case on `exec resume`. Every asserted
// detail was checked against codex-cli 0.169.0 run on the same scripts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  completed,
  functionCall,
  type ResponsesEvent,
  type ResponsesServer,
  reasoningItem,
  responseCreated,
  startResponsesServer,
  textTurn,
  usage,
} from '@codex-ts/responses-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { helloTurn } from '../test-support/hello-turn.js';
import { providerConfig, runCli, tempHome } from '../test-support/run-cli.js';

let server: ResponsesServer;
let userHome: string;
const cleanups: (() => void)[] = [];
beforeEach(async () => {
  server = await startResponsesServer();
  userHome = mkdtempSync(join(tmpdir(), 'codex-ts-cli-user-'));
});
afterEach(async () => {
  await server.close();
  rmSync(userHome, { recursive: true, force: true });
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** A CODEX_HOME whose config.toml sets `model_auto_compact_token_limit = 1000` and the local provider. */
function newHome(websocket: boolean): string {
  const extra = websocket ? 'supports_websockets = true' : '';
  const home = tempHome(`model_auto_compact_token_limit = 1000\n${providerConfig(server.url, extra)}`);
  cleanups.push(home.cleanup);
  return home.home;
}
const BYPASS = '--dangerously-bypass-approvals-and-sandbox';

/** The checkpoint prompt and the summary prefix, byte for byte as 0.169.0 sent them. */
const CHECKPOINT = `You are performing a CONTEXT CHECKPOINT COMPACTION. Create a handoff summary for another LLM that will resume the task.

Include:
- Current progress and key decisions made
- Important context, constraints, or user preferences
- What remains to be done (clear next steps)
- Any critical data, examples, or references needed to continue

Be concise, structured, and focused on helping the next LLM seamlessly continue the work.
`;
const SUMMARY_PREFIX =
  'Another language model started to solve this problem and produced a summary of its thinking process. You also have access to the state of the tools that were used by that language model. Use this to build on the work that has already been done and avoid duplicating work. Here is the summary produced by the other language model, use the information in this summary to assist with your own analysis:';
const SUMMARY = 'Summary: ran echo hi.';
const MSG_V7 = /^msg_[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** An exec_command call whose usage (200 000 input tokens) passes the limit. */
const toolCallOverLimit = (): ResponsesEvent[] => [
  responseCreated('resp_1'),
  reasoningItem('rs_1', ['Running a command'], 'gAAAA-1'),
  functionCall('call_1', 'exec_command', { cmd: 'echo hi' }, 'fc_1'),
  completed('resp_1', usage({ input: 200_000, cached: 512, output: 20, reasoning: 8 })),
];
/** The compaction's answer: a reasoning summary (not printed either) and the summary text. */
const summaryTurn = (): ResponsesEvent[] =>
  textTurn({
    responseId: 'resp_c',
    text: SUMMARY,
    reasoning: 'Summarizing',
    usage: usage({ input: 3000, cached: 0, output: 50, reasoning: 10 }),
  });

type Item = { type: string; id?: string; role?: string; content?: { type: string; text: string }[] };
type Body = {
  input: Item[];
  tools: { name?: string }[];
  parallel_tool_calls: boolean;
  previous_response_id?: string;
  generate?: boolean;
  client_metadata: Record<string, string>;
};
const metaOf = (body: Body) =>
  JSON.parse(body.client_metadata['x-codex-turn-metadata'] ?? '{}') as Record<string, unknown>;
const textOf = (item: Item | undefined) => item?.content?.map((c) => c.text).join('') ?? '';
const userText = (text: string, id?: string) => ({
  type: 'message',
  ...(id === undefined ? {} : { id }),
  role: 'user',
  content: [{ type: 'input_text', text }],
});

// What 0.169.0 printed for the mid-turn script after `thread.started`: nothing for the compaction,
// the usage of all three responses summed.
const MID_TURN_LINES = [
  '{"type":"turn.started"}',
  '{"type":"item.completed","item":{"id":"item_0","type":"reasoning","text":"Running a command"}}',
  `{"type":"item.started","item":{"id":"item_1","type":"command_execution","command":"SHELL -lc 'echo hi'","aggregated_output":"","exit_code":null,"status":"in_progress"}}`,
  `{"type":"item.completed","item":{"id":"item_1","type":"command_execution","command":"SHELL -lc 'echo hi'","aggregated_output":"hi\\n","exit_code":0,"status":"completed"}}`,
  '{"type":"item.completed","item":{"id":"item_2","type":"reasoning","text":"**Planning a reply**\\n\\nThe user wants a short greeting."}}',
  '{"type":"item.completed","item":{"id":"item_3","type":"agent_message","text":"Hello there!"}}',
  '{"type":"turn.completed","usage":{"input_tokens":204200,"cached_input_tokens":1536,"cache_write_input_tokens":0,"output_tokens":112,"reasoning_output_tokens":34}}',
];

/** Printed lines after `thread.started`, the login shell (`/bin/bash` where 0.169.0 ran) as SHELL. */
const printed = (lines: string[]) =>
  lines.slice(1).map((l) => l.replace(/"command":"\/\S*\/(bash|zsh|sh) -lc /, '"command":"SHELL -lc '));

const run = (args: string[], home: string) =>
  runCli(['exec', '--json', BYPASS, ...args], { home, env: { HOME: userHome } });

/**
 * The mid-turn sequence as 0.169.0 sent it: `turn`, `compaction` (whole history + checkpoint
 * prompt, no tools, same turn), `turn` in window 1 with the compacted history.
 */
function expectMidTurnRequests(thread: string, turn: Body, compaction: Body, next: Body): void {
  const [turnMeta, compactionMeta, nextMeta] = [metaOf(turn), metaOf(compaction), metaOf(next)];
  expect(turnMeta).toMatchObject({ request_kind: 'turn', window_id: `${thread}:0`, window_number: 0 });
  expect(compactionMeta).toMatchObject({
    request_kind: 'compaction',
    turn_id: turnMeta.turn_id,
    window_id: `${thread}:0`,
    window_number: 0,
    context_window_id: turnMeta.context_window_id,
  });
  expect(compactionMeta).not.toHaveProperty('model');
  expect(compactionMeta).not.toHaveProperty('reasoning_effort');
  expect(JSON.stringify(compactionMeta)).toContain(
    ',"compaction":{"trigger":"auto","reason":"context_limit","implementation":"responses","phase":"mid_turn","strategy":"memento"}}',
  );
  expect(compaction.client_metadata['x-codex-window-id']).toBe(`${thread}:0`);
  expect(compaction.tools).toEqual([]);
  expect(compaction.parallel_tool_calls).toBe(false);
  expect(compaction.input.slice(0, turn.input.length)).toEqual(turn.input);
  expect(compaction.input.slice(turn.input.length).map((i) => i.type)).toEqual([
    'reasoning',
    'function_call',
    'function_call_output',
    'message',
  ]);
  expect(compaction.input.at(-1)).toEqual(userText(CHECKPOINT));

  expect(nextMeta).toMatchObject({
    request_kind: 'turn',
    turn_id: turnMeta.turn_id,
    window_id: `${thread}:1`,
    window_number: 1,
    model: 'gpt-5.5',
  });
  expect(nextMeta.context_window_id).toMatch(UUID);
  expect(nextMeta.context_window_id).not.toBe(turnMeta.context_window_id);
  expect(next.client_metadata['x-codex-window-id']).toBe(`${thread}:1`);
  expect(next.tools.map((t) => t.name)).toEqual(turn.tools.map((t) => t.name));
  expect(next.parallel_tool_calls).toBe(true);
  expect(next.previous_response_id).toBeUndefined();
  // [developer (base instructions, same id), environment (rebuilt: new id), prompt (same id), summary (own id)]
  const [base, env, prompt] = turn.input;
  expect(next.input).toEqual([
    base,
    { ...env, id: expect.stringMatching(MSG_V7) },
    prompt,
    userText(`${SUMMARY_PREFIX}\n${SUMMARY}`, expect.stringMatching(MSG_V7)),
  ]);
  expect(next.input[1]?.id).not.toBe(env?.id);
  expect(textOf(prompt)).toBe('Run the commands.');
}

describe('codex-ts exec --json: automatic compaction as 0.169.0', () => {
  it('mid-turn over HTTP: compaction request, window 0 → 1, compacted history, nothing printed, usage summed', async () => {
    server.pushSteps(
      { kind: 'sse', events: toolCallOverLimit() },
      { kind: 'sse', events: summaryTurn() },
      { kind: 'sse', events: helloTurn() },
    );
    const r = await run(['Run the commands.'], newHome(false));
    expect(r.code).toBe(0);
    expect(printed(r.lines)).toEqual(MID_TURN_LINES);
    const thread = (JSON.parse(r.lines[0] ?? '{}') as { thread_id: string }).thread_id;
    expect(server.requests.map((q) => q.path)).toEqual(['/v1/responses', '/v1/responses', '/v1/responses']);
    expect(server.requests.map((q) => q.headerMap['x-codex-window-id'])).toEqual([
      `${thread}:0`,
      `${thread}:0`,
      `${thread}:1`,
    ]);
    const [turn, compaction, next] = server.requests.map((q) => q.json as Body);
    expectMidTurnRequests(thread, turn!, compaction!, next!);
    // The summary's reasoning and text were not shown: four items, as above.
    expect(r.stdout).not.toContain(SUMMARY);
  });

  it('mid-turn over WebSocket: the compaction on a new connection in full, the turn back on its socket in full', async () => {
    server.setWsScenario({
      responses: [{ events: toolCallOverLimit() }, { events: summaryTurn() }, { events: helloTurn() }],
    });
    const r = await run(['Run the commands.'], newHome(true));
    expect(r.code).toBe(0);
    expect(printed(r.lines)).toEqual(MID_TURN_LINES);
    const thread = (JSON.parse(r.lines[0] ?? '{}') as { thread_id: string }).thread_id;
    expect(server.requests).toHaveLength(0);
    expect(server.handshakes).toHaveLength(2);
    const frames = server.wsFrames.map((f) => ({ connection: f.connection, body: f.json as Body }));
    expect(frames.map((f) => [f.connection, metaOf(f.body).request_kind])).toEqual([
      [0, 'prewarm'],
      [0, 'turn'],
      [1, 'compaction'],
      [0, 'turn'],
    ]);
    const [prewarm, turn, compaction, next] = frames.map((f) => f.body);
    expect(prewarm!.generate).toBe(false);
    expect(turn!.previous_response_id).toMatch(/^resp_prewarm_/);
    expect(compaction!.previous_response_id).toBeUndefined();
    // The turn's first frame is incremental after the prewarm: its full input is prewarm + turn.
    const fullTurn = { ...turn!, input: [...prewarm!.input, ...turn!.input] };
    expectMidTurnRequests(thread, fullTurn, compaction!, next!);
  });

  it('pre-turn on exec resume over HTTP: the resumed history compacted before the prompt, then window 1', async () => {
    const home = newHome(false);
    server.setScenario({
      steps: [
        {
          kind: 'sse',
          events: textTurn({
            responseId: 'resp_0',
            text: 'First answer.',
            reasoning: 'Thinking',
            usage: usage({ input: 200_000, cached: 1024, output: 42, reasoning: 16 }),
          }),
        },
      ],
    });
    const first = await run(['First question.'], home);
    expect(first.code).toBe(0);
    const thread = (JSON.parse(first.lines[0] ?? '{}') as { thread_id: string }).thread_id;

    server.setScenario({
      steps: [
        { kind: 'sse', events: summaryTurn() },
        { kind: 'sse', events: helloTurn() },
      ],
    });
    const r = await runCli(['exec', 'resume', '--last', '--json', BYPASS, 'Second question.'], {
      home,
      env: { HOME: userHome },
    });
    expect(r.code).toBe(0);
    // As 0.169.0 printed it: the compaction shows nothing; the usage includes the first process's response.
    expect(r.lines).toEqual([
      `{"type":"thread.started","thread_id":"${thread}"}`,
      '{"type":"turn.started"}',
      '{"type":"item.completed","item":{"id":"item_0","type":"reasoning","text":"**Planning a reply**\\n\\nThe user wants a short greeting."}}',
      '{"type":"item.completed","item":{"id":"item_1","type":"agent_message","text":"Hello there!"}}',
      '{"type":"turn.completed","usage":{"input_tokens":204200,"cached_input_tokens":2048,"cache_write_input_tokens":0,"output_tokens":134,"reasoning_output_tokens":42}}',
    ]);
    const [firstTurn, compaction, next] = server.requests.map((q) => q.json as Body);
    expect(server.requests.map((q) => q.headerMap['x-codex-window-id'])).toEqual([
      `${thread}:0`,
      `${thread}:0`,
      `${thread}:1`,
    ]);
    const [compactionMeta, nextMeta] = [metaOf(compaction!), metaOf(next!)];
    expect(JSON.stringify(compactionMeta)).toContain(
      '"request_kind":"compaction","history_initialization":"cold_resume"',
    );
    expect(JSON.stringify(compactionMeta)).toContain(
      ',"compaction":{"trigger":"auto","reason":"context_limit","implementation":"responses","phase":"pre_turn","strategy":"memento"}}',
    );
    expect(compactionMeta.turn_id).toBe(nextMeta.turn_id);
    expect(compactionMeta.turn_id).not.toBe(metaOf(firstTurn!).turn_id);
    expect(nextMeta).toMatchObject({
      request_kind: 'turn',
      window_number: 1,
      history_initialization: 'cold_resume',
    });
    expect(nextMeta.context_window_id).not.toBe(compactionMeta.context_window_id);
    // 0.169.0 goes on in the recorded context window (session_meta.context_window.window_id).
    expect(compactionMeta.context_window_id).toBe(metaOf(firstTurn!).context_window_id);
    // The compaction: the recorded history (no new prompt) plus the checkpoint prompt.
    expect(compaction!.tools).toEqual([]);
    expect(compaction!.input.map((i) => `${i.type}:${i.role ?? ''}`)).toEqual([
      'message:developer',
      'message:user',
      'message:user',
      'reasoning:',
      'message:assistant',
      'message:user',
    ]);
    expect(compaction!.input.slice(0, 3)).toEqual(firstTurn!.input);
    expect(compaction!.input.at(-1)).toEqual(userText(CHECKPOINT));
    // The turn: [developer, environment (new id), first prompt (same id), summary, the new prompt].
    const [base, env, firstPrompt] = firstTurn!.input;
    expect(next!.input).toEqual([
      base,
      { ...env, id: expect.stringMatching(MSG_V7) },
      firstPrompt,
      userText(`${SUMMARY_PREFIX}\n${SUMMARY}`, expect.stringMatching(MSG_V7)),
      userText('Second question.', expect.stringMatching(MSG_V7)),
    ]);
    expect(next!.input[1]?.id).not.toBe(env?.id);
  });

  it('pre-turn on exec resume over WebSocket: compaction on a new connection, the turn on the prewarmed socket after it', async () => {
    const home = newHome(true);
    server.setWsScenario({
      responses: [
        {
          events: textTurn({
            responseId: 'resp_0',
            text: 'First answer.',
            usage: usage({ input: 200_000, cached: 1024, output: 42, reasoning: 16 }),
          }),
        },
      ],
    });
    const first = await run(['First question.'], home);
    expect(first.code).toBe(0);
    const firstFrames = server.wsFrames.length;
    server.setWsScenario({ responses: [{ events: summaryTurn() }, { events: helloTurn() }] });
    const r = await runCli(['exec', 'resume', '--last', '--json', BYPASS, 'Second question.'], {
      home,
      env: { HOME: userHome },
    });
    expect(r.code).toBe(0);
    expect(r.lines.at(-1)).toBe(
      '{"type":"turn.completed","usage":{"input_tokens":204200,"cached_input_tokens":2048,"cache_write_input_tokens":0,"output_tokens":134,"reasoning_output_tokens":42}}',
    );
    expect(r.stdout).not.toContain(SUMMARY);
    // 0.169.0: a new prewarm (connection 1), the compaction on another new connection (2), then the
    // turn on the prewarmed socket with previous_response_id = the prewarm and the rest of the
    // compacted history.
    expect(server.handshakes).toHaveLength(3);
    const frames = server.wsFrames
      .slice(firstFrames)
      .map((f) => ({ connection: f.connection, body: f.json as Body }));
    expect(frames.map((f) => [f.connection, metaOf(f.body).request_kind])).toEqual([
      [1, 'prewarm'],
      [2, 'compaction'],
      [1, 'turn'],
    ]);
    const [prewarm, compaction, next] = frames.map((f) => f.body);
    expect(compaction!.previous_response_id).toBeUndefined();
    expect(compaction!.input[0]).toEqual(prewarm!.input[0]);
    expect(compaction!.input.at(-1)).toEqual(userText(CHECKPOINT));
    expect(metaOf(compaction!)).toMatchObject({
      window_number: 0,
      history_initialization: 'cold_resume',
      context_window_id: metaOf(server.wsFrames[0]!.json as Body).context_window_id,
    });
    expect(next!.previous_response_id).toMatch(/^resp_prewarm_/);
    expect(metaOf(next!)).toMatchObject({ window_number: 1, request_kind: 'turn' });
    expect(next!.input.map(textOf)).toEqual([
      expect.stringMatching(/^<environment_context>/),
      'First question.',
      `${SUMMARY_PREFIX}\n${SUMMARY}`,
      'Second question.',
    ]);
  });

  it('exec resume after a mid-turn compaction goes on in the window the compaction opened', async () => {
    const home = newHome(false);
    const small = (id: string) =>
      textTurn({
        responseId: id,
        text: 'Done.',
        usage: usage({ input: 500, cached: 0, output: 10, reasoning: 0 }),
      });
    server.pushSteps(
      { kind: 'sse', events: toolCallOverLimit() },
      { kind: 'sse', events: summaryTurn() },
      { kind: 'sse', events: small('resp_2') },
    );
    expect((await run(['Run the commands.'], home)).code).toBe(0);
    server.pushSteps({ kind: 'sse', events: small('resp_3') });
    const r = await runCli(['exec', 'resume', '--last', '--json', BYPASS, 'Again.'], {
      home,
      env: { HOME: userHome },
    });
    expect(r.code).toBe(0);
    const thread = (JSON.parse(r.lines[0] ?? '{}') as { thread_id: string }).thread_id;
    // As 0.169.0: window 1 and the context window id of the continuation, from the `compacted` record.
    const metas = server.requests.map((q) => metaOf(q.json as Body));
    expect(metas.map((m) => [m.request_kind, m.window_id])).toEqual([
      ['turn', `${thread}:0`],
      ['compaction', `${thread}:0`],
      ['turn', `${thread}:1`],
      ['turn', `${thread}:1`],
    ]);
    expect(server.requests[3]!.headerMap['x-codex-window-id']).toBe(`${thread}:1`);
    expect(metas[3]).toMatchObject({ window_number: 1, history_initialization: 'cold_resume' });
    expect(metas[3]!.context_window_id).toBe(metas[2]!.context_window_id);
  });

  it('pre-turn after two turns: the window context goes back just before the last prompt, as 0.169.0', async () => {
    // 0.169.0 (live, same script): [developer, q1, environment (new id), q2, summary, q3].
    const home = newHome(false);
    const answer = (id: string, input: number) =>
      textTurn({
        responseId: id,
        text: 'Done.',
        usage: usage({ input, cached: 0, output: 10, reasoning: 0 }),
      });
    server.pushSteps(
      { kind: 'sse', events: answer('resp_1', 500) },
      { kind: 'sse', events: answer('resp_2', 200_000) },
    );
    expect((await run(['First question.'], home)).code).toBe(0);
    const resume = (prompt: string) =>
      runCli(['exec', 'resume', '--last', '--json', BYPASS, prompt], { home, env: { HOME: userHome } });
    expect((await resume('Second question.')).code).toBe(0);
    server.pushSteps({ kind: 'sse', events: summaryTurn() }, { kind: 'sse', events: helloTurn() });
    expect((await resume('Third question.')).code).toBe(0);
    const [first, second, compaction, next] = server.requests.map((q) => q.json as Body);
    expect(metaOf(compaction!).request_kind).toBe('compaction');
    const [base, env, q1] = first!.input;
    expect(second!.input.at(-1)).toMatchObject(userText('Second question.'));
    expect(next!.input).toEqual([
      base,
      q1,
      { ...env, id: expect.stringMatching(MSG_V7) },
      second!.input.at(-1),
      userText(`${SUMMARY_PREFIX}\n${SUMMARY}`, expect.stringMatching(MSG_V7)),
      userText('Third question.', expect.stringMatching(MSG_V7)),
    ]);
  });
});
