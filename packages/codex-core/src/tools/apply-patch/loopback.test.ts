import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collect } from '@codex-ts/client/test';
import { completed, outputItemDone, responseCreated, textTurn } from '@codex-ts/responses-server';
import { afterEach, describe, expect, it } from 'vitest';
import { harness, testConversation } from '../../test/index.js';
import type { TurnEvent } from '../../turn/events.js';
import { ToolRegistry } from '../registry.js';
import { updatePlanTool } from '../update-plan/tool.js';
import { applyPatchTool } from './tool.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

describe('apply_patch and update_plan in a turn against the local responses server', () => {
  it('runs the calls, reports their items and sends the exact outputs in the follow-up request', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'apply-patch-loop-'));
    closers.push(() => rm(cwd, { recursive: true, force: true }));
    await writeFile(join(cwd, 'mod.txt'), 'line1\nline2\n');
    const patch =
      '*** Begin Patch\n*** Add File: hello.txt\n+hello\n*** Update File: mod.txt\n@@\n-line2\n+LINE2\n*** End Patch';
    const customCall = {
      type: 'custom_tool_call',
      id: 'ctc_1',
      status: 'completed',
      call_id: 'call_patch',
      name: 'apply_patch',
      input: patch,
    };
    const planCall = {
      type: 'function_call',
      id: 'fc_1',
      status: 'completed',
      name: 'update_plan',
      arguments: JSON.stringify({ plan: [{ step: 'Edit files', status: 'completed' }] }),
      call_id: 'call_plan',
    };
    const h = await harness({
      steps: [
        {
          kind: 'sse',
          events: [
            responseCreated('resp_1'),
            outputItemDone(customCall),
            outputItemDone(planCall),
            completed('resp_1'),
          ],
        },
        { kind: 'sse', events: textTurn({ responseId: 'resp_2', text: 'Done.' }) },
      ],
    });
    closers.push(h.close);
    const tools = new ToolRegistry([
      applyPatchTool({
        cwd,
        sandboxPolicy: { mode: 'workspace-write', writableRoots: [], networkAccess: false },
      }),
      updatePlanTool(),
    ]);
    const { conversation } = testConversation(h.client, { tools });
    const events: TurnEvent[] = await collect(conversation.runTurn('Edit the files.'));

    expect(events.map((e) => e.type)).toContain('turn.completed');
    const toolItems = events.filter((e) => e.type === 'tool.item');
    expect(toolItems).toEqual([
      expect.objectContaining({
        phase: 'started',
        key: 'call_patch',
        item: expect.objectContaining({ type: 'file_change', status: 'in_progress' }),
      }),
      expect.objectContaining({
        phase: 'completed',
        key: 'call_patch',
        item: {
          type: 'file_change',
          changes: [
            { path: join(cwd, 'hello.txt'), kind: 'add' },
            { path: join(cwd, 'mod.txt'), kind: 'update' },
          ],
          status: 'completed',
        },
      }),
      expect.objectContaining({
        phase: 'started',
        item: { type: 'todo_list', items: [{ text: 'Edit files', completed: true }] },
      }),
    ]);
    expect(await readFile(join(cwd, 'hello.txt'), 'utf8')).toBe('hello\n');
    expect(await readFile(join(cwd, 'mod.txt'), 'utf8')).toBe('line1\nLINE2\n');

    expect(h.server.requests).toHaveLength(2);
    const [first, second] = h.server.requests as [
      (typeof h.server.requests)[0],
      (typeof h.server.requests)[0],
    ];
    const sentTools = (first.json as { tools: { name: string }[] }).tools;
    expect(sentTools.map((t) => t.name)).toEqual(['apply_patch', 'update_plan']);
    expect(sentTools[0]).toMatchObject({ type: 'custom', format: { type: 'grammar', syntax: 'lark' } });
    const input = (second.json as { input: Record<string, unknown>[] }).input;
    const tail = input.slice(-4);
    expect(tail[0]).toEqual(customCall);
    expect(tail[1]).toEqual(planCall);
    expect(tail[2]).toEqual({
      type: 'custom_tool_call_output',
      id: expect.stringMatching(/^ctco_[0-9a-f-]{36}$/),
      call_id: 'call_patch',
      output: expect.stringMatching(
        /^Exit code: 0\nWall time: \d+(\.\d)? seconds\nOutput:\nSuccess\. Updated the following files:\nA hello\.txt\nM mod\.txt\n$/,
      ),
    });
    expect(tail[3]).toEqual({
      type: 'function_call_output',
      id: expect.stringMatching(/^fco_[0-9a-f-]{36}$/),
      call_id: 'call_plan',
      output: 'Plan updated',
    });
  });
});
