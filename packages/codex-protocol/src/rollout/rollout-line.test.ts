// The rollout reader on a hand-made file in 0.169.0's format (record types, key layout and the
// extra keys it writes: `ordinal`, `metadata`, passthrough, `world_state`, `token_usage_record`),
// malformed and truncated lines, and the token-usage conversions.
import { describe, expect, it } from 'vitest';
import {
  parseRolloutLine,
  parseRolloutText,
  type RolloutRecord,
  tokenUsageFromRollout,
  tokenUsageToRollout,
} from './rollout-line.js';

const ID = '01a23d09-e41d-7952-9076-bf587721bdd3';
const TURN = '01a23d09-e432-7641-8759-33469cd01a29';
const usage = (input: number) => ({
  input_tokens: input,
  cached_input_tokens: 1024,
  cache_write_input_tokens: 0,
  output_tokens: 42,
  reasoning_output_tokens: 16,
  total_tokens: input + 42,
});

/** Lines shaped like a 0.169.0 rollout of a tool turn (texts are ours). */
const LINES: readonly unknown[] = [
  {
    timestamp: '2026-12-03T17:53:08.152Z',
    ordinal: 0,
    type: 'session_meta',
    payload: {
      account_scoped: true,
      session_id: ID,
      id: ID,
      timestamp: '2026-12-03T17:53:08.128Z',
      cwd: '/work/project',
      runtime_workspace_roots: ['/work/project'],
      originator: 'codex_exec',
      cli_version: '0.169.0',
      source: 'exec',
      thread_source: 'user',
      model_provider: 'local',
      base_instructions: { text: 'Base instructions for the fixture.' },
      history_mode: 'paginated',
      context_window: { window_id: '01a23d09-e420-7ea1-9027-17e356119596' },
    },
  },
  {
    timestamp: '2026-12-03T17:53:08.152Z',
    ordinal: 1,
    type: 'event_msg',
    payload: { type: 'task_started', turn_id: TURN, started_at: 1796320388, model_context_window: 258400 },
  },
  {
    timestamp: '2026-12-03T17:53:08.164Z',
    ordinal: 2,
    type: 'world_state',
    payload: { full: true, state: { agents_md: {} } },
  },
  {
    timestamp: '2026-12-03T17:53:08.165Z',
    ordinal: 3,
    type: 'turn_context',
    payload: {
      turn_id: TURN,
      cwd: '/work/project',
      approval_policy: 'never',
      permission_profile: { type: 'disabled' },
      model: 'gpt-5.5',
      summary: 'none',
      sandbox_policy: { type: 'danger-full-access' },
    },
  },
  {
    timestamp: '2026-12-03T17:53:08.171Z',
    ordinal: 4,
    type: 'response_item',
    payload: {
      type: 'message',
      id: 'msg_01a23d09-e44b-7973-b28a-a9282fb5621c',
      role: 'user',
      content: [{ type: 'input_text', text: 'Run the fixture command.' }],
      internal_chat_message_metadata_passthrough: { turn_id: TURN, create_time: 1796320388.17 },
    },
    metadata: { history_sequence: 4, client_authored: true },
  },
  {
    timestamp: '2026-12-03T17:53:08.220Z',
    ordinal: 5,
    type: 'response_item',
    payload: {
      type: 'function_call',
      id: 'fc_1',
      name: 'exec_command',
      arguments: '{"cmd":"true"}',
      call_id: 'call_1',
    },
    metadata: { history_sequence: 5 },
  },
  {
    timestamp: '2026-12-03T17:53:08.223Z',
    ordinal: 6,
    type: 'token_usage_record',
    payload: { thread_id: ID, response_id: 'resp_1', usage: usage(1200) },
  },
  {
    timestamp: '2026-12-03T17:53:08.472Z',
    ordinal: 7,
    type: 'response_item',
    payload: {
      type: 'function_call_output',
      id: 'fco_1',
      call_id: 'call_1',
      output: 'Process exited with code 0',
    },
  },
  {
    timestamp: '2026-12-03T17:53:08.473Z',
    ordinal: 8,
    type: 'event_msg',
    payload: {
      type: 'token_count',
      info: { total_token_usage: usage(1200), last_token_usage: usage(1200), model_context_window: 258400 },
      rate_limits: { limit_id: 'codex', primary: null },
    },
  },
];

