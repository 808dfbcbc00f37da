import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { ApiError } from '@codex-ts/api';
import { tokenRefreshed, tokenRefreshFailed } from '@codex-ts/responses-server';
import { describe, expect, it } from 'vitest';
import { RefreshFailureTexts } from '../refresh/refresh-token.js';
import {
  accessToken,
  type Backend,
  chatgptAuthJson,
  cleanUpAfterEach,
  httpsBackend,
  idToken,
  loadManager,
  type TempHome,
  tempHome,
} from '../test-support/chatgpt.js';

let home: TempHome;
let backend: Backend | undefined;

cleanUpAfterEach();

const tokenRequests = () => backend?.server.requests.filter((r) => r.route === 'token') ?? [];

describe('AuthManager: ChatGPT tokens from auth.json', () => {
  it('exposes the claims and sends the access token with tokens.account_id; no secret in JSON, inspect or toString', async () => {
    home = await tempHome();
    const access = accessToken(3_600_000);
    await home.write(chatgptAuthJson({ access, accountId: 'acct-file-1111' }));
    const { manager } = await loadManager(home, undefined);
    const auth = await manager.auth();
    expect(auth).toMatchObject({
      mode: 'chatgpt',
      usesCodexBackend: true,
      accountId: 'acct-file-1111',
      chatgptAccountId: 'acct-fake-0000',
      email: 'user@example.com',
      planType: 'pro',
      chatgptUserId: 'user-1',
      lastRefresh: '2026-01-01T00:00:00Z',
      workspaceRole: undefined,
      isWorkspaceOwner: undefined,
    });
    expect(await manager.authHeaders()).toEqual({
      authorization: `Bearer ${access}`,
      'chatgpt-account-id': 'acct-file-1111',
    });
    for (const text of [JSON.stringify(auth), inspect(auth, { showHidden: true, depth: 5 }), String(auth)]) {
      expect(text).not.toContain(access);
      expect(text).not.toContain('rt-fake-v1');
    }
  });

  it('takes the workspace role from setWorkspaceAccount for the same account only', async () => {
    home = await tempHome();
    await home.write(chatgptAuthJson({ access: accessToken(3_600_000) }));
    const { manager } = await loadManager(home, undefined);
    manager.setWorkspaceAccount({ id: 'acct-other', role: 'account-owner' });
    expect(manager.authCached()?.workspaceRole).toBeUndefined();
    manager.setWorkspaceAccount({ id: 'acct-fake-0000', role: 'account-owner', planType: 'team' });
    expect(manager.authCached()).toMatchObject({
      workspaceRole: 'account-owner',
      isWorkspaceOwner: true,
      planType: 'team',
    });
    manager.setWorkspaceAccount({ id: 'acct-fake-0000', role: 'standard-user' });
    expect(manager.authCached()?.isWorkspaceOwner).toBe(false);
  });

  it('does not refresh a valid token (no network), nor one without exp refreshed 7 days ago', async () => {
    home = await tempHome();
    backend = await httpsBackend({ chatgpt: { token: { replies: [tokenRefreshed({ accessToken: 'x' })] } } });
    await home.write(chatgptAuthJson({ access: accessToken(3_600_000) }));
    const before = await home.read();
    const { manager } = await loadManager(home, backend);
    await manager.auth();
    await home.write(
      chatgptAuthJson({
        access: 'eyJhbGciOiJub25lIn0.eyJ0YWciOiJub2V4cCJ9.c2ln',
        lastRefresh: isoDaysAgo(7),
      }),
    );
    await manager.reload();
    await manager.auth();
    expect(tokenRequests()).toHaveLength(0);
    expect(before).toContain('rt-fake-v1');
  });
});

