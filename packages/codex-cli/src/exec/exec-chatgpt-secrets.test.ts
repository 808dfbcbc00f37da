// Canary scan for ChatGPT logins: every error path with tokens the server echoes back (401 bodies,
// refresh failures, discovery 401s, a corrupt auth.json holding a token), and nothing the process
// prints contains a token. Plus two `codex-ts` processes refreshing the same expired login at once.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { accessToken, idToken } from '@codex-ts/login/test';
import {
  accountsCheck,
  modelsCatalog,
  openAiError,
  textTurn,
  tokenRefreshed,
  tokenRefreshFailed,
} from '@codex-ts/responses-server';
import { describe, expect, it } from 'vitest';
import { chatgptAuthJson, chatgptHomes } from '../test-support/chatgpt-home.js';
import { type CliResult, runCli } from '../test-support/run-cli.js';

const newHome = chatgptHomes();

const ACCESS = accessToken(-60_000, 'at-canary-secret');
const REFRESH = 'rt-canary-secret-refresh';
const NEW_ACCESS = accessToken(3_600_000, 'at-canary-secret-new');
const CANARIES = [
  ACCESS,
  REFRESH,
  NEW_ACCESS,
  'rt-canary-secret-v2',
  ACCESS.split('.')[1]!,
  NEW_ACCESS.split('.')[1]!,
];
const refusedUpgrade = { handshakes: [{ kind: 'reject' as const, status: 426 }], responses: [] };
const echo401 = () => ({
  kind: 'error' as const,
  status: 401,
  headers: { 'x-echo': `Bearer ${ACCESS}` },
  body: openAiError('invalid_request_error', 'token_expired', `token ${ACCESS} refresh ${REFRESH}`),
});

function expectNoCanary(r: CliResult): void {
  const printed = `${r.stdout}\n${r.stderr}`;
  for (const canary of CANARIES) expect(printed).not.toContain(canary);
}

