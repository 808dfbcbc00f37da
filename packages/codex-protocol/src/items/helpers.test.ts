import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  type ContentItem,
  isAssistantMessage,
  isToolCall,
  isUserMessage,
  messageText,
  parseResponseItem,
  type ResponseItem,
  reasoningText,
  TOOL_CALL_ITEM_TYPES,
  type ToolCallItem,
  toolCallId,
  userInputParts,
  userMessage,
} from '../index.js';

/** One valid wire item of every known kind (and an unknown one), read the way consumers get them. */
const WIRE = {
  additional_tools: { type: 'additional_tools', role: 'developer', tools: [] },
  user_message: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi' }] },
  assistant_message: {
    type: 'message',
    role: 'assistant',
    content: [{ type: 'output_text', text: 'Hello' }],
  },
  developer_message: { type: 'message', role: 'developer', content: [{ type: 'input_text', text: 'rules' }] },
  agent_message: {
    type: 'agent_message',
    author: '/root',
    recipient: '/root/w',
    content: [{ type: 'input_text', text: 'x' }],
  },
  reasoning: { type: 'reasoning', summary: [{ type: 'summary_text', text: 'plan' }] },
  local_shell_call: {
    type: 'local_shell_call',
    call_id: 'call_ls',
    status: 'completed',
    action: { type: 'exec', command: ['ls'] },
  },
  function_call: { type: 'function_call', name: 'f', arguments: '{}', call_id: 'call_f' },
  tool_search_call: { type: 'tool_search_call', call_id: 'call_ts', execution: 'client', arguments: {} },
  function_call_output: { type: 'function_call_output', call_id: 'call_f', output: 'ok' },
  custom_tool_call: { type: 'custom_tool_call', call_id: 'call_c', name: 'apply_patch', input: 'x' },
  custom_tool_call_output: { type: 'custom_tool_call_output', call_id: 'call_c', output: 'ok' },
  tool_search_output: {
    type: 'tool_search_output',
    call_id: 'call_ts',
    status: 'completed',
    execution: 'client',
    tools: [],
  },
  web_search_call: { type: 'web_search_call', status: 'completed' },
  image_generation_call: { type: 'image_generation_call', status: 'completed', result: 'AAAA' },
  compaction: { type: 'compaction', encrypted_content: 'e' },
  compaction_trigger: { type: 'compaction_trigger' },
  context_compaction: { type: 'context_compaction' },
  other: {
    type: 'future_call',
    call_id: 'call_x',
    role: 'assistant',
    content: [{ type: 'output_text', text: 'no' }],
  },
};
const items = Object.fromEntries(
  Object.entries(WIRE).map(([name, wire]) => [name, parseResponseItem(wire)]),
) as { [K in keyof typeof WIRE]: ResponseItem };
const all = Object.values(items);

describe('isToolCall / TOOL_CALL_ITEM_TYPES', () => {
  it('is true exactly for function_call, custom_tool_call and local_shell_call', () => {
    expect(all.filter(isToolCall).map((item) => item.type)).toEqual([
      'local_shell_call',
      'function_call',
      'custom_tool_call',
    ]);
    expect([...TOOL_CALL_ITEM_TYPES].sort()).toEqual([
      'custom_tool_call',
      'function_call',
      'local_shell_call',
    ]);
    for (const item of all)
      expect(isToolCall(item)).toBe((TOOL_CALL_ITEM_TYPES as readonly string[]).includes(item.type));
  });

  it('narrows', () => {
    expectTypeOf(all.filter(isToolCall)).toEqualTypeOf<ToolCallItem[]>();
  });
});

describe('toolCallId', () => {
  it('reads call_id from calls and outputs', () => {
    const ids = Object.fromEntries(Object.entries(items).map(([name, item]) => [name, toolCallId(item)]));
    expect(ids).toEqual({
      additional_tools: undefined,
      user_message: undefined,
      assistant_message: undefined,
      developer_message: undefined,
      agent_message: undefined,
      reasoning: undefined,
      local_shell_call: 'call_ls',
      function_call: 'call_f',
      tool_search_call: 'call_ts',
      function_call_output: 'call_f',
      custom_tool_call: 'call_c',
      custom_tool_call_output: 'call_c',
      tool_search_output: 'call_ts',
      web_search_call: undefined,
      image_generation_call: undefined,
      compaction: undefined,
      compaction_trigger: undefined,
      context_compaction: undefined,
      other: undefined,
    });
  });

  it('is undefined for a null or missing nullable call_id', () => {
    expect(toolCallId(parseResponseItem({ ...WIRE.local_shell_call, call_id: null }))).toBeUndefined();
    const { call_id: _omitted, ...withoutId } = WIRE.tool_search_call;
    expect(toolCallId(parseResponseItem(withoutId))).toBeUndefined();
  });
});

