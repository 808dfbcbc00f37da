// The default model (gpt-6.1-sol) end to end over loopback: the Responses-Lite request shape and
// the code-mode `exec` / `wait` tools, asserted against what codex-cli 0.169.0 sent in the same
// scenarios (`fixtures/observed-0.169.json`, captured with no `model` configured).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collect } from '@codex-ts/client/test';
import {
  completed,
  functionCall,
  outputItemDone,
  type ResponsesServer,
  responseCreated,
  startResponsesServer,
  textTurn,
} from '@codex-ts/responses-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openExecConversation } from '../../session/open-exec.js';
import { localProviderToml } from '../../test/index.js';
import { applyPatchToolSpec } from '../apply-patch/spec.js';
import { EXEC_COMMAND_SPEC, WRITE_STDIN_SPEC } from '../exec/specs.js';
import { execToolSpec, type NestedToolInfo, nestedToolInfo } from './declarations.js';
import { WAIT_SPEC } from './specs.js';

type Capture = {
  requests: {
    headers: [string, string][];
    body: Record<string, unknown> & { input: Record<string, unknown>[] };
  }[];
  wsFrames: { connection: number; body: Record<string, unknown> & { input: Record<string, unknown>[] } }[];
  handshakes: { headers: [string, string][] }[];
};
const observed = JSON.parse(
  readFileSync(new URL('./fixtures/observed-0.169.json', import.meta.url), 'utf8'),
) as Record<string, Capture>;

let server: ResponsesServer;
let home: string;
let work: string;

