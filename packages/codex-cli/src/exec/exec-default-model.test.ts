// `codex-ts exec --json` with no model configured (0.169.0 picks gpt-6.1-sol): the model calls the
// code-mode `exec` tool, whose nested exec_command is printed as a command item; the lines are
// compared with what codex-cli 0.169.0 printed for the same script (captured in
// packages/codex-core/src/tools/code-mode/fixtures/observed-0.169.json, ids normalised).
import { readFileSync, writeFileSync } from 'node:fs';
import {
  assistantMessage,
  completed,
  outputItemDone,
  type ResponsesServer,
  reasoningItem,
  responseCreated,
  startResponsesServer,
  usage,
} from '@codex-ts/responses-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, tempHomes } from '../test-support/run-cli.js';

const turnLines = (cmd: string, output: string, exitCode: number) => [
  { type: 'thread.started', thread_id: '<thread>' },
  { type: 'turn.started' },
  { type: 'item.completed', item: { id: 'item_0', type: 'reasoning', text: '**Running code**' } },
  {
    type: 'item.started',
    item: {
      id: 'item_1',
      type: 'command_execution',
      command: `<shell> -lc '${cmd}'`,
      aggregated_output: '',
      exit_code: null,
      status: 'in_progress',
    },
  },
  {
    type: 'item.completed',
    item: {
      id: 'item_1',
      type: 'command_execution',
      command: `<shell> -lc '${cmd}'`,
      aggregated_output: output,
      exit_code: exitCode,
      status: exitCode === 0 ? 'completed' : 'failed',
    },
  },
  { type: 'item.completed', item: { id: 'item_2', type: 'agent_message', text: 'Done.' } },
  {
    type: 'turn.completed',
    usage: {
      input_tokens: 200,
      cached_input_tokens: 0,
      cache_write_input_tokens: 0,
      output_tokens: 10,
      reasoning_output_tokens: 0,
    },
  },
];

let server: ResponsesServer;
const newHome = tempHomes();
beforeEach(async () => {
  server = await startResponsesServer();
});
afterEach(async () => {
  await server.close();
});

const tokens = () => usage({ input: 100, cached: 0, output: 5, reasoning: 0 });

function script(source: string) {
  server.pushSteps(
    {
      kind: 'sse',
      events: [
        responseCreated('resp_1'),
        reasoningItem('rs_1', ['**Running code**'], 'gAAAAenc'),
        outputItemDone({
          type: 'custom_tool_call',
          id: 'ctc_1',
          status: 'completed',
          call_id: 'call_1',
          name: 'exec',
          input: source,
        }),
        completed('resp_1', tokens()),
      ],
    },
    {
      kind: 'sse',
      events: [responseCreated('resp_2'), assistantMessage('msg_2', 'Done.'), completed('resp_2', tokens())],
    },
  );
}

async function runWithoutModel(): Promise<unknown[]> {
  // The shared provider config without its `model = …` line, and commands unsandboxed.
  const home = newHome(server.url, '');
  const config = readFileSync(`${home}/config.toml`, 'utf8').replace(/^model = .*\n/m, '');
  writeFileSync(`${home}/config.toml`, `sandbox_mode = "danger-full-access"\n${config}`);
  const result = await runCli(['exec', '--json', '--skip-git-repo-check', 'Run echo hi.'], {
    home,
    env: { HOME: home },
  });
  expect(result.code).toBe(0);
  return result.lines.map((line) => JSON.parse(line) as unknown);
}

/** Thread ids and the login shell normalised. */
const normalise = (lines: unknown[]) =>
  JSON.parse(
    JSON.stringify(lines)
      .replace(/"thread_id":"[^"]+"/g, '"thread_id":"<thread>"')
      .replace(/"command":"\S+ -lc /g, '"command":"<shell> -lc '),
  );

describe('exec --json, no model configured', () => {
  it('a code-mode exec whose script runs exec_command prints the lines 0.169.0 printed', async () => {
    script('const r = await tools.exec_command({cmd: "echo hi"});\ntext(r.output);\ntext({a: 1});');
    const lines = await runWithoutModel();
    expect(normalise(lines)).toEqual(turnLines('echo hi', 'hi\n', 0));
    expect((server.requests[0]!.json as { model: string }).model).toBe('gpt-6.1-sol');
  });

  it('a nested command that exits 3: a failed command item, as 0.169.0', async () => {
    script('const r = await tools.exec_command({cmd: "exit 3"});\ntext(r);\nexit();\ntext("never");');
    const lines = await runWithoutModel();
    expect(normalise(lines)).toEqual(turnLines('exit 3', '', 3));
  });
});
