// The history rewrite of automatic compaction (observed-cli-0.169-auth §16).
import { developerMessage, functionCallOutput, type ResponseItem, userMessage } from '@codex-ts/protocol';
import { describe, expect, it } from 'vitest';
import { compactedHistory, compactionRequestInput, summaryMessage, summaryText } from './history.js';
import { COMPACTION_CHECKPOINT_PROMPT, COMPACTION_SUMMARY_PREFIX } from './prompts.js';

const base = developerMessage('be brief', 'msg_1');
const env = userMessage('<environment_context/>', 'msg_2');
const prompt = userMessage('run echo', 'msg_3');
const assistant = {
  type: 'message',
  role: 'assistant',
  id: 'msg_4',
  content: [
    { type: 'output_text', text: 'part 1, ' },
    { type: 'output_text', text: 'part 2' },
  ],
} as unknown as ResponseItem;

const MSG_V7 = /^msg_[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('compaction history', () => {
  it('appends the checkpoint prompt (no id, trailing newline) to the whole history', () => {
    const input = compactionRequestInput([base, env, prompt, functionCallOutput('c1', 'hi')]);
    expect(input).toHaveLength(5);
    expect(input[4]).toEqual({
      type: 'message',
      role: 'user',
      content: [{ type: 'input_text', text: COMPACTION_CHECKPOINT_PROMPT }],
    });
    expect(COMPACTION_CHECKPOINT_PROMPT.endsWith('continue the work.\n')).toBe(true);
    expect(
      COMPACTION_CHECKPOINT_PROMPT.startsWith('You are performing a CONTEXT CHECKPOINT COMPACTION.'),
    ).toBe(true);
  });

  it('keeps developer then user messages, drops tool items, assistant text and earlier summaries', () => {
    const first = compactedHistory([base, env, prompt, assistant, functionCallOutput('c1', 'hi')], 'S1');
    expect(first).toEqual([base, env, prompt, summaryMessage('S1', expect.stringMatching(MSG_V7))]);
    const again = compactedHistory([...first, userMessage('more', 'msg_5')], 'S2');
    expect(again).toEqual([
      base,
      env,
      prompt,
      userMessage('more', 'msg_5'),
      summaryMessage('S2', expect.stringMatching(MSG_V7)),
    ]);
    expect((summaryMessage('S2') as { content: { text: string }[] }).content[0]?.text).toBe(
      `${COMPACTION_SUMMARY_PREFIX}\nS2`,
    );
  });

  it('rebuilds the window context with new ids and gives the summary one (as 0.169.0 sent them)', () => {
    // 0.169.0 continued with the base instructions (content-derived id) kept, the other developer
    // messages and the environment context with new msg_<uuid v7> ids, the prompt's id kept and
    // the summary with an id of its own.
    const v5 = developerMessage('base', 'msg_c4628433-1a0c-5af6-9032-cea4d76f2380');
    const skills = developerMessage('skills', 'msg_01a23d5b-923d-7403-8c20-068e336700d2');
    const envV7 = userMessage(
      '<environment_context>x</environment_context>',
      'msg_01a23d5b-923d-7403-8c20-069beb1ce3e9',
    );
    const promptV7 = userMessage('Run it.', 'msg_01a23d5b-9247-7ae1-b295-536f5ca5a6e6');
    const out = compactedHistory([v5, skills, envV7, promptV7, functionCallOutput('c1', 'hi')], 'S');
    expect(out.map((i) => (i as { role?: string }).role)).toEqual([
      'developer',
      'developer',
      'user',
      'user',
      'user',
    ]);
    expect(out[0]).toBe(v5);
    expect(out[1]).toEqual({ ...skills, id: expect.stringMatching(MSG_V7) });
    expect(out[2]).toEqual({ ...envV7, id: expect.stringMatching(MSG_V7) });
    expect((out[1] as { id: string }).id).not.toBe(skills.id);
    expect((out[2] as { id: string }).id).not.toBe((envV7 as { id: string }).id);
    expect(out[3]).toBe(promptV7);
    expect(out[4]).toEqual(summaryMessage('S', expect.stringMatching(MSG_V7)));
    expect(new Set(out.map((i) => (i as { id: string }).id)).size).toBe(5);
  });

  it('puts the window context back just before the last prompt (0.169.0 pre-turn after two turns)', () => {
    const v5 = developerMessage('base', 'msg_c4628433-1a0c-5af6-9032-cea4d76f2380');
    const envV7 = userMessage(
      '<environment_context>x</environment_context>',
      'msg_01a23d5b-923d-7403-8c20-069beb1ce3e9',
    );
    const q1 = userMessage('q1', 'msg_01a23d5b-9247-7ae1-b295-536f5ca5a6e6');
    const q2 = userMessage('q2', 'msg_01a23d5b-9247-7ae1-b295-536f5ca5a6e7');
    const out = compactedHistory([v5, envV7, q1, assistant, q2, assistant], 'S');
    expect(out).toEqual([
      v5,
      q1,
      { ...envV7, id: expect.stringMatching(MSG_V7) },
      q2,
      summaryMessage('S', expect.stringMatching(MSG_V7)),
    ]);
    expect(compactedHistory([v5, envV7], 'S')).toEqual([
      v5,
      { ...envV7, id: expect.stringMatching(MSG_V7) },
      summaryMessage('S', expect.stringMatching(MSG_V7)),
    ]);
  });

  it('reads the summary from the last assistant message, "" without one', () => {
    expect(summaryText([assistant])).toBe('part 1, part 2');
    expect(summaryText([functionCallOutput('c1', 'x')])).toBe('');
  });
});
