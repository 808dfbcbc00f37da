// `model_auto_compact_token_limit` in config.toml drives automatic mid-turn compaction of the
// conversation `openExecConversation` opens (observed-cli-0.169-auth §16), against the responses
// server on 127.0.0.1; and the key's validation.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collect } from '@codex-ts/client/test';
import {
  completed,
  functionCall,
  outputItemDone,
  type ResponsesServer,
  responseCreated,
  startResponsesServer,
  textTurn,
  usage,
} from '@codex-ts/responses-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openExecConversation } from '../session/open-exec.js';
import { echoTools, localProviderToml, useConfigHome } from '../test/index.js';

let server: ResponsesServer;
let home: string;
beforeEach(async () => {
  server = await startResponsesServer({
    scenario: {
      steps: [
        {
          kind: 'sse',
          events: [
            responseCreated('resp_1'),
            functionCall('call_1', 'exec_command', { cmd: 'echo hi' }, 'fc_1'),
            completed('resp_1', usage({ input: 200_000, output: 10 })),
          ],
        },
        {
          kind: 'sse',
          events: textTurn({ responseId: 'resp_2', text: 'summary', usage: usage({ input: 2_000 }) }),
        },
        { kind: 'sse', events: textTurn({ responseId: 'resp_3', text: 'hi', usage: usage({ input: 400 }) }) },
      ],
    },
  });
  home = mkdtempSync(join(tmpdir(), 'codex-ts-core-compact-'));
});
afterEach(async () => {
  await server.close();
  rmSync(home, { recursive: true, force: true });
});

async function runWith(top: string, name = 'local'): Promise<string[]> {
  writeFileSync(join(home, 'config.toml'), localProviderToml(server.url, [], { topLines: [top], name }));
  const opened = await openExecConversation({
    version: '0.1.0-test',
    env: { CODEX_HOME: home, LOCAL_API_KEY: 'sk-local-secret', TERM: 'xterm-test', SHELL: '/bin/bash' },
    cwd: home,
    tools: echoTools(),
  });
  try {
    const events = await collect(opened.conversation.runTurn('run echo'));
    expect(events.at(-1)?.type).toBe('turn.completed');
  } finally {
    await opened.close();
  }
  return server.requests.map((r) => `${r.headerMap['x-codex-window-id']?.split(':')[1]}:${kindOf(r.json)}`);
}

const kindOf = (body: unknown) =>
  JSON.parse((body as { client_metadata: Record<string, string> }).client_metadata['x-codex-turn-metadata']!)
    .request_kind as string;

describe('model_auto_compact_token_limit', () => {
  it('compacts mid-turn when a response passes the configured limit', async () => {
    expect(await runWith('model_auto_compact_token_limit = 1000')).toEqual([
      '0:turn',
      '0:compaction',
      '1:turn',
    ]);
  });

  it('does not compact without the key (and no catalog limit)', async () => {
    expect(await runWith('')).toEqual(['0:turn', '0:turn']);
  });
});

describe('the compaction implementation of the provider (what 0.169.0 used)', () => {
  const v2Answer = [
    responseCreated('resp_2'),
    outputItemDone({ type: 'compaction', id: 'cmp_1', encrypted_content: 'ENC' }),
    completed('resp_2', usage({ input: 300 })),
  ];
  const compactionOf = (meta: string | undefined) =>
    (JSON.parse(meta ?? '{}') as { compaction?: { implementation: string } }).compaction?.implementation;

  it('a provider named azure compacts remotely (v2) over HTTP', async () => {
    server.setScenario({
      steps: [
        {
          kind: 'sse',
          events: [
            responseCreated('resp_1'),
            functionCall('call_1', 'exec_command', {}),
            completed('resp_1', usage({ input: 200_000 })),
          ],
        },
        { kind: 'sse', events: v2Answer },
        { kind: 'sse', events: textTurn({ responseId: 'resp_3', text: 'hi' }) },
      ],
    });
    const requests = await runWith('model_auto_compact_token_limit = 1000', 'azure');
    expect(requests).toEqual(['0:turn', '0:compaction', '1:turn']);
    expect(compactionOf(server.requests[1]?.headerMap['x-codex-turn-metadata'])).toBe(
      'responses_compaction_v2',
    );
    expect((server.requests[1]!.json as { input: { type: string }[] }).input.at(-1)).toEqual({
      type: 'compaction_trigger',
    });
  });

  it('the built-in openai provider compacts remotely (v2) on its WebSocket', async () => {
    server.setWsScenario({
      responses: [
        {
          events: [
            responseCreated('resp_1'),
            functionCall('call_1', 'exec_command', {}),
            completed('resp_1', usage({ input: 200_000 })),
          ],
        },
        { events: v2Answer },
        { events: textTurn({ responseId: 'resp_3', text: 'hi' }) },
      ],
    });
    writeFileSync(
      join(home, 'config.toml'),
      `model = "gpt-5.5"\nmodel_provider = "openai"\nopenai_base_url = "${server.url}"\nmodel_auto_compact_token_limit = 1000\n`,
    );
    const opened = await openExecConversation({
      version: '0.1.0-test',
      env: { CODEX_HOME: home, CODEX_API_KEY: 'sk-openai-secret', TERM: 'xterm-test', SHELL: '/bin/bash' },
      cwd: home,
      tools: echoTools(),
    });
    try {
      expect((await collect(opened.conversation.runTurn('run echo'))).at(-1)?.type).toBe('turn.completed');
    } finally {
      await opened.close();
    }
    const frames = server.wsFrames.map(
      (f) =>
        f.json as {
          previous_response_id?: string;
          input: { type: string }[];
          client_metadata: Record<string, string>;
        },
    );
    expect(frames).toHaveLength(4);
    const compaction = frames[2]!;
    expect(compaction.previous_response_id).toBe('resp_1');
    expect(compaction.input.map((i) => i.type)).toEqual(['function_call_output', 'compaction_trigger']);
    expect(compactionOf(compaction.client_metadata['x-codex-turn-metadata'])).toBe('responses_compaction_v2');
    expect(frames[3]!.input.at(-1)?.type).toBe('compaction');
  });
});

const config = await useConfigHome();

describe('model_auto_compact_token_limit in config.toml', () => {
  it('is read as a number of tokens, undefined when unset', async () => {
    expect((await config.load('model_auto_compact_token_limit = 1000\n')).modelAutoCompactTokenLimit).toBe(
      1000,
    );
    expect((await config.load('')).modelAutoCompactTokenLimit).toBeUndefined();
  });

  it('rejects a value that is not a non-negative integer', async () => {
    const error = await config.loadError('model_auto_compact_token_limit = "many"\n');
    expect(error.message).toContain('model_auto_compact_token_limit');
  });
});
