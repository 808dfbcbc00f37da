import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  assistantMessage,
  customToolCallOutput,
  developerMessage,
  functionCallOutput,
  isKnownResponseItemType,
  parseResponseItem,
  type ResponseItem,
  ResponseItemParseError,
  ResponseItemSchema,
  safeParseResponseItem,
  serializeResponseItem,
  userMessage,
} from '../index.js';

const roundTrip = (line: string): string =>
  JSON.stringify(serializeResponseItem(parseResponseItem(JSON.parse(line))));

/** Items exactly as the original client writes them (codex key order), one JSON line each. */
const CANONICAL: Record<string, string> = {
  // observed-cli-0.169 §5.2
  'user message': `{"type":"message","id":"msg_01a2004f-b955-7f73-830c-16f48124d183","role":"user","content":[{"type":"input_text","text":"Say hello."}]}`,
  'reasoning replay': `{"type":"reasoning","id":"rs_resp_1","summary":[{"type":"summary_text","text":"**Running a command**\\n\\nI will run echo."}],"content":null,"encrypted_content":"gAAAA…"}`,
  'function_call replay': `{"type":"function_call","status":"completed","id":"fc_resp_1","name":"exec_command","arguments":"{\\"cmd\\":\\"echo hi\\"}","call_id":"call_resp_1"}`,
  function_call_output: `{"type":"function_call_output","id":"fco_01a20050-d3a8-7da3-8504-6d27e16b9859","call_id":"call_resp_1","output":"Chunk ID: 0862f0\\nWall time: 0.0000 seconds\\nProcess exited with code 0\\nOriginal token count: 1\\nOutput:\\nhi\\n"}`,
  'user message with passthrough (built-in openai provider)': `{"type":"message","id":"msg_01a2004f-b955-7f73-830c-16f48124d183","role":"user","content":[{"type":"input_text","text":"Say hello."}],"internal_chat_message_metadata_passthrough":{"turn_id":"01a2004f-b8bd-7013-bc6d-515c8016fcc5","create_time":1795301554}}`,
  // observed-cli-0.169 §6 prewarm input
  'developer message': `{"type":"message","id":"msg_a1acc6b8-a3a4-51f3-9b66-5276b15d56e3","role":"developer","content":[{"type":"input_text","text":"You are Codex, …"}]}`,
  // observed-cli-0.169 §5.3
  additional_tools: `{"type":"additional_tools","id":"at_01a2004f-b955-7f73-830c-16f48124d183","role":"developer","tools":[{"type":"namespace","name":"functions","description":"","tools":[{"type":"custom","name":"exec"}]}]}`,
  // wire-protocol §3.1 example input (compacted)
  'developer message with passthrough': `{"type":"message","id":"msg_0198f0c1-6f0e-7a4b-9d2e-3c1f5a7b9e01","role":"developer","content":[{"type":"input_text","text":"<permissions instructions>…"}],"internal_chat_message_metadata_passthrough":{"turn_id":"turn-1","create_time":1787000000.123}}`,
  'reasoning with passthrough': `{"type":"reasoning","id":"rs_68a1…","summary":[{"type":"summary_text","text":"**Listing files**"}],"content":null,"encrypted_content":"gAAAAABo…","internal_chat_message_metadata_passthrough":{"turn_id":"turn-1"}}`,
  'function_call with passthrough': `{"type":"function_call","id":"fc_68a1…","name":"exec_command","arguments":"{\\"cmd\\":\\"ls\\"}","call_id":"call_abc123","internal_chat_message_metadata_passthrough":{"turn_id":"turn-1"}}`,
  'function_call_output with passthrough': `{"type":"function_call_output","id":"fco_0198f0c1-…","call_id":"call_abc123","output":"README.md\\nsrc\\n","internal_chat_message_metadata_passthrough":{"turn_id":"turn-1"}}`,
  // wire-protocol §3.2 upstream unit-test payload, §3.4 compact and memories bodies
  'message msg_1': `{"type":"message","id":"msg_1","role":"user","content":[{"type":"input_text","text":"hello"}]}`,
  compaction: `{"type":"compaction","encrypted_content":"…"}`,
  'empty message': `{"type":"message","role":"user","content":[]}`,
  // models.rs doc comments and upstream tests
  web_search_call: `{"type":"web_search_call","id":"ws_...","status":"completed","action":{"type":"search","query":"weather: San Francisco, CA"}}`,
  image_generation_call: `{"type":"image_generation_call","id":"ig_123","status":"completed","revised_prompt":"A gray tabby cat hugging an otter...","result":"..."}`,
  tool_search_call: `{"type":"tool_search_call","call_id":"search-1","execution":"client","arguments":{"query":"calendar create","limit":1}}`,
  // the remaining kinds, in the declaration order of models.rs
  'assistant message with phase': `{"type":"message","id":"msg_1","role":"assistant","content":[{"type":"output_text","text":"Hello"}],"phase":"final_answer"}`,
  'message with image and audio': `{"type":"message","role":"user","content":[{"type":"input_text","text":"look"},{"type":"input_image","image_url":"data:image/png;base64,AAAA","detail":"high"},{"type":"input_image","image_url":"https://example.test/a.png"},{"type":"input_audio","audio_url":"data:audio/wav;base64,UklG"}]}`,
  agent_message: `{"type":"agent_message","id":"am_1","author":"/root","recipient":"/root/worker","content":[{"type":"input_text","text":"do it"},{"type":"encrypted_content","encrypted_content":"gAAA"}]}`,
  'reasoning with raw content': `{"type":"reasoning","id":"rs_2","summary":[],"content":[{"type":"reasoning_text","text":"thinking"},{"type":"text","text":"more"}],"encrypted_content":null}`,
  local_shell_call: `{"type":"local_shell_call","id":"lsh_1","call_id":"call_1","status":"completed","action":{"type":"exec","command":["bash","-lc","ls"],"timeout_ms":1000,"working_directory":"/tmp","env":{"A":"1"},"user":"me"}}`,
  'local_shell_call without call_id': `{"type":"local_shell_call","call_id":null,"status":"in_progress","action":{"type":"exec","command":["ls"],"timeout_ms":null,"working_directory":null,"env":null,"user":null}}`,
  'function_call with namespace': `{"type":"function_call","id":"fc_2","name":"lookup","namespace":"functions","arguments":"{}","call_id":"call_2"}`,
  'function_call_output with content items': `{"type":"function_call_output","call_id":"call_2","output":[{"type":"input_text","text":"see image"},{"type":"input_image","image_url":"data:image/png;base64,AAAA","detail":"original"},{"type":"input_audio","audio_url":"data:audio/wav;base64,UklG"},{"type":"encrypted_content","encrypted_content":"gAAA"}]}`,
  custom_tool_call: `{"type":"custom_tool_call","id":"ctc_1","status":"completed","call_id":"call_3","name":"apply_patch","input":"*** Begin Patch\\n*** End Patch"}`,
  'custom_tool_call with namespace': `{"type":"custom_tool_call","call_id":"call_3","name":"exec","namespace":"functions","input":"ls"}`,
  custom_tool_call_output: `{"type":"custom_tool_call_output","id":"ctco_1","call_id":"call_3","name":"apply_patch","output":"Done"}`,
  'custom_tool_call_output with content items': `{"type":"custom_tool_call_output","call_id":"call_3","output":[{"type":"input_text","text":"ok"}]}`,
  tool_search_output: `{"type":"tool_search_output","id":"tso_1","call_id":"search-1","status":"completed","execution":"client","tools":[{"type":"function","name":"calendar_create"}]}`,
  'tool_search_output without call_id': `{"type":"tool_search_output","call_id":null,"status":"completed","execution":"server","tools":[]}`,
  'web_search_call open_page': `{"type":"web_search_call","id":"ws_2","status":"completed","action":{"type":"open_page","url":"https://example.test"}}`,
  'web_search_call find_in_page': `{"type":"web_search_call","action":{"type":"find_in_page","url":"https://example.test","pattern":"needle"}}`,
  'web_search_call search queries': `{"type":"web_search_call","id":"ws_3","action":{"type":"search","queries":["a","b"]}}`,
  'web_search_call without action': `{"type":"web_search_call","id":"ws_4","status":"in_progress"}`,
  'compaction with id': `{"type":"compaction","id":"cmp_1","encrypted_content":"gAAA","internal_chat_message_metadata_passthrough":{"turn_id":"t"}}`,
  compaction_trigger: `{"type":"compaction_trigger"}`,
  context_compaction: `{"type":"context_compaction","id":"cc_1","encrypted_content":"gAAA"}`,
  'context_compaction bare': `{"type":"context_compaction"}`,
};