function isoDaysAgo(days: number): string {
  return new Date(Date.now() - days * 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z');
}

describe('AuthManager: proactive refresh (observed §8)', () => {
  it('posts the observed request once and rewrites auth.json in the observed layout', async () => {
    home = await tempHome();
    const newAccess = accessToken(3_600_000, 'v2');
    const newId = idToken('acct-fake-0000', { tag: 'v2' });
    backend = await httpsBackend({
      chatgpt: {
        token: {
          replies: [tokenRefreshed({ idToken: newId, accessToken: newAccess, refreshToken: 'rt-fake-v2' })],
        },
      },
    });
    await home.write(chatgptAuthJson({ access: accessToken(-60_000), accountId: 'acct-file-1111' }));
    const now = new Date(Math.floor(Date.now() / 1000) * 1000 + 55);
    const stamp = `${now.toISOString().slice(0, 19)}.055Z`;
    const { manager, logs } = await loadManager(home, backend, { now: () => now });
    const headers = await manager.authHeaders();
    expect(headers).toEqual({ authorization: `Bearer ${newAccess}`, 'chatgpt-account-id': 'acct-file-1111' });
    const [request, ...more] = tokenRequests();
    expect(more).toHaveLength(0);
    expect(request?.method).toBe('POST');
    // the observed wire order (observed-cli-0.169-auth.md §8)
    expect(request?.headers.map(([name]) => name.toLowerCase())).toEqual([
      'content-type',
      'originator',
      'user-agent',
      'accept',
      'host',
      'content-length',
    ]);
    expect(request?.headerMap).toMatchObject({
      'content-type': 'application/json',
      originator: 'codex_exec',
      'user-agent': 'codex_exec/0.169.0 (Debian 12.0.0; x86_64) xterm',
      accept: '*/*',
    });
    expect(request?.headerMap['content-encoding']).toBeUndefined();
    expect(request?.body).toBe(
      '{"client_id":"app_EMoamEEZ73f0CkXaXp7hrann","grant_type":"refresh_token","refresh_reason":"proactive_expiry","refresh_token":"rt-fake-v1-canary-refresh"}',
    );
    const text = await home.read();
    expect(text).toBe(
      JSON.stringify(
        {
          auth_mode: 'chatgpt',
          OPENAI_API_KEY: null,
          tokens: {
            id_token: newId,
            access_token: newAccess,
            refresh_token: 'rt-fake-v2',
            account_id: 'acct-file-1111',
          },
          last_refresh: stamp,
        },
        null,
        2,
      ),
    );
    expect((await stat(join(home.dir, 'auth.json'))).mode & 0o777).toBe(0o600);
    expect(manager.authCached()?.lastRefresh).toBe(stamp);
    expect(logs).toEqual([]);
  });

  it('writes last_refresh with nanoseconds from the real clock', async () => {
    home = await tempHome();
    backend = await httpsBackend({
      chatgpt: { token: { replies: [tokenRefreshed({ accessToken: accessToken(3_600_000, 'v2') })] } },
    });
    await home.write(chatgptAuthJson({ access: accessToken(-60_000) }));
    const { manager } = await loadManager(home, backend);
    await manager.auth();
    expect(JSON.parse(await home.read()).last_refresh).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3}|\.\d{6}|\.\d{9})?Z$/,
    );
  });

  it('refreshes when there is no exp and last_refresh is 9 days old', async () => {
    home = await tempHome();
    backend = await httpsBackend({
      chatgpt: { token: { replies: [tokenRefreshed({ accessToken: accessToken(3_600_000, 'v2') })] } },
    });
    await home.write(
      chatgptAuthJson({
        access: 'eyJhbGciOiJub25lIn0.eyJ0YWciOiJub2V4cCJ9.c2ln',
        lastRefresh: isoDaysAgo(9),
      }),
    );
    const { manager } = await loadManager(home, backend);
    await manager.auth();
    expect(tokenRequests()).toHaveLength(1);
  });
});

