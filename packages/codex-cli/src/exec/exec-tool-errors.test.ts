// `codex-ts exec` answering tool calls it cannot run, as codex-cli 0.169.0 answered the same
// scripts (live runs): the output texts and ids sent back in the follow-up request, and what
// `--json` prints (nothing for such a call). The built binary against the responses server on 127.0.0.1.
import {
  completed,
  functionCall,
  type ResponsesEvent,
  type ResponsesServer,
  responseCreated,
  startResponsesServer,
} from '@codex-ts/responses-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HELLO_TURN_LINES, helloTurn } from '../test-support/hello-turn.js';
import { runCli, tempHomes } from '../test-support/run-cli.js';

let server: ResponsesServer;
const newHome = tempHomes();
beforeEach(async () => {
  server = await startResponsesServer();
});
afterEach(async () => {
  await server.close();
});

const uuid7 = '[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}';
const FCO_ID = new RegExp(`^fco_${uuid7}$`);
const CTCO_ID = new RegExp(`^ctco_${uuid7}$`);

const customToolCall = (callId: string, name: string, input: string): ResponsesEvent => ({
  type: 'response.output_item.done',
  item: { type: 'custom_tool_call', id: `ctc_${callId}`, call_id: callId, name, input },
});

/** Runs one turn whose first response makes `calls`, then the hello turn; the follow-up's new items. */
async function answersTo(calls: ResponsesEvent[]): Promise<Record<string, unknown>[]> {
  server.pushSteps(
    { kind: 'sse', events: [responseCreated('resp_0'), ...calls, completed('resp_0')] },
    { kind: 'sse', events: helloTurn() },
  );
  const r = await runCli(['exec', '--json', 'Do it.'], { home: newHome(server.url) });
  expect(r.code).toBe(0);
  expect(r.lines.slice(1)).toEqual(HELLO_TURN_LINES);
  const [first, second] = server.requests.map((q) => (q.json as { input: Record<string, unknown>[] }).input);
  return second!.slice(first!.length + calls.length);
}

describe('codex-ts exec: tool calls it cannot run', () => {
  it('unknown tools: `unsupported call` / `unsupported custom tool call` with fco_ / ctco_ ids', async () => {
    const outputs = await answersTo([
      functionCall('call_1', 'no_such_tool', { a: 1 }, 'fc_1'),
      customToolCall('call_2', 'foo_tool', 'hello'),
    ]);
    expect(outputs).toEqual([
      {
        type: 'function_call_output',
        id: expect.stringMatching(FCO_ID),
        call_id: 'call_1',
        output: 'unsupported call: no_such_tool',
      },
      {
        type: 'custom_tool_call_output',
        id: expect.stringMatching(CTCO_ID),
        call_id: 'call_2',
        output: 'unsupported custom tool call: foo_tool',
      },
    ]);
  });

  it("arguments of the wrong type: nothing runs, serde_json's text and position go back", async () => {
    const outputs = await answersTo([
      functionCall('call_1', 'exec_command', '{"cmd":"echo hi","yield_time_ms":"x"}', 'fc_1'),
      functionCall('call_2', 'exec_command', '{not json', 'fc_2'),
    ]);
    expect(outputs).toEqual([
      {
        type: 'function_call_output',
        id: expect.stringMatching(FCO_ID),
        call_id: 'call_1',
        output:
          'failed to parse function arguments: invalid type: string "x", expected u64 at line 1 column 36',
      },
      {
        type: 'function_call_output',
        id: expect.stringMatching(FCO_ID),
        call_id: 'call_2',
        output: 'failed to parse function arguments: key must be a string at line 1 column 2',
      },
    ]);
  });
});