describe('ResponseItem round trip (codex order)', () => {
  for (const [name, line] of Object.entries(CANONICAL)) {
    it(`${name} round-trips byte for byte`, () => {
      expect(roundTrip(line)).toBe(line);
    });
  }

  it('covers every known item kind', () => {
    const kinds = new Set(
      Object.values(CANONICAL).map((line) => (JSON.parse(line) as { type: string }).type),
    );
    for (const kind of [
      'additional_tools',
      'message',
      'agent_message',
      'reasoning',
      'local_shell_call',
      'function_call',
      'tool_search_call',
      'function_call_output',
      'custom_tool_call',
      'custom_tool_call_output',
      'tool_search_output',
      'web_search_call',
      'image_generation_call',
      'compaction',
      'compaction_trigger',
      'context_compaction',
    ]) {
      expect(kinds.has(kind), kind).toBe(true);
      expect(isKnownResponseItemType(kind)).toBe(true);
    }
  });
});

describe('items in server order are rewritten in codex order', () => {
  it('reasoning from output_item.done gains content:null (wire-protocol §3.3)', () => {
    const server = {
      type: 'reasoning',
      id: 'rs_1',
      summary: [{ type: 'summary_text', text: '**Plan**' }],
      encrypted_content: 'gAAA…',
    };
    expect(JSON.stringify(serializeResponseItem(parseResponseItem(server)))).toBe(
      '{"type":"reasoning","id":"rs_1","summary":[{"type":"summary_text","text":"**Plan**"}],"content":null,"encrypted_content":"gAAA…"}',
    );
  });

  it('assistant message from output_item.done is reordered', () => {
    const server = {
      type: 'message',
      role: 'assistant',
      id: 'msg_1',
      phase: 'final_answer',
      content: [{ type: 'output_text', text: 'Hello' }],
    };
    const out = serializeResponseItem(parseResponseItem(server));
    expect(JSON.stringify(out)).toBe(
      '{"type":"message","id":"msg_1","role":"assistant","content":[{"type":"output_text","text":"Hello"}],"phase":"final_answer"}',
    );
    expect(out).toEqual(server);
  });

  it('function_call from the server gets type, status, id, name, arguments, call_id (observed-cli §5.2)', () => {
    const server = {
      id: 'fc_resp_1',
      type: 'function_call',
      call_id: 'call_resp_1',
      name: 'exec_command',
      arguments: '{"cmd":"echo hi"}',
      status: 'completed',
    };
    expect(JSON.stringify(serializeResponseItem(parseResponseItem(server)))).toBe(
      '{"type":"function_call","status":"completed","id":"fc_resp_1","name":"exec_command","arguments":"{\\"cmd\\":\\"echo hi\\"}","call_id":"call_resp_1"}',
    );
  });

  it('content parts are reordered too', () => {
    const item = parseResponseItem({
      type: 'message',
      role: 'user',
      content: [{ detail: 'low', image_url: 'u', type: 'input_image' }],
    });
    expect(JSON.stringify(serializeResponseItem(item))).toBe(
      '{"type":"message","role":"user","content":[{"type":"input_image","image_url":"u","detail":"low"}]}',
    );
  });
});

