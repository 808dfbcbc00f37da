import type { ResponsesApiRequest } from '@codex-ts/api';
import type { ResponseItem } from '@codex-ts/protocol';
import { describe, expect, it } from 'vitest';
import { incrementalInput, itemIdentity, sameNonInputFields } from './incremental.js';

const user = (id: string, text: string, extra: Record<string, unknown> = {}) =>
  ({ type: 'message', id, role: 'user', content: [{ type: 'input_text', text }], ...extra }) as ResponseItem;
const assistant = (id: string, text: string) =>
  ({ type: 'message', id, role: 'assistant', content: [{ type: 'output_text', text }] }) as ResponseItem;

const base = (input: ResponseItem[], overrides: Partial<ResponsesApiRequest> = {}): ResponsesApiRequest => ({
  model: 'gpt-5.5',
  stream: true,
  input,
  tools: [{ type: 'function', name: 'f' }],
  tool_choice: 'auto',
  parallel_tool_calls: true,
  reasoning: { effort: 'medium' },
  store: false,
  include: ['reasoning.encrypted_content'],
  prompt_cache_key: 'thread',
  text: { verbosity: 'low' },
  client_metadata: { turn_id: 'a' },
  ...overrides,
});

describe('incrementalInput', () => {
  const a = user('msg_a', 'a');
  const out = assistant('msg_out', 'hi');
  const b = user('msg_b', 'b');

  it('returns the suffix after previous input + items added, possibly empty', () => {
    const prev = base([a]);
    const last = { responseId: 'r1', itemsAdded: [out] };
    expect(incrementalInput(prev, last, base([a, out, b]))).toEqual([b]);
    expect(incrementalInput(prev, last, base([a, out]))).toEqual([]);
  });

  it('needs a completed response with a non-empty id', () => {
    expect(incrementalInput(base([a]), undefined, base([a, b]))).toBeUndefined();
    expect(incrementalInput(base([a]), { responseId: '', itemsAdded: [] }, base([a, b]))).toBeUndefined();
  });

  it('ignores client_metadata and stream_options but not other fields', () => {
    const last = { responseId: 'r1', itemsAdded: [] };
    const prev = base([a]);
    expect(
      incrementalInput(
        prev,
        last,
        base([a, b], { client_metadata: { turn_id: 'other' }, stream_options: { x: 1 } }),
      ),
    ).toEqual([b]);
    const changes: Partial<ResponsesApiRequest>[] = [
      { model: 'gpt-5.4' },
      { instructions: 'be brief' },
      { tools: [] },
      { tool_choice: 'none' },
      { parallel_tool_calls: false },
      { reasoning: { effort: 'high' } },
      { store: true },
      { stream: false },
      { include: [] },
      { service_tier: 'priority' },
      { prompt_cache_key: 'other' },
      { text: { verbosity: 'high' } },
    ];
    for (const change of changes) {
      expect(sameNonInputFields(prev, base([a], change))).toBe(false);
      expect(incrementalInput(prev, last, base([a, b], change))).toBeUndefined();
    }
    // Key order inside objects does not matter; empty instructions equal absent ones.
    expect(sameNonInputFields(base([], { text: { a: 1, b: 2 } }), base([], { text: { b: 2, a: 1 } }))).toBe(
      true,
    );
    expect(sameNonInputFields(base([], { instructions: '' }), base([]))).toBe(true);
  });

  it('rejects a non-prefix input and a changed item', () => {
    const last = { responseId: 'r1', itemsAdded: [out] };
    expect(incrementalInput(base([a]), last, base([b]))).toBeUndefined();
    expect(incrementalInput(base([a]), last, base([a, b]))).toBeUndefined();
    expect(incrementalInput(base([a]), last, base([user('msg_a', 'A'), out, b]))).toBeUndefined();
  });

  it('compares items ignoring internal_chat_message_metadata_passthrough', () => {
    const withMeta = user('msg_a', 'a', { internal_chat_message_metadata_passthrough: { turn_id: 't' } });
    expect(itemIdentity(withMeta)).toBe(itemIdentity(a));
    const last = { responseId: 'r1', itemsAdded: [out] };
    expect(incrementalInput(base([withMeta]), last, base([a, out, b]))).toEqual([b]);
  });
});
