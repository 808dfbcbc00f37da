// `openExecConversation({resume})` against the local responses server (observed-cli-0.169-auth §15,
// observed-cli-0.169 §5.2 / §6): a second session continues the first one's thread from its
// rollout file, over HTTP (full history) and WebSocket (new prewarm, then previous_response_id).
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collect } from '@codex-ts/client/test';
import { type ResponsesServer, startResponsesServer, textTurn, usage } from '@codex-ts/responses-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { COMPACTION_SUMMARY_PREFIX } from '../compaction/prompts.js';
import { openExecConversation } from '../session/open-exec.js';
import type { OpenExecOptions } from '../session/open-exec-options.js';
import { localProviderToml } from '../test/config-home.js';
import { findLatestRollout } from './rollout-finder.js';

let server: ResponsesServer;
let home: string;
let cwd: string;
const u = usage({ input: 1200, cached: 1024, output: 42, reasoning: 16 });
const turn = (id: string, text: string) =>
  textTurn({ responseId: id, text, reasoning: `Thinking ${id}`, usage: u, encryptedContent: `enc-${id}` });

beforeEach(async () => {
  server = await startResponsesServer();
  home = mkdtempSync(join(tmpdir(), 'codex-ts-resume-'));
  cwd = join(home, 'project');
  mkdirSync(cwd);
});
afterEach(async () => {
  await server.close();
  rmSync(home, { recursive: true, force: true });
});

function writeConfig(websockets = false): void {
  writeFileSync(
    join(home, 'config.toml'),
    localProviderToml(server.url, [`supports_websockets = ${websockets}`]),
  );
}

/** Opens a session, runs one turn for `prompt`, closes; returns what was opened and the events. */
async function session(prompt: string, options: Partial<OpenExecOptions> = {}) {
  const opened = await openExecConversation({
    version: '0.1.0-test',
    env: { CODEX_HOME: home, LOCAL_API_KEY: 'sk-local', SHELL: '/bin/bash' },
    cwd,
    ...options,
  });
  try {
    const events = await collect(opened.conversation.runTurn(prompt));
    expect(events.at(-1)?.type).toBe('turn.completed');
    return { opened, events };
  } finally {
    await opened.close();
  }
}

const metadata = (value: string | undefined) => JSON.parse(value ?? '{}') as Record<string, unknown>;
type Item = {
  type: string;
  role?: string;
  id?: string;
  content?: { text: string }[];
  encrypted_content?: string;
};
const describeItems = (input: unknown) =>
  (input as Item[]).map((i) =>
    i.type === 'message' ? `${i.role}:${i.content?.[0]?.text.slice(0, 20)}` : i.type,
  );