describe('reasoning quirks', () => {
  const base = { type: 'reasoning', id: 'rs_1', summary: [] };

  it('writes encrypted_content:null and content:null when absent', () => {
    const item = parseResponseItem(base);
    expect(item).toMatchObject({ content: null, encrypted_content: null });
    expect(JSON.stringify(serializeResponseItem(item))).toBe(
      '{"type":"reasoning","id":"rs_1","summary":[],"content":null,"encrypted_content":null}',
    );
  });

  it('omits content when every part has type text', () => {
    const item = parseResponseItem({
      ...base,
      content: [{ type: 'text', text: 'a' }],
      encrypted_content: 'e',
    });
    expect(JSON.stringify(serializeResponseItem(item))).toBe(
      '{"type":"reasoning","id":"rs_1","summary":[],"encrypted_content":"e"}',
    );
  });

  it('omits an empty content array', () => {
    const item = parseResponseItem({ ...base, content: [] });
    expect(serializeResponseItem(item)).not.toHaveProperty('content');
  });

  it('keeps content when any part is reasoning_text', () => {
    const content = [
      { type: 'text', text: 'a' },
      { type: 'reasoning_text', text: 'b' },
    ];
    expect(serializeResponseItem(parseResponseItem({ ...base, content }))).toMatchObject({ content });
  });

  it('reasoning without id is accepted', () => {
    expect(JSON.stringify(serializeResponseItem(parseResponseItem({ type: 'reasoning', summary: [] })))).toBe(
      '{"type":"reasoning","summary":[],"content":null,"encrypted_content":null}',
    );
  });
});

