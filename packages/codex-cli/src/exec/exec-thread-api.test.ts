// The thread API's runStreamed() events are the lines `codex-ts exec --json` prints for the same
// script (the in-process API and the binary share core's ThreadEventMapper): each script is played
// once to the built binary and once to a thread of core's `Codex`, and the serialized events compared.
import { Codex } from '@codex-ts/core';
import { serializeThreadEvent } from '@codex-ts/protocol';
import {
  openAiError,
  type ResponsesServer,
  type Step,
  startResponsesServer,
} from '@codex-ts/responses-server';
import { afterEach, describe, expect, it } from 'vitest';
import { helloTurn } from '../test-support/hello-turn.js';
import { runCli, tempHomes } from '../test-support/run-cli.js';

const newHome = tempHomes();
const servers: ResponsesServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** The JSONL lines of `codex-ts exec --json` for `steps`, and its exit code. */
async function viaBinary(steps: Step[]): Promise<{ code: number | null; lines: string[] }> {
  const server = await startResponsesServer({ scenario: { steps } });
  servers.push(server);
  const r = await runCli(['exec', '--json', 'Say hello.'], { home: newHome(server.url) });
  return { code: r.code, lines: r.lines };
}

/** The serialized runStreamed() events of one thread for `steps`. */
async function viaThread(steps: Step[]): Promise<string[]> {
  const server = await startResponsesServer({ scenario: { steps } });
  servers.push(server);
  const home = newHome(server.url);
  const codex = new Codex({ env: { CODEX_HOME: home, LOCAL_API_KEY: 'sk-local-test', TERM: 'xterm' } });
  try {
    const thread = codex.startThread({ workingDirectory: home, skipGitRepoCheck: true });
    const { events } = await thread.runStreamed('Say hello.');
    const lines: string[] = [];
    for await (const event of events) lines.push(serializeThreadEvent(event));
    return lines;
  } finally {
    await codex.close();
  }
}

/** `lines` with the thread id of `thread.started` replaced, so two runs compare. */
function withoutThreadId(lines: string[]): string[] {
  return lines.map((line) => line.replace(/"thread_id":"[^"]+"/, '"thread_id":"<id>"'));
}

const SCRIPTS: [string, Step[], number][] = [
  ['a text turn', [{ kind: 'sse', events: helloTurn() }], 0],
  [
    'a dropped stream, retried with a notice',
    [
      { kind: 'sse', events: helloTurn(), dropAfter: 3 },
      { kind: 'sse', events: helloTurn() },
    ],
    0,
  ],
  [
    'a fatal error',
    [
      {
        kind: 'error',
        status: 429,
        body: openAiError('insufficient_quota', 'insufficient_quota', 'You exceeded your current quota.'),
      },
    ],
    1,
  ],
];

describe('Thread.runStreamed and codex-ts exec --json', () => {
  it.each(SCRIPTS)('yield the same events for %s', async (_name, steps, exitCode) => {
    const binary = await viaBinary(steps);
    expect(binary.code).toBe(exitCode);
    const thread = await viaThread(steps);
    expect(withoutThreadId(thread)).toEqual(withoutThreadId(binary.lines));
    expect(thread.length).toBeGreaterThanOrEqual(3);
  });
});
