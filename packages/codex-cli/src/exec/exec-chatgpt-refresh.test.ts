// `codex-ts exec --json` with ChatGPT tokens that need refreshing (observed-cli-0.169-auth §4, §8):
// proactive refresh, 401 recovery on HTTP and WebSocket, discovery's own 401 path, permanent and
// transient refresh failures: requests in order, stdout, stderr, exit code and auth.json afterwards.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { accessToken, idToken } from '@codex-ts/login/test';
import {
  accountsCheck,
  modelsCatalog,
  textTurn,
  tokenRefreshed,
  tokenRefreshFailed,
} from '@codex-ts/responses-server';
import { describe, expect, it } from 'vitest';
import { chatgptAuthJson, chatgptHomes, VALID_TOKEN } from '../test-support/chatgpt-home.js';
import { runCli } from '../test-support/run-cli.js';

const newHome = chatgptHomes();

const MODELS = 'GET /backend-api/codex/models';
const DISCOVERY = 'GET /backend-api/wham/accounts/check';
const RESPONSES = 'POST /backend-api/codex/responses';
const TOKEN = 'POST /oauth/token';

const turn = () => ({
  kind: 'sse' as const,
  events: textTurn({ responseId: 'resp_1', text: 'Hello there!' }),
});
const unauthorized = () => ({
  kind: 'error' as const,
  status: 401,
  body: { error: { message: 'token expired', type: 'invalid_request_error', code: 'token_expired' } },
});
const refusedUpgrade = { handshakes: [{ kind: 'reject' as const, status: 426 }], responses: [] };
const defaultRoutes = {
  accountsCheck: { replies: [accountsCheck({ id: 'acct-fake-0000' })], repeatLast: true },
  models: { replies: [modelsCatalog([])], repeatLast: true },
};

const NEW_ACCESS = accessToken(3_600_000, 'at-canary-new');
const NEW_ID = idToken();
const refreshed = () =>
  tokenRefreshed({ idToken: NEW_ID, accessToken: NEW_ACCESS, refreshToken: 'rt-canary-v2' });

/** auth.json after a successful refresh: the new tokens, `account_id` kept, `last_refresh` with nanoseconds. */
function expectRefreshedFile(text: string): void {
  expect(text.endsWith('\n')).toBe(false);
  const file = JSON.parse(text) as { tokens: Record<string, string>; last_refresh: string };
  expect(Object.keys(file)).toEqual(['auth_mode', 'OPENAI_API_KEY', 'tokens', 'last_refresh']);
  expect(file.tokens).toEqual({
    id_token: NEW_ID,
    access_token: NEW_ACCESS,
    refresh_token: 'rt-canary-v2',
    account_id: 'acct-fake-0000',
  });
  expect(file.last_refresh).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
}