describe('unknown data is kept', () => {
  it('keeps an item of unknown type with all its fields', () => {
    const line = '{"type":"future_item","zeta":1,"alpha":{"nested":[1,"two",null]},"id":"fi_1"}';
    const item = parseResponseItem(JSON.parse(line));
    expect(item.type).toBe('other');
    if (item.type !== 'other') throw new Error('unreachable');
    expect(item.raw.type).toBe('future_item');
    expect(roundTrip(line)).toBe(line);
  });

  it('keeps an item literally typed "other"', () => {
    expect(roundTrip('{"type":"other"}')).toBe('{"type":"other"}');
  });

  it('keeps extra fields on known items, after the known ones', () => {
    const line =
      '{"type":"message","id":"msg_9","role":"assistant","content":[{"type":"output_text","text":"x","annotations":[],"logprobs":[]}],"status":"completed"}';
    expect(roundTrip(line)).toBe(line);
  });

  it('knownFieldsOnly drops them (what the original serde types do)', () => {
    const item = parseResponseItem({
      type: 'message',
      status: 'completed',
      id: 'msg_9',
      role: 'assistant',
      content: [{ type: 'output_text', text: 'x', annotations: [] }],
    });
    expect(JSON.stringify(serializeResponseItem(item, { knownFieldsOnly: true }))).toBe(
      '{"type":"message","id":"msg_9","role":"assistant","content":[{"type":"output_text","text":"x"}]}',
    );
  });

  it('keeps message content parts of unknown type (e.g. refusal)', () => {
    const line =
      '{"type":"message","id":"msg_r","role":"assistant","content":[{"type":"refusal","refusal":"no"},{"type":"output_text","text":"sorry"}]}';
    const item = parseResponseItem(JSON.parse(line));
    if (item.type !== 'message') throw new Error('expected a message');
    expect(item.content[0]).toEqual({ type: 'other', raw: { type: 'refusal', refusal: 'no' } });
    expect(roundTrip(line)).toBe(line);
  });

  it('keeps web search actions of unknown type', () => {
    const line =
      '{"type":"web_search_call","id":"ws_5","status":"completed","action":{"type":"screenshot","page":3}}';
    expect(roundTrip(line)).toBe(line);
  });

  it('copies parts and actions typed like Object.prototype members (items built without parsing)', () => {
    // Regression: the rules lookups were plain objects, so `constructor`/`toString` found a
    // prototype member and serialising threw "rules is not iterable".
    const message = { type: 'message', role: 'user', content: [{ type: 'constructor', text: 'x' }] };
    const search = { type: 'web_search_call', action: { type: 'toString' } };
    expect(JSON.stringify(serializeResponseItem(message as ResponseItem))).toBe(JSON.stringify(message));
    expect(JSON.stringify(serializeResponseItem(search as ResponseItem))).toBe(JSON.stringify(search));
  });

  it('reads compaction_summary as compaction', () => {
    const item = parseResponseItem({ type: 'compaction_summary', encrypted_content: 'x' });
    expect(item.type).toBe('compaction');
    expect(JSON.stringify(serializeResponseItem(item))).toBe('{"type":"compaction","encrypted_content":"x"}');
  });

  it('treats null optional fields as absent', () => {
    const item = parseResponseItem({
      type: 'function_call',
      id: null,
      name: 'f',
      namespace: null,
      arguments: '{}',
      call_id: 'c',
      status: null,
    });
    expect(JSON.stringify(serializeResponseItem(item))).toBe(
      '{"type":"function_call","name":"f","arguments":"{}","call_id":"c"}',
    );
  });
});