describe('AuthManager: refresh failures', () => {
  const cases = [
    ['refresh_token_reused', RefreshFailureTexts.reused],
    ['refresh_token_expired', RefreshFailureTexts.expired],
    ['refresh_token_invalidated', RefreshFailureTexts.invalidated],
    ['invalid_grant', RefreshFailureTexts.other],
  ] as const;
  for (const [code, text] of cases) {
    it(`${code}: permanent "${text.slice(0, 60)}…", logged, remembered, storage untouched, stale token used`, async () => {
      home = await tempHome();
      backend = await httpsBackend({
        chatgpt: { token: { replies: [tokenRefreshFailed(code)], repeatLast: true } },
      });
      const stale = accessToken(-60_000);
      await home.write(chatgptAuthJson({ access: stale }));
      const before = await home.read();
      const { manager, logs } = await loadManager(home, backend);
      expect(await manager.authHeaders()).toMatchObject({ authorization: `Bearer ${stale}` });
      const error = await manager.refreshToken('unauthorized_recovery').catch((e: unknown) => e);
      expect(ApiError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ code: 'refresh_token_failed', message: text, retryable: false });
      expect(tokenRequests()).toHaveLength(1); // the second attempt made no network call
      expect(logs).toEqual([
        ['error', `Failed to refresh token: ${text}`],
        ['error', `Failed to refresh token: ${text}`],
      ]);
      expect(await home.read()).toBe(before);
    });
  }

  it('a 401 without a known code is permanent too; a 400 invalid_grant is transient', async () => {
    home = await tempHome();
    backend = await httpsBackend({
      chatgpt: {
        token: {
          replies: [{ status: 401, body: 'nope' }, tokenRefreshFailed('invalid_grant', 400, 'bad grant')],
        },
      },
    });
    await home.write(chatgptAuthJson({ access: accessToken(3_600_000) }));
    const { manager } = await loadManager(home, backend);
    await expect(manager.refreshToken('unauthorized_recovery')).rejects.toMatchObject({
      code: 'refresh_token_failed',
      message: RefreshFailureTexts.other,
    });
    await home.write(
      chatgptAuthJson({ access: accessToken(3_600_000), refresh: 'rt-fake-v1-second-refresh' }),
    );
    await manager.reload();
    await expect(manager.refreshToken('unauthorized_recovery')).rejects.toMatchObject({
      code: 'auth_transient',
      message: 'Failed to refresh token: 400 Bad Request: bad grant',
    });
  });

  it('500: transient "Failed to refresh token: 500 Internal Server Error", not remembered, storage untouched', async () => {
    home = await tempHome();
    backend = await httpsBackend({
      chatgpt: { token: { replies: [{ status: 500, body: 'Internal Server Error' }], repeatLast: true } },
    });
    await home.write(chatgptAuthJson({ access: accessToken(-60_000) }));
    const before = await home.read();
    const { manager, logs } = await loadManager(home, backend);
    for (let i = 0; i < 2; i++) {
      await expect(manager.refreshToken('unauthorized_recovery')).rejects.toMatchObject({
        code: 'auth_transient',
        message: 'Failed to refresh token: 500 Internal Server Error',
        retryable: true,
      });
    }
    expect(tokenRequests()).toHaveLength(2);
    expect(logs[0]).toEqual(['error', 'Failed to refresh token: 500 Internal Server Error']);
    expect(await home.read()).toBe(before);
  });

  it('a token endpoint that is down is transient', async () => {
    home = await tempHome();
    await home.write(chatgptAuthJson({ access: accessToken(3_600_000) }));
    const { manager } = await loadManager(home, undefined, {
      refreshTokenUrl: 'https://127.0.0.1:1/oauth/token',
    });
    await expect(manager.refreshToken('unauthorized_recovery')).rejects.toMatchObject({
      code: 'auth_transient',
    });
  });
});