const text = `${LINES.map((line) => JSON.stringify(line)).join('\n')}\n`;

describe('parseRolloutText', () => {
  it('reads every record of a 0.169.0-shaped file, keeping unknown types as other', () => {
    const { records, problems } = parseRolloutText(text);
    expect(problems).toEqual([]);
    expect(records.map((r) => (r.type === 'other' ? `other:${r.recordType}` : r.type))).toEqual([
      'session_meta',
      'event_msg',
      'other:world_state',
      'turn_context',
      'response_item',
      'response_item',
      'other:token_usage_record',
      'response_item',
      'event_msg',
    ]);
    const meta = records[0] as Extract<RolloutRecord, { type: 'session_meta' }>;
    expect(meta.ordinal).toBe(0);
    expect(meta.timestamp).toBe('2026-12-03T17:53:08.152Z');
    expect(meta.meta).toMatchObject({
      id: ID,
      cwd: '/work/project',
      originator: 'codex_exec',
      cli_version: '0.169.0',
      model_provider: 'local',
      base_instructions: { text: 'Base instructions for the fixture.' },
      history_mode: 'paginated',
    });
    const user = records[4] as Extract<RolloutRecord, { type: 'response_item' }>;
    expect(user.item).toMatchObject({ type: 'message', role: 'user' });
    const call = records[5] as Extract<RolloutRecord, { type: 'response_item' }>;
    expect(call.item).toMatchObject({ type: 'function_call', call_id: 'call_1', name: 'exec_command' });
    const context = records[3] as Extract<RolloutRecord, { type: 'turn_context' }>;
    expect(context.context).toMatchObject({ cwd: '/work/project', model: 'gpt-5.5', turn_id: TURN });
    const unknown = records[2] as Extract<RolloutRecord, { type: 'other' }>;
    expect(unknown.payload).toEqual({ full: true, state: { agents_md: {} } });
  });

  it('reports malformed lines and a truncated last line without losing the others', () => {
    const lines = text.trimEnd().split('\n');
    const broken = [
      lines[0],
      '{"timestamp":"2026-12-03T17:53:08.152Z","ordinal":1,"type":"event_msg"}',
      'not json at all',
      '',
      lines[4],
      (lines[5] as string).slice(0, 40),
    ].join('\r\n');
    const { records, problems } = parseRolloutText(broken);
    expect(records.map((r) => r.type)).toEqual(['session_meta', 'response_item']);
    expect(problems.map((p) => p.line)).toEqual([2, 3, 6]);
    expect(problems[0]?.message).toMatch(/^not a rollout line: payload/);
    expect(problems[1]?.message).toMatch(/^invalid JSON/);
    expect(problems[2]?.message).toMatch(/^invalid JSON/);
  });

  it('keeps a known record type whose payload does not match as other', () => {
    const result = parseRolloutLine(
      JSON.stringify({ timestamp: 't', type: 'session_meta', payload: { id: 'no-cwd' } }),
    );
    expect(result).toEqual({
      ok: true,
      record: { timestamp: 't', type: 'other', recordType: 'session_meta', payload: { id: 'no-cwd' } },
    });
  });
});

describe('rollout token usage', () => {
  it('converts both ways, missing counts reading as 0', () => {
    const camel = {
      inputTokens: 1200,
      cachedInputTokens: 1024,
      cacheWriteInputTokens: 0,
      outputTokens: 42,
      reasoningOutputTokens: 16,
      totalTokens: 1242,
    };
    expect(tokenUsageFromRollout(usage(1200))).toEqual(camel);
    expect(JSON.stringify(tokenUsageToRollout({ ...camel, codexRolloutBudgetUnits: 3 }))).toBe(
      JSON.stringify(usage(1200)),
    );
    const { records } = parseRolloutText(
      JSON.stringify({
        timestamp: 't',
        type: 'event_msg',
        payload: { type: 'token_count', info: { total_token_usage: { input_tokens: 5 } } },
      }),
    );
    expect(records[0]?.type).toBe('event_msg');
  });
});