beforeEach(async () => {
  server = await startResponsesServer();
  home = mkdtempSync(join(tmpdir(), 'codex-ts-code-mode-home-'));
  work = mkdtempSync(join(tmpdir(), 'codex-ts-code-mode-work-'));
});
afterEach(async () => {
  await server.close();
  rmSync(home, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

/** config.toml with no `model`: the custom provider at the local server (or the built-in openai one). */
function writeConfig(kind: 'custom' | 'openai'): void {
  const lines =
    kind === 'custom'
      ? [localProviderToml(server.url, [], { model: null }).trimEnd()]
      : ['model_provider = "openai"', `openai_base_url = "${server.url}"`, 'forced_login_method = "api"'];
  writeFileSync(join(home, 'config.toml'), `${lines.join('\n')}\n`);
  if (kind === 'openai')
    writeFileSync(
      join(home, 'auth.json'),
      JSON.stringify({ auth_mode: 'apikey', OPENAI_API_KEY: 'sk-local' }),
    );
}

async function runPrompt(
  options: { kind?: 'custom' | 'openai'; prewarm?: boolean; resume?: boolean; prompt?: string } = {},
) {
  writeConfig(options.kind ?? 'custom');
  const opened = await openExecConversation({
    ...(options.resume ? { resume: { last: true } } : {}),
    version: '0.169.0',
    env: { CODEX_HOME: home, LOCAL_API_KEY: 'sk-local', PATH: process.env.PATH ?? '', HOME: work },
    cwd: work,
    prewarm: options.prewarm ?? false,
    dangerouslyBypassApprovalsAndSandbox: true,
  });
  try {
    const events = await collect(opened.conversation.runTurn(options.prompt ?? 'Run echo hi.'));
    expect(events.at(-1)?.type).toBe('turn.completed');
    return { opened, events };
  } finally {
    await opened.close();
  }
}

const execCall = (source: string) => ({
  kind: 'sse' as const,
  events: [
    responseCreated('resp_1'),
    outputItemDone({
      type: 'custom_tool_call',
      id: 'ctc_1',
      status: 'completed',
      call_id: 'call_1',
      name: 'exec',
      input: source,
    }),
    completed('resp_1'),
  ],
});
const done = (id = 'resp_2') => ({
  kind: 'sse' as const,
  events: textTurn({ responseId: id, text: 'Done.' }),
});
const posts = () => server.requests.filter((q) => q.route === 'responses' && q.method === 'POST');
/** The output items answering `call_id` in the last request. */
const answers = (callId: string) =>
  (posts().at(-1)!.json as { input: Record<string, unknown>[] }).input.filter(
    (item) => item.call_id === callId && item.type !== 'custom_tool_call' && item.type !== 'function_call',
  );
/** Wall times normalised as in the fixtures. */
const normalise = (value: unknown) =>
  JSON.parse(JSON.stringify(value).replace(/Wall time \d+\.\d seconds/g, 'Wall time 0.0 seconds'));
const withoutIds = (items: Record<string, unknown>[]) => items.map(({ id: _id, ...rest }) => rest);

const ourNested = [applyPatchToolSpec(), EXEC_COMMAND_SPEC, WRITE_STDIN_SPEC]
  .map((spec) => nestedToolInfo(spec))
  .filter((info): info is NestedToolInfo => info !== undefined);

describe('no model configured: gpt-6.1-sol, Responses-Lite', () => {
  it('HTTP: headers, body fields and the additional_tools item in 0.169.0 order and shape', async () => {
    server.pushSteps(done('resp_1'));
    const { opened } = await runPrompt();
    expect(opened.model).toBe('gpt-6.1-sol');
    const original = observed['http-text']!.requests[0]!;
    const [request] = posts();
    const names = (headers: readonly (readonly [string, string])[]) =>
      headers
        .map(([name]) => name.toLowerCase())
        .filter((name) => !['content-length', 'host', 'connection'].includes(name));
    expect(names(request!.headers)).toEqual(names(original.headers));
    expect(request!.headerMap['x-openai-internal-codex-responses-lite']).toBe('true');
    const body = request!.json as Record<string, unknown> & { input: Record<string, unknown>[] };
    expect(Object.keys(body)).toEqual(Object.keys(original.body));
    for (const key of [
      'model',
      'stream',
      'tool_choice',
      'parallel_tool_calls',
      'reasoning',
      'store',
      'include',
      'text',
    ])
      expect(JSON.stringify(body[key])).toBe(JSON.stringify(original.body[key]));
    const metadata = JSON.parse(request!.headerMap['x-codex-turn-metadata']!) as Record<string, unknown>;
    const originalMetadata = JSON.parse(original.headers.find(([n]) => n === 'x-codex-turn-metadata')![1]);
    expect(Object.keys(metadata)).toEqual(Object.keys(originalMetadata));
    expect(metadata).toMatchObject({
      model: 'gpt-6.1-sol',
      reasoning_effort: 'low',
      node_repl_auto_review_required: true,
    });
    // The additional_tools item first, then the base instructions; our nested tools in 0.169.0's texts.
    expect(body.input.map((item) => `${item.type}:${item.role}`)).toEqual([
      'additional_tools:developer',
      'message:developer',
      'message:user',
      'message:user',
    ]);
    const [tools, base] = body.input;
    expect(Object.keys(tools!)).toEqual(['type', 'id', 'role', 'tools']);
    expect(tools!.id).toMatch(/^at_[0-9a-f]{8}-[0-9a-f]{4}-7/);
    expect(tools!.role).toBe('developer');
    expect(JSON.stringify(tools!.tools)).toBe(
      JSON.stringify([
        {
          type: 'namespace',
          name: 'functions',
          description: '',
          tools: [execToolSpec(ourNested), WAIT_SPEC],
        },
      ]),
    );
    expect(base).toMatchObject({ type: 'message', role: 'developer' });
  });

  it('exec: a nested exec_command, text() items, the command item, and the answer 0.169.0 sent', async () => {
    server.pushSteps(
      execCall('const r = await tools.exec_command({cmd: "echo hi"});\ntext(r.output);\ntext({a: 1});'),
      done(),
    );
    const { events } = await runPrompt();
    const expected = observed['http-exec']!.requests[1]!.body.input.filter(
      (item) => item.call_id === 'call_1' && item.type === 'custom_tool_call_output',
    );
    expect(normalise(withoutIds(answers('call_1')))).toEqual(withoutIds(expected));
    expect(String(answers('call_1')[0]!.id)).toMatch(/^ctco_/);
    const items = events.flatMap((e) =>
      e.type === 'tool.item' ? [e.phase + ':' + JSON.stringify(e.item)] : [],
    );
    expect(items).toEqual([
      'started:{"type":"command_execution","command":"/bin/bash -lc \'echo hi\'","aggregated_output":"","exit_code":null,"status":"in_progress"}',
      'completed:{"type":"command_execution","command":"/bin/bash -lc \'echo hi\'","aggregated_output":"hi\\n","exit_code":0,"status":"completed"}',
    ]);
    // The follow-up keeps the additional_tools item and the parallel/tools shape.
    expect((posts()[1]!.json as { input: { type: string }[] }).input[0]!.type).toBe('additional_tools');
  });

  it('exec failures: a thrown error with its exec_main.mjs frame, a syntax error', async () => {
    server.pushSteps(execCall('text("before");\nthrow new Error("boom");'), done());
    await runPrompt();
    const thrown = observed['http-err1']!.requests[1]!.body.input.filter(
      (item) => item.type === 'custom_tool_call_output',
    );
    expect(normalise(withoutIds(answers('call_1')))).toEqual(withoutIds(thrown));
  });

  it('a syntax error is answered as 0.169.0 did', async () => {
    server.pushSteps(execCall('const x = ;'), done());
    await runPrompt();
    const syntax = observed['http-err2']!.requests[1]!.body.input.filter(
      (item) => item.type === 'custom_tool_call_output',
    );
    expect(normalise(withoutIds(answers('call_1')))).toEqual(withoutIds(syntax));
  });

  it('store/load, notify (an extra output after the answer), no console/process/require, exit()', async () => {
    server.pushSteps(
      execCall(
        'store("k", {v: 2});\ntext(load("k"));\nnotify("note");\ntext(typeof console);\ntext(typeof process);\ntext(typeof require);\nexit();\ntext("never");',
      ),
      done(),
    );
    await runPrompt();
    const [answer, note] = answers('call_1');
    expect(normalise(answer!.output)).toEqual([
      { type: 'input_text', text: 'Script completed\nWall time 0.0 seconds\nOutput:\n' },
      { type: 'input_text', text: '{"v":2}' },
      { type: 'input_text', text: 'undefined' },
      { type: 'input_text', text: 'undefined' },
      { type: 'input_text', text: 'undefined' },
    ]);
    const originalNote = observed['http-nested']!.requests[1]!.body.input.at(-1)!;
    expect(Object.keys(note!)).toEqual(Object.keys(originalNote));
    expect(withoutIds([note!])).toEqual(withoutIds([originalNote]));
  });

  it('a script that outlives yield_time_ms answers "Script running with cell ID 1"; wait returns the rest', async () => {
    const source =
      '// @exec: {"yield_time_ms": 500}\ntext("start");\nconst r = await tools.exec_command({cmd: "sleep 2; echo done", yield_time_ms: 5000});\ntext(r.output);';
    server.pushSteps(
      execCall(source),
      {
        kind: 'sse',
        events: [
          responseCreated('resp_2'),
          functionCall('call_2', 'wait', { cell_id: '1', yield_time_ms: 5000 }, 'fc_2'),
          completed('resp_2'),
        ],
      },
      done('resp_3'),
    );
    const { events } = await runPrompt();
    // The command started during `exec` and completed during `wait`: both phases printed, as 0.169.0.
    expect(events.flatMap((e) => (e.type === 'tool.item' ? [`${e.phase}:${e.item.type}`] : []))).toEqual([
      'started:command_execution',
      'completed:command_execution',
    ]);
    const capture = observed['http-yield']!.requests;
    const running = capture[1]!.body.input.filter((item) => item.type === 'custom_tool_call_output');
    const finished = capture[2]!.body.input.filter((item) => item.type === 'function_call_output');
    const [second, third] = posts()
      .slice(1)
      .map((q) => (q.json as { input: Record<string, unknown>[] }).input);
    expect(normalise(withoutIds(second!.filter((i) => i.type === 'custom_tool_call_output')))).toEqual(
      withoutIds(running),
    );
    expect(normalise(withoutIds(third!.filter((i) => i.type === 'function_call_output')))).toEqual(
      withoutIds(finished),
    );
  });
});

describe('no model configured: exec resume', () => {
  it('resends the recorded additional_tools item first, then the base instructions and the history (0.169.0)', async () => {
    server.pushSteps(execCall('text("one");'), done(), done('resp_3'));
    await runPrompt();
    await runPrompt({ resume: true, prompt: 'Again.' });
    const [first, , resumed] = posts().map((q) => (q.json as { input: Record<string, unknown>[] }).input);
    const original = observed['ws-resume']!.wsFrames[1]!.body.input;
    expect(resumed!.map((item) => `${item.type}:${item.role ?? ''}`)).toEqual([
      'additional_tools:developer',
      'message:developer',
      'message:user',
      'message:user',
      'custom_tool_call:',
      'custom_tool_call_output:',
      'message:assistant',
      'message:user',
    ]);
    // 0.169.0 resent the same shape (with its extra developer messages and the reasoning item).
    const kinds = (items: Record<string, unknown>[]) =>
      items
        .filter((item) => item.role !== 'developer' || item.type === 'additional_tools')
        .map((item) => item.type);
    expect(kinds(original).filter((type) => type !== 'reasoning')).toEqual(kinds(resumed!));
    expect(resumed![0]).toEqual(first![0]);
  });
});

describe('no model configured over WebSocket (built-in openai provider)', () => {
  it('the prewarm has an empty input; frames carry the Responses-Lite client_metadata key; no handshake header', async () => {
    server.pushWsResponses({ events: textTurn({ responseId: 'resp_1', text: 'Done.' }) });
    await runPrompt({ kind: 'openai', prewarm: true });
    const original = observed['ws-exec']!;
    const frames = server.wsFrames.map(
      (f) => f.json as Record<string, unknown> & { input: Record<string, unknown>[] },
    );
    expect(frames).toHaveLength(2);
    expect(Object.keys(frames[0]!)).toEqual(Object.keys(original.wsFrames[0]!.body));
    expect(frames[0]!.input).toEqual([]);
    expect(Object.keys(frames[1]!)).toEqual(Object.keys(original.wsFrames[1]!.body));
    expect(frames[1]!.previous_response_id).toBe('resp_prewarm_1');
    expect(frames[1]!.input.map((item) => item.type)).toEqual([
      'additional_tools',
      'message',
      'message',
      'message',
    ]);
    for (const frame of frames) {
      expect(
        (frame.client_metadata as Record<string, string>)
          .ws_request_header_x_openai_internal_codex_responses_lite,
      ).toBe('true');
      expect(frame.reasoning).toEqual({ effort: 'low', context: 'all_turns' });
      expect(frame.parallel_tool_calls).toBe(false);
    }
    const handshake = server.handshakes[0]!.headers.map(([name]) => name.toLowerCase());
    expect(handshake).toEqual(
      original.handshakes[0]!.headers.map(([name]) => name.toLowerCase()).map((n) => n),
    );
  });
});