describe('ChatGPT login canaries: nothing printed contains a token', () => {
  it('permanent refresh failure echoing the refresh token, 401s echoing the access token', async () => {
    const h = await newHome({
      auth: chatgptAuthJson({ access: ACCESS, refresh: REFRESH }),
      chatgpt: {
        accountsCheck: { replies: [accountsCheck({ id: 'acct-fake-0000' })], repeatLast: true },
        models: { replies: [{ status: 500, body: `models down for ${ACCESS}` }], repeatLast: true },
        token: {
          replies: [tokenRefreshFailed('invalid_grant', 401, `bad refresh token ${REFRESH}`)],
          repeatLast: true,
        },
      },
      server: { scenario: { steps: [echo401()], repeatLast: true }, wsScenario: refusedUpgrade },
    });
    const r = await runCli(['exec', '--json', 'Say hello.'], { home: h.home, env: h.env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('ERROR codex_login::auth::manager: Failed to refresh token:');
    expect(r.lines.at(-1)).toContain('turn.failed');
    expectNoCanary(r);
  });

  it('discovery 401s echoing the token, then a refresh failure', async () => {
    const h = await newHome({
      auth: chatgptAuthJson({ access: accessToken(3_600_000, 'at-canary-secret'), refresh: REFRESH }),
      chatgpt: {
        models: { replies: [modelsCatalog([])], repeatLast: true },
        accountsCheck: {
          replies: [{ status: 401, body: { error: { message: `no ${REFRESH}` } } }],
          repeatLast: true,
        },
        token: {
          replies: [tokenRefreshFailed('refresh_token_expired', 401, `expired ${REFRESH}`)],
          repeatLast: true,
        },
      },
      server: { wsScenario: refusedUpgrade },
    });
    const r = await runCli(['exec', '--json', 'Say hello.'], { home: h.home, env: h.env });
    expect(r.code).toBe(1);
    expect(r.lines.at(-1)).toBe(
      JSON.stringify({
        type: 'turn.failed',
        error: {
          message:
            'Your access token could not be refreshed because your refresh token has expired. Please log out and sign in again.',
        },
      }),
    );
    expect(h.server.requests.filter((q) => q.route === 'responses')).toHaveLength(0);
    expectNoCanary(r);
  });

  it('transient refresh failures whose JSON error echoes the refresh token', async () => {
    const h = await newHome({
      auth: chatgptAuthJson({ access: ACCESS, refresh: REFRESH }),
      chatgpt: {
        accountsCheck: { replies: [accountsCheck({ id: 'acct-fake-0000' })], repeatLast: true },
        models: { replies: [modelsCatalog([])], repeatLast: true },
        token: {
          replies: [{ status: 500, body: openAiError('server_error', 'oops', `retry ${REFRESH}`) }],
          repeatLast: true,
        },
      },
      server: { scenario: { steps: [echo401()], repeatLast: true }, wsScenario: refusedUpgrade },
    });
    const r = await runCli(['exec', '--json', 'Say hello.'], { home: h.home, env: h.env, timeoutMs: 40_000 });
    expect(r.code).toBe(1);
    // The echoed refresh token reaches the printed message, masked.
    expect(r.stdout).toContain(
      'Reconnecting... 5/5 (Failed to refresh token: 500 Internal Server Error: retry ***)',
    );
    expectNoCanary(r);
  }, 60_000);

  it('a truncated auth.json holding a token', async () => {
    const h = await newHome({ server: { wsScenario: refusedUpgrade } });
    writeFileSync(
      join(h.home, 'auth.json'),
      `{"auth_mode":"chatgpt","tokens":{"access_token":"${ACCESS}","refresh_token":"${REFRESH}`,
    );
    const r = await runCli(['exec', '--json', 'Say hello.'], { home: h.home, env: h.env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('auth.json');
    expectNoCanary(r);
  });
});

describe('two codex-ts processes with the same expired login', () => {
  it('one refresh on the wire, the newest tokens on disk, both turns work with them', async () => {
    const turn = () => ({
      kind: 'sse' as const,
      events: textTurn({ responseId: 'resp_1', text: 'Hello there!' }),
    });
    const h = await newHome({
      auth: chatgptAuthJson({ access: ACCESS, refresh: REFRESH }),
      chatgpt: {
        accountsCheck: { replies: [accountsCheck({ id: 'acct-fake-0000' })], repeatLast: true },
        models: { replies: [modelsCatalog([])], repeatLast: true },
        token: {
          replies: [
            tokenRefreshed({
              idToken: idToken(),
              accessToken: NEW_ACCESS,
              refreshToken: 'rt-canary-secret-v2',
            }),
            tokenRefreshFailed('refresh_token_reused'),
          ],
        },
      },
      server: {
        scenario: { steps: [turn(), turn()] },
        wsScenario: {
          handshakes: [
            { kind: 'reject', status: 426 },
            { kind: 'reject', status: 426 },
          ],
          responses: [],
        },
      },
    });
    const [a, b] = await Promise.all([
      runCli(['exec', '--json', 'Say hello.'], { home: h.home, env: h.env, timeoutMs: 40_000 }),
      runCli(['exec', '--json', 'Say hello.'], { home: h.home, env: h.env, timeoutMs: 40_000 }),
    ]);
    for (const r of [a!, b!]) {
      expect(r.stderr).not.toContain('ERROR');
      expect(r.code).toBe(0);
      expectNoCanary(r);
    }
    expect(h.server.requests.filter((q) => q.route === 'token')).toHaveLength(1);
    const posts = h.server.requests.filter((q) => q.route === 'responses');
    expect(posts.map((q) => q.headerMap.authorization)).toEqual([
      `Bearer ${NEW_ACCESS}`,
      `Bearer ${NEW_ACCESS}`,
    ]);
    const file = JSON.parse(h.readAuth()) as { tokens: Record<string, string> };
    expect(file.tokens).toMatchObject({ access_token: NEW_ACCESS, refresh_token: 'rt-canary-secret-v2' });
  }, 60_000);
});
