// The default model (gpt-6.1-sol, Responses-Lite) over loopback, review regressions: across an
// automatic compaction (the model's tools travel only in the `additional_tools` input item, so the
// requests after it must still lead with it: upstream prefixes every Lite request with it), and
// what the model sees of a cell's output over its token budget (upstream `truncate_code_mode_result`).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collect } from '@codex-ts/client/test';
import {
  completed,
  outputItemDone,
  type ResponsesServer,
  responseCreated,
  startResponsesServer,
  textTurn,
  usage,
} from '@codex-ts/responses-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openExecConversation } from '../../session/open-exec.js';
import { localProviderToml } from '../../test/index.js';

let server: ResponsesServer;
let home: string;
beforeEach(async () => {
  server = await startResponsesServer();
  home = mkdtempSync(join(tmpdir(), 'codex-ts-code-mode-compact-'));
});
afterEach(async () => {
  await server.close();
  rmSync(home, { recursive: true, force: true });
});

type Body = {
  input: { type?: string; role?: string; tools?: unknown; call_id?: string; output?: unknown }[];
  client_metadata: Record<string, string>;
};
const kindOf = (body: Body) =>
  JSON.parse(body.client_metadata['x-codex-turn-metadata']!).request_kind as string;
const posts = () =>
  server.requests.filter((q) => q.route === 'responses' && q.method === 'POST').map((q) => q.json as Body);

function writeConfig(topLines: string[] = []): void {
  writeFileSync(join(home, 'config.toml'), localProviderToml(server.url, [], { model: null, topLines }));
}

async function runPrompt(prompt: string): Promise<void> {
  const opened = await openExecConversation({
    version: '0.169.0',
    env: { CODEX_HOME: home, LOCAL_API_KEY: 'sk-local', PATH: process.env.PATH ?? '', HOME: home },
    cwd: home,
    prewarm: false,
    dangerouslyBypassApprovalsAndSandbox: true,
  });
  try {
    const events = await collect(opened.conversation.runTurn(prompt));
    expect(events.at(-1)?.type).toBe('turn.completed');
  } finally {
    await opened.close();
  }
}

/** A response calling `exec` with `source` (call id `callId`), then the usage given. */
const execCall = (source: string, tokens = 100, callId = 'call_1') => ({
  kind: 'sse' as const,
  events: [
    responseCreated(`resp_${callId}`),
    outputItemDone({
      type: 'custom_tool_call',
      id: `ctc_${callId}`,
      status: 'completed',
      call_id: callId,
      name: 'exec',
      input: source,
    }),
    completed(`resp_${callId}`, usage({ input: tokens, output: 10 })),
  ],
});
/** The `output` of the item answering `callId` in the last request. */
const answer = (callId = 'call_1') =>
  posts()
    .at(-1)!
    .input.find((item) => item.call_id === callId && item.type === 'custom_tool_call_output')!.output as {
    type: string;
    text?: string;
    image_url?: string;
  }[];

it('a mid-turn compaction keeps the additional_tools item first in the requests that follow', async () => {
  writeConfig(['model_auto_compact_token_limit = 1000']);
  server.pushSteps(
    execCall('text("hi");', 200_000),
    {
      kind: 'sse',
      events: textTurn({ responseId: 'resp_2', text: 'summary', usage: usage({ input: 2_000 }) }),
    },
    { kind: 'sse', events: textTurn({ responseId: 'resp_3', text: 'Done.', usage: usage({ input: 400 }) }) },
  );
  await runPrompt('Say hi.');
  const bodies = posts();
  expect(bodies.map(kindOf)).toEqual(['turn', 'compaction', 'turn']);
  const first = bodies[0]!.input[0]! as { id?: string };
  expect(first).toMatchObject({ type: 'additional_tools', role: 'developer' });
  // As codex-cli 0.169.0 sent them: the compaction request with the item as it was, the request
  // after it with the same tools under a new at_<uuid v7> id.
  expect(bodies[1]!.input[0]).toEqual(first);
  const after = bodies[2]!.input[0]! as { id?: string };
  expect(after).toEqual({ ...first, id: expect.stringMatching(/^at_[0-9a-f]{8}-[0-9a-f]{4}-7/) });
  expect(after.id).not.toBe(first.id);
  for (const body of bodies.slice(1)) {
    expect(body).not.toHaveProperty('tools');
    expect(body.input.filter((item) => item.type === 'additional_tools')).toHaveLength(1);
  }
});

