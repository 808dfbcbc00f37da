// Rollout recording round trip: a conversation on the local responses server records its rollout
// as it runs; reading the file back gives the same history and usage; a crash-truncated last line
// loses only that line and the next process appends readable lines after it; compaction is
// recorded as `compacted`.
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collect } from '@codex-ts/client/test';
import { type ResponseItem, serializeResponseItem } from '@codex-ts/protocol';
import {
  completed,
  functionCall,
  reasoningItem,
  responseCreated,
  textTurn,
  usage,
} from '@codex-ts/responses-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { baseInstructionsMessageId, messageItem } from '../conversation/conversation.js';
import { echoTools, harness, IDENTITY, testConversation } from '../test/index.js';
import { readRolloutFile, resumeStateFromRollout } from './rollout-reader.js';
import { RolloutRecorder, type RolloutTurnSettings } from './rollout-recorder.js';
import { RolloutWriter, rolloutPathFor } from './rollout-writer.js';

let home: string;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'codex-ts-rollout-'));
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

const SETTINGS: RolloutTurnSettings = {
  cwd: '/work/project',
  model: 'gpt-5.5',
  approvalPolicy: 'never',
  sandboxMode: 'read-only',
  effort: 'medium',
  summary: 'none',
  contextWindow: 272_000,
};
const BASE = 'You are a test agent.';
const u = usage({ input: 1200, cached: 1024, output: 42, reasoning: 16 });

function newRecorder(path: string): RolloutRecorder {
  return new RolloutRecorder({
    writer: new RolloutWriter(path),
    meta: {
      threadId: IDENTITY.threadId,
      startedAt: new Date('2026-12-03T17:53:08.128Z'),
      cwd: '/work/project',
      originator: 'codex_exec',
      cliVersion: '0.1.0',
      modelProvider: 'local',
      baseInstructions: BASE,
    },
    settings: () => SETTINGS,
    baseItemId: baseInstructionsMessageId(BASE),
  });
}

const wire = (items: readonly ResponseItem[]) => items.map((item) => serializeResponseItem(item));
const lines = (path: string) =>
  readFileSync(path, 'utf8')
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as { ordinal: number; type: string; payload: Record<string, unknown> });

