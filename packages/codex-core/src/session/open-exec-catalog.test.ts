// Catalog-driven requests (issue 10): the default model, reasoning effort / summary and
// `text.verbosity` come from the models catalog — the bundled fallback with an API key, the
// `/models` answer over it in ChatGPT mode — asserted on the bodies the local server received.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collect } from '@codex-ts/client/test';
import {
  accountsCheck,
  modelsCatalog,
  type ResponsesServer,
  startResponsesServer,
  textTurn,
} from '@codex-ts/responses-server';
import { afterEach, describe, expect, it } from 'vitest';
import { localProviderToml } from '../test/index.js';
import { openExecConversation } from './open-exec.js';

let server: ResponsesServer | undefined;
let home: string | undefined;

afterEach(async () => {
  await server?.close();
  if (home) rmSync(home, { recursive: true, force: true });
  server = undefined;
  home = undefined;
});

const turn = { steps: [{ kind: 'sse' as const, events: textTurn({ responseId: 'resp_1', text: 'hi' }) }] };
type Body = { model?: string; reasoning?: unknown; text?: unknown; parallel_tool_calls?: boolean };
const bodies = () =>
  (server?.requests ?? [])
    .filter((q) => q.route === 'responses' && q.method === 'POST')
    .map((q) => q.json as Body);

async function runTurn(env: Record<string, string>) {
  const opened = await openExecConversation({
    version: '0.169.0',
    env: { CODEX_HOME: home!, ...env },
    cwd: home!,
    prewarm: false,
  });
  try {
    const events = await collect(opened.conversation.runTurn('a prompt'));
    expect(events.at(-1)?.type).toBe('turn.completed');
    return opened;
  } finally {
    await opened.close();
  }
}

describe('API key, custom provider: the bundled catalog', () => {
  async function run(config: string[]) {
    server = await startResponsesServer({ scenario: turn });
    home = mkdtempSync(join(tmpdir(), 'codex-ts-catalog-'));
    writeFileSync(
      join(home, 'config.toml'),
      localProviderToml(server.url, [], { model: null, topLines: config }),
    );
    const opened = await runTurn({ LOCAL_API_KEY: 'sk-local' });
    return { opened, body: bodies()[0]! };
  }

  it('no model configured: the bundled default gpt-6.1-sol (Responses-Lite) with its effort and verbosity, no summary', async () => {
    const { opened, body } = await run([]);
    expect(opened.model).toBe('gpt-6.1-sol');
    expect(body).toMatchObject({
      model: 'gpt-6.1-sol',
      reasoning: { effort: 'low', context: 'all_turns' },
      text: { verbosity: 'low' },
      parallel_tool_calls: false,
    });
    expect(body).not.toHaveProperty('tools');
    expect(body.reasoning).toEqual({ effort: 'low', context: 'all_turns' });
    expect(opened.modelSettings).toMatchObject({
      contextWindow: 272_000,
      autoCompactTokenLimit: 244_800,
      responsesLite: true,
    });
    expect(server?.requests.some((q) => q.path.includes('/models'))).toBe(false);
  });

  it('a bundled model without verbosity support: no `text`, also when model_verbosity is configured', async () => {
    const { opened, body } = await run(['model = "gpt-5.1-codex-max"', 'model_verbosity = "high"']);
    expect(body.model).toBe('gpt-5.1-codex-max');
    expect(body.reasoning).toEqual({ effort: 'medium' });
    expect(body).not.toHaveProperty('text');
    expect(opened.modelSettings.warnings).toEqual([
      'model `gpt-5.1-codex-max` does not support verbosity; `high` not sent',
    ]);
  });

  it('configured effort, summary and verbosity win over the catalog defaults', async () => {
    const { body } = await run([
      'model = "gpt-5.5"',
      'model_reasoning_effort = "high"',
      'model_reasoning_summary = "detailed"',
      'model_verbosity = "medium"',
    ]);
    expect(body.reasoning).toEqual({ effort: 'high', summary: 'detailed' });
    expect(body.text).toEqual({ verbosity: 'medium' });
  });

  it('config overrides the context window and the auto-compact limit (capped at 90 % of the window)', async () => {
    const { opened } = await run([
      'model = "gpt-5.5"',
      'model_context_window = 100000',
      'model_auto_compact_token_limit = 95000',
    ]);
    expect(opened.modelSettings).toMatchObject({ contextWindow: 100_000, autoCompactTokenLimit: 90_000 });
  });

  it('a model not in the catalog keeps the family defaults', async () => {
    const { opened, body } = await run(['model = "gpt-test"']);
    expect(opened.modelSettings.info).toBeUndefined();
    expect(body.reasoning).toEqual({});
    expect(body).not.toHaveProperty('text');
  });
});

