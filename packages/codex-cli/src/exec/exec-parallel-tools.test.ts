// `codex-ts exec` running the exec_command calls of one response concurrently, as codex-cli 0.169.0
// did on the same scripts (live): every command started before the first finished, outputs sent
// back in call order; an apply_patch call waits for the commands before it and runs alone.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  completed,
  functionCall,
  type ResponsesServer,
  responseCreated,
  startResponsesServer,
} from '@codex-ts/responses-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { helloTurn } from '../test-support/hello-turn.js';
import { runCli, tempHomes } from '../test-support/run-cli.js';

let server: ResponsesServer;
let userHome: string;
const newHome = tempHomes();
beforeEach(async () => {
  server = await startResponsesServer();
  userHome = mkdtempSync(join(tmpdir(), 'codex-ts-cli-user-'));
});
afterEach(async () => {
  await server.close();
  rmSync(userHome, { recursive: true, force: true });
});

// The first command waits (bounded) for a file the second creates: run one after the other, it
// gives up and prints `alone`.
const WAITER =
  'for i in $(seq 1 100); do [ -f go ] && break; sleep 0.05; done; [ -f go ] && echo together || echo alone';
const PATCH = '*** Begin Patch\n*** Add File: hello.txt\n+hello\n*** End Patch\n';

type Event = { type: string; item?: { type: string; command?: string; aggregated_output?: string } };

/** `codex-ts exec --json` with full access in `userHome` (the steps pushed before). */
function runGo() {
  return runCli(['exec', '--json', '--dangerously-bypass-approvals-and-sandbox', '-C', userHome, 'Go.'], {
    home: newHome(server.url),
    env: { HOME: userHome },
  });
}

describe('codex-ts exec: parallel tool calls', () => {
  it('exec_command calls of one response run together; outputs go back in call order', async () => {
    server.pushSteps(
      {
        kind: 'sse',
        events: [
          responseCreated('resp_1'),
          functionCall('call_1', 'exec_command', { cmd: WAITER }, 'fc_1'),
          functionCall('call_2', 'exec_command', { cmd: 'touch go; echo two' }, 'fc_2'),
          completed('resp_1'),
        ],
      },
      { kind: 'sse', events: helloTurn() },
    );
    const r = await runGo();
    expect(r.code).toBe(0);
    const events = r.lines
      .map((l) => JSON.parse(l) as Event)
      .filter((e) => e.item?.type === 'command_execution');
    expect(events.map((e) => e.type)).toEqual([
      'item.started',
      'item.started',
      'item.completed',
      'item.completed',
    ]);
    const waiter = events.find((e) => e.type === 'item.completed' && e.item?.command?.includes('seq 1 100'));
    expect(waiter?.item?.aggregated_output).toBe('together\n');
    const input = (
      server.requests[1]!.json as { input: { type: string; call_id?: string; output?: string }[] }
    ).input;
    const outputs = input.filter((i) => i.type === 'function_call_output');
    expect(outputs.map((o) => o.call_id)).toEqual(['call_1', 'call_2']);
    expect(outputs[0]?.output).toMatch(/\ntogether\n$/);
  });

  it('apply_patch runs alone, after the command before it and before the one after it', async () => {
    server.pushSteps(
      {
        kind: 'sse',
        events: [
          responseCreated('resp_1'),
          functionCall('call_1', 'exec_command', { cmd: 'echo one' }, 'fc_1'),
          {
            type: 'response.output_item.done',
            item: {
              type: 'custom_tool_call',
              id: 'ctc_2',
              call_id: 'call_2',
              name: 'apply_patch',
              input: PATCH,
            },
          },
          functionCall('call_3', 'exec_command', { cmd: 'cat hello.txt' }, 'fc_3'),
          completed('resp_1'),
        ],
      },
      { kind: 'sse', events: helloTurn() },
    );
    const r = await runGo();
    expect(r.code).toBe(0);
    const items = r.lines
      .map((l) => JSON.parse(l) as Event)
      .filter(
        (e) => e.type.startsWith('item.') && e.item?.type !== 'reasoning' && e.item?.type !== 'agent_message',
      )
      .map((e) => `${e.type} ${e.item?.type}`);
    expect(items).toEqual([
      'item.started command_execution',
      'item.completed command_execution',
      'item.started file_change',
      'item.completed file_change',
      'item.started command_execution',
      'item.completed command_execution',
    ]);
    expect(r.stdout).toContain('"aggregated_output":"hello\\n"');
  });
});