describe('codex-ts exec with ChatGPT token refresh', () => {
  it('expired access token: the refresh is the first request, every later one uses the new token', async () => {
    const h = await newHome({
      auth: chatgptAuthJson({ access: accessToken(-60_000, 'at-canary-expired') }),
      chatgpt: { ...defaultRoutes, token: { replies: [refreshed()] } },
      server: { scenario: { steps: [turn()] }, wsScenario: refusedUpgrade },
    });
    // The empty lock files the original CLI leaves in a CODEX_HOME it has refreshed in (§2).
    writeFileSync(join(h.home, 'auth.json.lock'), '', { mode: 0o600 });
    writeFileSync(join(h.home, 'auth.lock'), '', { mode: 0o644 });
    const r = await runCli(['exec', '--json', 'Say hello.'], { home: h.home, env: h.env });
    expect(r.stderr).not.toContain('ERROR');
    expect(r.code).toBe(0);
    expect(h.trace()).toEqual([TOKEN, MODELS, DISCOVERY, 'UPGRADE 426', RESPONSES]);
    const [refresh, ...rest] = h.server.requests;
    expect(refresh!.json).toEqual({
      client_id: 'app_EMoamEEZ73f0CkXaXp7hrann',
      grant_type: 'refresh_token',
      refresh_reason: 'proactive_expiry',
      refresh_token: 'rt-canary-refresh-v1',
    });
    for (const q of rest) expect(q.headerMap.authorization).toBe(`Bearer ${NEW_ACCESS}`);
    expect(h.server.handshakes[0]!.headerMap.authorization).toBe(`Bearer ${NEW_ACCESS}`);
    expectRefreshedFile(h.readAuth());
  });

  it('HTTP 401 once: the same token is sent again, no refresh, nothing printed, auth.json untouched', async () => {
    const h = await newHome({
      server: { scenario: { steps: [unauthorized(), turn()] }, wsScenario: refusedUpgrade },
    });
    const r = await runCli(['exec', '--json', 'Say hello.'], { home: h.home, env: h.env });
    expect(r.code).toBe(0);
    expect(r.stderr).not.toContain('ERROR');
    expect(r.stdout).not.toContain('"type":"error"');
    expect(h.trace()).toEqual([MODELS, DISCOVERY, 'UPGRADE 426', RESPONSES, RESPONSES]);
    const posts = h.server.requests.filter((q) => q.route === 'responses');
    expect(posts.map((q) => q.headerMap.authorization)).toEqual([
      `Bearer ${VALID_TOKEN}`,
      `Bearer ${VALID_TOKEN}`,
    ]);
    expect(h.readAuth()).toBe(h.authBefore);
  });

  it('HTTP 401 twice: refresh (unauthorized_recovery), discovery with the new token, the request with it', async () => {
    const h = await newHome({
      chatgpt: { ...defaultRoutes, token: { replies: [refreshed()] } },
      server: { scenario: { steps: [unauthorized(), unauthorized(), turn()] }, wsScenario: refusedUpgrade },
    });
    const r = await runCli(['exec', '--json', 'Say hello.'], { home: h.home, env: h.env });
    expect(r.stderr).not.toContain('ERROR');
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('"type":"error"');
    expect(h.trace()).toEqual([
      MODELS,
      DISCOVERY,
      'UPGRADE 426',
      RESPONSES,
      RESPONSES,
      TOKEN,
      DISCOVERY,
      RESPONSES,
    ]);
    const refresh = h.server.requests.find((q) => q.route === 'token')!;
    expect((refresh.json as { refresh_reason: string }).refresh_reason).toBe('unauthorized_recovery');
    const discoveries = h.server.requests.filter((q) => q.route === 'accountsCheck');
    expect(discoveries.map((q) => q.headerMap.authorization)).toEqual([
      `Bearer ${VALID_TOKEN}`,
      `Bearer ${NEW_ACCESS}`,
    ]);
    const last = h.server.requests.at(-1)!;
    expect(last.headerMap.authorization).toBe(`Bearer ${NEW_ACCESS}`);
    expect(last.headerMap['content-encoding']).toBe('zstd');
    expectRefreshedFile(h.readAuth());
  });

  it('WebSocket handshake 401 once: the same token again, no refresh, auth.json untouched', async () => {
    const h = await newHome({
      server: {
        wsScenario: {
          handshakes: [{ kind: 'reject', status: 401 }],
          responses: [{ events: textTurn({ responseId: 'resp_1', text: 'Hello there!' }) }],
        },
      },
    });
    const r = await runCli(['exec', '--json', 'Say hello.'], { home: h.home, env: h.env });
    expect(r.stderr).not.toContain('ERROR');
    expect(r.code).toBe(0);
    expect(h.trace()).toEqual([MODELS, DISCOVERY, 'UPGRADE 401', 'UPGRADE 101']);
    expect(h.server.handshakes.map((s) => s.headerMap.authorization)).toEqual([
      `Bearer ${VALID_TOKEN}`,
      `Bearer ${VALID_TOKEN}`,
    ]);
    expect(h.readAuth()).toBe(h.authBefore);
  });

  it('WebSocket handshake 401 twice: refresh, discovery, then the handshake with the new token', async () => {
    const h = await newHome({
      chatgpt: { ...defaultRoutes, token: { replies: [refreshed()] } },
      server: {
        wsScenario: {
          handshakes: [
            { kind: 'reject', status: 401 },
            { kind: 'reject', status: 401 },
          ],
          responses: [{ events: textTurn({ responseId: 'resp_1', text: 'Hello there!' }) }],
        },
      },
    });
    const r = await runCli(['exec', '--json', 'Say hello.'], { home: h.home, env: h.env });
    expect(r.stderr).not.toContain('ERROR');
    expect(r.code).toBe(0);
    expect(h.trace()).toEqual([
      MODELS,
      DISCOVERY,
      'UPGRADE 401',
      'UPGRADE 401',
      TOKEN,
      DISCOVERY,
      'UPGRADE 101',
    ]);
    expect(h.server.handshakes.map((s) => s.headerMap.authorization)).toEqual([
      `Bearer ${VALID_TOKEN}`,
      `Bearer ${VALID_TOKEN}`,
      `Bearer ${NEW_ACCESS}`,
    ]);
    expectRefreshedFile(h.readAuth());
  });

  it('WebSocket error frame 401 once: the request again with the same token, no refresh, nothing printed', async () => {
    const h = await newHome({
      server: {
        wsScenario: {
          responses: [
            {
              errorFrame: { status: 401, error: { type: 'invalid_request_error', message: 'token expired' } },
            },
            { events: textTurn({ responseId: 'resp_1', text: 'Hello there!' }) },
          ],
          repeatLast: true,
        },
      },
    });
    const r = await runCli(['exec', '--json', 'Say hello.'], { home: h.home, env: h.env });
    expect(r.stderr).not.toContain('ERROR');
    expect(r.code).toBe(0);
    expect(r.lines.map((l) => (JSON.parse(l) as { type: string }).type)).toEqual([
      'thread.started',
      'turn.started',
      'item.completed',
      'turn.completed',
    ]);
    expect(h.trace()).not.toContain(TOKEN);
    expect(h.server.handshakes.map((s) => s.headerMap.authorization)).toEqual(
      h.server.handshakes.map(() => `Bearer ${VALID_TOKEN}`),
    );
    expect(h.readAuth()).toBe(h.authBefore);
  });

  it('WebSocket error frame 401 twice: refresh, discovery, then the request with the new token', async () => {
    const frame401 = {
      errorFrame: { status: 401, error: { type: 'invalid_request_error', message: 'token expired' } },
    };
    const h = await newHome({
      chatgpt: { ...defaultRoutes, token: { replies: [refreshed()] } },
      server: {
        wsScenario: {
          responses: [
            frame401,
            frame401,
            { events: textTurn({ responseId: 'resp_1', text: 'Hello there!' }) },
          ],
          repeatLast: true,
        },
      },
    });
    const r = await runCli(['exec', '--json', 'Say hello.'], { home: h.home, env: h.env });
    expect(r.stderr).not.toContain('ERROR');
    expect(r.code).toBe(0);
    expect(r.lines.filter((l) => l.includes('Reconnecting'))).toEqual([]);
    const trace = h.trace();
    expect(trace.filter((t) => t === TOKEN)).toHaveLength(1);
    // Discovery again with the new token after the refresh, before the request is resent.
    expect(trace.slice(trace.indexOf(TOKEN) + 1)[0]).toBe(DISCOVERY);
    expect(h.server.handshakes.at(-1)?.headerMap.authorization).toBe(`Bearer ${NEW_ACCESS}`);
    expectRefreshedFile(h.readAuth());
  });

  it('discovery 401 twice: reload, refresh, discovery with the new token, then the turn; nothing printed', async () => {
    const h = await newHome({
      chatgpt: {
        models: defaultRoutes.models,
        accountsCheck: {
          replies: [
            { status: 401, body: { error: { message: 'unauthorized' } } },
            { status: 401, body: { error: { message: 'unauthorized' } } },
            accountsCheck({ id: 'acct-fake-0000' }),
          ],
          repeatLast: true,
        },
        token: { replies: [refreshed()] },
      },
      server: { scenario: { steps: [turn()] }, wsScenario: refusedUpgrade },
    });
    const r = await runCli(['exec', '--json', 'Say hello.'], { home: h.home, env: h.env });
    expect(r.stderr).not.toContain('ERROR');
    expect(r.code).toBe(0);
    expect(h.trace()).toEqual([MODELS, DISCOVERY, DISCOVERY, TOKEN, DISCOVERY, 'UPGRADE 426', RESPONSES]);
    expect(h.server.requests.at(-1)!.headerMap.authorization).toBe(`Bearer ${NEW_ACCESS}`);
    expectRefreshedFile(h.readAuth());
  });
});