describe('ChatGPT login: the /models catalog over the bundled one', () => {
  const jwt = (claims: Record<string, unknown>) => {
    const enc = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    return `${enc({ alg: 'none', typ: 'JWT' })}.${enc(claims)}.c2ln`;
  };
  const exp = Math.floor(Date.now() / 1000) + 3600;
  const authFile = JSON.stringify({
    auth_mode: 'chatgpt',
    OPENAI_API_KEY: null,
    tokens: {
      id_token: jwt({
        email: 'user@example.com',
        exp,
        'https://api.openai.com/auth': { chatgpt_plan_type: 'plus', chatgpt_account_id: 'acct-1' },
      }),
      access_token: jwt({ exp }),
      refresh_token: 'rt-catalog',
      account_id: 'acct-1',
    },
    last_refresh: '2026-01-01T00:00:00Z',
  });

  async function run(models: unknown[], config: string[] = []) {
    home = mkdtempSync(join(tmpdir(), 'codex-ts-catalog-chatgpt-'));
    server = await startResponsesServer({
      tls: { caFile: join(home, 'ca.pem') },
      scenario: turn,
      wsScenario: { handshakes: [{ kind: 'reject', status: 426 }], responses: [] },
      chatgpt: {
        accountsCheck: {
          replies: [accountsCheck({ id: 'acct-1', planType: 'plus', role: 'account-owner' })],
        },
        models: { replies: [modelsCatalog(models)], repeatLast: true },
      },
    });
    writeFileSync(join(home, 'auth.json'), authFile, { mode: 0o600 });
    writeFileSync(
      join(home, 'config.toml'),
      [
        ...config,
        `openai_base_url = "${server.codexBaseUrl}"`,
        `chatgpt_base_url = "${server.chatgptBaseUrl}"`,
        '',
      ].join('\n'),
    );
    const opened = await runTurn({ CODEX_CA_CERTIFICATE: join(home, 'ca.pem') });
    return { opened, body: bodies()[0]! };
  }

  const remote = (slug: string, priority: number, fields: Record<string, unknown> = {}) => ({
    slug,
    display_name: slug,
    visibility: 'list',
    supported_in_api: false,
    priority,
    ...fields,
  });

  it("no model configured: the catalog's first visible entry, shaped by its own defaults", async () => {
    const { opened, body } = await run([
      remote('gpt-5.5', 2),
      remote('gpt-hidden', 0, { visibility: 'hide' }),
      remote('gpt-lite', 3, { use_responses_lite: true }),
      remote('gpt-cat', 1, {
        default_reasoning_level: 'high',
        default_reasoning_summary: 'detailed',
        support_verbosity: true,
        default_verbosity: 'medium',
        context_window: 100_000,
        auto_compact_token_limit: 80_000,
      }),
    ]);
    expect(opened.model).toBe('gpt-cat');
    expect(body.model).toBe('gpt-cat');
    expect(body.reasoning).toEqual({ effort: 'high', summary: 'detailed' });
    expect(body.text).toEqual({ verbosity: 'medium' });
    expect(opened.modelSettings).toMatchObject({ contextWindow: 100_000, autoCompactTokenLimit: 80_000 });
  });

  it('an entry of /models overrides the bundled fields of the same slug, the rest stays bundled', async () => {
    const { body } = await run(
      [remote('gpt-5.5', 1, { default_reasoning_level: 'low' })],
      ['model = "gpt-5.5"'],
    );
    expect(body.reasoning).toEqual({ effort: 'low' });
    expect(body.text).toEqual({ verbosity: 'low' });
  });

  it('service_tier = "fast": sent as priority when the entry lists it, dropped when its service_tiers does not', async () => {
    const listed = await run([remote('gpt-5.5', 1)], ['model = "gpt-5.5"', 'service_tier = "fast"']);
    expect(listed.body).toMatchObject({ service_tier: 'priority' });
    await server?.close();
    rmSync(home!, { recursive: true, force: true });
    const unlisted = await run(
      [remote('gpt-5.5', 1, { service_tiers: [{ id: 'flex' }] })],
      ['model = "gpt-5.5"', 'service_tier = "fast"'],
    );
    expect(unlisted.body).not.toHaveProperty('service_tier');
  });

  it('an empty /models answer: the bundled catalog (default gpt-6.1-sol)', async () => {
    const { opened, body } = await run([]);
    expect(opened.model).toBe('gpt-6.1-sol');
    expect(body.reasoning).toEqual({ effort: 'low', context: 'all_turns' });
    expect(body.text).toEqual({ verbosity: 'low' });
  });
});
