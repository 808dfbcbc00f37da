// `codex-ts exec` running the model's exec_command calls (observed-cli-0.169-auth §14): the built
// binary against the responses server on 127.0.0.1, over HTTP and WebSocket, commands run for real.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processGone } from '@codex-ts/core/test';
import {
  completed,
  functionCall,
  type ResponsesEvent,
  type ResponsesServer,
  reasoningItem,
  responseCreated,
  startResponsesServer,
  usage,
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

// Until the CLI has --dangerously-bypass-approvals-and-sandbox, danger-full-access through -c.
const FULL_ACCESS = ['-c', 'sandbox_mode="danger-full-access"'];

function toolCall(n: number, cmd: string): ResponsesEvent[] {
  return [
    responseCreated(`resp_${n}`),
    reasoningItem(`rs_${n}`, ['Running a command'], `gAAAA-${n}`),
    functionCall(`call_${n}`, 'exec_command', { cmd }, `fc_${n}`),
    completed(`resp_${n}`, usage({ input: 1000, cached: 512, output: 20, reasoning: 8 })),
  ];
}

// The lines codex-cli 0.169.0 printed for the same script (a successful and a failing command,
// then the hello turn), after `thread.started`.
const EXPECTED_LINES = [
  '{"type":"turn.started"}',
  '{"type":"item.completed","item":{"id":"item_0","type":"reasoning","text":"Running a command"}}',
  `{"type":"item.started","item":{"id":"item_1","type":"command_execution","command":"/bin/bash -lc 'echo hi'","aggregated_output":"","exit_code":null,"status":"in_progress"}}`,
  `{"type":"item.completed","item":{"id":"item_1","type":"command_execution","command":"/bin/bash -lc 'echo hi'","aggregated_output":"hi\\n","exit_code":0,"status":"completed"}}`,
  '{"type":"item.completed","item":{"id":"item_2","type":"reasoning","text":"Running a command"}}',
  `{"type":"item.started","item":{"id":"item_3","type":"command_execution","command":"/bin/bash -lc 'echo oops >&2; exit 3'","aggregated_output":"","exit_code":null,"status":"in_progress"}}`,
  `{"type":"item.completed","item":{"id":"item_3","type":"command_execution","command":"/bin/bash -lc 'echo oops >&2; exit 3'","aggregated_output":"oops\\n","exit_code":3,"status":"failed"}}`,
  '{"type":"item.completed","item":{"id":"item_4","type":"reasoning","text":"**Planning a reply**\\n\\nThe user wants a short greeting."}}',
  '{"type":"item.completed","item":{"id":"item_5","type":"agent_message","text":"Hello there!"}}',
  '{"type":"turn.completed","usage":{"input_tokens":3200,"cached_input_tokens":2048,"cache_write_input_tokens":0,"output_tokens":82,"reasoning_output_tokens":32}}',
];

/**
 * `EXPECTED_LINES` with the user's login shell (from /etc/passwd, as the original picks it; `/bin/bash`
 * on the machine the lines were captured on) in place of `/bin/bash`.
 */
function expectedFor(lines: string[]): string[] {
  const shell =
    /"command":"(\S+) -lc /.exec(lines.find((l) => l.includes('"item.started"')) ?? '')?.[1] ?? '';
  expect(shell).toMatch(/^\/\S*\/(bash|zsh|sh)$/);
  return EXPECTED_LINES.map((line) => line.replaceAll('"command":"/bin/bash -lc', `"command":"${shell} -lc`));
}

const OUTPUT_OK =
  /^Chunk ID: [0-9a-f]{6}\nWall time: \d+\.\d{4} seconds\nProcess exited with code 0\nOriginal token count: 1\nOutput:\nhi\n$/;
const OUTPUT_FAILED =
  /^Chunk ID: [0-9a-f]{6}\nWall time: \d+\.\d{4} seconds\nProcess exited with code 3\nOriginal token count: 2\nOutput:\noops\n$/;
const FCO_ID = /^fco_[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/;

// HOME: a fresh folder, so that the login shell (`bash -l`) reads no user profile.
const run = (args: string[], home: string) =>
  runCli(['exec', ...args, 'Run the commands.'], { home, env: { HOME: userHome } });

describe('codex-ts exec: exec_command round trips', () => {
  it('over HTTP: the JSONL of 0.169.0, follow-ups with the full history, fco ids and the echoed turn state', async () => {
    server.pushSteps(
      { kind: 'sse', headers: { 'x-codex-turn-state': 'ts-1' }, events: toolCall(1, 'echo hi') },
      { kind: 'sse', events: toolCall(2, 'echo oops >&2; exit 3') },
      { kind: 'sse', events: helloTurn() },
    );
    const r = await run(['--json', ...FULL_ACCESS], newHome(server.url));
    expect(r.code).toBe(0);
    expect(r.lines.slice(1)).toEqual(expectedFor(r.lines));

    const [first, second, third] = server.requests;
    expect(first?.headerMap['x-codex-turn-state']).toBeUndefined();
    expect(second?.headerMap['x-codex-turn-state']).toBe('ts-1');
    expect(third?.headerMap['x-codex-turn-state']).toBe('ts-1');
    expect((first?.json as { tools?: { name?: string }[] } | undefined)?.tools?.map((t) => t.name)).toEqual([
      'exec_command',
      'write_stdin',
      'apply_patch',
    ]);
    const firstInput = (first?.json as { input?: unknown[] } | undefined)?.input ?? [];
    const input = (second?.json as { input?: Record<string, unknown>[] } | undefined)?.input ?? [];
    expect(input.slice(0, firstInput.length)).toEqual(firstInput);
    expect(input.slice(firstInput.length)).toEqual([
      {
        type: 'reasoning',
        id: 'rs_1',
        summary: [{ type: 'summary_text', text: 'Running a command' }],
        content: null,
        encrypted_content: 'gAAAA-1',
      },
      {
        type: 'function_call',
        id: 'fc_1',
        name: 'exec_command',
        arguments: '{"cmd":"echo hi"}',
        call_id: 'call_1',
      },
      {
        type: 'function_call_output',
        id: expect.stringMatching(FCO_ID),
        call_id: 'call_1',
        output: expect.stringMatching(OUTPUT_OK),
      },
    ]);
    const last = ((third?.json as { input?: Record<string, unknown>[] } | undefined)?.input ?? []).at(-1);
    expect(last).toEqual({
      type: 'function_call_output',
      id: expect.stringMatching(FCO_ID),
      call_id: 'call_2',
      output: expect.stringMatching(OUTPUT_FAILED),
    });
    const meta = JSON.parse(first?.headerMap['x-codex-turn-metadata'] ?? '{}') as Record<string, unknown>;
    expect(meta).toMatchObject({ sandbox: 'none', sandbox_mode: 'danger-full-access' });
  });

  it('over WebSocket: the same JSONL; each follow-up is previous_response_id + only the function_call_output on the same socket', async () => {
    server.setWsScenario({
      responses: [
        { events: toolCall(1, 'echo hi') },
        { events: toolCall(2, 'echo oops >&2; exit 3') },
        { events: helloTurn() },
      ],
    });
    const r = await run(['--json', ...FULL_ACCESS], newHome(server.url, 'supports_websockets = true'));
    expect(r.code).toBe(0);
    expect(r.lines.slice(1)).toEqual(expectedFor(r.lines));
    expect(server.requests).toHaveLength(0);
    expect(server.handshakes).toHaveLength(1);
    const frames = server.wsFrames.map((f) => f.json as Record<string, unknown>);
    expect(frames).toHaveLength(4); // prewarm, turn, two follow-ups
    expect(new Set(server.wsFrames.map((f) => f.connection)).size).toBe(1);
    const [, , followUp1, followUp2] = frames;
    expect(followUp1?.previous_response_id).toBe('resp_1');
    expect(followUp1?.input).toEqual([
      {
        type: 'function_call_output',
        id: expect.stringMatching(FCO_ID),
        call_id: 'call_1',
        output: expect.stringMatching(OUTPUT_OK),
      },
    ]);
    expect(followUp2?.previous_response_id).toBe('resp_2');
    expect(followUp2?.input).toEqual([
      {
        type: 'function_call_output',
        id: expect.stringMatching(FCO_ID),
        call_id: 'call_2',
        output: expect.stringMatching(OUTPUT_FAILED),
      },
    ]);
  });

  it('a command outliving yield_time_ms: session id in the output, its item left open, killed when exec exits', async () => {
    const pidFile = join(userHome, 'pid');
    server.pushSteps(
      {
        kind: 'sse',
        events: [
          responseCreated('resp_1'),
          functionCall(
            'call_1',
            'exec_command',
            { cmd: `echo $$ > ${pidFile}; echo start; sleep 30`, yield_time_ms: 250 },
            'fc_1',
          ),
          completed('resp_1'),
        ],
      },
      { kind: 'sse', events: helloTurn() },
    );
    const r = await run(['--json', ...FULL_ACCESS], newHome(server.url));
    expect(r.code).toBe(0);
    const types = r.lines.slice(1).map((l) => {
      const e = JSON.parse(l) as { type: string; item?: { type: string } };
      return `${e.type}${e.item ? ` ${e.item.type}` : ''}`;
    });
    // As codex-cli 0.169.0 printed it: the command's item is started, never completed.
    expect(types).toEqual([
      'turn.started',
      'item.started command_execution',
      'item.completed reasoning',
      'item.completed agent_message',
      'turn.completed',
    ]);
    const output = (
      (server.requests[1]?.json as { input?: { output?: string }[] } | undefined)?.input ?? []
    ).at(-1)?.output;
    expect(output).toMatch(
      /^Chunk ID: [0-9a-f]{6}\nWall time: \d+\.\d{4} seconds\nProcess running with session ID \d+\nOriginal token count: 2\nOutput:\nstart\n$/,
    );
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    expect(await processGone(pid)).toBe(true);
  });

  it('human output: each command on stderr with its cwd, status and output', async () => {
    server.pushSteps(
      { kind: 'sse', events: toolCall(1, 'echo hi') },
      { kind: 'sse', events: toolCall(2, 'echo oops >&2; exit 3') },
      {
        kind: 'sse',
        events: [
          responseCreated('resp_3'),
          functionCall('call_3', 'exec_command', { cmd: 'pwd', workdir: userHome }, 'fc_3'),
          completed('resp_3'),
        ],
      },
      { kind: 'sse', events: helloTurn() },
    );
    const r = await run(FULL_ACCESS, newHome(server.url));
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('Hello there!\n');
    const cwd = process.cwd();
    const stderr = r.stderr
      .replace(/in \d+ms:/g, 'in Nms:')
      .replace(/^\/\S*\/(bash|zsh|sh) -lc /gm, 'SHELL -lc ');
    expect(stderr).toContain(`exec\nSHELL -lc 'echo hi' in ${cwd}\n succeeded in Nms:\nhi\n\n`);
    expect(stderr).toContain(
      `exec\nSHELL -lc 'echo oops >&2; exit 3' in ${cwd}\n exited 3 in Nms:\noops\n\n`,
    );
    // As 0.169.0: a command with a workdir is shown in that directory.
    expect(stderr).toContain(`exec\nSHELL -lc pwd in ${userHome}\n succeeded in Nms:\n${userHome}\n\n`);
  });
});
