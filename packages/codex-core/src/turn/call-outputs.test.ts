import type { ResponseItem } from '@codex-ts/protocol';
import { describe, expect, it } from 'vitest';
import { missingCallOutputs } from './call-outputs.js';

describe('missingCallOutputs', () => {
  it('owes `aborted` to each call kind without an output, in call order, and nothing to answered calls', () => {
    const history = [
      { type: 'function_call', name: 'exec_command', arguments: '{}', call_id: 'a' },
      { type: 'function_call_output', call_id: 'a', output: 'done' },
      { type: 'custom_tool_call', name: 'apply_patch', input: 'x', call_id: 'b' },
      {
        type: 'local_shell_call',
        call_id: 'c',
        status: 'completed',
        action: { type: 'exec', command: ['ls'] },
      },
      { type: 'function_call', name: 'write_stdin', arguments: '{}', call_id: 'd' },
      { type: 'custom_tool_call', name: 'apply_patch', input: 'y', call_id: 'e' },
      { type: 'custom_tool_call_output', call_id: 'e', output: 'ok' },
    ] as unknown as ResponseItem[];
    expect(missingCallOutputs(history)).toEqual([
      { type: 'custom_tool_call_output', call_id: 'b', output: 'aborted' },
      { type: 'function_call_output', call_id: 'c', output: 'aborted' },
      { type: 'function_call_output', call_id: 'd', output: 'aborted' },
    ]);
    expect(missingCallOutputs(history.slice(0, 2))).toEqual([]);
  });
});
