import { describe, expect, it } from 'vitest';
import { parseThreadEvent, serializeThreadEvent, type ThreadEvent } from '../index.js';

/** The example lines of observed-cli-0.169 §8, verbatim. */
const OBSERVED = [
  '{"type":"thread.started","thread_id":"01a20048-f815-7950-9f55-8072fd2988b7"}',
  '{"type":"turn.started"}',
  `{"type":"item.started","item":{"id":"item_1","type":"command_execution","command":"/bin/bash -lc 'echo hi'","aggregated_output":"","exit_code":null,"status":"in_progress"}}`,
  '{"type":"item.completed","item":{"id":"item_0","type":"reasoning","text":"**Planning a reply**\\n\\nThe user wants a short greeting."}}',
  '{"type":"item.completed","item":{"id":"item_1","type":"agent_message","text":"Hello there!"}}',
  `{"type":"item.completed","item":{"id":"item_1","type":"command_execution","command":"/bin/bash -lc 'echo hi'","aggregated_output":"hi\\n","exit_code":0,"status":"completed"}}`,
  '{"type":"item.completed","item":{"id":"item_0","type":"error","message":"Falling back from WebSockets to HTTPS transport. …"}}',
  '{"type":"turn.completed","usage":{"input_tokens":1200,"cached_input_tokens":1024,"cache_write_input_tokens":0,"output_tokens":42,"reasoning_output_tokens":16}}',
  '{"type":"error","message":"Reconnecting... 1/5 (exceeded retry limit, last status: 429 Too Many Requests)"}',
  '{"type":"turn.failed","error":{"message":"Quota exceeded. Check your plan and billing details."}}',
];

describe('serializeThreadEvent (observed-cli §8)', () => {
  it.each(OBSERVED)('reproduces %s', (line) => {
    expect(serializeThreadEvent(parseThreadEvent(line))).toBe(line);
  });

  it('orders keys regardless of how the event was built', () => {
    const event: ThreadEvent = {
      item: {
        status: 'completed',
        exit_code: 0,
        aggregated_output: 'hi\n',
        command: 'echo hi',
        type: 'command_execution',
        id: 'item_1',
      },
      type: 'item.completed',
    };
    expect(serializeThreadEvent(event)).toBe(
      '{"type":"item.completed","item":{"id":"item_1","type":"command_execution","command":"echo hi","aggregated_output":"hi\\n","exit_code":0,"status":"completed"}}',
    );
    expect(
      serializeThreadEvent({
        usage: {
          reasoning_output_tokens: 1,
          output_tokens: 2,
          cache_write_input_tokens: 3,
          cached_input_tokens: 4,
          input_tokens: 5,
        },
        type: 'turn.completed',
      }),
    ).toBe(
      '{"type":"turn.completed","usage":{"input_tokens":5,"cached_input_tokens":4,"cache_write_input_tokens":3,"output_tokens":2,"reasoning_output_tokens":1}}',
    );
  });

  it('writes the other item kinds in struct order', () => {
    const lines = [
      '{"type":"item.updated","item":{"id":"item_2","type":"todo_list","items":[{"text":"a","completed":true},{"text":"b","completed":false}]}}',
      '{"type":"item.completed","item":{"id":"item_3","type":"file_change","changes":[{"path":"a.txt","kind":"add"}],"status":"completed"}}',
      '{"type":"item.completed","item":{"id":"item_4","type":"mcp_tool_call","server":"s","tool":"t","arguments":{"x":1},"result":{"content":[{"type":"text","text":"ok"}],"structured_content":null},"error":null,"status":"completed"}}',
      '{"type":"item.completed","item":{"id":"item_5","type":"mcp_tool_call","server":"s","tool":"t","arguments":null,"result":null,"error":{"message":"boom"},"status":"failed"}}',
      '{"type":"item.completed","item":{"id":"item_6","type":"web_search","query":"q","action":{"type":"search","query":"q"}}}',
      '{"type":"item.completed","item":{"id":"item_7","type":"plan","text":"1. do"}}',
    ];
    for (const line of lines) expect(serializeThreadEvent(parseThreadEvent(line))).toBe(line);
  });

  it('escapes like serde_json', () => {
    const line = serializeThreadEvent({ type: 'error', message: 'tab\there "q" \\ \u0001 é ’ /' });
    expect(line).toBe('{"type":"error","message":"tab\\there \\"q\\" \\\\ \\u0001 é ’ /"}');
  });

  it('rejects malformed events', () => {
    expect(() => parseThreadEvent('{"type":"turn.completed"}')).toThrow();
    expect(() =>
      parseThreadEvent('{"type":"item.completed","item":{"id":"x","type":"command_execution"}}'),
    ).toThrow();
    expect(() => parseThreadEvent('not json')).toThrow(SyntaxError);
  });
});