describe('rollout recording', () => {
  it('writes the thread as it runs and reads back the same history and usage', async () => {
    const h = await harness({
      steps: [
        {
          kind: 'sse',
          events: [
            responseCreated('resp_1'),
            reasoningItem('rs_1', ['Running a command'], 'gAAAAenc1'),
            functionCall('call_1', 'exec_command', { cmd: 'echo hi' }),
            completed('resp_1', u),
          ],
        },
        { kind: 'sse', events: textTurn({ responseId: 'resp_2', text: 'Ran it.', usage: u }) },
        { kind: 'sse', events: textTurn({ responseId: 'resp_3', text: 'Second.', usage: u }) },
      ],
    });
    const path = rolloutPathFor(home, IDENTITY.threadId, new Date(2026, 11, 3, 17, 53, 8));
    expect(path).toBe(
      join(home, 'sessions/2026/12/03', `rollout-2026-12-03T17-53-08-${IDENTITY.threadId}.jsonl`),
    );
    const recorder = newRecorder(path);
    try {
      const { conversation } = testConversation(h.client, { tools: echoTools(), recorder });
      // Lines are on disk while the turn runs: the call's output is recorded before the follow-up.
      const seen: string[] = [];
      for await (const event of conversation.runTurn('Run echo hi.')) {
        if (event.type === 'item.completed' && event.item.type === 'function_call_output')
          seen.push(
            ...lines(path).map(
              (l) => `${l.type === 'response_item' || l.type === 'event_msg' ? l.payload.type : l.type}`,
            ),
          );
      }
      expect(seen.slice(-3)).toEqual(['function_call', 'token_count', 'function_call_output']);
      await collect(conversation.runTurn('Second question.'));

      const written = lines(path);
      expect(written.map((l) => l.ordinal)).toEqual(written.map((_, i) => i));
      expect(written.map((l) => (l.type === 'event_msg' ? `event_msg:${l.payload.type}` : l.type))).toEqual([
        'session_meta',
        'event_msg:task_started',
        'response_item', // environment context
        'turn_context',
        'response_item', // prompt
        'event_msg:user_message',
        'response_item', // reasoning
        'response_item', // function_call
        'event_msg:token_count',
        'response_item', // function_call_output
        'response_item', // assistant
        'event_msg:token_count',
        'event_msg:task_complete',
        'event_msg:task_started',
        'turn_context',
        'response_item',
        'event_msg:user_message',
        'response_item',
        'event_msg:token_count',
        'event_msg:task_complete',
      ]);
      expect(written[0]?.payload).toEqual({
        session_id: IDENTITY.threadId,
        id: IDENTITY.threadId,
        timestamp: '2026-12-03T17:53:08.128Z',
        cwd: '/work/project',
        originator: 'codex_exec',
        cli_version: '0.1.0',
        source: 'exec',
        thread_source: 'user',
        model_provider: 'local',
        base_instructions: { text: BASE },
      });
      expect(written[3]?.payload).toMatchObject({
        cwd: '/work/project',
        approval_policy: 'never',
        sandbox_policy: { type: 'read-only' },
        model: 'gpt-5.5',
        effort: 'medium',
      });
      expect(written[5]?.payload).toMatchObject({ type: 'user_message', message: 'Run echo hi.' });
      expect(written[12]?.payload).toMatchObject({ type: 'task_complete', last_agent_message: 'Ran it.' });
      expect(written.at(-2)?.payload).toMatchObject({
        type: 'token_count',
        info: {
          total_token_usage: { input_tokens: 3600, output_tokens: 126, total_tokens: 3726 },
          last_token_usage: { input_tokens: 1200 },
          model_context_window: 272_000,
        },
      });
      expect(written.some((l) => JSON.stringify(l).includes(BASE) && l.type === 'response_item')).toBe(false);

      const state = resumeStateFromRollout(await readRolloutFile(path));
      expect(state.threadId).toBe(IDENTITY.threadId);
      expect(state.baseInstructions).toBe(BASE);
      expect(wire(state.history)).toEqual(wire(conversation.history.slice(1)));
      expect(conversation.history[0]).toMatchObject({
        id: baseInstructionsMessageId(BASE),
        role: 'developer',
      });
      expect(state.threadUsage).toMatchObject({
        inputTokens: 3600,
        cachedInputTokens: 3072,
        outputTokens: 126,
      });
      expect(state.nextOrdinal).toBe(written.length);
    } finally {
      await h.close();
    }
  });

  it('a crash-truncated last line loses only that line; the next process appends after it', async () => {
    const path = join(home, 'rollout.jsonl');
    const recorder = newRecorder(path);
    const prompt = messageItem('user', 'First question.');
    const answer = { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'A.' }] };
    const history = [messageItem('developer', BASE, baseInstructionsMessageId(BASE)), prompt];
    recorder.turnStarted({ turnId: 't1', history, contextItems: [], userItems: [prompt] });
    history.push(answer as ResponseItem);
    recorder.turnEvent({ type: 'item.completed', item: answer as ResponseItem }, history);
    const full = readFileSync(path, 'utf8');
    truncateSync(path, full.length - 10); // the assistant item's line is cut short

    const file = await readRolloutFile(path);
    expect(file.problems).toHaveLength(1);
    expect(file.problems[0]?.line).toBe(full.trimEnd().split('\n').length);
    const state = resumeStateFromRollout(file);
    expect(wire(state.history)).toEqual(wire([prompt]));

    const next = new RolloutWriter(path, { nextOrdinal: state.nextOrdinal });
    next.append('event_msg', { type: 'task_started', turn_id: 't2' });
    const again = await readRolloutFile(path);
    expect(again.problems).toHaveLength(1);
    expect(again.records.at(-1)).toMatchObject({
      type: 'event_msg',
      ordinal: state.nextOrdinal,
      event: { type: 'task_started', turn_id: 't2' },
    });
  });

  it('records a replaced history as compacted, which a resume starts from', async () => {
    const path = join(home, 'rollout.jsonl');
    const recorder = newRecorder(path);
    const base = messageItem('developer', BASE, baseInstructionsMessageId(BASE));
    const prompt = messageItem('user', 'Long task.');
    const history = [base, prompt];
    recorder.turnStarted({ turnId: 't1', history, contextItems: [], userItems: [prompt] });
    const answer = messageItem('developer', 'an item compaction drops');
    history.push(answer);
    recorder.turnEvent({ type: 'item.completed', item: answer }, history);
    const summary = messageItem('user', 'Summary of the work so far.');
    history.splice(0, history.length, base, prompt, summary);
    recorder.turnEvent({ type: 'warning', message: 'x' }, history);
    const compacted = lines(path).at(-1);
    expect(compacted).toMatchObject({
      type: 'compacted',
      payload: { message: 'Summary of the work so far.', replacement_history: wire([prompt, summary]) },
    });
    const state = resumeStateFromRollout(await readRolloutFile(path));
    expect(wire(state.history)).toEqual(wire([prompt, summary]));
  });

  it('records Conversation.compact() between turns, so a resume continues from the compacted history', async () => {
    const h = await harness({
      steps: [
        { kind: 'sse', events: textTurn({ responseId: 'resp_1', text: 'First answer.', usage: u }) },
        { kind: 'sse', events: textTurn({ responseId: 'resp_2', text: 'SUMMARY', usage: u }) },
        { kind: 'sse', events: textTurn({ responseId: 'resp_3', text: 'Second answer.', usage: u }) },
      ],
    });
    const path = join(home, 'rollout.jsonl');
    try {
      const { conversation } = testConversation(h.client, { recorder: newRecorder(path) });
      await collect(conversation.runTurn('First.'));
      expect(await conversation.compact()).toMatchObject({ compacted: true, summary: 'SUMMARY' });
      // On disk at once: a process that ends here resumes the compacted history.
      expect(lines(path).at(-1)).toMatchObject({
        type: 'compacted',
        payload: { replacement_history: wire(conversation.history.slice(1)) },
      });
      expect(wire(resumeStateFromRollout(await readRolloutFile(path)).history)).toEqual(
        wire(conversation.history.slice(1)),
      );
      await collect(conversation.runTurn('Second.'));
      const state = resumeStateFromRollout(await readRolloutFile(path));
      expect(wire(state.history)).toEqual(wire(conversation.history.slice(1)));
      expect(JSON.stringify(wire(state.history))).not.toContain('First answer.');
    } finally {
      await h.close();
    }
  });

  it("records a compaction's usage before its compacted record (as 0.169.0); a resume then starts with an unknown context size", async () => {
    const h = await harness({
      steps: [
        {
          kind: 'sse',
          events: [
            responseCreated('resp_1'),
            functionCall('call_1', 'exec_command', { cmd: 'echo hi' }),
            completed('resp_1', usage({ input: 200_000, output: 10 })),
          ],
        },
        {
          kind: 'sse',
          events: textTurn({ responseId: 'resp_2', text: 'SUMMARY', usage: usage({ input: 2_000 }) }),
        },
        { kind: 'error', status: 400, body: 'bad request' },
      ],
    });
    const path = join(home, 'rollout.jsonl');
    try {
      const { conversation } = testConversation(h.client, {
        tools: echoTools(),
        autoCompactTokenLimit: 1_000,
        recorder: newRecorder(path),
      });
      expect((await collect(conversation.runTurn('Run echo hi.'))).at(-1)?.type).toBe('turn.failed');
      const kinds = lines(path).map((l) => (l.type === 'event_msg' ? `event_msg:${l.payload.type}` : l.type));
      const at = kinds.indexOf('compacted');
      expect(kinds.slice(at - 1, at + 1)).toEqual(['event_msg:token_count', 'compacted']);
      expect(lines(path)[at - 1]?.payload).toMatchObject({
        info: { last_token_usage: { input_tokens: 2_000 } },
      });
      const state = resumeStateFromRollout(await readRolloutFile(path));
      expect(wire(state.history)).toEqual(wire(conversation.history.slice(1)));
      expect(state.lastUsage).toBeUndefined();
      expect(state.threadUsage).toMatchObject({ inputTokens: 202_000 });
    } finally {
      await h.close();
    }
  });

  it('a turn its consumer left before it ended is recorded as turn_aborted', async () => {
    const h = await harness({
      steps: [{ kind: 'sse', events: textTurn({ responseId: 'resp_1', text: 'Never read.', usage: u }) }],
    });
    const path = join(home, 'rollout.jsonl');
    try {
      const { conversation } = testConversation(h.client, { recorder: newRecorder(path) });
      for await (const event of conversation.runTurn('First.')) if (event.type === 'turn.started') break;
      const last = lines(path).at(-1);
      expect(last?.type).toBe('event_msg');
      expect(last?.payload).toMatchObject({ type: 'turn_aborted', reason: 'interrupted' });
    } finally {
      await h.close();
    }
  });

  it('a write failure stops recording without throwing', () => {
    writeFileSync(join(home, 'file'), '');
    const writer = new RolloutWriter(join(home, 'file', 'sub', 'rollout.jsonl'));
    writer.append('event_msg', { type: 'x' });
    expect(writer.failure).toBeInstanceOf(Error);
    writer.append('event_msg', { type: 'y' });
  });
});
