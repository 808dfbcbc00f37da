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
    expect(first).toEqual([base, env, prompt, summaryMessage('S1')]);
    const again = compactedHistory([...first, userMessage('more', 'msg_5')], 'S2');
    expect(again).toEqual([base, env, prompt, userMessage('more', 'msg_5'), summaryMessage('S2')]);
    expect((summaryMessage('S2') as { content: { text: string }[] }).content[0]?.text).toBe(
      `${COMPACTION_SUMMARY_PREFIX}\nS2`,
    );
  });

  it('reads the summary from the last assistant message, "" without one', () => {
    expect(summaryText([assistant])).toBe('part 1, part 2');
    expect(summaryText([functionCallOutput('c1', 'x')])).toBe('');
  });
});