describe('output over the token budget, as upstream truncate_code_mode_result', () => {
  const done = { kind: 'sse' as const, events: textTurn({ responseId: 'resp_2', text: 'Done.' }) };

  it('text only: the texts joined with newlines, cut in the middle under the truncation warning', async () => {
    writeConfig();
    server.pushSteps(
      execCall('// @exec: {"max_output_tokens": 2}\ntext("abcdefgh");\ntext("ijklmnop");'),
      done,
    );
    await runPrompt('Print.');
    const output = answer();
    expect(output).toHaveLength(2);
    expect(output[0]?.text).toMatch(/^Script completed\nWall time \d+\.\d seconds\nOutput:\n$/);
    // codex-cli 0.169.0 answered this very script so.
    expect(output[1]).toEqual({
      type: 'input_text',
      text: 'Warning: truncated output (original token count: 5)\nTotal output lines: 2\n\nabcd…3 tokens truncated…mnop',
    });
  });

  it('with an image: texts kept in order while the budget lasts, the rest counted, images in place', async () => {
    writeConfig();
    // A valid 1x1 PNG; codex-cli 0.169.0 answered this very script with these items.
    const png =
      'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGP4z8DwHwAFAAH/iZk9HQAAAABJRU5ErkJggg==';
    server.pushSteps(
      execCall(
        `// @exec: {"max_output_tokens": 3}\ntext("abcdefgh");\nimage("${png}");\ntext("ijklmnopqrst");\ntext("uvw");`,
      ),
      done,
    );
    await runPrompt('Print.');
    expect(answer().slice(1)).toEqual([
      { type: 'input_text', text: 'abcdefgh' },
      { type: 'input_image', image_url: png },
      { type: 'input_text', text: 'ij…2 tokens truncated…st' },
      { type: 'input_text', text: '[omitted 1 text items ...]' },
    ]);
  });
});

it('store/load keys are plain keys: load of an unset "toString" is undefined, "__proto__" round-trips', async () => {
  writeConfig();
  server.pushSteps(
    execCall('text(String(load("toString")));\nstore("__proto__", 5);\nstore("constructor", "c");'),
    execCall('text(String(load("__proto__")));\ntext(load("constructor"));', 100, 'call_2'),
    { kind: 'sse', events: textTurn({ responseId: 'resp_3', text: 'Done.' }) },
  );
  await runPrompt('Store.');
  expect(
    answer('call_1')
      .map((item) => item.text)
      .slice(1),
  ).toEqual(['undefined']);
  expect(
    answer('call_2')
      .map((item) => item.text)
      .slice(1),
  ).toEqual(['5', 'c']);
});

it('a rejected promise nobody handles does not fail the script (as 0.169.0 answered this script)', async () => {
  writeConfig();
  server.pushSteps(
    execCall(
      [
        'Promise.reject(new Error("x"));',
        'await new Promise((r) => setTimeout(r, 50));',
        'setTimeout(async () => { throw null; }, 0);',
        'await new Promise((r) => setTimeout(r, 50));',
        'text("after");',
      ].join('\n'),
    ),
    { kind: 'sse', events: textTurn({ responseId: 'resp_2', text: 'Done.' }) },
  );
  await runPrompt('Reject.');
  const output = answer();
  expect(output[0]?.text).toMatch(/^Script completed\n/);
  expect(output.slice(1)).toEqual([{ type: 'input_text', text: 'after' }]);
});
