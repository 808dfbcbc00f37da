// The default model (gpt-6.1-sol, Responses-Lite) across an automatic compaction over loopback:
// the model's tools travel only in the `additional_tools` input item, so the requests after a
// compaction must still lead with it (upstream prefixes every Lite request with it).
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
import { afterEach, beforeEach, expect, it } from 'vitest';
import { openExecConversation } from '../../session/open-exec.js';

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
  input: { type?: string; role?: string; tools?: unknown }[];
  client_metadata: Record<string, string>;
};
const kindOf = (body: Body) =>
  JSON.parse(body.client_metadata['x-codex-turn-metadata']!).request_kind as string;

it('a mid-turn compaction keeps the additional_tools item first in the requests that follow', async () => {
  writeFileSync(
    join(home, 'config.toml'),
    [
      'model_provider = "local"',
      'model_auto_compact_token_limit = 1000',
      '[model_providers.local]',
      'name = "local"',
      `base_url = "${server.url}"`,
      'env_key = "LOCAL_API_KEY"',
      'wire_api = "responses"',
      '',
    ].join('\n'),
  );
  server.pushSteps(
    {
      kind: 'sse',
      events: [
        responseCreated('resp_1'),
        outputItemDone({
          type: 'custom_tool_call',
          id: 'ctc_1',
          status: 'completed',
          call_id: 'call_1',
          name: 'exec',
          input: 'text("hi");',
        }),
        completed('resp_1', usage({ input: 200_000, output: 10 })),
      ],
    },
    {
      kind: 'sse',
      events: textTurn({ responseId: 'resp_2', text: 'summary', usage: usage({ input: 2_000 }) }),
    },
    { kind: 'sse', events: textTurn({ responseId: 'resp_3', text: 'Done.', usage: usage({ input: 400 }) }) },
  );
  const opened = await openExecConversation({
    version: '0.169.0',
    env: { CODEX_HOME: home, LOCAL_API_KEY: 'sk-local', PATH: process.env.PATH ?? '', HOME: home },
    cwd: home,
    prewarm: false,
    dangerouslyBypassApprovalsAndSandbox: true,
  });
  try {
    const events = await collect(opened.conversation.runTurn('Say hi.'));
    expect(events.at(-1)?.type).toBe('turn.completed');
  } finally {
    await opened.close();
  }
  const bodies = server.requests
    .filter((q) => q.route === 'responses' && q.method === 'POST')
    .map((q) => q.json as Body);
  expect(bodies.map(kindOf)).toEqual(['turn', 'compaction', 'turn']);
  const first = bodies[0]!.input[0]!;
  expect(first).toMatchObject({ type: 'additional_tools', role: 'developer' });
  for (const body of bodies.slice(1)) {
    expect(body).not.toHaveProperty('tools');
    expect(body.input[0]).toEqual(first);
    expect(body.input.filter((item) => item.type === 'additional_tools')).toHaveLength(1);
  }
});