describe('AuthManager: single flight and guarded reload', () => {
  it('concurrent refreshes in one process share one request', async () => {
    home = await tempHome();
    backend = await httpsBackend({
      chatgpt: {
        token: {
          replies: [{ ...tokenRefreshed({ accessToken: accessToken(3_600_000, 'v2') }), delayMs: 100 }],
        },
      },
    });
    await home.write(chatgptAuthJson({ access: accessToken(-60_000) }));
    const { manager } = await loadManager(home, backend);
    await Promise.all([
      manager.authHeaders(),
      manager.authHeaders(),
      manager.refreshToken('unauthorized_recovery'),
    ]);
    expect(tokenRequests()).toHaveLength(1);
  });

  it('an aborted caller stops waiting, but the refresh completes and is stored', async () => {
    home = await tempHome();
    const newAccess = accessToken(3_600_000, 'v2');
    backend = await httpsBackend({
      chatgpt: { token: { replies: [{ ...tokenRefreshed({ accessToken: newAccess }), delayMs: 300 }] } },
    });
    await home.write(chatgptAuthJson({ access: accessToken(-60_000) }));
    const { manager, logs } = await loadManager(home, backend);
    const controller = new AbortController();
    const waiting = manager.refreshToken('unauthorized_recovery', controller.signal);
    setTimeout(() => controller.abort(), 50);
    await expect(waiting).rejects.toMatchObject({ code: 'aborted' });
    expect((await manager.authHeaders()).authorization).toBe(`Bearer ${newAccess}`);
    expect(JSON.parse(await home.read()).tokens.access_token).toBe(newAccess);
    expect(tokenRequests()).toHaveLength(1);
    expect(logs).toEqual([]);
  });

  it('adopts tokens another process stored, without a network call', async () => {
    home = await tempHome();
    backend = await httpsBackend({
      chatgpt: { token: { replies: [tokenRefreshed({ accessToken: 'unused' })] } },
    });
    await home.write(chatgptAuthJson({ access: accessToken(-60_000) }));
    const { manager } = await loadManager(home, backend);
    const fresh = accessToken(3_600_000, 'other-process');
    await home.write(chatgptAuthJson({ access: fresh, refresh: 'rt-fake-v2-other-process' }));
    expect(await manager.authHeaders()).toMatchObject({ authorization: `Bearer ${fresh}` });
    expect(tokenRequests()).toHaveLength(0);
  });

  it('another account (or a deleted auth.json) is the permanent account-mismatch error', async () => {
    home = await tempHome();
    backend = await httpsBackend({
      chatgpt: { token: { replies: [tokenRefreshed({ accessToken: 'unused' })] } },
    });
    await home.write(chatgptAuthJson({ access: accessToken(3_600_000) }));
    const { manager, logs } = await loadManager(home, backend);
    await home.write(
      chatgptAuthJson({
        access: accessToken(3_600_000, 'b'),
        accountId: 'acct-other',
        id: idToken('acct-other'),
      }),
    );
    await expect(manager.refreshToken('unauthorized_recovery')).rejects.toMatchObject({
      code: 'refresh_token_failed',
      message: RefreshFailureTexts.account_mismatch,
    });
    expect(tokenRequests()).toHaveLength(0);
    expect(logs[0]?.[1]).toBe(`Failed to refresh token: ${RefreshFailureTexts.account_mismatch}`);
  });
});

describe('AuthManager.logout during a refresh', () => {
  it('waits for the refresh in flight, which then cannot write auth.json back', async () => {
    home = await tempHome();
    backend = await httpsBackend({
      chatgpt: {
        token: {
          replies: [{ ...tokenRefreshed({ accessToken: accessToken(3_600_000, 'v2') }), delayMs: 400 }],
        },
      },
    });
    await home.write(chatgptAuthJson({ access: accessToken(3_600_000) }));
    const { manager } = await loadManager(home, backend);
    const refresh = manager.refreshToken('unauthorized_recovery');
    // the refresh holds the auth.json lock while it waits for the (delayed) token answer
    const lockDir = join(home.dir, 'auth.json.codex-ts-lock');
    for (let i = 0; i < 200 && !(await stat(lockDir).catch(() => undefined)); i++) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(await stat(lockDir).catch(() => undefined)).toBeDefined();
    expect(await manager.logout()).toBe(true);
    await refresh;
    expect(tokenRequests()).toHaveLength(1);
    await expect(stat(join(home.dir, 'auth.json'))).rejects.toMatchObject({ code: 'ENOENT' });
    expect(manager.authCached()).toBeUndefined();
  });
});
