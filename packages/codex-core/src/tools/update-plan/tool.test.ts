import type { ToolCallItem } from '@codex-ts/protocol';
import { describe, expect, it } from 'vitest';
import type { ToolItemEvent } from '../tool-handler.js';
import { updatePlanTool } from './tool.js';

function planCall(args: unknown, callId = 'call_p'): ToolCallItem {
  return {
    type: 'function_call',
    name: 'update_plan',
    call_id: callId,
    arguments: typeof args === 'string' ? args : JSON.stringify(args),
  } as ToolCallItem;
}

describe('updatePlanTool', () => {
  it('answers "Plan updated" and reports a todo_list item: started once per turn, then updated', async () => {
    const tool = updatePlanTool();
    const events: ToolItemEvent[] = [];
    const ctx = (turnId: string) => ({
      signal: new AbortController().signal,
      turnId,
      emit: (e: ToolItemEvent) => events.push(e),
    });
    const plan = [
      { step: 'Read the code', status: 'completed' },
      { step: 'Fix the bug', status: 'in_progress' },
    ];
    const first = await tool.handle(planCall({ explanation: 'why', plan }), ctx('t1'));
    expect(first).toMatchObject({ type: 'function_call_output', call_id: 'call_p', output: 'Plan updated' });
    expect((first as { id: string }).id).toMatch(/^fco_[0-9a-f-]{36}$/);
    await tool.handle(planCall({ plan: [{ step: 'Fix the bug', status: 'completed' }] }), ctx('t1'));
    await tool.handle(planCall({ plan: [] }), ctx('t2'));
    expect(events).toEqual([
      {
        phase: 'started',
        key: 'update_plan:t1',
        item: {
          type: 'todo_list',
          items: [
            { text: 'Read the code', completed: true },
            { text: 'Fix the bug', completed: false },
          ],
        },
      },
      {
        phase: 'updated',
        key: 'update_plan:t1',
        item: { type: 'todo_list', items: [{ text: 'Fix the bug', completed: true }] },
      },
      { phase: 'started', key: 'update_plan:t2', item: { type: 'todo_list', items: [] } },
    ]);
  });

  it('rejects bad arguments with "failed to parse function arguments: …" and reports nothing', async () => {
    const tool = updatePlanTool();
    const events: ToolItemEvent[] = [];
    const ctx = {
      signal: new AbortController().signal,
      turnId: 't',
      emit: (e: ToolItemEvent) => events.push(e),
    };
    const cases: [unknown, string][] = [
      [{}, 'missing field `plan`'],
      [
        { plan: [{ step: 'a', status: 'done' }] },
        'unknown variant `done`, expected one of `pending`, `in_progress`, `completed`',
      ],
      [{ plan: [{ step: 'a' }] }, 'missing field `status`'],
      [{ plan: [], extra: 1 }, 'unknown field `extra`, expected `explanation` or `plan`'],
      [{ plan: 'x' }, 'invalid type: string "x", expected a sequence'],
    ];
    for (const [args, reason] of cases) {
      const output = await tool.handle(planCall(args), ctx);
      expect(output).toMatchObject({ output: `failed to parse function arguments: ${reason}` });
    }
    const notJson = await tool.handle(planCall('{'), ctx);
    expect((notJson as { output: string }).output).toMatch(/^failed to parse function arguments: /);
    const custom = await tool.handle(
      { type: 'custom_tool_call', name: 'update_plan', call_id: 'c', input: '' } as ToolCallItem,
      ctx,
    );
    expect(custom).toMatchObject({
      type: 'custom_tool_call_output',
      output: 'update_plan handler received unsupported payload',
    });
    expect(events).toEqual([]);
  });

  it('has the original definition (function, strict false, plan required)', () => {
    expect(JSON.stringify(updatePlanTool().spec)).toBe(
      '{"type":"function","name":"update_plan","description":"Updates the task plan.\\nProvide an optional explanation and a list of plan items, each with a step and status.\\nAt most one step can be in_progress at a time.\\n","strict":false,"parameters":{"type":"object","properties":{"explanation":{"type":"string","description":"Optional explanation for this plan update."},"plan":{"type":"array","description":"The list of steps","items":{"type":"object","properties":{"status":{"type":"string","enum":["pending","in_progress","completed"]},"step":{"type":"string"}},"required":["step","status"],"additionalProperties":false}}},"required":["plan"],"additionalProperties":false}}',
    );
  });
});