describe('isAssistantMessage / isUserMessage', () => {
  it('match message items by role only', () => {
    expect(all.filter(isAssistantMessage)).toEqual([items.assistant_message]);
    expect(all.filter(isUserMessage)).toEqual([items.user_message]);
    expect(isUserMessage(userMessage('x'))).toBe(true);
  });
});

describe('messageText', () => {
  it('joins output_text (and bare text) parts without a separator and skips the rest', () => {
    const content = [
      { type: 'output_text', text: 'a' },
      { type: 'refusal', refusal: 'no' },
      { type: 'text', text: 'b' },
      { type: 'input_text', text: 'not model text' },
      null,
      'loose string',
      { type: 'output_text', text: 7 },
      { type: 'output_text', text: 'c' },
    ] as unknown as ContentItem[];
    expect(messageText(content)).toBe('abc');
  });

  it('reads a message item, parsed parts included (unknown parts are skipped)', () => {
    const item = parseResponseItem({
      type: 'message',
      role: 'assistant',
      content: [
        { type: 'output_text', text: 'Hello', annotations: [] },
        { type: 'refusal', refusal: 'no' },
        { type: 'output_text', text: ', world' },
      ],
    });
    expect(messageText(item)).toBe('Hello, world');
    if (item.type !== 'message') throw new Error('expected a message');
    expect(messageText(item.content)).toBe('Hello, world');
  });

  it("gives '' for input-only messages, other items, empty content and undefined", () => {
    expect(messageText(items.user_message)).toBe('');
    expect(messageText(items.developer_message)).toBe('');
    expect(messageText(items.agent_message)).toBe('');
    expect(messageText(items.reasoning)).toBe('');
    expect(messageText(items.other)).toBe('');
    expect(messageText([])).toBe('');
    expect(messageText(undefined)).toBe('');
    expect(
      messageText({ type: 'message', role: 'assistant', content: 'text' } as unknown as ResponseItem),
    ).toBe('');
  });
});

describe('reasoningText', () => {
  const reasoning = (summary: unknown[]) => parseResponseItem({ type: 'reasoning', summary });

  it('joins every summary text with one newline, empty parts included (as 0.169.0 printed them)', () => {
    const text = (...parts: string[]) =>
      reasoningText(reasoning(parts.map((t) => ({ type: 'summary_text', text: t }))));
    expect(text('**One**\n\nfirst', '**Two**\n\nsecond')).toBe('**One**\n\nfirst\n**Two**\n\nsecond');
    expect(text('A', '', 'B')).toBe('A\n\nB');
    expect(text('', 'A\n', '')).toBe('\nA\n\n');
  });

  it("gives '' without summary text, ignores raw content, and for other items", () => {
    expect(reasoningText(reasoning([]))).toBe('');
    expect(reasoningText(reasoning([{ type: 'summary_text', text: '' }]))).toBe('');
    expect(
      reasoningText(
        parseResponseItem({
          type: 'reasoning',
          summary: [],
          content: [{ type: 'reasoning_text', text: 'raw' }],
        }),
      ),
    ).toBe('');
    expect(reasoningText(items.assistant_message)).toBe('');
    expect(reasoningText(parseResponseItem({ type: 'future', summary: [{ text: 'x' }] }))).toBe('');
  });
});

describe('userInputParts', () => {
  it('collects the parts of user messages only, in order, typed', () => {
    const history = [
      parseResponseItem(WIRE.developer_message),
      parseResponseItem({
        type: 'message',
        role: 'user',
        content: [
          { type: 'input_text', text: 'look' },
          { type: 'input_image', image_url: 'data:image/png;base64,AAAA' },
        ],
      }),
      items.assistant_message,
      items.function_call,
      userMessage('and this'),
      parseResponseItem({ type: 'message', role: 'user', content: [{ type: 'future_part', x: 1 }] }),
    ];
    const parts = userInputParts(history);
    expect(parts).toEqual([
      { type: 'input_text', text: 'look' },
      { type: 'input_image', image_url: 'data:image/png;base64,AAAA' },
      { type: 'input_text', text: 'and this' },
      { type: 'other', raw: { type: 'future_part', x: 1 } },
    ]);
    const texts = parts.flatMap((part) => (part.type === 'input_text' ? [part.text] : []));
    expect(texts).toEqual(['look', 'and this']);
    expect(parts.filter((part) => part.type === 'input_image')).toHaveLength(1);
  });

  it('is empty without user messages', () => {
    expect(userInputParts([])).toEqual([]);
    expect(userInputParts([items.assistant_message, items.other])).toEqual([]);
  });
});