const PERMANENT: [string, string][] = [
  [
    'refresh_token_reused',
    'Your access token could not be refreshed because your refresh token was already used. Please log out and sign in again.',
  ],
  [
    'refresh_token_expired',
    'Your access token could not be refreshed because your refresh token has expired. Please log out and sign in again.',
  ],
  [
    'refresh_token_invalidated',
    'Your access token could not be refreshed because your refresh token was revoked. Please log out and sign in again.',
  ],
  ['invalid_grant', 'Your access token could not be refreshed. Please log out and sign in again.'],
];

describe('codex-ts exec with a failing token endpoint', () => {
  it.each(PERMANENT)(
    'permanent failure %s: logged on stderr, stale token sent twice, turn.failed, exit 1',
    async (code, text) => {
      const expired = accessToken(-60_000, 'at-canary-expired');
      const h = await newHome({
        auth: chatgptAuthJson({ access: expired }),
        chatgpt: { ...defaultRoutes, token: { replies: [tokenRefreshFailed(code)], repeatLast: true } },
        server: { scenario: { steps: [unauthorized(), unauthorized()] }, wsScenario: refusedUpgrade },
      });
      const r = await runCli(['exec', '--json', 'Say hello.'], { home: h.home, env: h.env });
      expect(r.code).toBe(1);
      const errorLines = r.stderr.split('\n').filter((l) => l.includes('codex_login'));
      expect(errorLines.length).toBeGreaterThanOrEqual(1);
      for (const line of errorLines)
        expect(line).toBe(`ERROR codex_login::auth::manager: Failed to refresh token: ${text}`);
      const posts = h.server.requests.filter((q) => q.route === 'responses');
      expect(posts.map((q) => q.headerMap.authorization)).toEqual([`Bearer ${expired}`, `Bearer ${expired}`]);
      expect(r.lines.slice(-2)).toEqual([
        JSON.stringify({ type: 'error', message: text }),
        JSON.stringify({ type: 'turn.failed', error: { message: text } }),
      ]);
      expect(h.readAuth()).toBe(h.authBefore);
    },
  );

  it('transient failure (500): "Reconnecting... N/5 (Failed to refresh token: 500 Internal Server Error)", then turn.failed', async () => {
    const h = await newHome({
      chatgpt: {
        ...defaultRoutes,
        token: { replies: [{ status: 500, body: 'Internal Server Error' }], repeatLast: true },
      },
      server: {
        scenario: { steps: Array.from({ length: 12 }, unauthorized) },
        wsScenario: refusedUpgrade,
      },
    });
    const r = await runCli(['exec', '--json', 'Say hello.'], { home: h.home, env: h.env, timeoutMs: 40_000 });
    expect(r.code).toBe(1);
    const text = 'Failed to refresh token: 500 Internal Server Error';
    const notices = r.lines.filter((l) => l.includes('Reconnecting'));
    expect(notices).toEqual(
      [1, 2, 3, 4, 5].map((n) =>
        JSON.stringify({ type: 'error', message: `Reconnecting... ${n}/5 (${text})` }),
      ),
    );
    expect(r.lines.slice(-2)).toEqual([
      JSON.stringify({ type: 'error', message: text }),
      JSON.stringify({ type: 'turn.failed', error: { message: text } }),
    ]);
    expect(h.server.requests.filter((q) => q.route === 'responses')).toHaveLength(12);
    expect(r.stderr).toContain(`ERROR codex_login::auth::manager: ${text}`);
    expect(h.readAuth()).toBe(h.authBefore);
  }, 60_000);
});
