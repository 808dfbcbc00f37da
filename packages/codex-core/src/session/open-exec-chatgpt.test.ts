// openExecConversation choosing credentials (login.md §3) and wiring a ChatGPT login
// (observed-cli-0.169-auth): CODEX_API_KEY and provider keys win over a ChatGPT auth.json, an
// API-key auth.json is unchanged (plus the built-in provider's prompt stamp, observed-cli-0.169 §5),
// and a ChatGPT auth.json gets the Codex backend, discovery, telemetry `chatgpt` and redaction.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collect } from '@codex-ts/client/test';
import { TelemetryMetricNames as M } from '@codex-ts/otel';
import { type InMemoryOtel, inMemoryOtel } from '@codex-ts/otel/test';
import {
  accountsCheck,
  modelsCatalog,
  openAiError,
  type ResponsesServer,
  startResponsesServer,
  textTurn,
  tokenRefreshFailed,
} from '@codex-ts/responses-server';
import { metrics } from '@opentelemetry/api';
import { logs } from '@opentelemetry/api-logs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openExecConversation } from './open-exec.js';

let server: ResponsesServer;
let home: string;
let otel: InMemoryOtel;

const jwt = (claims: Record<string, unknown>) => {
  const enc = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${enc({ alg: 'none', typ: 'JWT' })}.${enc(claims)}.c2ln`;
};
const exp = (offsetMs: number) => Math.floor((Date.now() + offsetMs) / 1000);
const ACCESS = jwt({ exp: exp(3_600_000), tag: 'at-canary-core' });
const EXPIRED = jwt({ exp: exp(-60_000), tag: 'at-canary-core-expired' });
const ID = jwt({
  email: 'user@example.com',
  exp: exp(3_600_000),
  'https://api.openai.com/auth': { chatgpt_plan_type: 'plus', chatgpt_account_id: 'acct-1' },
});
const chatgptFile = (access = ACCESS) =>
  JSON.stringify(
    {
      auth_mode: 'chatgpt',
      OPENAI_API_KEY: null,
      tokens: { id_token: ID, access_token: access, refresh_token: 'rt-canary-core', account_id: 'acct-1' },
      last_refresh: '2026-01-01T00:00:00Z',
    },
    null,
    2,
  );

beforeEach(async () => {
  home = mkdtempSync(join(tmpdir(), 'codex-ts-core-chatgpt-'));
  server = await startResponsesServer({
    tls: { caFile: join(home, 'ca.pem') },
    scenario: { steps: [{ kind: 'sse', events: textTurn({ responseId: 'resp_1', text: 'hi' }) }] },
    wsScenario: { handshakes: [{ kind: 'reject', status: 426 }], responses: [] },
    chatgpt: {
      accountsCheck: { replies: [accountsCheck({ id: 'acct-1', planType: 'team', role: 'account-owner' })] },
      models: { replies: [modelsCatalog([])], repeatLast: true },
    },
  });
  otel = inMemoryOtel();
  metrics.setGlobalMeterProvider(otel.meterProvider);
  logs.setGlobalLoggerProvider(otel.loggerProvider);
});
afterEach(async () => {
  metrics.disable();
  logs.disable();
  await otel.shutdown();
  await server.close();
  rmSync(home, { recursive: true, force: true });
});

function setup(auth: string, config: string[] = []): void {
  writeFileSync(join(home, 'auth.json'), auth, { mode: 0o600 });
  writeFileSync(
    join(home, 'config.toml'),
    [
      'model = "gpt-5.5"',
      `openai_base_url = "${server.codexBaseUrl}"`,
      `chatgpt_base_url = "${server.chatgptBaseUrl}"`,
      ...config,
      '',
    ].join('\n'),
  );
}

async function runOnce(env: Record<string, string> = {}) {
  const opened = await openExecConversation({
    version: '0.169.0',
    env: {
      CODEX_HOME: home,
      CODEX_CA_CERTIFICATE: join(home, 'ca.pem'),
      CODEX_REFRESH_TOKEN_URL_OVERRIDE: server.refreshTokenUrl,
      ...env,
    },
    cwd: home,
  });
  try {
    return { opened, events: await collect(opened.conversation.runTurn('a prompt')) };
  } finally {
    await opened.close();
  }
}

const posts = () => server.requests.filter((q) => q.route === 'responses');
type Item = { role?: string; internal_chat_message_metadata_passthrough?: Record<string, unknown> };

describe('openExecConversation credentials', () => {
  it('a ChatGPT auth.json: Codex backend, discovery entry on the AuthManager, telemetry auth_mode chatgpt', async () => {
    setup(chatgptFile());
    const { opened, events } = await runOnce();
    expect(events.at(-1)?.type).toBe('turn.completed');
    expect(opened.provider.usesCodexBackend).toBe(true);
    expect(opened.authManager?.authCached()).toMatchObject({
      mode: 'chatgpt',
      planType: 'team',
      workspaceRole: 'account-owner',
    });
    expect(opened.modelsCatalog?.models).toEqual([]);
    expect(posts()[0]!.headerMap).toMatchObject({
      authorization: `Bearer ${ACCESS}`,
      'chatgpt-account-id': 'acct-1',
      'content-encoding': 'zstd',
    });
    expect(opened.redactor.redact(`x ${ACCESS} rt-canary-core`)).toBe('x *** ***');
    const [point] = await otel.metricPoints(M.apiRequest);
    expect(point?.attributes.auth_mode).toBe('chatgpt');
  });

  it('CODEX_API_KEY wins over a ChatGPT auth.json (api.openai.com shape, no discovery, no models)', async () => {
    setup(chatgptFile());
    const { opened, events } = await runOnce({ CODEX_API_KEY: 'sk-canary-env' });
    expect(events.at(-1)?.type).toBe('turn.completed');
    expect(opened.authManager).toBeUndefined();
    expect(opened.provider.usesCodexBackend).toBe(false);
    expect(server.requests.map((q) => q.route)).toEqual(['responses']);
    expect(posts()[0]!.headerMap.authorization).toBe('Bearer sk-canary-env');
    expect(posts()[0]!.headerMap).not.toHaveProperty('content-encoding');
  });

  it("a provider's env_key wins over a ChatGPT auth.json, which stays untouched", async () => {
    setup(chatgptFile(), [
      'model_provider = "gw"',
      '[model_providers.gw]',
      'name = "gw"',
      `base_url = "${server.codexBaseUrl}"`,
      'env_key = "GW_KEY"',
    ]);
    const { events } = await runOnce({ GW_KEY: 'gw-canary-key' });
    expect(events.at(-1)?.type).toBe('turn.completed');
    expect(server.requests.map((q) => q.route)).toEqual(['responses']);
    expect(posts()[0]!.headerMap.authorization).toBe('Bearer gw-canary-key');
    expect(readFileSync(join(home, 'auth.json'), 'utf8')).toBe(chatgptFile());
  });

  it('an API-key auth.json works as before; with the built-in provider only the prompt carries {turn_id, create_time}', async () => {
    setup(JSON.stringify({ OPENAI_API_KEY: 'sk-canary-file' }));
    const { events } = await runOnce();
    expect(events.at(-1)?.type).toBe('turn.completed');
    expect(server.requests.map((q) => q.route)).toEqual(['responses']);
    const post = posts()[0]!;
    expect(post.headerMap.authorization).toBe('Bearer sk-canary-file');
    expect(post.headerMap).not.toHaveProperty('chatgpt-account-id');
    const input = (post.json as { input: Item[] }).input;
    const stamps = input.map((i) => i.internal_chat_message_metadata_passthrough);
    expect(stamps.slice(0, -1)).toEqual([undefined, undefined]);
    const stamp = stamps.at(-1)!;
    expect(Object.keys(stamp)).toEqual(['turn_id', 'create_time']);
    expect(stamp.turn_id).toEqual(expect.stringMatching(/^[0-9a-f-]{36}$/));
    expect(Math.abs((stamp.create_time as number) - Date.now() / 1000)).toBeLessThan(60);
  });

  it('forced_login_method = "chatgpt" with an API-key auth.json logs out with the original text', async () => {
    setup(JSON.stringify({ OPENAI_API_KEY: 'sk-canary-file' }), ['forced_login_method = "chatgpt"']);
    await expect(runOnce()).rejects.toThrow(
      'ChatGPT login is required, but an API key is currently being used. Logging out.',
    );
    expect(existsSync(join(home, 'auth.json'))).toBe(false);
    expect(server.requests).toHaveLength(0);
  });

  it('forced_login_method = "api" with a ChatGPT auth.json logs out with the original text', async () => {
    setup(chatgptFile(), ['forced_login_method = "api"']);
    await expect(runOnce()).rejects.toThrow(
      'API key login is required, but ChatGPT is currently being used. Logging out.',
    );
    expect(existsSync(join(home, 'auth.json'))).toBe(false);
  });

  it('a custom provider with an API key stamps nothing', async () => {
    setup('{}', [
      'model_provider = "gw"',
      '[model_providers.gw]',
      'name = "gw"',
      `base_url = "${server.codexBaseUrl}"`,
      'env_key = "GW_KEY"',
    ]);
    await runOnce({ GW_KEY: 'gw-canary-key' });
    const input = (posts()[0]!.json as { input: Item[] }).input;
    expect(input.map((i) => i.internal_chat_message_metadata_passthrough)).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('canaries: a permanent refresh failure and 401s echoing the token export no token', async () => {
    setup(chatgptFile(EXPIRED));
    const echo = openAiError('invalid_request_error', 'token_expired', `bad token ${EXPIRED} rt-canary-core`);
    server.setScenario({ steps: [{ kind: 'error', status: 401, body: echo }], repeatLast: true });
    server.setChatgptRoute('token', {
      replies: [{ ...tokenRefreshFailed('refresh_token_reused'), headers: { 'x-echo': 'rt-canary-core' } }],
      repeatLast: true,
    });
    const logged: string[] = [];
    const opened = await openExecConversation({
      version: '0.169.0',
      env: {
        CODEX_HOME: home,
        CODEX_CA_CERTIFICATE: join(home, 'ca.pem'),
        CODEX_REFRESH_TOKEN_URL_OVERRIDE: server.refreshTokenUrl,
      },
      cwd: home,
      authLog: (_level, message) => logged.push(message),
    });
    let events: unknown[];
    try {
      events = await collect(opened.conversation.runTurn('a prompt'));
    } finally {
      await opened.close();
    }
    expect(JSON.stringify(events.at(-1))).toContain('refresh token was already used');
    expect(logged.length).toBeGreaterThan(0);
    const everything = `${JSON.stringify(events)}\n${logged.join('\n')}\n${await otel.exported()}`;
    for (const canary of ['at-canary-core', 'rt-canary-core', EXPIRED.split('.')[1]!])
      expect(everything).not.toContain(canary);
  });
});