describe('openExecConversation resume', () => {
  it('HTTP: same thread ids, cold_resume, the full history, usage and the same rollout file', async () => {
    writeConfig();
    server.pushSteps({ kind: 'sse', events: turn('resp_1', 'First answer.') });
    server.pushSteps({ kind: 'sse', events: turn('resp_2', 'Second answer.') });
    const first = await session('First question.');
    const thread = first.opened.conversation.threadId;
    const path = first.opened.rolloutPath as string;
    expect(existsSync(path)).toBe(true);

    const second = await session('Second question.', { resume: { last: true } });
    expect(second.opened.conversation.threadId).toBe(thread);
    expect(second.opened.rolloutPath).toBe(path);
    expect(second.opened.resumedUsage).toMatchObject({ inputTokens: 1200, outputTokens: 42 });

    const [r1, r2] = server.requests;
    const h = r2!.headerMap;
    for (const name of ['session-id', 'thread-id', 'x-client-request-id']) expect(h[name]).toBe(thread);
    expect(h['x-codex-window-id']).toBe(`${thread}:0`);
    expect(metadata(r1!.headerMap['x-codex-turn-metadata']).history_initialization).toBe('new');
    expect(metadata(h['x-codex-turn-metadata'])).toMatchObject({
      history_initialization: 'cold_resume',
      thread_id: thread,
      request_kind: 'turn',
    });
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
    // The first process's items are replayed as sent and received (ids, encrypted content).
    const firstInput = (r1!.json as { input: Item[] }).input;
    expect((body.input as Item[]).slice(0, 3)).toEqual(firstInput);
    expect((body.input as Item[])[3]).toMatchObject({ id: 'rs_resp_1', encrypted_content: 'enc-resp_1' });

    // One file, appended: one session_meta, ordinals 0… without a gap.
    const lines = readFileSync(path, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { ordinal: number; type: string; payload: { type?: string } });
    expect(lines.filter((l) => l.type === 'session_meta')).toHaveLength(1);
    expect(lines[0]?.payload).not.toHaveProperty('git'); // the temp cwd is no git repository
    expect(lines.map((l) => l.ordinal)).toEqual(lines.map((_, i) => i));
    expect(lines.filter((l) => l.payload.type === 'task_complete')).toHaveLength(2);
    expect(lines.filter((l) => l.payload.type === 'token_count').at(-1)).toMatchObject({
      payload: { info: { total_token_usage: { input_tokens: 2400, output_tokens: 84 } } },
    });
    expect(
      readdirSync(join(home, 'sessions'), { recursive: true }).filter((f) => String(f).endsWith('.jsonl')),
    ).toHaveLength(1);
  });

  it('WebSocket: a new connection and prewarm, then previous_response_id = the prewarm with the rest', async () => {
    writeConfig(true);
    server.setWsScenario({
      responses: [{ events: turn('resp_1', 'First answer.') }, { events: turn('resp_2', 'Second answer.') }],
    });
    const first = await session('First question.');
    const thread = first.opened.conversation.threadId;
    await session('Second question.', { resume: { threadId: thread } });

    expect(server.handshakes).toHaveLength(2);
    const hs = server.handshakes[1]!.headerMap;
    expect(hs['session-id']).toBe(thread);
    expect(hs['x-codex-window-id']).toBe(`${thread}:0`);
    expect(metadata(hs['x-codex-turn-metadata'])).toMatchObject({
      request_kind: 'prewarm',
      history_initialization: 'cold_resume',
    });
    const frames = server.wsFrames.filter((f) => f.connection === server.handshakes[1]!.connection);
    const [prewarm, turnFrame] = frames.map((f) => f.json as Record<string, unknown>);
    expect(frames).toHaveLength(2);
    expect(prewarm).toMatchObject({ generate: false, prompt_cache_key: thread });
    expect(describeItems(prewarm!.input)).toEqual(['developer:You are codex-ts, a ']);
    const prewarmMeta = metadata(
      (prewarm!.client_metadata as Record<string, string>)['x-codex-turn-metadata'],
    );
    expect(prewarmMeta.history_initialization).toBe('cold_resume');
    expect(turnFrame!.previous_response_id).toMatch(/^resp_prewarm_/);
    expect(describeItems(turnFrame!.input)).toEqual([
      'user:<environment_context',
      'user:First question.',
      'reasoning',
      'assistant:First answer.',
      'user:Second question.',
    ]);
    const turnMeta = metadata(
      (turnFrame!.client_metadata as Record<string, string>)['x-codex-turn-metadata'],
    );
    expect(turnMeta).toMatchObject({ history_initialization: 'cold_resume', request_kind: 'turn' });
  });

  it('an unknown UUID fails with the original text; an unknown name or no thread for this cwd starts anew', async () => {
    writeConfig();
    const missing = '01a23d09-0000-7000-8000-000000000000';
    await expect(
      openExecConversation({
        version: '0.1.0-test',
        env: { CODEX_HOME: home, LOCAL_API_KEY: 'sk-local' },
        cwd,
        resume: { threadId: missing },
      }),
    ).rejects.toThrow(
      `thread/resume: thread/resume failed: no rollout found for thread id ${missing} (code -32600)`,
    );

    server.pushSteps(
      { kind: 'sse', events: turn('resp_1', 'One.') },
      { kind: 'sse', events: turn('resp_2', 'Two.') },
      { kind: 'sse', events: turn('resp_3', 'Three.') },
      { kind: 'sse', events: turn('resp_4', 'Four.') },
    );
    const byName = await session('Hello.', { resume: { threadId: 'no-such-name' } });
    const other = join(home, 'other');
    mkdirSync(other);
    const elsewhere = await session('Elsewhere.', { resume: { last: true }, cwd: other });
    expect(elsewhere.opened.conversation.threadId).not.toBe(byName.opened.conversation.threadId);
    expect(metadata(server.requests[1]!.headerMap['x-codex-turn-metadata']).history_initialization).toBe(
      'new',
    );
    // `--all` takes the newest thread of any directory.
    const all = await session('Any.', { resume: { last: true, all: true } });
    expect(all.opened.conversation.threadId).toBe(elsewhere.opened.conversation.threadId);
    expect(await findLatestRollout(home, { cwd })).toBe(byName.opened.rolloutPath);
    // A name from session_index.jsonl resumes its thread.
    writeFileSync(
      join(home, 'session_index.jsonl'),
      `${JSON.stringify({ id: byName.opened.conversation.threadId, thread_name: 'greeting', updated_at: 'x' })}\n`,
    );
    const named = await session('Again.', { resume: { threadId: 'greeting' } });
    expect(named.opened.conversation.threadId).toBe(byName.opened.conversation.threadId);
  });

  it("resumes a file in 0.169.0's format: its base instructions, items without passthrough, its usage", async () => {
    writeConfig();
    const id = '01a23d09-e276-7e20-8270-96ee437b779a';
    const turnId = '01a23d09-e288-7f80-96b4-9ee5db39fd09';
    const pass = {
      internal_chat_message_metadata_passthrough: { turn_id: turnId, create_time: 1796320387.7 },
    };
    const msg = (role: string, text: string, n: number) => ({
      type: 'message',
      id: `msg_01a23d09-e2ac-7c73-b97e-79875e25ce4${n}`,
      role,
      content: [{ type: role === 'assistant' ? 'output_text' : 'input_text', text }],
      ...pass,
    });
    const usage0169 = {
      input_tokens: 1200,
      cached_input_tokens: 1024,
      cache_write_input_tokens: 0,
      output_tokens: 42,
      reasoning_output_tokens: 16,
      total_tokens: 1242,
    };
    const records: [string, unknown, Record<string, unknown>?][] = [
      [
        'session_meta',
        {
          account_scoped: true,
          session_id: id,
          id,
          timestamp: '2026-12-03T17:53:07.705Z',
          cwd,
          runtime_workspace_roots: [cwd],
          originator: 'codex_exec',
          cli_version: '0.169.0',
          source: 'exec',
          thread_source: 'user',
          model_provider: 'local',
          base_instructions: { text: 'Recorded base instructions.' },
          history_mode: 'paginated',
          context_window: { window_id: '01a23d09-e420-7ea1-9027-17e356119596' },
        },
      ],
      ['event_msg', { type: 'task_started', turn_id: turnId, started_at: 1796320387 }],
      [
        'response_item',
        msg('developer', '<skills_instructions>recorded</skills_instructions>', 1),
        { history_sequence: 1 },
      ],
      [
        'response_item',
        msg('user', '<environment_context>recorded</environment_context>', 2),
        { history_sequence: 2 },
      ],
      ['world_state', { full: true, state: {} }],
      ['turn_context', { turn_id: turnId, cwd, approval_policy: 'never', model: 'gpt-5.5', summary: 'none' }],
      ['response_item', msg('user', 'First question.', 3), { history_sequence: 3 }],
      [
        'event_msg',
        { type: 'item_completed', thread_id: id, turn_id: turnId, item: { type: 'UserMessage' } },
      ],
      [
        'response_item',
        {
          type: 'reasoning',
          id: 'rs_resp_1',
          summary: [{ type: 'summary_text', text: 'Thinking' }],
          content: null,
          encrypted_content: 'gAAAAenc1',
          ...pass,
        },
      ],
      ['response_item', { ...msg('assistant', 'First answer.', 4), id: 'msg_resp_1', phase: 'final_answer' }],
      ['token_usage_record', { thread_id: id, response_id: 'resp_1', usage: usage0169 }],
      [
        'event_msg',
        {
          type: 'token_count',
          info: { total_token_usage: usage0169, last_token_usage: usage0169 },
          rate_limits: null,
        },
      ],
      ['event_msg', { type: 'task_complete', turn_id: turnId, last_agent_message: 'First answer.' }],
    ];
    const path = join(home, 'sessions/2026/12/03', `rollout-2026-12-03T17-53-07-${id}.jsonl`);
    mkdirSync(join(home, 'sessions/2026/12/03'), { recursive: true });
    writeFileSync(
      path,
      `${records
        .map(([type, payload, metadata], ordinal) =>
          JSON.stringify({
            timestamp: '2026-12-03T17:53:07.728Z',
            ordinal,
            type,
            payload,
            ...(metadata ? { metadata } : {}),
          }),
        )
        .join('\n')}\n`,
    );

    server.pushSteps({ kind: 'sse', events: turn('resp_2', 'Second answer.') });
    const { opened } = await session('Second question.', { resume: { last: true } });
    expect(opened.conversation.threadId).toBe(id);
    expect(opened.resumedUsage).toMatchObject({ inputTokens: 1200, totalTokens: 1242 });
    const input = (server.requests[0]!.json as { input: Record<string, unknown>[] }).input;
    expect(describeItems(input)).toEqual([
      'developer:Recorded base instru',
      'developer:<skills_instructions',
      'user:<environment_context',
      'user:First question.',
      'reasoning',
      'assistant:First answer.',
      'user:Second question.',
    ]);
    expect(input.filter((item) => 'internal_chat_message_metadata_passthrough' in item)).toEqual([]);
    expect(input[3]).toEqual({
      type: 'message',
      id: 'msg_01a23d09-e2ac-7c73-b97e-79875e25ce43',
      role: 'user',
      content: [{ type: 'input_text', text: 'First question.' }],
    });
    const appended = readFileSync(path, 'utf8')
      .trimEnd()
      .split('\n')
      .slice(records.length)
      .map((l) => JSON.parse(l));
    expect(appended[0]).toMatchObject({
      ordinal: records.length,
      type: 'event_msg',
      payload: { type: 'task_started' },
    });
    expect(appended.at(-2)).toMatchObject({
      payload: {
        type: 'token_count',
        info: { total_token_usage: { input_tokens: 2400, total_tokens: 2484 } },
      },
    });
  });

  it("refuses a thread of another model provider with 0.169.0's texts; --last skips it", async () => {
    writeConfig();
    server.pushSteps(
      { kind: 'sse', events: turn('resp_1', 'One.') },
      { kind: 'sse', events: turn('resp_2', 'Two.') },
    );
    const first = await session('Hello.');
    const thread = first.opened.conversation.threadId;
    const provider = (id: string) =>
      [
        `[model_providers.${id}]`,
        `name = "${id}"`,
        `base_url = "${server.url}"`,
        'env_key = "LOCAL_API_KEY"',
        '',
      ].join('\n');
    const open = () =>
      openExecConversation({
        version: '0.1.0-test',
        env: { CODEX_HOME: home, LOCAL_API_KEY: 'sk-local' },
        cwd,
        resume: { threadId: thread },
      });
    writeFileSync(
      join(home, 'config.toml'),
      `model = "gpt-5.5"\nmodel_provider = "other"\n${provider('other')}`,
    );
    await expect(open()).rejects.toThrow(
      'thread/resume: thread/resume failed: This chat uses model provider \u201clocal\u201d, which is no longer ' +
        'configured. Restore this provider\u2019s configuration to continue. (code -32600), data: ' +
        '{"type":"modelProviderNotConfigured","modelProvider":"local"}',
    );
    writeFileSync(
      join(home, 'config.toml'),
      `model = "gpt-5.5"\nmodel_provider = "other"\n${provider('other')}${provider('local')}`,
    );
    await expect(open()).rejects.toThrow(
      "thread/resume: thread/resume failed: failed to load configuration: Cannot change this thread's model " +
        'provider from `local` to `other` on resume. (code -32600)',
    );
    const last = await session('Which?', { resume: { last: true } });
    expect(last.opened.conversation.threadId).not.toBe(thread);
    expect(metadata(server.requests[1]!.headerMap['x-codex-turn-metadata']).history_initialization).toBe(
      'new',
    );
  });

  it('ephemeral records nothing', async () => {
    writeConfig();
    server.pushSteps({ kind: 'sse', events: turn('resp_1', 'One.') });
    const { opened } = await session('Hello.', { ephemeral: true });
    expect(opened.rolloutPath).toBeUndefined();
    expect(existsSync(join(home, 'sessions'))).toBe(false);
  });

  it('compacts before the first turn when the resumed thread last reached the auto-compact limit', async () => {
    // 0.169.0 ran a pre-turn compaction on `exec resume` when the thread's last usage was over
    // the limit: the history without the new prompt, then the turn in window 1.
    writeConfig();
    const config = join(home, 'config.toml');
    writeFileSync(config, `model_auto_compact_token_limit = 1000\n${readFileSync(config, 'utf8')}`);
    server.pushSteps({ kind: 'sse', events: turn('resp_1', 'First answer.') });
    server.pushSteps({ kind: 'sse', events: turn('resp_c', 'Summary of the thread.') });
    server.pushSteps({ kind: 'sse', events: turn('resp_2', 'Second answer.') });
    const { opened } = await session('First question.');
    await session('Second question.', { resume: { last: true } });

    const kinds = server.requests.map((r) => metadata(r.headerMap['x-codex-turn-metadata']));
    expect(kinds.map((m) => m.request_kind)).toEqual(['turn', 'compaction', 'turn']);
    // The `compacted` record's message is the summary message (0.169.0), not the turn's prompt
    // that follows the compacted history.
    const compacted = readFileSync(opened.rolloutPath as string, 'utf8')
      .split('\n')
      .filter((line) => line.includes('"type":"compacted"'))
      .map((line) => (JSON.parse(line) as { payload: { message: string } }).payload.message);
    expect(compacted).toEqual([`${COMPACTION_SUMMARY_PREFIX}\nSummary of the thread.`]);
    expect(kinds[1]).toMatchObject({
      compaction: { phase: 'pre_turn' },
      history_initialization: 'cold_resume',
    });
    const compaction = describeItems((server.requests[1]!.json as { input: unknown }).input);
    expect(compaction).toContain('user:First question.');
    expect(compaction).not.toContain('user:Second question.');
    const last = describeItems((server.requests[2]!.json as { input: unknown }).input);
    expect(last.at(-1)).toBe('user:Second question.');
    expect(last).not.toContain('assistant:First answer.');
    expect(last).not.toContain('reasoning');
  });
});