describe('parse failures', () => {
  it('throws ResponseItemParseError naming the type and field for a known type with bad fields', () => {
    let error: unknown;
    try {
      parseResponseItem({ type: 'function_call', name: 'f', arguments: '{}' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ResponseItemParseError);
    const parseError = error as ResponseItemParseError;
    expect(parseError.itemType).toBe('function_call');
    expect(parseError.message).toContain('invalid function_call item');
    expect(parseError.message).toContain('call_id');
    expect(parseError.issues[0]?.path).toEqual(['call_id']);
  });

  it('reports nested paths', () => {
    const result = safeParseResponseItem({
      type: 'message',
      role: 'user',
      content: [{ type: 'input_text', text: 5 }],
    });
    expect(result.success).toBe(false);
    if (result.success) return;
    expect(result.error.message).toContain('content.0.text');
  });

  it('rejects values that are not objects with a string type', () => {
    for (const bad of [null, 'x', 3, [], {}, { type: 7 }]) {
      expect(() => parseResponseItem(bad)).toThrow(ResponseItemParseError);
    }
  });

  it('rejects an invalid image detail and a bad local shell status', () => {
    expect(
      safeParseResponseItem({
        type: 'message',
        role: 'user',
        content: [{ type: 'input_image', image_url: 'u', detail: 'huge' }],
      }).success,
    ).toBe(false);
    expect(
      safeParseResponseItem({
        type: 'local_shell_call',
        status: 'done',
        action: { type: 'exec', command: [] },
      }).success,
    ).toBe(false);
  });

  it('ResponseItemSchema works inside larger schemas', () => {
    const Body = z.object({ output: z.array(ResponseItemSchema) });
    const parsed = Body.parse({
      output: [{ type: 'compaction', encrypted_content: 'e' }, { type: 'new_kind' }],
    });
    expect(parsed.output.map((item) => item.type)).toEqual(['compaction', 'other']);
    const bad = Body.safeParse({ output: [{ type: 'function_call' }] });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.path).toEqual(['output', 0, 'name']);
  });
});

describe('builders', () => {
  it('userMessage / developerMessage produce the observed shapes', () => {
    expect(JSON.stringify(userMessage('Say hello.', 'msg_01a2004f-b955-7f73-830c-16f48124d183'))).toBe(
      CANONICAL['user message'],
    );
    expect(
      JSON.stringify(
        serializeResponseItem(
          developerMessage('You are Codex, …', 'msg_a1acc6b8-a3a4-51f3-9b66-5276b15d56e3'),
        ),
      ),
    ).toBe(CANONICAL['developer message']);
    expect(JSON.stringify(userMessage('hi'))).toBe(
      '{"type":"message","role":"user","content":[{"type":"input_text","text":"hi"}]}',
    );
  });

  it('assistantMessage sets output_text and phase', () => {
    expect(
      JSON.stringify(
        serializeResponseItem(assistantMessage('Hello', { id: 'msg_1', phase: 'final_answer' })),
      ),
    ).toBe(CANONICAL['assistant message with phase']);
  });

  it('functionCallOutput / customToolCallOutput', () => {
    const output =
      'Chunk ID: 0862f0\nWall time: 0.0000 seconds\nProcess exited with code 0\nOriginal token count: 1\nOutput:\nhi\n';
    expect(
      JSON.stringify(
        serializeResponseItem(
          functionCallOutput('call_resp_1', output, 'fco_01a20050-d3a8-7da3-8504-6d27e16b9859'),
        ),
      ),
    ).toBe(CANONICAL.function_call_output);
    expect(
      JSON.stringify(customToolCallOutput('call_3', 'Done', { id: 'ctco_1', name: 'apply_patch' })),
    ).toBe(CANONICAL.custom_tool_call_output);
    expect(JSON.stringify(functionCallOutput('c', [{ type: 'input_text', text: 't' }]))).toBe(
      '{"type":"function_call_output","call_id":"c","output":[{"type":"input_text","text":"t"}]}',
    );
  });

  it('built items parse back to themselves', () => {
    for (const item of [
      userMessage('a', 'msg_1'),
      functionCallOutput('c', 'o'),
      customToolCallOutput('c', 'o'),
    ]) {
      expect(serializeResponseItem(parseResponseItem(item))).toEqual(item);
    }
  });
});
